#pragma once
// What every C++ peer program shares: how many repetitions bench/compare asked for, and the
// one-JSON-line-per-figure report (best of the repetitions) it reads back.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace spl::peers {

// SPL_BENCH_REPS from bench/compare; 5 when run by hand.
inline int bench_reps() {
  const char* env = std::getenv("SPL_BENCH_REPS");
  return env ? std::max(1, std::atoi(env)) : 5;
}

inline void print_figure(const char* figure, const char* unit, double value, std::uint64_t n) {
  std::printf("{\"figure\": \"%s\", \"unit\": \"%s\", \"value\": %.3f, \"n\": %llu}\n", figure, unit, value,
              static_cast<unsigned long long>(n));
  std::fflush(stdout);
}

// Runs `run` `reps` times and reports the lowest value (every figure is lower-is-better).
template <class Run>
void best_of(int reps, const char* figure, const char* unit, std::uint64_t n, Run&& run) {
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    const double v = run();
    if (r == 0 || v < best) best = v;
  }
  print_figure(figure, unit, best, n);
}

}  // namespace spl::peers
