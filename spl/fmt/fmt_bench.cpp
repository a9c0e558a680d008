// Formatter speed (issue 15 target: at least 20 MB/s) on the examples concatenated and repeated
// to about 2 MB:
//   fmt_throughput: MB/s for a reused spl::fmt::Formatter as `spl fmt` runs it over many files
//                   (parse, layout, re-parse and tree comparison of the result).
//   fmt_unverified: the same with the re-parse check switched off (parse and layout only).
//   fmt_fresh:      MB/s for the free function spl::fmt::format, new buffers every call (as for
//                   a single file: most of the extra time is the kernel handing out fresh pages).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

#include "spl/base/bench_report.hpp"
#include "spl/fmt/format.hpp"
#include "spl/syntax/files.hpp"

namespace {

const std::string& corpus() {
  static const std::string text = [] {
    std::vector<std::string> missing;
    std::string one;
    for (const std::string& f : spl::syntax::collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing)) {
      one += spl::syntax::read_file(f).value_or("");
      one += "\n";
    }
    std::string all;
    while (all.size() < (2u << 20)) all += one;
    return all;
  }();
  return text;
}

void run(benchmark::State& state, bool verify, bool reuse) {
  const std::string& src = corpus();
  spl::fmt::Options options;
  options.verify = verify;
  spl::fmt::Formatter formatter;
  double best = 1e30;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    spl::fmt::Result r = reuse ? formatter.format(src, options) : spl::fmt::format(src, options);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.reason.c_str());
      return;
    }
    benchmark::DoNotOptimize(r.text.data());
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * src.size()));
  spl::bench::report(state, static_cast<double>(src.size()) / 1e6 / best, "MB/s");
}

void fmt_throughput(benchmark::State& state) { run(state, true, true); }
void fmt_unverified(benchmark::State& state) { run(state, false, true); }
void fmt_fresh(benchmark::State& state) { run(state, true, false); }

BENCHMARK(fmt_throughput)->Unit(benchmark::kMillisecond)->Iterations(8);
BENCHMARK(fmt_unverified)->Unit(benchmark::kMillisecond)->Iterations(8);
BENCHMARK(fmt_fresh)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
