#include <fmt/core.h>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <iterator>
#include <optional>

#include "commands.hpp"
#include "spl/fmt/format.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/fix.hpp"

namespace {

struct FmtArgs {
  std::vector<std::string> paths;
  bool check = false;
  bool diff = false;
};

// Exit codes (docs/cli.md): 0 done (or, with --check, nothing would change); 1 --check found files
// that would change; 2 a file could not be formatted (syntax errors, missing, unreadable) or a bad
// command line. A file that cannot be formatted is left as it is.
constexpr int kWouldChange = 1;
constexpr int kCannotFormat = 2;

// spl::syntax::unified_diff labels the new side for `spl fix`; here it is the formatted text.
std::string diff_of(const std::string& path, const std::string& before, const std::string& after) {
  std::string diff = spl::syntax::unified_diff(path, before, after);
  constexpr std::string_view kFixed = " (fixed)\n";
  std::size_t at = diff.find(kFixed);
  if (at != std::string::npos) diff.replace(at, kFixed.size(), " (formatted)\n");
  return diff;
}

struct Tally {
  std::size_t would_change = 0;
  bool refused = false;
  spl::fmt::Formatter formatter;  // its buffers are reused from file to file
};

// Formats one source; reports refusals on stderr. Returns the new text, or nothing when refused.
std::optional<std::string> format_one(const std::string& path, const std::string& text, Tally& tally) {
  spl::fmt::Result r = tally.formatter.format(text);
  if (r.ok()) return std::move(r.text);
  tally.refused = true;
  spl::syntax::SourceFile file(path, text);
  spl::syntax::RenderOptions render;
  render.colour = ::isatty(STDERR_FILENO);
  for (const auto& d : r.diagnostics) fmt::print(stderr, "{}\n", spl::syntax::render_text(file, d, render));
  fmt::print(stderr, "spl fmt: {}: {}\n", path, r.reason);
  return std::nullopt;
}

void run_stdin(const FmtArgs& args, spl::cli::Outcome& outcome) {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  Tally tally;
  std::optional<std::string> formatted = format_one("<stdin>", text, tally);
  if (!formatted) {
    outcome.exit_code = kCannotFormat;
    return;
  }
  bool changed = *formatted != text;
  if (args.check) {
    if (changed) fmt::print("<stdin>\n");
  } else if (args.diff) {
    if (changed) fmt::print("{}", diff_of("<stdin>", text, *formatted));
  } else {
    fmt::print("{}", *formatted);
  }
  outcome.exit_code = args.check && changed ? kWouldChange : spl::cli::kExitOk;
}

void run_files(const FmtArgs& args, spl::cli::Outcome& outcome) {
  std::vector<std::string> missing;
  std::vector<std::string> files = spl::syntax::collect_sources(args.paths, missing);
  for (const std::string& m : missing) fmt::print(stderr, "spl fmt: error: no such file or folder: {}\n", m);
  Tally tally;
  tally.refused = !missing.empty();
  for (const std::string& path : files) {
    std::optional<std::string> text = spl::syntax::read_file(path);
    if (!text) {
      fmt::print(stderr, "spl fmt: error: cannot read {}\n", path);
      tally.refused = true;
      continue;
    }
    std::optional<std::string> formatted = format_one(path, *text, tally);
    if (!formatted || *formatted == *text) continue;
    ++tally.would_change;
    if (args.check) {
      fmt::print("{}\n", path);
    } else if (args.diff) {
      fmt::print("{}", diff_of(path, *text, *formatted));
    } else {
      std::string error;
      if (!spl::syntax::write_file_atomically(path, *formatted, error)) {
        fmt::print(stderr, "spl fmt: error: {}\n", error);
        tally.refused = true;
      }
    }
  }
  if (tally.refused) {
    outcome.exit_code = kCannotFormat;
  } else if (args.check && tally.would_change > 0) {
    fmt::print(stderr, "{} of {} file(s) would be reformatted\n", tally.would_change, files.size());
    outcome.exit_code = kWouldChange;
  } else {
    outcome.exit_code = spl::cli::kExitOk;
  }
}

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<FmtArgs>();
  auto* cmd = app.add_subcommand("fmt", "Format .spl files in place (`-` or no file: stdin to stdout)");
  cmd->add_option("PATH", args->paths, "files or folders (searched recursively for .spl files); `-` is stdin");
  cmd->add_flag("--check", args->check, "write nothing; list the files that would change and exit 1 if any");
  cmd->add_flag("--diff", args->diff, "write nothing; print the changes as a unified diff");
  cmd->callback([args, &outcome] {
    bool from_stdin = args->paths.empty() || (args->paths.size() == 1 && args->paths[0] == "-");
    if (!from_stdin && std::find(args->paths.begin(), args->paths.end(), "-") != args->paths.end()) {
      fmt::print(stderr, "spl fmt: error: `-` (stdin) cannot be mixed with files\n");
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    if (from_stdin) {
      run_stdin(*args, outcome);
    } else {
      run_files(*args, outcome);
    }
  });
}

}  // namespace

SPL_CLI_COMMAND(fmt, setup);
