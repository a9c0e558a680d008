#include <fmt/core.h>

#include <unistd.h>

#include <iostream>
#include <string>

#include "commands.hpp"
#include "spl/vm/vm.hpp"

namespace {

bool brackets_open(const std::string& entry) {
  int depth = 0;
  for (char c : entry) {
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
  }
  return depth > 0;
}

bool opens_block(const std::string& line) {
  std::string_view t(line);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
  return !t.empty() && t.back() == ':';
}

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "repl", "Read Simple entries from stdin and run each one; an expression's value is printed. "
              "A line ending with `:` continues until a blank line. Ends at end of input or `:quit`");
  cmd->callback([&outcome] {
    const bool interactive = ::isatty(STDIN_FILENO);
    spl::vm::Options options;
    options.color = ::isatty(STDERR_FILENO);
    spl::vm::Vm vm(options);
    auto prompt = [&](const char* p) {
      if (!interactive) return;
      std::cout << p;
      std::cout.flush();
    };
    // An entry goes on while brackets are open; one that opened a block (a line ending with `:`)
    // goes on until a blank line, as in Python's REPL.
    std::string entry;
    std::string line;
    bool in_block = false;
    prompt(">>> ");
    while (std::getline(std::cin, line)) {
      if (entry.empty() && (line == ":quit" || line == ":q")) break;
      entry += line;
      entry += '\n';
      bool open = brackets_open(entry);
      if (!open && opens_block(line)) in_block = true;
      if (open || (in_block && !blank(line))) {
        prompt("... ");
        continue;
      }
      in_block = false;
      if (!blank(entry)) {
        try {
          spl::vm::Value v = vm.run_repl_entry(entry);
          if (!v.is_nil()) std::cout << spl::vm::to_repr(v) << '\n';
          spl::vm::release(v);
        } catch (const spl::vm::Panic& p) {
          std::cout.flush();
          spl::vm::Vm::print_panic(p, std::cerr);
        } catch (const spl::vm::CompileError&) {
          // The diagnostics are printed already; the session goes on.
        }
        std::cout.flush();
      }
      entry.clear();
      prompt(">>> ");
    }
    if (interactive) std::cout << '\n';
    outcome.exit_code = 0;
  });
}

}  // namespace

SPL_CLI_COMMAND(repl, setup);
