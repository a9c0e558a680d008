// Latency of the language server on a generated 2,000-line Simple file (issue 15's targets:
// diagnostics within 50 ms of a change, completion within 30 ms, p95).
//   diagnostics_after_change: one didChange (an incremental edit to a function body) through
//     the server until its publishDiagnostics is out (parse + sema + index + conversion).
//   completion: a completion request in a function body of the analysed file.
//   completion_after_change: a didChange, then completion (which then pays for the analysis).
// Each runs 100 edits or requests; p50 and p95 are reported as counters (milliseconds).
// Run: build/release/spl/lsp/lsp_bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "spl/lsp/server.hpp"

namespace {

using spl::lsp::json;

// About 2,000 lines: structs with methods, enums, functions with locals, loops and matches.
std::string generated_file() {
  std::string s = "# generated for the lsp benchmark\n\n";
  for (int i = 0; std::count(s.begin(), s.end(), '\n') < 2000; ++i) {
    std::string n = std::to_string(i);
    s += "## Point number " + n + ".\nstruct Point" + n + ":\n    x: i64\n    y: i64\n\n";
    s += "    fn norm() -> i64:\n        return self.x * self.x + self.y * self.y\n\n";
    s += "enum Shape" + n + ":\n    Circle(r: f64)\n    Square(side: f64)\n\n";
    s += "fn work" + n + "(count: i64, scale: i64) -> i64:\n";
    s += "    var total = 0\n    val p = Point" + n + "(count, scale)\n";
    s += "    for i in 0..count:\n        total += i * scale + p.norm()\n";
    s += "    match total % 3:\n        case 0: total += 1\n        case _: total -= 1\n";
    s += "    if total > 100:\n        print(\"big {total}\")\n    total\n\n";
  }
  return s;
}

struct Session {
  std::vector<json> sent;
  spl::lsp::Server server{[this](const json& m) { sent.push_back(m); }};
  std::string uri = "file:///bench/big.spl";
  std::string text = generated_file();
  int version = 1;

  Session() {
    server.handle(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"capabilities", json::object()}}}});
    server.handle(json{{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
    server.handle(json{{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
                       {"params", {{"textDocument", {{"uri", uri}, {"version", version}, {"text", text}}}}}});
    server.idle();
  }
  std::uint32_t line_of(std::string_view needle) const {
    std::size_t at = text.find(needle);
    return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  }
  // Edit k: rewrite the scale of one function body, spread over the file.
  void change(int k) {
    std::uint32_t line = line_of("    val p = Point" + std::to_string((k * 7) % 60) + "(");
    json change = {{"range", {{"start", {{"line", line}, {"character", 4}}}, {"end", {{"line", line}, {"character", 7}}}}},
                   {"text", k % 2 ? "val" : "var"}};
    server.handle(json{{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
                       {"params", {{"textDocument", {{"uri", uri}, {"version", ++version}}}, {"contentChanges", {change}}}}});
  }
  json completion(int k) {
    std::uint32_t line = line_of("        total += i * scale + p.norm()");
    server.handle(json{{"jsonrpc", "2.0"}, {"id", 100 + k}, {"method", "textDocument/completion"},
                       {"params", {{"textDocument", {{"uri", uri}}}, {"position", {{"line", line}, {"character", 16}}}}}});
    return sent.back();
  }
};

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void report(benchmark::State& state, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  state.counters["p50_ms"] = times[times.size() / 2];
  state.counters["p95_ms"] = times[times.size() * 95 / 100];
  state.counters["max_ms"] = times.back();
}

void diagnostics_after_change(benchmark::State& state) {
  Session s;
  std::vector<double> times;
  int k = 0;
  for (auto _ : state) {
    s.sent.clear();
    auto t0 = std::chrono::steady_clock::now();
    s.change(k++);
    s.server.idle();
    auto t1 = std::chrono::steady_clock::now();
    if (s.sent.empty() || s.sent.back().value("method", "") != "textDocument/publishDiagnostics")
      state.SkipWithError("no diagnostics published");
    times.push_back(ms(t1 - t0));
  }
  state.counters["lines"] = static_cast<double>(std::count(s.text.begin(), s.text.end(), '\n'));
  report(state, std::move(times));
}
BENCHMARK(diagnostics_after_change)->Iterations(100)->Unit(benchmark::kMillisecond);

void completion(benchmark::State& state) {
  Session s;
  std::vector<double> times;
  int k = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    json reply = s.completion(k++);
    auto t1 = std::chrono::steady_clock::now();
    if (reply["result"]["items"].empty()) state.SkipWithError("no completion items");
    times.push_back(ms(t1 - t0));
  }
  report(state, std::move(times));
}
BENCHMARK(completion)->Iterations(100)->Unit(benchmark::kMillisecond);

void completion_after_change(benchmark::State& state) {
  Session s;
  std::vector<double> times;
  int k = 0;
  for (auto _ : state) {
    s.change(k);
    auto t0 = std::chrono::steady_clock::now();
    json reply = s.completion(k++);
    auto t1 = std::chrono::steady_clock::now();
    if (reply["result"]["items"].empty()) state.SkipWithError("no completion items");
    times.push_back(ms(t1 - t0));
  }
  report(state, std::move(times));
}
BENCHMARK(completion_after_change)->Iterations(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
