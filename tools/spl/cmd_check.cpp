#include <fmt/core.h>

#include <unistd.h>

#include "commands.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/mistakes.hpp"
#include "spl/syntax/parser.hpp"
#include "spl/sema/sema.hpp"

namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string colour = "auto";
  bool list_codes = false;
};

void list_codes() {
  using namespace spl::syntax;
  for (const CodeInfo& c : diagnostic_codes()) fmt::print("{}\t{}\t{}\n", c.code, severity_name(c.severity), c.summary);
  for (const CodeInfo& c : spl::sema::diagnostic_codes())
    fmt::print("{}\t{}\t{}\n", c.code, severity_name(c.severity), c.summary);
  for (const MistakeCase& m : mistake_catalogue()) fmt::print("{}\t{}\t{}\n", m.code, language_name(m.language), m.title);
}

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Parse and analyse .spl files or folders and report diagnostics (exit 1 on errors)");
  cmd->add_option("PATH", args->paths, "files or folders (searched recursively for .spl files)");
  cmd->add_option("--format", args->format, "text (rustc style) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--color", args->colour, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("--list-codes", args->list_codes, "print every diagnostic code and exit");
  cmd->callback([args, &outcome] {
    using namespace spl::syntax;
    if (args->list_codes) {
      list_codes();
      return;
    }
    if (args->paths.empty()) {
      fmt::print(stderr, "spl check: error: give at least one file or folder\n");
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    std::vector<std::string> missing;
    std::vector<std::string> files = collect_sources(args->paths, missing);
    for (const std::string& m : missing) fmt::print(stderr, "spl check: error: no such file or folder: {}\n", m);
    if (!missing.empty()) {
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    RenderOptions render;
    render.colour = args->colour == "always" || (args->colour == "auto" && ::isatty(STDERR_FILENO));
    bool json = args->format == "json";
    std::size_t errors = 0, warnings = 0;
    spl::Arena arena;
    for (const std::string& path : files) {
      auto text = read_file(path);
      if (!text) {
        fmt::print(stderr, "spl check: error: cannot read {}\n", path);
        ++errors;
        continue;
      }
      SourceFile file(path, std::move(*text));
      std::vector<Diagnostic> diags;
      arena.reset();
      ParseResult parsed = parse(file.text(), arena, diags);
      // Semantic checks run on every tree, partial ones included; after syntax errors they stay
      // quiet about anything a skipped part could explain (docs/sema.md).
      spl::sema::Options sema_options = spl::sema::options_after(diags);
      sema_options.path = path;
      for (Diagnostic& d : spl::sema::analyze(parsed.root, file.text(), parsed.tokens, sema_options))
        diags.push_back(std::move(d));
      for (const Diagnostic& d : diags) {
        if (d.severity == Severity::Error) ++errors;
        if (d.severity == Severity::Warning) ++warnings;
        if (json) {
          fmt::print("{}\n", render_json(file, d));
        } else {
          fmt::print(stderr, "{}\n", render_text(file, d, render));
        }
      }
    }
    if (!json && (errors > 0 || warnings > 0)) {
      fmt::print(stderr, "{} file(s) checked: {} error(s), {} warning(s)\n", files.size(), errors, warnings);
    }
    outcome.exit_code = errors > 0 ? spl::cli::kExitFailure : spl::cli::kExitOk;
  });
}

}  // namespace

SPL_CLI_COMMAND(check, setup);
