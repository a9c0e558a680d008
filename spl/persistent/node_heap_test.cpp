#include "spl/persistent/node_heap.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "spl/persistent/alloc.hpp"
#include "spl/persistent/map.hpp"

namespace spl::persistent {
namespace {

// The bytes a request really owns: its class size, or itself above the classes.
std::size_t owned_bytes(std::size_t bytes) {
  return bytes >= 1 && bytes <= NodeHeap::kMaxBytes ? NodeHeap::class_bytes(NodeHeap::class_index(bytes)) : bytes;
}

unsigned char pattern_byte(std::uint64_t tag, std::size_t i) { return static_cast<unsigned char>(tag * 131 + i); }

void fill(void* p, std::size_t bytes, std::uint64_t tag) {
  auto* b = static_cast<unsigned char*>(p);
  for (std::size_t i = 0; i < bytes; ++i) b[i] = pattern_byte(tag, i);
}

bool holds_pattern(const void* p, std::size_t bytes, std::uint64_t tag) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < bytes; ++i) {
    if (b[i] != pattern_byte(tag, i)) return false;
  }
  return true;
}

bool aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % NodeHeap::kAlignment == 0; }

TEST(NodeHeap, ClassesCoverEveryRequestInOrder) {
  EXPECT_EQ(NodeHeap::class_bytes(NodeHeap::kClasses - 1), NodeHeap::kMaxBytes);
  for (std::size_t i = 0; i < NodeHeap::kClasses; ++i) {
    const std::size_t size = NodeHeap::class_bytes(i);
    EXPECT_EQ(size % NodeHeap::kAlignment, 0U);
    EXPECT_EQ(NodeHeap::class_index(size), i);
    if (i > 0) {
      EXPECT_GT(size, NodeHeap::class_bytes(i - 1));
      EXPECT_EQ(NodeHeap::class_index(NodeHeap::class_bytes(i - 1) + 1), i);
    }
    EXPECT_GE(NodeHeap::batch_blocks(i), 4U);
  }
}

TEST(NodeHeap, EveryClassRoundTripsAligned) {
  for (std::size_t i = 0; i < NodeHeap::kClasses; ++i) {
    const std::size_t size = NodeHeap::class_bytes(i);
    const std::size_t smallest = i == 0 ? 1 : NodeHeap::class_bytes(i - 1) + 1;
    for (std::size_t bytes : {smallest, size}) {
      void* p = NodeHeap::allocate(bytes);
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(aligned(p)) << bytes;
      fill(p, size, i);
      EXPECT_TRUE(holds_pattern(p, size, i));
      NodeHeap::deallocate(p, bytes);
    }
  }
}

TEST(NodeHeap, FreedBlockIsReusedByItsClass) {
  void* p = NodeHeap::allocate(200);
  NodeHeap::deallocate(p, 200);
  void* q = NodeHeap::allocate(193);  // same 208-byte class
  EXPECT_EQ(q, p);
  NodeHeap::deallocate(q, 193);
}

TEST(NodeHeap, RequestsAboveTheClassesUseOperatorNew) {
  const std::size_t reserved = NodeHeap::reserved_bytes();
  for (std::size_t bytes : {std::size_t{0}, NodeHeap::kMaxBytes + 1, std::size_t{3} << 20}) {
    void* p = NodeHeap::allocate(bytes);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(aligned(p));
    fill(p, bytes, 5);
    EXPECT_TRUE(holds_pattern(p, bytes, 5));
    NodeHeap::deallocate(p, bytes);
  }
  EXPECT_EQ(NodeHeap::reserved_bytes(), reserved);
}

