#pragma once
// Reference-count policies. `Atomic` for values shared across threads; `Local` for values that
// stay on one thread and should pay no atomic read-modify-write.

#include <atomic>
#include <cstdint>

#include "spl/base/sanitizers.hpp"

namespace spl {

struct Atomic {
  static constexpr bool kThreadSafe = true;
  using Counter = std::atomic<std::uint32_t>;

  static void init(Counter& c, std::uint32_t v) noexcept { c.store(v, std::memory_order_relaxed); }
  static void increment(Counter& c) noexcept { c.fetch_add(1, std::memory_order_relaxed); }
  // True when this call dropped the last reference; the acquire makes every other owner's
  // writes visible to the thread that frees.
  static bool decrement(Counter& c) noexcept {
#if SPL_TSAN
    return c.fetch_sub(1, std::memory_order_acq_rel) == 1;
#else
    if (c.fetch_sub(1, std::memory_order_release) == 1) {
      std::atomic_thread_fence(std::memory_order_acquire);
      return true;
    }
    return false;
#endif
  }
  // Acquire so that a thread that sees itself as sole owner also sees the writes of owners
  // that have since released.
  static std::uint32_t load(const Counter& c) noexcept { return c.load(std::memory_order_acquire); }
};

struct Local {
  static constexpr bool kThreadSafe = false;
  using Counter = std::uint32_t;

  static void init(Counter& c, std::uint32_t v) noexcept { c = v; }
  static void increment(Counter& c) noexcept { ++c; }
  static bool decrement(Counter& c) noexcept { return --c == 0; }
  static std::uint32_t load(const Counter& c) noexcept { return c; }
};

// An intrusive count to embed in a node: starts at one owner.
template <class Policy>
class RefCount {
 public:
  RefCount() noexcept { Policy::init(count_, 1); }
  RefCount(const RefCount&) = delete;
  RefCount& operator=(const RefCount&) = delete;

  void retain() const noexcept { Policy::increment(count_); }
  // True when this was the last reference. A count of one means no other owner exists who could
  // race with us, so the last owner skips the read-modify-write (the acquiring load still sees
  // every earlier owner's writes).
  [[nodiscard]] bool release() const noexcept { return Policy::load(count_) == 1 || Policy::decrement(count_); }
  std::uint32_t use_count() const noexcept { return Policy::load(count_); }
  bool unique() const noexcept { return use_count() == 1; }

 private:
  mutable typename Policy::Counter count_;
};

}  // namespace spl
