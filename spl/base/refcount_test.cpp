#include "spl/base/refcount.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace spl {
namespace {

// A counted object (its count first, as Reclaim requires) that records how often it is freed, whether directly (release returned
// true) or later through its Reclaim.
template <class Policy>
struct Obj {
  RefCount<Policy> rc;
  std::atomic<int>* frees;

  static void destroy(void* self, unsigned) noexcept {
    auto* o = static_cast<Obj*>(self);
    o->frees->fetch_add(1);
    delete o;
  }
  void release() {
    if (rc.release(Reclaim{&destroy, 0})) destroy(this, 0);
  }
};

template <class Policy>
void check_single_thread_semantics() {
  std::atomic<int> frees{0};
  auto* o = new Obj<Policy>{{}, &frees};
  EXPECT_TRUE(o->rc.unique());
  o->rc.retain();
  EXPECT_FALSE(o->rc.unique());
  o->release();
  EXPECT_TRUE(o->rc.unique());
  EXPECT_EQ(frees.load(), 0);
  o->release();
  EXPECT_EQ(frees.load(), 1);
}

TEST(RefCount, LocalCounts) { check_single_thread_semantics<Local>(); }
TEST(RefCount, AtomicCounts) { check_single_thread_semantics<Atomic>(); }

TEST(RefCount, OwnerCountsPastTheBiasedByte) {
  std::atomic<int> frees{0};
  auto* o = new Obj<Atomic>{{}, &frees};
  for (int i = 0; i < 1000; ++i) o->rc.retain();
  for (int i = 0; i < 1000; ++i) {
    o->release();
    ASSERT_EQ(frees.load(), 0);
  }
  EXPECT_TRUE(o->rc.unique());
  o->release();
  EXPECT_EQ(frees.load(), 1);
}

TEST(RefCount, OtherThreadSeesUniqueOnlyAfterTheOwnerLetGo) {
  std::atomic<int> frees{0};
  auto* o = new Obj<Atomic>{{}, &frees};
  std::thread([&] {
    EXPECT_FALSE(o->rc.unique());  // the owner's count is not readable here
    o->rc.retain();                // a shared reference, kept
  }).join();
  o->release();  // the owner's only reference: it merges, one shared reference is left
  EXPECT_EQ(frees.load(), 0);
  std::thread([&] {
    EXPECT_TRUE(o->rc.unique());
    o->release();
  }).join();
  EXPECT_EQ(frees.load(), 1);
}

// The owner hands every reference it made to other threads, which drop them: the shared count
// goes below zero, the object is queued to the owner, and the owner frees it when it drains.
TEST(RefCount, ReferencesDroppedElsewhereReturnToTheOwner) {
  std::atomic<int> frees{0};
  // This thread needs a token (it gets one when it makes an object) for objects to be biased.
  auto* o = new Obj<Atomic>{{}, &frees};
  constexpr int kRefs = 8;
  for (int i = 1; i < kRefs; ++i) o->rc.retain();
  std::vector<std::thread> threads;
  for (int t = 0; t < kRefs; ++t) threads.emplace_back([&] { o->release(); });
  for (auto& th : threads) th.join();
  EXPECT_EQ(frees.load(), 0);  // waiting for the owner
  drain_deferred_releases();
  EXPECT_EQ(frees.load(), 1);
}

// A reference another thread dropped is queued to the owner; until the owner settles it the
// object is not the caller's alone although its counts add up to one (biased 2, shared -1): a
// caller that took unique() to free it in place would leave the queue pointing at freed memory.
TEST(RefCount, NotUniqueWhileAReleaseIsQueued) {
  std::atomic<int> frees{0};
  auto* o = new Obj<Atomic>{{}, &frees};
  o->rc.retain();
  std::thread([&] { o->release(); }).join();
  EXPECT_FALSE(o->rc.unique());
  drain_deferred_releases();  // settled: the one reference left is ours
  EXPECT_TRUE(o->rc.unique());
  o->release();
  EXPECT_EQ(frees.load(), 1);
}

// Objects whose owner has exited are merged by whoever drops them.
TEST(RefCount, ObjectsOutliveTheThreadThatMadeThem) {
  std::atomic<int> frees{0};
  std::vector<Obj<Atomic>*> made;
  std::thread([&] {
    for (int i = 0; i < 100; ++i) {
      auto* o = new Obj<Atomic>{{}, &frees};
      if (i % 2) o->rc.retain();  // some with a second biased reference
      made.push_back(o);
    }
  }).join();
  for (std::size_t i = 0; i < made.size(); ++i) {
    const int before = frees.load();
    made[i]->release();
    if (i % 2) {
      EXPECT_EQ(frees.load(), before);
      made[i]->release();
    }
    EXPECT_EQ(frees.load(), before + 1);
  }
  EXPECT_EQ(frees.load(), 100);
}

// Queued objects of a thread that exits are settled by its exit.
TEST(RefCount, AnExitingOwnerSettlesItsQueue) {
  std::atomic<int> frees{0};
  std::atomic<Obj<Atomic>*> handoff{nullptr};
  std::atomic<bool> dropped{false};
  std::thread owner([&] {
    auto* o = new Obj<Atomic>{{}, &frees};
    handoff.store(o);
    while (!dropped.load()) std::this_thread::yield();
  });
  std::thread other([&] {
    Obj<Atomic>* o;
    while (!(o = handoff.load())) std::this_thread::yield();
    o->release();  // below zero: queued to the owner
    dropped.store(true);
  });
  other.join();
  owner.join();
  EXPECT_EQ(frees.load(), 1);
}

TEST(RefCount, AtomicLastReleaseHappensOnceAcrossThreads) {
  // Each thread retains and releases many times and drops one reference the main thread made;
  // exactly one release frees, directly or through the owner's queue.
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> frees{0};
    auto* o = new Obj<Atomic>{{}, &frees};
    constexpr int kThreads = 4;
    for (int t = 0; t < kThreads; ++t) o->rc.retain();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) {
          o->rc.retain();
          o->release();
        }
        o->release();
      });
    }
    o->release();
    for (auto& th : threads) th.join();
    drain_deferred_releases();
    EXPECT_EQ(frees.load(), 1);
  }
}

