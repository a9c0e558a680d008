#include "spl/base/hash.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

void hash_u64_throughput(benchmark::State& state) {
  std::uint64_t x = 1;
  for (auto _ : state) {
    x = spl::hash_u64(x);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(hash_u64_throughput);

void hash_string_throughput(benchmark::State& state) {
  std::string s(static_cast<std::size_t>(state.range(0)), 'k');
  for (auto _ : state) benchmark::DoNotOptimize(spl::hash_string(s));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(hash_string_throughput)->Arg(8)->Arg(32)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
