// Figures of docs/benchmarks.md for the persistent collections, paired by name with the im-rc
// and std peers (bench/peers/im_rc, bench/peers/std_collections). N = 1,000,000 u64 keys from
// splitmix64 seeded with 42, in generation order; every program uses the same sequence.
// `_local` figures repeat a measurement with Local (non-atomic) reference counts.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

#include "spl/base/bench_report.hpp"
#include "spl/base/refcount.hpp"
#include "spl/persistent/alloc.hpp"
#include "spl/persistent/c_api.h"
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

// The rows below have no peer yet (issue 16, items 15 and 16); each checks its result.

// map_insert_bulk: the 1M entries through one insert_range on a transient (batched: the cache
// misses of up to 16 inserts overlap); ns per entry.
template <class Map>
void map_insert_bulk(benchmark::State& state) {
  for (auto _ : state) {
    auto t = Map().transient();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
    entries.reserve(kN);
    for (std::uint64_t k : keys()) entries.emplace_back(k, k);
    const auto built = Clock::now();
    t.insert_range(entries.begin(), entries.end());
    const auto elapsed = Clock::now() - built;
    if (t.size() != kN) {
      state.SkipWithError("map_insert_bulk: wrong size");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

// The keys in a fixed shuffled order (Fisher-Yates on splitmix64), so lookups do not walk the
// trie in the order it was built.
const std::vector<std::uint64_t>& shuffled_keys() {
  static const std::vector<std::uint64_t> k = [] {
    std::vector<std::uint64_t> out = keys();
    std::uint64_t state = 7;
    for (std::size_t i = out.size() - 1; i > 0; --i) {
      state += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = (state ^ (state >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      std::swap(out[i], out[(z ^ (z >> 31)) % (i + 1)]);
    }
    return out;
  }();
  return k;
}

// map_lookup_hit_shuffled: map_lookup_hit with the probes in shuffled order; ns per lookup.
template <class Map>
void map_lookup_hit_shuffled(benchmark::State& state) {
  const Map m = build_map<Map>();
  std::uint64_t expected = 0;
  for (std::uint64_t k : keys()) expected += k;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    for (std::uint64_t k : shuffled_keys()) sum += *m.find(k);
    const auto elapsed = Clock::now() - start;
    if (sum != expected) {
      state.SkipWithError("map_lookup_hit_shuffled: wrong sum");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

// map_lookup_miss: 1M probes for keys the map does not hold (each key of the map plus one,
// shuffled); ns per lookup.
template <class Map>
void map_lookup_miss(benchmark::State& state) {
  const Map m = build_map<Map>();
  std::vector<std::uint64_t> absent;
  for (std::uint64_t k : shuffled_keys()) {
    if (!m.contains(k + 1)) absent.push_back(k + 1);
  }
  for (auto _ : state) {
    std::uint64_t found = 0;
    const auto start = Clock::now();
    for (std::uint64_t k : absent) found += m.find(k) != nullptr;
    const auto elapsed = Clock::now() - start;
    if (found != 0) {
      state.SkipWithError("map_lookup_miss: an absent key was found");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, absent.size()), "ns/op");
  }
}

// map_insert_persistent_xthread: the map is built on this thread and updated on another, one
// persistent version at a time (each previous one dropped there): the Atomic counts leave
// their owner's plain path. ns per update.
void map_insert_persistent_xthread(benchmark::State& state) {
  using Map = PersistentMap<std::uint64_t, std::uint64_t>;
  for (auto _ : state) {
    Map m = build_map<Map>();
    double ns = 0;
    bool right = false;
    std::thread([&] {
      Map mine = std::move(m);
      const auto start = Clock::now();
      for (std::uint64_t k : keys()) mine = mine.insert(k, k + 1);
      ns = spl::bench::ns_per(Clock::now() - start, kN);
      right = mine.size() == kN && mine.at(keys()[kN / 2]) == keys()[kN / 2] + 1;
    }).join();
    spl::drain_deferred_releases();  // the nodes this thread made, dropped over there
    if (!right) {
      state.SkipWithError("map_insert_persistent_xthread: wrong result");
      break;
    }
    spl::bench::report(state, ns, "ns/op");
  }
}

// capi_dict_build / capi_dict_lookup: the C ABI Simple code calls: 1M rt_persistent_dict_insert
// (each previous handle freed) and 1M rt_persistent_dict_get; ns per call.
void capi_dict_build(benchmark::State& state) {
  for (auto _ : state) {
    const auto start = Clock::now();
    rt_dict* d = rt_persistent_dict_empty();
    for (std::uint64_t k : keys()) {
      rt_dict* next = rt_persistent_dict_insert(d, static_cast<std::int64_t>(k), static_cast<std::int64_t>(k));
      rt_persistent_dict_free(d);
      d = next;
    }
    const auto elapsed = Clock::now() - start;
    const bool right = rt_persistent_dict_len(d) == static_cast<std::int64_t>(kN);
    rt_persistent_dict_free(d);
    if (!right) {
      state.SkipWithError("capi_dict_build: wrong size");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
}

void capi_dict_lookup(benchmark::State& state) {
  rt_dict* d = rt_persistent_dict_empty();
  for (std::uint64_t k : keys()) {
    rt_dict* next = rt_persistent_dict_insert(d, static_cast<std::int64_t>(k), static_cast<std::int64_t>(k));
    rt_persistent_dict_free(d);
    d = next;
  }
  for (auto _ : state) {
    std::int64_t sum = 0, v = 0;
    int hits = 0;
    const auto start = Clock::now();
    for (std::uint64_t k : shuffled_keys()) {
      hits += rt_persistent_dict_get(d, static_cast<std::int64_t>(k), &v);
      sum += v;
    }
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(sum);
    if (hits != static_cast<int>(kN)) {
      state.SkipWithError("capi_dict_lookup: a key was missing");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kN), "ns/op");
  }
  rt_persistent_dict_free(d);
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
SPL_FIGURE("map_insert_bulk", map_insert_bulk<AtomicMap>);
SPL_FIGURE("map_lookup_hit_shuffled", map_lookup_hit_shuffled<AtomicMap>);
SPL_FIGURE("map_lookup_miss", map_lookup_miss<AtomicMap>);
SPL_FIGURE("map_insert_persistent_xthread", map_insert_persistent_xthread);
SPL_FIGURE("capi_dict_build", capi_dict_build);
SPL_FIGURE("capi_dict_lookup", capi_dict_lookup);
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
