#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "spl/syntax/files.hpp"
#include "spl/vm/spec_runtime.hpp"
#include "spl/vm/vm.hpp"

namespace {

using spl::vm::SpecResult;

struct TestArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string junit;
  std::string filter;
  bool include_skipped = false;
};

// `# @skip`, `# @pending` (alone on a line, or with a reason in parentheses) skip the whole file.
std::string skip_marker(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (std::string_view mark : {"# @skip", "# @pending"}) {
      if (line == mark || (line.starts_with(mark) && line.substr(mark.size()).starts_with("("))) return std::string(line.substr(2));
    }
    start = end + 1;
  }
  return {};
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct FileResults {
  std::string path;
  std::vector<SpecResult> results;
};

FileResults run_spec(const std::string& path, const std::string& text, const TestArgs& args, bool print) {
  FileResults fr{path, {}};
  if (print) std::cout << path << "\n";
  spl::vm::Options options;
  spl::vm::Vm vm(options);
  spl::vm::SpecState& state = spl::vm::spec_state(vm);
  state.out = print ? &std::cout : nullptr;
  state.filter = args.filter;
  state.file = path;
  try {
    vm.run_source(path, text, {});
  } catch (const spl::vm::Panic& p) {
    // A panic outside any example (at the top of the file or in a describe body).
    SpecResult r;
    r.name = "(outside any example)";
    r.status = SpecResult::Status::Failed;
    r.message = p.what();
    r.file = path;
    if (!p.trace.empty()) r.line = p.trace.back().line;
    for (const auto& t : p.trace)
      if (t.file == path) {
        r.line = t.line;
        break;
      }
    if (print) std::cout << "  \u2717 " << r.name << "\n      " << r.file << ":" << r.line << ": " << r.message << "\n";
    state.results.push_back(std::move(r));
  } catch (const spl::vm::CompileError& e) {
    SpecResult r;
    r.name = "(compilation)";
    r.status = SpecResult::Status::Failed;
    r.message = e.what();
    r.file = path;
    state.results.push_back(std::move(r));
  }
  std::cout.flush();
  fr.results = std::move(state.results);
  return fr;
}

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<TestArgs>();
  auto* cmd = app.add_subcommand("test", "Run *_spec.spl files (describe/it specs) and report each example");
  cmd->add_option("PATH", args->paths, "spec files or folders (default: the current folder)");
  cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--junit", args->junit, "also write a JUnit XML report to this file");
  cmd->add_option("--filter", args->filter, "run only examples whose full name contains this text");
  cmd->add_flag("--include-skipped", args->include_skipped, "run files marked `# @skip` or `# @pending` too");
  cmd->callback([args, &outcome] {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> roots = args->paths.empty() ? std::vector<std::string>{"."} : args->paths;
    std::vector<std::string> missing;
    std::vector<std::string> files;
    for (const std::string& f : spl::syntax::collect_sources(roots, missing)) {
      bool explicit_file = std::find(roots.begin(), roots.end(), f) != roots.end();
      if (explicit_file || f.ends_with("_spec.spl")) files.push_back(f);
    }
    for (const std::string& m : missing) fmt::print(stderr, "spl test: error: no such file or folder: {}\n", m);
    if (!missing.empty()) {
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    bool text_out = args->format == "text";
    std::vector<FileResults> all;
    for (const std::string& path : files) {
      auto text = spl::syntax::read_file(path);
      if (!text) {
        fmt::print(stderr, "spl test: error: cannot read {}\n", path);
        outcome.exit_code = spl::cli::kExitFailure;
        continue;
      }
      std::string mark = skip_marker(*text);
      if (!mark.empty() && !args->include_skipped) {
        SpecResult r;
        r.name = path;
        r.status = SpecResult::Status::Skipped;
        r.message = mark;
        r.file = path;
        if (text_out) std::cout << path << " (skipped: " << mark << ")\n";
        all.push_back({path, {r}});
        continue;
      }
      all.push_back(run_spec(path, *text, *args, text_out));
    }
    std::size_t total = 0, passed = 0, failed = 0, skipped = 0;
    for (const auto& f : all)
      for (const auto& r : f.results) {
        ++total;
        if (r.status == SpecResult::Status::Passed) ++passed;
        if (r.status == SpecResult::Status::Failed) ++failed;
        if (r.status == SpecResult::Status::Skipped) ++skipped;
      }
    auto status_name = [](SpecResult::Status s) {
      return s == SpecResult::Status::Passed ? "passed" : s == SpecResult::Status::Failed ? "failed" : "skipped";
    };
    if (!text_out) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& f : all)
        for (const auto& r : f.results)
          out.push_back({{"file", f.path}, {"group", r.group}, {"name", r.name}, {"status", status_name(r.status)},
                         {"message", r.message}, {"line", r.line}, {"millis", r.millis}});
      std::cout << nlohmann::json{{"results", out}, {"total", total}, {"passed", passed}, {"failed", failed}, {"skipped", skipped}}.dump(2)
                << "\n";
    }
    if (!args->junit.empty()) {
      std::ofstream x(args->junit);
      x << fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
                       total, failed, skipped);
      for (const auto& f : all) {
        x << fmt::format("  <testsuite name=\"{}\" tests=\"{}\">\n", xml_escape(f.path), f.results.size());
        for (const auto& r : f.results) {
          x << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"", xml_escape(r.group.empty() ? f.path : r.group),
                           xml_escape(r.name), r.millis / 1000.0);
          if (r.status == SpecResult::Status::Passed) {
            x << "/>\n";
          } else if (r.status == SpecResult::Status::Skipped) {
            x << fmt::format("><skipped message=\"{}\"/></testcase>\n", xml_escape(r.message));
          } else {
            x << fmt::format("><failure message=\"{}\">{}:{}</failure></testcase>\n", xml_escape(r.message), xml_escape(r.file), r.line);
          }
        }
        x << "  </testsuite>\n";
      }
      x << "</testsuites>\n";
      if (!x) {
        fmt::print(stderr, "spl test: error: cannot write {}\n", args->junit);
        outcome.exit_code = spl::cli::kExitFailure;
      }
    }
    if (text_out) std::cout << fmt::format("{} total, {} passed, {} failed, {} skipped\n", total, passed, failed, skipped);
    std::cout.flush();
    if (failed > 0) outcome.exit_code = spl::cli::kExitFailure;
  });
}

}  // namespace

SPL_CLI_COMMAND(test, setup);
