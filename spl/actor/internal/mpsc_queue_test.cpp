#include "spl/actor/internal/mpsc_queue.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "spl/actor/internal/node_pool.hpp"
#include "spl/base/sanitizers.hpp"

namespace spl::actor::internal {
namespace {

struct Item : QueueLink {
  std::uint32_t producer = 0;
  std::uint64_t seq = 0;
};

TEST(MpscQueue, EmptyPopsNothing) {
  MpscQueue q;
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_FALSE(q.maybe_nonempty());
}

TEST(MpscQueue, FifoSingleThread) {
  MpscQueue q;
  std::vector<Item> items(10);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].seq = i;
    q.push(&items[i]);
  }
  EXPECT_TRUE(q.maybe_nonempty());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto* got = static_cast<Item*>(q.pop());
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->seq, i);
  }
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_FALSE(q.maybe_nonempty());
}

// Model tests: pushes the next free item, numbered in order, to the queue and the model.
void push_next(MpscQueue& q, std::deque<Item*>& model, std::vector<Item*>& free_items, std::uint64_t& next) {
  Item* it = free_items.back();
  free_items.pop_back();
  it->seq = next++;
  q.push(it);
  model.push_back(it);
}

// Interleaved pushes and pops against std::deque, reusing nodes after they come out.
RC_GTEST_PROP(MpscQueue, MatchesDequeModel, (const std::vector<bool>& ops)) {
  MpscQueue q;
  std::deque<Item*> model;
  std::vector<Item> storage(ops.size() + 1);
  std::vector<Item*> free_items;
  for (auto& it : storage) free_items.push_back(&it);
  std::uint64_t next = 0;
  for (bool push : ops) {
    if (push) {
      push_next(q, model, free_items, next);
    } else {
      auto* got = static_cast<Item*>(q.pop());
      if (model.empty()) {
        RC_ASSERT(got == nullptr);
      } else {
        RC_ASSERT(got == model.front());
        model.pop_front();
        free_items.push_back(got);
      }
    }
    RC_ASSERT(q.maybe_nonempty() == !model.empty());
  }
}

// pop (0), pop_keep_last (1) and push (2) against std::deque. A node the queue retains is
// not reused until take_released() or release_retained() gives it back.
RC_GTEST_PROP(MpscQueue, KeepLastMatchesDequeModel, (const std::vector<std::uint8_t>& ops)) {
  MpscQueue q;
  std::deque<Item*> model;
  std::vector<Item> storage(ops.size() + 2);
  std::vector<Item*> free_items;
  for (auto& it : storage) free_items.push_back(&it);
  Item* held = nullptr;  // returned by pop_keep_last and still retained
  std::uint64_t next = 0;
  for (std::uint8_t op : ops) {
    if (op % 3 == 2) {
      push_next(q, model, free_items, next);
    } else {
      auto* got = static_cast<Item*>(op % 3 == 1 ? q.pop_keep_last() : q.pop());
      if (auto* released = static_cast<Item*>(q.take_released())) {
        RC_ASSERT(released == held);
        free_items.push_back(released);
        held = nullptr;
      }
      if (model.empty()) {
        RC_ASSERT(got == nullptr);
      } else {
        RC_ASSERT(got == model.front());
        model.pop_front();
        if (q.is_retained(got)) {
          RC_ASSERT(op % 3 == 1);
          RC_ASSERT(model.empty());
          RC_ASSERT(held == nullptr);
          held = got;
        } else {
          free_items.push_back(got);
        }
      }
    }
    RC_ASSERT(q.maybe_nonempty() == !model.empty());
  }
  while (auto* got = q.pop()) {
    RC_ASSERT(got == model.front());
    model.pop_front();
    if (q.take_released() != nullptr) held = nullptr;
  }
  RC_ASSERT(model.empty());
  RC_ASSERT(q.release_retained() == held);
  RC_ASSERT(q.pop() == nullptr);
  RC_ASSERT(!q.maybe_nonempty());
}

// Producers send numbered items; the consumer checks that every item arrives once and that
// each producer's items arrive in order.
TEST(MpscQueue, MultiProducerStressLosesAndDuplicatesNothing) {
  constexpr int kProducers = 4;
  constexpr std::uint64_t kPerProducer = SPL_TSAN ? 20000 : 200000;
  MpscQueue q;
  std::vector<std::unique_ptr<Item[]>> items;
  for (int p = 0; p < kProducers; ++p) items.push_back(std::make_unique<Item[]>(kPerProducer));
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (std::uint64_t i = 0; i < kPerProducer; ++i) {
        Item& it = items[p][i];
        it.producer = static_cast<std::uint32_t>(p);
        it.seq = i;
        q.push(&it);
      }
    });
  }
  std::vector<std::uint64_t> expected(kProducers, 0);
  std::uint64_t received = 0;
  while (received < kProducers * kPerProducer) {
    auto* got = static_cast<Item*>(q.pop());
    if (got == nullptr) {
      std::this_thread::yield();
      continue;
    }
    ASSERT_LT(got->producer, static_cast<std::uint32_t>(kProducers));
    ASSERT_EQ(got->seq, expected[got->producer]) << "producer " << got->producer;
    ++expected[got->producer];
    ++received;
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(q.pop(), nullptr);
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(expected[p], kPerProducer);
}

