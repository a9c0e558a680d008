#include <fmt/core.h>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "spl_version.hpp"

namespace {
bool is_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(name)) return true;
  }
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace spl::cli;
  CLI::App app{"spl: tools for the Simple language (check, fix, parse, jit, ...)", "spl"};
  app.set_version_flag("--version", std::string("spl ") + SPL_VERSION_STRING);
  app.require_subcommand(1);
  app.fallthrough(false);

  Outcome outcome;
  add_registered_commands(app, outcome);

  if (argc > 1 && argv[1][0] != '-' && !is_subcommand(app, argv[1])) {
    fmt::print(stderr, "spl: error: unknown subcommand '{}'\n", argv[1]);
    fmt::print(stderr, "run 'spl --help' for the list of subcommands\n");
    return kExitUsage;
  }
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
