// Parse speed on valid input and the cost of recovery on it (docs/benchmarks.md protocol).
//   parse_throughput: ns per byte of valid Simple, full front end (lexer, parser, recovery,
//                     mistake productions, language detection).
//   parse_no_recovery: the same input with recovery and mistake detection switched off.
//   lex_throughput: ns per byte for the lexer alone.
//   recovery_overhead: (parse_throughput / parse_no_recovery - 1) in percent.

#include <benchmark/benchmark.h>

#include <chrono>
#include <optional>
#include <string>

#include "spl/base/bench_report.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/lexer.hpp"
#include "spl/syntax/parser.hpp"

namespace {

using namespace spl::syntax;

// About 4 MB of valid Simple: the examples, repeated.
const std::string& corpus() {
  static const std::string text = [] {
    std::vector<std::string> missing;
    std::string one;
    for (const std::string& f : collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing)) {
      one += read_file(f).value_or("");
      one += "\n";
    }
    std::string all;
    while (all.size() < (4u << 20)) all += one;
    return all;
  }();
  return text;
}

// Best ns per byte, or nullopt with `error` set when the corpus is not valid (a time on input
// that takes the recovery paths measures something else: the benchmark fails instead).
std::optional<double> parse_ns_per_byte(bool recover, int reps, std::string& error) {
  const std::string& src = corpus();
  spl::Arena arena(1 << 20);
  std::vector<Token> tokens;
  std::vector<Diagnostic> diags;
  ParseOptions options;
  options.recover = recover;
  options.mistakes = recover;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    arena.reset();
    diags.clear();
    auto t0 = std::chrono::steady_clock::now();
    Node* root = parse_into(src, arena, tokens, diags, options);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(root);
    if (!diags.empty()) {
      error = "the corpus has " + std::to_string(diags.size()) + " diagnostics, the first " + diags[0].code + ": " +
              diags[0].message;
      return std::nullopt;
    }
    best = std::min(best, spl::bench::ns_per(t1 - t0, src.size()));
  }
  return best;
}

void parse_throughput(benchmark::State& state) {
  std::optional<double> v;
  std::string error;
  for (auto _ : state) {
    if (!(v = parse_ns_per_byte(true, 3, error))) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (!v) return;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 3 * corpus().size()));
  spl::bench::report(state, *v, "ns/byte");
}

void parse_no_recovery(benchmark::State& state) {
  std::optional<double> v;
  std::string error;
  for (auto _ : state) {
    if (!(v = parse_ns_per_byte(false, 3, error))) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (!v) return;
  spl::bench::report(state, *v, "ns/byte");
}

void lex_throughput(benchmark::State& state) {
  const std::string& src = corpus();
  std::vector<Token> tokens;
  std::vector<Diagnostic> diags;
  double best = 1e30;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    lex(src, tokens, diags);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(tokens.data());
    best = std::min(best, spl::bench::ns_per(t1 - t0, src.size()));
  }
  spl::bench::report(state, best, "ns/byte");
}

void recovery_overhead(benchmark::State& state) {
  double pct = 0;
  std::string error;
  for (auto _ : state) {
    const std::optional<double> with = parse_ns_per_byte(true, 5, error);
    const std::optional<double> without = with ? parse_ns_per_byte(false, 5, error) : std::nullopt;
    if (!without) {
      state.SkipWithError(error.c_str());
      break;
    }
    pct = (*with / *without - 1.0) * 100.0;
  }
  if (!error.empty()) return;
  spl::bench::report(state, pct, "%");
}

BENCHMARK(parse_throughput)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(parse_no_recovery)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(lex_throughput)->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(recovery_overhead)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
