#include <fmt/core.h>

#include "commands.hpp"
#include "spl_version.hpp"

namespace spl::cli {

void register_version(CLI::App& app, Outcome&) {
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

}  // namespace spl::cli
