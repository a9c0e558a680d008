#pragma once
// Reference-count policies. `Atomic` for values shared across threads; `Local` for values that
// stay on one thread and should pay no atomic read-modify-write.
//
// RefCount<Atomic> is biased (Choi, Shull, Torrellas, "Biased Reference Counting", PACT 2018):
// an object belongs to the thread that made it, which counts its own retains and releases in a
// plain byte; every other thread uses an atomic shared count. Most objects never leave their
// thread, so they never pay for an atomic operation, yet values still move and are shared
// freely between threads:
//   - references = biased + shared. The owner counts down to zero and then *merges*: it gives
//     up ownership and from then on the shared count alone is the count.
//   - A reference the owner made can be dropped by another thread, which takes the shared count
//     below zero. That thread cannot free the object (the owner's biased references may still
//     exist) nor read the owner's byte, so it queues the object to its owner, which merges it
//     the next time it makes an object, when `drain_deferred_releases()` is called, or when the
//     thread exits. Objects of a thread that has exited are merged by whoever drops them.
//   - Threads are told apart by a 16-bit token that is never reused; after 65,533 threads a new
//     thread gets none and counts every object it makes atomically.

#include <atomic>
#include <cstdint>

#include "spl/base/sanitizers.hpp"

namespace spl {

struct Atomic {
  static constexpr bool kThreadSafe = true;
};

struct Local {
  static constexpr bool kThreadSafe = false;
};

// How to free an object whose last reference is dropped where the caller cannot free it (a
// deferred release, see above): `destroy(object, arg)`, where `object` is the address of the
// count, which must therefore be the object's first member. Two words, so it travels in registers.
struct Reclaim {
  void (*destroy)(void* object, unsigned arg) noexcept;
  unsigned arg;
};

template <class Policy>
class RefCount;

// An intrusive count to embed in a node: starts at one owner.
template <>
class RefCount<Local> {
 public:
  RefCount() noexcept = default;
  RefCount(const RefCount&) = delete;
  RefCount& operator=(const RefCount&) = delete;

  void retain() const noexcept { ++count_; }
  // True when this was the last reference: the caller frees the object.
  [[nodiscard]] bool release(Reclaim) const noexcept { return --count_ == 0; }
  bool unique() const noexcept { return count_ == 1; }

 private:
  mutable std::uint32_t count_ = 1;
};

template <>
class RefCount<Atomic>;

namespace biased {

inline constexpr std::uint16_t kNoOwner = 0;        // merged, or made by a thread without a token
inline constexpr std::uint16_t kRetired = 0xFFFE;   // a thread that owns nothing (exited, or no token left)
inline constexpr std::uint16_t kUnassigned = 0xFFFF;  // a thread that has not made an object yet

struct Deferred;
// This thread's token (never an owner while kRetired or kUnassigned) and its queue of deferred
// releases.
extern __thread std::uint16_t t_token;
extern __thread std::atomic<Deferred*>* t_queue;

std::uint16_t assign_token() noexcept;
void drain(std::atomic<Deferred*>& queue) noexcept;
// A release on a thread other than the owner took the shared count below zero and marked the
// object queued: queues it to its owner, or merges it here when the owner has exited (true: the
// caller frees it).
bool defer(std::uint16_t owner, const RefCount<Atomic>& count, Reclaim how) noexcept;

inline std::uint16_t owner_for_new_object() noexcept {
  const std::uint16_t t = t_token;
  if (t < kRetired) [[likely]] {
    if (t_queue->load(std::memory_order_relaxed) != nullptr) [[unlikely]] drain(*t_queue);
    return t;
  }
  return t == kUnassigned ? assign_token() : kNoOwner;
}

}  // namespace biased

// While one is alive, the objects this thread makes have no owner: they are counted atomically
// from the start, so whichever thread drops the last reference frees them at once. For objects
// whose destruction must not wait for the thread that made them (their destructors call back
// into a caller who may tear down the callbacks' state once the last reference is gone).
class UnownedScope {
 public:
  UnownedScope() noexcept : saved_(biased::t_token) { biased::t_token = biased::kRetired; }
  ~UnownedScope() { biased::t_token = saved_; }
  UnownedScope(const UnownedScope&) = delete;
  UnownedScope& operator=(const UnownedScope&) = delete;

 private:
  std::uint16_t saved_;
};

// Frees what other threads have handed back to this thread's objects (see above). Threads that
// make persistent values call it implicitly; one that made values and then only waits can call
// it to return their memory sooner.
void drain_deferred_releases() noexcept;

template <>
class RefCount<Atomic> {
 public:
  RefCount() noexcept {
    const std::uint16_t owner = biased::owner_for_new_object();
    owner_.store(owner, std::memory_order_relaxed);
    if (owner == biased::kNoOwner) {
      shared_.store(kOne | kMerged, std::memory_order_relaxed);
      biased_ = 0;
    } else {
      shared_.store(0, std::memory_order_relaxed);
      biased_ = 1;
    }
  }
  RefCount(const RefCount&) = delete;
  RefCount& operator=(const RefCount&) = delete;

