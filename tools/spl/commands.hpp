#pragma once
// Every subcommand lives in its own cmd_<name>.cpp and is registered here.

#include <CLI/CLI.hpp>

namespace spl::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found problems (e.g. errors in sources)
inline constexpr int kExitUsage = 2;    // bad command line

// A subcommand sets this from its callback; main returns it.
struct Outcome {
  int exit_code = kExitOk;
};

void register_version(CLI::App& app, Outcome& outcome);

}  // namespace spl::cli
