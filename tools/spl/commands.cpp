#include "commands.hpp"

#include <map>
#include <string>

namespace spl::cli {

namespace {
// A function-local static: registration runs during static initialisation of other files.
std::map<std::string, CommandSetup>& registry() {
  static std::map<std::string, CommandSetup> commands;
  return commands;
}
}  // namespace

bool register_command(const char* name, CommandSetup setup) {
  registry().emplace(name, setup);
  return true;
}

void add_registered_commands(CLI::App& app, Outcome& outcome) {
  for (const auto& [name, setup] : registry()) setup(app, outcome);
}

}  // namespace spl::cli
