#pragma once
// Subcommands live one per file (cmd_<name>.cpp) and register themselves at start-up:
//
//   namespace { void setup(CLI::App& app, spl::cli::Outcome& outcome) { ... } }
//   SPL_CLI_COMMAND(check, setup);

#include <CLI/CLI.hpp>

namespace spl::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found problems (e.g. errors in sources)
inline constexpr int kExitUsage = 2;    // bad command line

// A subcommand callback sets the exit code here; main returns it.
struct Outcome {
  int exit_code = kExitOk;
};

using CommandSetup = void (*)(CLI::App& app, Outcome& outcome);

// Called from static initialisers; returns true so it can initialise a namespace-scope flag.
bool register_command(const char* name, CommandSetup setup);

// Adds every registered subcommand to app, in name order (stable --help output).
void add_registered_commands(CLI::App& app, Outcome& outcome);

}  // namespace spl::cli

#define SPL_CLI_COMMAND(name, setup_fn) \
  [[maybe_unused]] static const bool spl_cli_registered_##name = ::spl::cli::register_command(#name, setup_fn)
