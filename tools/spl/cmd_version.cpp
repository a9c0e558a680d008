#include <fmt/core.h>

#include "commands.hpp"
#include "spl_version.hpp"

namespace {

void setup(CLI::App& app, spl::cli::Outcome&) {
  auto* cmd = app.add_subcommand("version", "Print the spl version and build configuration");
  cmd->callback([] {
    fmt::print("spl {}\n", SPL_VERSION_STRING);
#ifdef NDEBUG
    fmt::print("build: optimised\n");
#else
    fmt::print("build: debug (assertions on)\n");
#endif
  });
}

}  // namespace

SPL_CLI_COMMAND(version, setup);
