#include <fmt/core.h>

#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "spl/vm/disasm.hpp"
#include "spl/vm/spec_runtime.hpp"
#include "spl/vm/vm.hpp"

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> args;
  bool disasm = false;
};

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a Simple program: its top-level statements, then main() if it has one");
  cmd->add_option("FILE", args->file, "the .spl file to run")->required();
  cmd->add_option("ARGS", args->args, "arguments for the program (args() in Simple)");
  cmd->add_flag("--disasm", args->disasm, "print the bytecode of every compiled function to stderr, then run");
  cmd->prefix_command();
  cmd->callback([args, &outcome] {
    std::ios::sync_with_stdio(false);
    spl::vm::Options options;
    options.color = ::isatty(STDERR_FILENO);
    int code = spl::cli::kExitFailure;
    {
      spl::vm::Vm vm(options);
      try {
        code = vm.run_file(args->file, args->args);
        // A spec file run directly fails like `spl test` would when an example failed.
        if (vm.spec && code == 0)
          for (const auto& r : vm.spec->results)
            if (r.status == spl::vm::SpecResult::Status::Failed) code = spl::cli::kExitFailure;
      } catch (const spl::vm::Panic& p) {
        std::cout.flush();
        spl::vm::Vm::print_panic(p, std::cerr);
        code = spl::cli::kExitFailure;
      } catch (const spl::vm::CompileError& e) {
        std::cout.flush();
        if (std::string_view(e.what()).find("cannot read") != std::string_view::npos) fmt::print(stderr, "spl run: error: {}\n", e.what());
        code = spl::cli::kExitFailure;
      }
      if (args->disasm)
        for (const auto& p : vm.protos()) std::cerr << spl::vm::disassemble(*p);
      std::cout.flush();
    }
    outcome.exit_code = code;
  });
}

}  // namespace

SPL_CLI_COMMAND(run, setup);
