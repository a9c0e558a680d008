#include "spl/base/refcount.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace spl {
namespace {

template <class Policy>
void check_single_thread_semantics() {
  RefCount<Policy> rc;
  EXPECT_EQ(rc.use_count(), 1u);
  EXPECT_TRUE(rc.unique());
  rc.retain();
  EXPECT_FALSE(rc.unique());
  EXPECT_FALSE(rc.release());
  EXPECT_TRUE(rc.release());
}

TEST(RefCount, LocalCounts) { check_single_thread_semantics<Local>(); }
TEST(RefCount, AtomicCounts) { check_single_thread_semantics<Atomic>(); }

TEST(RefCount, AtomicLastReleaseHappensOnceAcrossThreads) {
  // Each thread retains and releases many times; exactly one final release observes zero.
  struct Shared {
    RefCount<Atomic> rc;
    int payload = 0;
  };
  for (int round = 0; round < 20; ++round) {
    auto* shared = new Shared;
    constexpr int kThreads = 4;
    for (int t = 0; t < kThreads; ++t) shared->rc.retain();
    std::atomic<int> frees{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) {
          shared->rc.retain();
          EXPECT_FALSE(shared->rc.release());
        }
        if (shared->rc.release()) {
          frees.fetch_add(1);
          delete shared;
        }
      });
    }
    if (shared->rc.release()) {
      frees.fetch_add(1);
      delete shared;
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(frees.load(), 1);
  }
}

}  // namespace
}  // namespace spl