  // Inlined (and the rare paths kept out of line) so that the owner's path is a few plain
  // instructions wherever nodes are retained or released in a loop.
  [[gnu::always_inline]] void retain() const noexcept {
    if (owned_here() && biased_ != kMaxBiased) [[likely]] {
      ++biased_;
    } else {
      shared_.fetch_add(kOne, std::memory_order_relaxed);
    }
  }

  // True when this was the last reference: the caller frees the object. When the last
  // reference goes on a thread that cannot tell, `how` frees it later (see above).
  [[nodiscard, gnu::always_inline]] bool release(Reclaim how) const noexcept {
    if (owned_here()) [[likely]] {
      if (--biased_ != 0) return false;
      if (shared_.load(std::memory_order_acquire) == 0) return true;
      return merge_at_zero_bias();
    }
    return release_shared(how);
  }

  // Whether the caller holds the only reference. Conservative (false) on a thread other than
  // the owner before the object is merged: the owner's count is not readable there. False
  // while a deferred release is queued, even if the counts add up to one: a caller that freed
  // the object in place would leave the queued record pointing at freed memory.
  bool unique() const noexcept {
    const std::uint32_t w = shared_.load(std::memory_order_acquire);
    if (w & kQueued) return false;
    if (owned_here()) return biased_ + count(w) == 1;
    return (w & kMerged) && count(w) == 1;
  }

 private:
  friend struct biased::Deferred;
  friend bool biased::defer(std::uint16_t, const RefCount<Atomic>&, Reclaim) noexcept;

  // shared_: bit 0 merged (the owner has given up its count), bit 1 queued (a deferred release
  // is waiting for the owner), bits 2..31 the shared count, signed.
  static constexpr std::uint32_t kMerged = 1;
  static constexpr std::uint32_t kQueued = 2;
  static constexpr std::uint32_t kOne = 4;
  static constexpr std::uint8_t kMaxBiased = 0xFF;

  static std::int32_t count(std::uint32_t w) noexcept { return static_cast<std::int32_t>(w) >> 2; }

  bool owned_here() const noexcept { return owner_.load(std::memory_order_relaxed) == biased::t_token; }

  // The owner dropped its last biased reference while other threads hold shared ones: the
  // shared count becomes the whole count.
  [[gnu::noinline]] bool merge_at_zero_bias() const noexcept {
    // Nothing here may touch the object after the merge: another thread may free it at once.
    owner_.store(biased::kNoOwner, std::memory_order_relaxed);
    const std::uint32_t old = shared_.fetch_or(kMerged, std::memory_order_acq_rel);
    if (old & kQueued) return false;  // the owner's queue settles it
    return count(old) == 0;
  }

  // A release on a thread other than the owner. Taking an unmerged count below zero and marking
  // it queued is one step: once an object is queued its owner may free it at any moment, so a
  // releaser must know from its own update whether it is the one to queue it, and must not touch
  // the object after that update otherwise.
  [[gnu::noinline]] bool release_shared(Reclaim how) const noexcept {
    // Read before the update: the owner clears it once its own count is zero, and from then on
    // no release can take the shared count below zero.
    const std::uint16_t owner = owner_.load(std::memory_order_relaxed);
    std::uint32_t old = shared_.load(std::memory_order_relaxed);
    if (old & kMerged) {
      old = shared_.fetch_sub(kOne, kReleaseOrder);
    } else {
      std::uint32_t next;
      do {
        next = old - kOne;
        if (!(old & kMerged) && count(next) < 0) next |= kQueued;
      } while (!shared_.compare_exchange_weak(old, next, kReleaseOrder, std::memory_order_relaxed));
      if (!(old & kMerged)) {
        if (!(next & kQueued) || (old & kQueued)) return false;
        acquire_fence();
        return biased::defer(owner, *this, how);
      }
    }
    if (count(old) != 1 || (old & kQueued)) return false;
    acquire_fence();
    return true;
  }

  // The thread that frees must see every other owner's writes. ThreadSanitizer does not model
  // fences, so under it the decrement itself acquires.
#if SPL_TSAN
  static constexpr std::memory_order kReleaseOrder = std::memory_order_acq_rel;
  static void acquire_fence() noexcept {}
#else
  static constexpr std::memory_order kReleaseOrder = std::memory_order_release;
  static void acquire_fence() noexcept { std::atomic_thread_fence(std::memory_order_acquire); }
#endif

  // Called by the owner, or by anyone once the owner has exited: folds the biased count into the
  // shared one, then either finds the count zero (true: free it) or clears the queued mark.
  bool merge_queued() const noexcept {
    std::uint32_t w = shared_.load(std::memory_order_acquire);
    if (!(w & kMerged)) {
      const std::uint32_t add = biased_ * kOne + kMerged;
      biased_ = 0;
      owner_.store(biased::kNoOwner, std::memory_order_relaxed);
      w = shared_.fetch_add(add, std::memory_order_acq_rel) + add;
    }
    while (count(w) != 0) {
      if (shared_.compare_exchange_weak(w, w & ~kQueued, std::memory_order_acq_rel, std::memory_order_acquire)) {
        return false;
      }
    }
    return true;
  }

  mutable std::atomic<std::uint32_t> shared_;
  mutable std::atomic<std::uint16_t> owner_;
  mutable std::uint8_t biased_;
};

}  // namespace spl
