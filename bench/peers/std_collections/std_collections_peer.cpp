// The std peer of the persistent suite: std::unordered_map and std::vector measured exactly as
// spl/persistent/persistent_bench.cpp measures our collections, for the figures where a
// mutable container has a meaningful counterpart. Prints one JSON line per figure (best of
// SPL_BENCH_REPS runs, default 5).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <new>
#include <unordered_map>
#include <vector>

#include "bench/peers/peer_report.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kN = 1'000'000;

std::vector<std::uint64_t> make_keys() {
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
}

double ns_since(Clock::time_point start, std::uint64_t items) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / double(items);
}

template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// Counts the bytes a container requests, for bytes/entry.
std::int64_t g_live_bytes = 0;
template <class T>
struct CountingAlloc {
  using value_type = T;
  CountingAlloc() = default;
  template <class U>
  CountingAlloc(const CountingAlloc<U>&) noexcept {}
  T* allocate(std::size_t n) {
    g_live_bytes += std::int64_t(n * sizeof(T));
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    g_live_bytes -= std::int64_t(n * sizeof(T));
    ::operator delete(p, n * sizeof(T));
  }
  template <class U>
  bool operator==(const CountingAlloc<U>&) const noexcept {
    return true;
  }
};

using Map = std::unordered_map<std::uint64_t, std::uint64_t>;

Map build_map(const std::vector<std::uint64_t>& keys) {
  Map m;
  for (std::uint64_t k : keys) m.emplace(k, k);
  return m;
}

void best_of(int reps, const char* figure, const char* unit, const std::function<double()>& run) {
  spl::peers::best_of(reps, figure, unit, kN, run);
}

}  // namespace

int main() {
  const int reps = spl::peers::bench_reps();
  const std::vector<std::uint64_t> keys = make_keys();

  best_of(reps, "map_insert_transient", "ns/op", [&] {
    const auto start = Clock::now();
    Map m;
    for (std::uint64_t k : keys) m.emplace(k, k);
    const double ns = ns_since(start, kN);
    keep(m);
    return ns;
  });
  {
    const Map m = build_map(keys);
    best_of(reps, "map_lookup_hit", "ns/op", [&] {
      std::uint64_t sum = 0;
      const auto start = Clock::now();
      for (std::uint64_t k : keys) sum += m.find(k)->second;
      const double ns = ns_since(start, kN);
      keep(sum);
      return ns;
    });
    best_of(reps, "map_iterate", "ns/entry", [&] {
      std::uint64_t sum = 0;
      const auto start = Clock::now();
      for (const auto& [k, v] : m) sum += v;
      const double ns = ns_since(start, kN);
      keep(sum);
      return ns;
    });
  }
  best_of(reps, "map_bytes_per_entry", "bytes/entry", [&] {
    using CMap = std::unordered_map<std::uint64_t, std::uint64_t, std::hash<std::uint64_t>, std::equal_to<>,
                                    CountingAlloc<std::pair<const std::uint64_t, std::uint64_t>>>;
    g_live_bytes = 0;
    CMap m;
    for (std::uint64_t k : keys) m.emplace(k, k);
    return double(g_live_bytes) / double(m.size());
  });
  best_of(reps, "vec_push_back", "ns/op", [&] {
    const auto start = Clock::now();
    std::vector<std::uint64_t> v;
    for (std::uint64_t i = 0; i < kN; ++i) v.push_back(i);
    const double ns = ns_since(start, kN);
    keep(v);
    return ns;
  });
  {
    std::vector<std::uint64_t> v(kN);
    for (std::uint64_t i = 0; i < kN; ++i) v[i] = i;
    best_of(reps, "vec_get_random", "ns/op", [&] {
      std::uint64_t sum = 0;
      const auto start = Clock::now();
      for (std::uint64_t k : keys) sum += v[k % kN];
      const double ns = ns_since(start, kN);
      keep(sum);
      return ns;
    });
    // A full copy: what "keep the old version" costs a plain vector.
    best_of(reps, "vec_clone", "ns/op", [&] {
      constexpr int kCopies = 20;
      const auto start = Clock::now();
      for (int r = 0; r < kCopies; ++r) {
        std::vector<std::uint64_t> c = v;
        keep(c);
      }
      return ns_since(start, kCopies);
    });
    auto concat = [&](std::uint64_t half, int copies) {
      const std::vector<std::uint64_t> a(v.begin(), v.begin() + std::ptrdiff_t(half));
      const std::vector<std::uint64_t> b(v.begin(), v.begin() + std::ptrdiff_t(half));
      const auto start = Clock::now();
      for (int r = 0; r < copies; ++r) {
        std::vector<std::uint64_t> c;
        c.reserve(2 * half);
        c.insert(c.end(), a.begin(), a.end());
        c.insert(c.end(), b.begin(), b.end());
        keep(c);
      }
      return ns_since(start, std::uint64_t(copies)) / 1000.0;
    };
    best_of(reps, "vec_concat_500k", "us/op", [&] { return concat(500'000, 20); });
    best_of(reps, "vec_concat_1k", "us/op", [&] { return concat(500, 100'000); });
  }
  return 0;
}
