// The object pool: blocks of live objects never overlap and keep their contents, freed blocks
// are reused, and blocks may be freed by another thread than the one that took them.
#include "spl/vm/object_pool.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace spl::vm {
namespace {

struct Block {
  unsigned char* p;
  std::size_t size;
  unsigned char fill;
};

bool intact(const Block& b) {
  for (std::size_t i = 0; i < b.size; ++i)
    if (b.p[i] != b.fill) return false;
  return true;
}

TEST(ObjectPool, ReusesTheLastFreedBlockOfASizeClass) {
  if (!kObjectPool) GTEST_SKIP() << "sanitizer build: objects use operator new";
  void* a = allocate_object(40);
  free_object(a, 40);
  void* b = allocate_object(33);  // same 48-byte class
  EXPECT_EQ(a, b);
  void* c = allocate_object(16);  // another class
  EXPECT_NE(b, c);
  free_object(b, 33);
  free_object(c, 16);
}

TEST(ObjectPool, BlocksAreAlignedForAnyObject) {
  std::vector<std::pair<void*, std::size_t>> live;
  for (std::size_t size = 1; size <= 2 * kLargestPooledObject; ++size) {
    void* p = allocate_object(size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t), 0u) << size;
    live.emplace_back(p, size);
  }
  for (auto [p, size] : live) free_object(p, size);
}

// Against a model: every live block keeps the bytes written into it, whatever is taken and
// freed around it (sizes across every class and past the largest).
RC_GTEST_PROP(ObjectPool, LiveBlocksKeepTheirContents, ()) {
  std::vector<Block> live;
  const auto steps = *rc::gen::inRange<int>(1, 2000);
  unsigned char next_fill = 1;
  for (int i = 0; i < steps; ++i) {
    const bool take = live.empty() || *rc::gen::inRange(0, 3) != 0;
    if (take) {
      const auto size = static_cast<std::size_t>(*rc::gen::inRange<int>(1, 2 * kLargestPooledObject + 1));
      auto* p = static_cast<unsigned char*>(allocate_object(size));
      std::memset(p, next_fill, size);
      live.push_back({p, size, next_fill});
      next_fill = static_cast<unsigned char>(next_fill % 250 + 1);
    } else {
      const auto at = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, live.size()));
      RC_ASSERT(intact(live[at]));
      free_object(live[at].p, live[at].size);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  for (const Block& b : live) {
    RC_ASSERT(intact(b));
    free_object(b.p, b.size);
  }
}

// Blocks taken on one thread and freed on another join the freeing thread's lists and are
// handed out again there, intact until then.
TEST(ObjectPool, BlocksFreedOnAnotherThreadAreReused) {
  constexpr int kBlocks = 20000;
  std::vector<Block> made(kBlocks);
  std::thread producer([&] {
    for (int i = 0; i < kBlocks; ++i) {
      const std::size_t size = 8 + static_cast<std::size_t>(i % 120);
      auto* p = static_cast<unsigned char*>(allocate_object(size));
      const auto fill = static_cast<unsigned char>(i % 250 + 1);
      std::memset(p, fill, size);
      made[static_cast<std::size_t>(i)] = {p, size, fill};
    }
  });
  producer.join();
  std::thread consumer([&] {
    for (const Block& b : made) {
      ASSERT_TRUE(intact(b));
      free_object(b.p, b.size);
    }
    std::vector<Block> again;
    for (int i = 0; i < kBlocks; ++i) {
      const std::size_t size = 8 + static_cast<std::size_t>(i % 120);
      auto* p = static_cast<unsigned char*>(allocate_object(size));
      std::memset(p, 0xAB, size);
      again.push_back({p, size, 0xAB});
    }
    for (const Block& b : again) {
      ASSERT_TRUE(intact(b));
      free_object(b.p, b.size);
    }
  });
  consumer.join();
}

}  // namespace
}  // namespace spl::vm
