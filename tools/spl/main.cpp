#include <fmt/core.h>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "spl_version.hpp"

int main(int argc, char** argv) {
  using namespace spl::cli;
  CLI::App app{"spl: tools for the Simple language (check, fix, parse, jit, ...)", "spl"};
  app.set_version_flag("--version", std::string("spl ") + SPL_VERSION_STRING);
  app.require_subcommand(1);
  app.fallthrough(false);

  Outcome outcome;
  register_version(app, outcome);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "spl: error: {}\n", e.what());
    fmt::print(stderr, "run 'spl --help' for the list of subcommands and flags\n");
    return kExitUsage;
  }
  return outcome.exit_code;
}
