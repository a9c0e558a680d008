// Figures of docs/benchmarks.md for the persistent collections, paired by name with the im-rc
// and std peers (bench/peers/im_rc, bench/peers/std_collections). N = 1,000,000 u64 keys from
// splitmix64 seeded with 42, in generation order; every program uses the same sequence.
// `_local` figures repeat a measurement with Local (non-atomic) reference counts.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "spl/base/bench_report.hpp"
#include "spl/persistent/alloc.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/vector.hpp"

namespace {

using namespace spl::persistent;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kN = 1'000'000;

const std::vector<std::uint64_t>& keys() {
  static const std::vector<std::uint64_t> k = [] {
    std::vector<std::uint64_t> out(kN);
    std::uint64_t state = 42;
    for (auto& x : out) {
      state += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
    return out;
  }();
  return k;
}

template <class Map>
Map build_map() {
  auto t = Map().transient();
  for (std::uint64_t k : keys()) t.insert(k, k);
  return std::move(t).persistent();
}

template <class Vec>
Vec build_vec(std::uint64_t n) {
  auto t = Vec().transient();
  for (std::uint64_t i = 0; i < n; ++i) t.push_back(i);
  return std::move(t).persistent();
}

template <class Map>
void map_insert_persistent(benchmark::State& state) {
  for (auto _ : state) {
    Map m;
    const auto start = Clock::now();
    for (std::uint64_t k : keys()) m = m.insert(k, k);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(m);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Map>
void map_remove_persistent(benchmark::State& state) {
  for (auto _ : state) {
    Map m = build_map<Map>();
    const auto start = Clock::now();
    for (std::uint64_t k : keys()) m = m.remove(k);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(m);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Map>
void map_insert_transient(benchmark::State& state) {
  for (auto _ : state) {
    const auto start = Clock::now();
    auto t = Map().transient();
    for (std::uint64_t k : keys()) t.insert(k, k);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(t);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Map>
void map_lookup_hit(benchmark::State& state) {
  const Map m = build_map<Map>();
  for (auto _ : state) {
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    for (std::uint64_t k : keys()) sum += *m.find(k);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(sum);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Map>
void map_iterate(benchmark::State& state) {
  const Map m = build_map<Map>();
  for (auto _ : state) {
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    for (const auto& [k, v] : m) sum += v;
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(sum);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/entry");
  }
}

template <class Map>
void map_bytes_per_entry(benchmark::State& state) {
  for (auto _ : state) {
    CountingAllocator counter;
    ScopedNodeAllocator guard(counter);
    Map m = build_map<Map>();
    spl::bench::report(state, double(counter.live_bytes()) / double(m.size()), "bytes/entry");
  }
}

template <class Vec>
void vec_push_back(benchmark::State& state) {
  for (auto _ : state) {
    const auto start = Clock::now();
    auto t = Vec().transient();
    for (std::uint64_t i = 0; i < kN; ++i) t.push_back(i);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(t);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Vec>
void vec_get_random(benchmark::State& state) {
  const Vec v = build_vec<Vec>(kN);
  for (auto _ : state) {
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    for (std::uint64_t k : keys()) sum += v[k % kN];
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(sum);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Vec>
void vec_set_persistent(benchmark::State& state) {
  for (auto _ : state) {
    Vec v = build_vec<Vec>(kN);
    const auto start = Clock::now();
    std::uint64_t i = 0;
    for (std::uint64_t k : keys()) v = v.set(k % kN, i++);
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(v);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

template <class Vec>
void vec_concat(benchmark::State& state, std::uint64_t half, std::uint64_t reps) {
  const Vec a = build_vec<Vec>(half);
  const Vec b = build_vec<Vec>(half);
  for (auto _ : state) {
    const auto start = Clock::now();
    for (std::uint64_t r = 0; r < reps; ++r) {
      Vec c = a.concat(b);
      benchmark::DoNotOptimize(c);
    }
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, reps) / 1000.0, "us/op");
  }
}

template <class Vec>
void vec_clone(benchmark::State& state) {
  const Vec v = build_vec<Vec>(kN);
  constexpr std::uint64_t kReps = 10'000'000;
  for (auto _ : state) {
    const auto start = Clock::now();
    for (std::uint64_t r = 0; r < kReps; ++r) {
      Vec c = v;
      benchmark::DoNotOptimize(c);
    }
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, kReps), "ns/op");
  }
}

// Two vectors of 500,000 (a 1M result) and two of 500 (a 1k result): O(log n) shows as close figures.
void vec_concat_500k(benchmark::State& state) {
  vec_concat<PersistentVector<std::uint64_t>>(state, 500'000, 2'000);
}
void vec_concat_1k(benchmark::State& state) { vec_concat<PersistentVector<std::uint64_t>>(state, 500, 100'000); }

using AtomicMap = PersistentMap<std::uint64_t, std::uint64_t>;
using LocalMap = LocalPersistentMap<std::uint64_t, std::uint64_t>;
using AtomicVec = PersistentVector<std::uint64_t>;
using LocalVec = LocalPersistentVector<std::uint64_t>;

#define SPL_FIGURE(name, fn) BENCHMARK(fn)->Name(name)->Iterations(1)->Unit(benchmark::kMillisecond)

SPL_FIGURE("map_insert_persistent", map_insert_persistent<AtomicMap>);
SPL_FIGURE("map_insert_persistent_local", map_insert_persistent<LocalMap>);
SPL_FIGURE("map_remove_persistent", map_remove_persistent<AtomicMap>);
SPL_FIGURE("map_remove_persistent_local", map_remove_persistent<LocalMap>);
SPL_FIGURE("map_insert_transient", map_insert_transient<AtomicMap>);
SPL_FIGURE("map_insert_transient_local", map_insert_transient<LocalMap>);
SPL_FIGURE("map_lookup_hit", map_lookup_hit<AtomicMap>);
SPL_FIGURE("map_iterate", map_iterate<AtomicMap>);
SPL_FIGURE("map_bytes_per_entry", map_bytes_per_entry<AtomicMap>);
SPL_FIGURE("vec_push_back", vec_push_back<AtomicVec>);
SPL_FIGURE("vec_push_back_local", vec_push_back<LocalVec>);
SPL_FIGURE("vec_get_random", vec_get_random<AtomicVec>);
SPL_FIGURE("vec_set_persistent", vec_set_persistent<AtomicVec>);
SPL_FIGURE("vec_set_persistent_local", vec_set_persistent<LocalVec>);
SPL_FIGURE("vec_concat_500k", vec_concat_500k);
SPL_FIGURE("vec_concat_1k", vec_concat_1k);
SPL_FIGURE("vec_clone", vec_clone<AtomicVec>);
SPL_FIGURE("vec_clone_local", vec_clone<LocalVec>);

}  // namespace

BENCHMARK_MAIN();