// Each step allocates (op 0, 1) a block of `bytes` or frees (op 2) a live one picked by `bytes`.
// Live blocks must never overlap and must keep what was written into them.
RC_GTEST_PROP(NodeHeapProperty, LiveBlocksNeverOverlap, ()) {
  const auto steps = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange(1, 5200)));
  struct Live {
    void* p;
    std::size_t bytes;
    std::uint64_t tag;
  };
  std::vector<Live> live;
  std::map<std::uintptr_t, std::uintptr_t> ranges;  // start -> end of every live block
  std::uint64_t next_tag = 1;
  auto release = [&](std::size_t k) {
    const Live block = live[k];
    RC_ASSERT(holds_pattern(block.p, block.bytes, block.tag));
    ranges.erase(reinterpret_cast<std::uintptr_t>(block.p));
    NodeHeap::deallocate(block.p, block.bytes);
    live[k] = live.back();
    live.pop_back();
  };
  for (const auto& [op, arg] : steps) {
    if (op == 2 && !live.empty()) {
      release(static_cast<std::size_t>(arg) % live.size());
      continue;
    }
    const auto bytes = static_cast<std::size_t>(arg);
    void* p = NodeHeap::allocate(bytes);
    RC_ASSERT(aligned(p));
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t end = start + owned_bytes(bytes);
    auto after = ranges.lower_bound(start);
    // Plain bools: RC_ASSERT's expression capture would not short-circuit.
    const bool clear_of_next = after == ranges.end() || after->first >= end;
    const bool clear_of_previous = after == ranges.begin() || std::prev(after)->second <= start;
    RC_ASSERT(clear_of_next);
    RC_ASSERT(clear_of_previous);
    ranges.emplace(start, end);
    fill(p, bytes, next_tag);
    live.push_back({p, bytes, next_tag++});
  }
  while (!live.empty()) release(live.size() - 1);
}

// Producers allocate and fill blocks; consumers on other threads check and free them, so every
// block crosses threads and the consumers' caches overflow into the global pools.
TEST(NodeHeap, BlocksFreedOnOtherThreads) {
  constexpr int kProducers = 2;
  constexpr int kConsumers = 2;
  constexpr int kPerProducer = 20000;
  constexpr std::size_t kSizes[] = {16, 48, 100, 264, 520, 1000, 2000, 4096, 5000};
  struct Item {
    void* p;
    std::size_t bytes;
    std::uint64_t tag;
  };
  std::mutex mu;
  std::condition_variable ready;
  std::deque<Item> queue;
  int producers_left = kProducers;
  std::vector<int> bad(kConsumers, 0);

  std::vector<std::thread> threads;
  for (int t = 0; t < kProducers; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t) + 1);
      for (int i = 0; i < kPerProducer; ++i) {
        const std::size_t bytes = kSizes[rng() % std::size(kSizes)];
        const auto tag = static_cast<std::uint64_t>(t) * kPerProducer + static_cast<std::uint64_t>(i);
        void* p = NodeHeap::allocate(bytes);
        fill(p, bytes, tag);
        std::lock_guard lock(mu);
        queue.push_back({p, bytes, tag});
        ready.notify_one();
      }
      std::lock_guard lock(mu);
      --producers_left;
      ready.notify_all();
    });
  }
  for (int t = 0; t < kConsumers; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        Item item;
        {
          std::unique_lock lock(mu);
          ready.wait(lock, [&] { return !queue.empty() || producers_left == 0; });
          if (queue.empty()) return;
          item = queue.front();
          queue.pop_front();
        }
        if (!holds_pattern(item.p, item.bytes, item.tag)) ++bad[static_cast<std::size_t>(t)];
        NodeHeap::deallocate(item.p, item.bytes);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int b : bad) EXPECT_EQ(b, 0);
}

// Allocates `count` blocks of `bytes`, then frees them all.
void churn(std::size_t bytes, int count) {
  std::vector<void*> blocks;
  blocks.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    blocks.push_back(NodeHeap::allocate(bytes));
    fill(blocks.back(), bytes, static_cast<std::uint64_t>(i));
  }
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(holds_pattern(blocks[static_cast<std::size_t>(i)], bytes, static_cast<std::uint64_t>(i)));
    NodeHeap::deallocate(blocks[static_cast<std::size_t>(i)], bytes);
  }
}

TEST(NodeHeap, EndedThreadHandsItsBlocksBack) {
  constexpr std::size_t kBytes = 1000;
  constexpr int kCount = 5000;  // about 5 MB: more than two chunks
  std::thread([] { churn(kBytes, kCount); }).join();
  const std::size_t reserved = NodeHeap::reserved_bytes();
  std::thread([] { churn(kBytes, kCount); }).join();
  EXPECT_EQ(NodeHeap::reserved_bytes(), reserved);
}

