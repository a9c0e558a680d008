#pragma once
// Log-linear latency histogram (8 sub-buckets per power of two, about 12% resolution). Written
// by one thread (the consumer) with plain load/store on relaxed atomics so that any thread may
// read a consistent-enough snapshot without a lock. Values are in ticks of read_ticks().

#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace spl::actor::internal {

inline std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

// The cheapest clock that is consistent across cores: the time-stamp counter on x86-64 (about
// a third of a vDSO clock_gettime here; invariant on every CPU this runtime targets), steady
// nanoseconds elsewhere. Only differences are meaningful; ticks_to_ns converts them.
inline std::uint64_t read_ticks() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return steady_ns();
#endif
}

namespace tick_clock_detail {
struct Anchor {
  std::uint64_t ticks;
  std::uint64_t ns;
};
inline Anchor anchor_now() noexcept { return {read_ticks(), steady_ns()}; }
// Taken at static initialisation so that calibration usually needs no waiting.
inline const Anchor process_anchor = anchor_now();

inline double calibrate() noexcept {
  constexpr std::uint64_t kMinSpanNs = 2'000'000;  // read skew of ~50 ns stays below 1e-4
  Anchor start = process_anchor;
  if (start.ns == 0) start = anchor_now();  // called during static initialisation
  Anchor end = anchor_now();
  while (end.ns - start.ns < kMinSpanNs || end.ticks == start.ticks) end = anchor_now();
  return double(end.ns - start.ns) / double(end.ticks - start.ticks);
}
}  // namespace tick_clock_detail

inline std::uint64_t ticks_to_ns(std::uint64_t ticks) noexcept {
#if defined(__x86_64__)
  static const double ns_per_tick = tick_clock_detail::calibrate();
  return static_cast<std::uint64_t>(double(ticks) * ns_per_tick);
#else
  return ticks;
#endif
}

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = 64 * kSub;

  void record(std::uint64_t ns) noexcept {
    auto& b = buckets_[index(ns)];
    b.store(b.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

  // Upper bound of the bucket holding the q-quantile (0 when empty).
  std::uint64_t quantile(double q) const noexcept {
    std::uint64_t total = 0;
    for (const auto& b : buckets_) total += b.load(std::memory_order_relaxed);
    if (total == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * double(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen >= rank) return upper_bound(i);
    }
    return upper_bound(kBuckets - 1);
  }

  static int index(std::uint64_t v) noexcept {
    if (v < kSub) return static_cast<int>(v);
    int exp = 63 - std::countl_zero(v);  // >= kSubBits
    int sub = static_cast<int>((v >> (exp - kSubBits)) & (kSub - 1));
    return (exp - kSubBits + 1) * kSub + sub;
  }

  static std::uint64_t upper_bound(int i) noexcept {
    if (i < kSub) return static_cast<std::uint64_t>(i);
    int exp = i / kSub + kSubBits - 1;
    std::uint64_t sub = static_cast<std::uint64_t>(i % kSub);
    std::uint64_t lo = (std::uint64_t{1} << exp) | (sub << (exp - kSubBits));
    return lo + (std::uint64_t{1} << (exp - kSubBits)) - 1;
  }

 private:
  std::atomic<std::uint64_t> buckets_[kBuckets] = {};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace spl::actor::internal
