#pragma once
// Chase-Lev work-stealing deque (bounded ring). The owner pushes and pops at the bottom; thieves
// take from the top with a CAS. Sequentially consistent operations stand in for the fences of
// the published algorithm so that ThreadSanitizer can check it.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace spl::actor::internal {

template <class T, std::size_t kCapacity = 1024>
class WorkStealingDeque {
  static_assert((kCapacity & (kCapacity - 1)) == 0);

 public:
  // Owner only. False when full.
  bool push(T* item) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    const std::int64_t t = top_.load(std::memory_order_acquire);
    if (b - t >= static_cast<std::int64_t>(kCapacity)) return false;
    slots_[b & kMask].store(item, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_seq_cst);
    return true;
  }

  // Owner only: newest first.
  T* pop() noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    T* item = slots_[b & kMask].load(std::memory_order_relaxed);
    if (t == b) {
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) item = nullptr;
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return item;
  }

  // Any thread: oldest first.
  T* steal() noexcept {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return nullptr;
    T* item = slots_[t & kMask].load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) return nullptr;
    return item;
  }

  bool maybe_nonempty() const noexcept {
    return bottom_.load(std::memory_order_seq_cst) > top_.load(std::memory_order_seq_cst);
  }

 private:
  static constexpr std::int64_t kMask = static_cast<std::int64_t>(kCapacity) - 1;
  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<T*> slots_[kCapacity] = {};
};

}  // namespace spl::actor::internal
