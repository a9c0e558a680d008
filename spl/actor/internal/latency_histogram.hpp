#pragma once
// Log-linear latency histogram (8 sub-buckets per power of two, about 12% resolution). Written
// by one thread (the consumer) with plain load/store on relaxed atomics so that any thread may
// read a consistent-enough snapshot without a lock.

#include <atomic>
#include <bit>
#include <cstdint>

namespace spl::actor::internal {

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
