#include <iostream>
#include <memory>

#include "commands.hpp"
#include "spl/lsp/stdio.hpp"
#include "spl_version.hpp"

namespace {

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto* cmd = app.add_subcommand("lsp", "Run the language server (LSP over stdin/stdout; see docs/editors.md)");
  // Editors' clients pass --stdio by default; it is the only transport.
  auto stdio = std::make_shared<bool>(true);
  cmd->add_flag("--stdio", *stdio, "talk over stdin and stdout (the default and only transport)");
  cmd->callback([&outcome, stdio] {
    // Unsynchronised streams are buffered: the framing reads byte by byte.
    std::ios::sync_with_stdio(false);
    outcome.exit_code = spl::lsp::serve(std::cin, std::cout, {"spl", SPL_VERSION_STRING});
  });
}

}  // namespace

SPL_CLI_COMMAND(lsp, setup);