TEST(NodePool, BlocksAreDistinctAndReusable) {
  using Pool = NodePool<32>;
  std::vector<void*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(Pool::allocate());
  std::sort(blocks.begin(), blocks.end());
  EXPECT_EQ(std::adjacent_find(blocks.begin(), blocks.end()), blocks.end());
  for (void* b : blocks) Pool::deallocate(b);
  void* again = Pool::allocate();
  EXPECT_NE(again, nullptr);
  Pool::deallocate(again);
}

// Blocks allocated on one thread and freed on another travel back through the global list.
TEST(NodePool, CrossThreadFreeStress) {
  using Pool = NodePool<48>;
  constexpr int kRounds = SPL_TSAN ? 20 : 200;
  for (int r = 0; r < kRounds; ++r) {
    std::vector<void*> blocks(500);
    std::thread producer([&] {
      for (auto& b : blocks) {
        b = Pool::allocate();
        std::memset(b, 0xAB, 48);
      }
    });
    producer.join();
    std::size_t intact = 0;
    std::thread consumer([&] {
      for (void* b : blocks) {
        intact += static_cast<unsigned char*>(b)[47] == 0xAB;
        Pool::deallocate(b);
      }
    });
    consumer.join();
    ASSERT_EQ(intact, blocks.size());
  }
}

// A finished thread's cache hands every block back: threads that come and go reuse the same
// slabs instead of taking new ones (1024 blocks per slab).
TEST(NodePool, ExitingThreadsReturnTheirBlocks) {
  struct Tag;
  using Pool = NodePool<64, Tag>;
  constexpr int kThreads = SPL_TSAN ? 10 : 40;
  constexpr std::size_t kBlocks = 3000;
  for (int t = 0; t < kThreads; ++t) {
    std::thread worker([] {
      std::vector<void*> blocks(kBlocks);
      for (auto& b : blocks) b = Pool::allocate();
      for (void* b : blocks) Pool::deallocate(b);
    });
    worker.join();
  }
  EXPECT_LE(Pool::slab_bytes(), 6u * 1024u * 64u);
}

// A thread-local destroyed after the pool's cache was flushed may still free and allocate.
TEST(NodePool, UsableFromThreadLocalDestructorsAfterTheCacheIsGone) {
  struct Tag;
  using Pool = NodePool<32, Tag>;
  struct Holder {
    std::vector<void*> blocks;
    std::atomic<int>* checked = nullptr;
    ~Holder() {
      for (void* b : blocks) Pool::deallocate(b);
      std::vector<void*> fresh;
      for (int i = 0; i < 600; ++i) fresh.push_back(Pool::allocate());
      std::sort(fresh.begin(), fresh.end());
      if (std::adjacent_find(fresh.begin(), fresh.end()) == fresh.end()) checked->store(1);
      for (void* b : fresh) Pool::deallocate(b);
    }
  };
  std::atomic<int> checked{0};
  std::thread worker([&] {
    // Constructed before the pool's first use on this thread, so destroyed after its cache.
    static thread_local Holder holder;
    holder.checked = &checked;
    for (int i = 0; i < 700; ++i) holder.blocks.push_back(Pool::allocate());
  });
  worker.join();
  EXPECT_EQ(checked.load(), 1);
  void* again = Pool::allocate();
  EXPECT_NE(again, nullptr);
  Pool::deallocate(again);
}

// Producer and consumer run at once: every block a producer writes arrives intact, is freed on
// the consumer's thread and comes back to the producer through the global list (TSan checks
// the hand-offs are ordered).
TEST(NodePool, ConcurrentCrossThreadReturn) {
  struct Tag;
  struct Node : QueueLink {
    std::uint64_t value[3];
  };
  using Pool = NodePool<pool_block_size(sizeof(Node)), Tag>;
  constexpr std::uint64_t kMessages = SPL_TSAN ? 50'000 : 400'000;
  MpscQueue q;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kMessages; ++i) {
      auto* n = new (Pool::allocate()) Node;
      n->value[0] = n->value[1] = n->value[2] = i;
      q.push(n);
    }
  });
  // Alternates plain and keep-last pops: a retained node's payload is overwritten while a
  // producer may be linking the next node to it, and its memory is freed only once released.
  std::uint64_t next = 0;
  while (next < kMessages) {
    QueueLink* link = next % 2 == 0 ? q.pop() : q.pop_keep_last();
    if (QueueLink* released = q.take_released()) Pool::deallocate(static_cast<Node*>(released));
    auto* n = static_cast<Node*>(link);
    if (n == nullptr) {
      std::this_thread::yield();
      continue;
    }
    ASSERT_EQ(n->value[0], next);
    ASSERT_EQ(n->value[2], next);
    n->value[0] = n->value[1] = n->value[2] = ~std::uint64_t{0};
    if (!q.is_retained(n)) Pool::deallocate(n);
    ++next;
  }
  producer.join();
  if (QueueLink* last = q.release_retained()) Pool::deallocate(static_cast<Node*>(last));
}

}  // namespace
}  // namespace spl::actor::internal