// Holds blocks until the thread's destructors run, after the heap's own per-thread cache was
// handed back (it was registered later, so it is destroyed first).
struct LateHolder {
  std::vector<void*> blocks;
  ~LateHolder() {
    for (void* p : blocks) NodeHeap::deallocate(p, 72);
    void* p = NodeHeap::allocate(72);
    fill(p, 72, 9);
    NodeHeap::deallocate(p, 72);
  }
};

TEST(NodeHeap, FreesAfterTheThreadCacheIsGoneGoToTheGlobalPool) {
  constexpr int kCount = 3000;
  std::thread([] {
    thread_local LateHolder holder;
    for (int i = 0; i < kCount; ++i) holder.blocks.push_back(NodeHeap::allocate(72));
  }).join();
  const std::size_t reserved = NodeHeap::reserved_bytes();
  std::thread([] { churn(72, kCount); }).join();
  EXPECT_EQ(NodeHeap::reserved_bytes(), reserved);
}

// Runs `round` once, then `more` times, checking the later rounds reserve nothing new.
template <class Round>
void expect_rounds_reserve_nothing_new(Round round, int more) {
  round();
  const std::size_t reserved = NodeHeap::reserved_bytes();
  for (int r = 0; r < more; ++r) {
    round();
    EXPECT_EQ(NodeHeap::reserved_bytes(), reserved) << "round " << r;
  }
}

TEST(NodeHeap, RepeatedRoundsDoNotGrowReserved) {
  std::mt19937 rng(7);
  std::vector<std::size_t> sizes(30000);
  for (auto& s : sizes) s = 1 + rng() % NodeHeap::kMaxBytes;
  std::vector<std::size_t> free_order(sizes.size());
  for (std::size_t i = 0; i < free_order.size(); ++i) free_order[i] = i;
  std::shuffle(free_order.begin(), free_order.end(), rng);
  std::vector<void*> blocks(sizes.size());
  auto round = [&] {
    for (std::size_t i = 0; i < sizes.size(); ++i) blocks[i] = NodeHeap::allocate(sizes[i]);
    for (std::size_t i : free_order) NodeHeap::deallocate(blocks[i], sizes[i]);
  };
  expect_rounds_reserve_nothing_new(round, 4);
}

TEST(NodeHeap, RepeatedMapBuildsDoNotGrowReserved) {
  if (internal::kNodesFromOperatorNew) {
    GTEST_SKIP() << "nodes come from operator new in this build";
  }
  auto build = [] {
    auto t = PersistentMap<std::uint64_t, std::uint64_t>().transient();
    std::mt19937_64 rng(3);
    for (int i = 0; i < 50000; ++i) t.insert(rng(), static_cast<std::uint64_t>(i));
    auto m = std::move(t).persistent();
    for (int i = 0; i < 2000; ++i) m = m.insert(rng(), 0);
    EXPECT_EQ(m.size(), 52000U);
  };
  expect_rounds_reserve_nothing_new(build, 3);
}

TEST(NodeHeap, DefaultNodeMemoryAndCountingAllocatorMix) {
  void* made_by_default = internal::allocate_node(96);
  CountingAllocator counting;
  void* made_by_counting;
  {
    ScopedNodeAllocator scope(counting);
    internal::deallocate_node(made_by_default, 96);
    made_by_counting = internal::allocate_node(96);
    if (!internal::kNodesFromOperatorNew) {
      EXPECT_EQ(made_by_counting, made_by_default);
    }
    EXPECT_EQ(counting.live_nodes(), 0);
  }
  internal::deallocate_node(made_by_counting, 96);
  if (!internal::kNodesFromOperatorNew) {
    void* again = NodeHeap::allocate(96);
    EXPECT_EQ(again, made_by_counting);
    NodeHeap::deallocate(again, 96);
  }
}

}  // namespace
}  // namespace spl::persistent
