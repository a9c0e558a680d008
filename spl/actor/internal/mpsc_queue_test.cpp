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
      Item* it = free_items.back();
      free_items.pop_back();
      it->seq = next++;
      q.push(it);
      model.push_back(it);
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

}  // namespace
}  // namespace spl::actor::internal
