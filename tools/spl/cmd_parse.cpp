#include <fmt/core.h>

#include "commands.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/parser.hpp"

namespace {

struct ParseArgs {
  std::string file;
  bool dump = false;
  bool details = false;
};

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<ParseArgs>();
  auto* cmd = app.add_subcommand("parse", "Parse a .spl file; --dump prints the syntax tree");
  cmd->add_option("FILE", args->file, "the .spl file")->required();
  cmd->add_flag("--dump", args->dump, "print the tree (kind, byte span, main token, completeness)");
  cmd->add_flag("--details", args->details, "with --dump, also print each node's flags and operator");
  cmd->callback([args, &outcome] {
    using namespace spl::syntax;
    auto text = read_file(args->file);
    if (!text) {
      fmt::print(stderr, "spl parse: error: cannot read {}\n", args->file);
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    SourceFile file(args->file, std::move(*text));
    spl::Arena arena;
    std::vector<Diagnostic> diags;
    ParseResult result = parse(file.text(), arena, diags);
    if (args->dump) fmt::print("{}", dump_tree(result.root, file.text(), result.tokens, args->details));
    for (const Diagnostic& d : diags) fmt::print(stderr, "{}", render_text(file, d));
    outcome.exit_code = count_errors(diags) > 0 ? spl::cli::kExitFailure : spl::cli::kExitOk;
  });
}

}  // namespace

SPL_CLI_COMMAND(parse, setup);
