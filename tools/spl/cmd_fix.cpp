#include <fmt/core.h>

#include "commands.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace {

struct FixArgs {
  std::vector<std::string> paths;
  bool diff = false;
};

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<FixArgs>();
  auto* cmd = app.add_subcommand("fix", "Apply machine-applicable fix-its to .spl files in place");
  cmd->add_option("PATH", args->paths, "files or folders")->required();
  cmd->add_flag("--diff", args->diff, "only print the changes as a unified diff; write nothing");
  cmd->callback([args, &outcome] {
    using namespace spl::syntax;
    std::vector<std::string> missing;
    std::vector<std::string> files = collect_sources(args->paths, missing);
    for (const std::string& m : missing) fmt::print(stderr, "spl fix: error: no such file or folder: {}\n", m);
    if (!missing.empty()) {
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    std::size_t changed = 0, remaining_errors = 0;
    bool failed = false;
    spl::Arena arena;
    for (const std::string& path : files) {
      auto text = read_file(path);
      if (!text) {
        fmt::print(stderr, "spl fix: error: cannot read {}\n", path);
        failed = true;
        continue;
      }
      std::vector<Diagnostic> diags;
      arena.reset();
      parse(*text, arena, diags);
      FixResult fixed = apply_fixits(*text, diags);
      // Fix-its that overlapped are applied on a second round over the fixed text.
      for (int round = 0; round < 3 && fixed.skipped > 0; ++round) {
        std::vector<Diagnostic> again;
        arena.reset();
        parse(fixed.text, arena, again);
        FixResult next = apply_fixits(fixed.text, again);
        if (next.applied == 0) break;
        fixed = std::move(next);
      }
      std::vector<Diagnostic> after;
      arena.reset();
      parse(fixed.text, arena, after);
      remaining_errors += count_errors(after);
      if (fixed.text == *text) continue;
      ++changed;
      if (args->diff) {
        fmt::print("{}", unified_diff(path, *text, fixed.text));
        continue;
      }
      std::string error;
      if (!write_file_atomically(path, fixed.text, error)) {
        fmt::print(stderr, "spl fix: error: {}\n", error);
        failed = true;
        continue;
      }
      fmt::print(stderr, "fixed {}\n", path);
    }
    fmt::print(stderr, "{} of {} file(s) {}; {} error(s) left that need a person\n", changed, files.size(),
               args->diff ? "would change" : "changed", remaining_errors);
    outcome.exit_code = failed || remaining_errors > 0 ? spl::cli::kExitFailure : spl::cli::kExitOk;
  });
}

}  // namespace

SPL_CLI_COMMAND(fix, setup);
