#pragma once
// Reporting helpers for Google Benchmark binaries read by bench/compare (docs/benchmarks.md).

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

namespace spl::bench {

// Records the figure's value and unit the way bench/compare reads them.
inline void report(benchmark::State& state, double value, const char* unit) {
  state.counters["value"] = value;
  state.SetLabel(unit);
}

// Nanoseconds per item from wall time measured by the benchmark itself (manual timing).
inline double ns_per(std::chrono::steady_clock::duration elapsed, std::uint64_t items) {
  return items == 0 ? 0.0 : std::chrono::duration<double, std::nano>(elapsed).count() / double(items);
}

}  // namespace spl::bench