// References travel between threads through shared slots: each thread makes objects, swaps them
// into random slots, takes others out, copies and drops them, so releases land on owners and
// non-owners, before and after merges and after owners exit (run under TSan). Every object is
// freed exactly once.
TEST(RefCount, ReferencesChurnAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kSlots = 16;
  constexpr int kSteps = 20000;
  std::atomic<int> frees{0};
  std::atomic<int> made{0};
  std::array<std::atomic<Obj<Atomic>*>, kSlots> slots{};
  for (auto& slot : slots) {  // this thread's objects, to be dropped by the others
    made.fetch_add(1);
    slot.store(new Obj<Atomic>{{}, &frees});
  }
  auto drop = [](Obj<Atomic>* o) {
    if (o) o->release();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::uint32_t rng = 0x9e3779b9u * static_cast<std::uint32_t>(t + 1);
      auto next = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        return rng;
      };
      for (int step = 0; step < kSteps; ++step) {
        auto& slot = slots[next() % kSlots];
        if (next() % 3 == 0) {
          made.fetch_add(1);
          drop(slot.exchange(new Obj<Atomic>{{}, &frees}));
        } else if (Obj<Atomic>* o = slot.exchange(nullptr)) {
          o->rc.retain();  // one reference goes back, one to another slot
          drop(slot.exchange(o));
          drop(slots[next() % kSlots].exchange(o));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& slot : slots) drop(slot.exchange(nullptr));
  drain_deferred_releases();
  EXPECT_GT(made.load(), 0);
  EXPECT_EQ(frees.load(), made.load());
}

}  // namespace
}  // namespace spl
