#include "spl/actor/mailbox.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "spl/base/sanitizers.hpp"

namespace spl::actor {

struct TestMsg {
  std::uint64_t sender = 0;
  std::uint16_t type = 0;
  int value = 0;
  friend bool operator==(const TestMsg&, const TestMsg&) = default;
};

template <>
struct MessageType<TestMsg> {
  static std::uint16_t of(const TestMsg& m) noexcept { return m.type; }
};

namespace {

using namespace std::chrono_literals;

constexpr auto kGuard = 30s;  // deadlock guard only; never expected to elapse

TEST(Mailbox, SendThenReceive) {
  Mailbox<int> mb;
  EXPECT_EQ(mb.send(1), SendStatus::kOk);
  EXPECT_EQ(mb.send(2), SendStatus::kOk);
  EXPECT_EQ(mb.try_receive(), 1);
  EXPECT_EQ(mb.try_receive(), 2);
  EXPECT_EQ(mb.try_receive(), std::nullopt);
}

TEST(Mailbox, HighLaneFirstThenNormalThenLow) {
  Mailbox<int> mb;
  mb.send(1, Lane::kLow);
  mb.send(2, Lane::kNormal);
  mb.send(3, Lane::kHigh);
  mb.send(4, Lane::kNormal);
  mb.send(5, Lane::kHigh);
  std::vector<int> got;
  while (auto m = mb.try_receive()) got.push_back(*m);
  EXPECT_EQ(got, (std::vector<int>{3, 5, 2, 4, 1}));
}

TEST(Mailbox, SelectiveReceiveKeepsUnmatchedInOrder) {
  Mailbox<int> mb;
  for (int i = 1; i <= 6; ++i) mb.send(i);
  auto even = [](int v) { return v % 2 == 0; };
  EXPECT_EQ(mb.try_receive_if(even), 2);
  EXPECT_EQ(mb.saved_count(), 1u);  // 1 was passed over
  EXPECT_EQ(mb.try_receive_if(even), 4);
  EXPECT_EQ(mb.try_receive(), 1);  // a later receive sees passed-over messages first, in order
  EXPECT_EQ(mb.try_receive(), 3);
  EXPECT_EQ(mb.try_receive(), 5);
  EXPECT_EQ(mb.try_receive(), 6);
  EXPECT_EQ(mb.try_receive_if(even), std::nullopt);
}

TEST(Mailbox, SelectorFiltersBySenderAndType) {
  Mailbox<TestMsg> mb;
  mb.send(TestMsg{7, 1, 10}, Lane::kNormal, 7);
  mb.send(TestMsg{8, 2, 20}, Lane::kNormal, 8);
  mb.send(TestMsg{7, 2, 30}, Lane::kNormal, 7);
  auto any = [](const TestMsg&) { return true; };
  EXPECT_EQ(mb.try_receive_if(any, Selector{7, 2})->value, 30);
  EXPECT_EQ(mb.try_receive_if(any, Selector{std::nullopt, 2})->value, 20);
  EXPECT_EQ(mb.try_receive_if(any, Selector{9, std::nullopt}), std::nullopt);
  EXPECT_EQ(mb.try_receive()->value, 10);
}

// Slot 5 in two generations: an actor and the later one that reused its slot.
constexpr std::uint64_t kOldSender = (std::uint64_t{1} << 32) | 5;
constexpr std::uint64_t kNewSender = (std::uint64_t{2} << 32) | 5;

// The sender is the whole actor id: one differing only in its generation is another sender.
TEST(Mailbox, SelectorSenderComparesTheGeneration) {
  Mailbox<TestMsg> mb;
  auto any = [](const TestMsg&) { return true; };
  mb.send(TestMsg{kOldSender, 0, 1}, Lane::kNormal, kOldSender);
  EXPECT_EQ(mb.try_receive_if(any, Selector{kNewSender, std::nullopt}), std::nullopt);
  mb.send(TestMsg{kNewSender, 0, 2}, Lane::kNormal, kNewSender);
  mb.send(TestMsg{kNewSender, 0, 3}, Lane::kNormal, kNewSender);
  EXPECT_EQ(mb.try_receive_if(any, Selector{kNewSender, std::nullopt})->value, 2);
  EXPECT_EQ(mb.try_receive_if(any, Selector{kOldSender, std::nullopt})->value, 1);
  EXPECT_EQ(mb.try_receive_if(any, Selector{kOldSender, std::nullopt}), std::nullopt);
  EXPECT_EQ(mb.try_receive()->value, 3);
}

TEST(Mailbox, BloomFilterRejectsWithoutCallingThePredicate) {
  Mailbox<TestMsg> mb;
  for (int i = 0; i < 100; ++i) mb.send(TestMsg{1, 1, i}, Lane::kNormal, 1);
  int calls = 0;
  auto counting = [&](const TestMsg&) {
    ++calls;
    return false;
  };
  EXPECT_EQ(mb.try_receive_if(counting), std::nullopt);  // moves all 100 to the save queue
  EXPECT_EQ(calls, 100);
  calls = 0;
  // Sender 2 was never seen: the filter answers without touching the 100 saved messages.
  EXPECT_EQ(mb.try_receive_if(counting, Selector{2, std::nullopt}), std::nullopt);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(mb.saved_count(), 100u);
}

// The filter hashes the whole id: saved mail from an ended actor does not make a receive from
// the next actor in its slot walk the save queue (these two ids set different bits).
TEST(Mailbox, BloomFilterTellsGenerationsApart) {
  Mailbox<TestMsg> mb;
  for (int i = 0; i < 100; ++i) mb.send(TestMsg{kOldSender, 1, i}, Lane::kNormal, kOldSender);
  int calls = 0;
  auto counting = [&](const TestMsg&) {
    ++calls;
    return false;
  };
  EXPECT_EQ(mb.try_receive_if(counting), std::nullopt);
  calls = 0;
  EXPECT_EQ(mb.try_receive_if(counting, Selector{kNewSender, std::nullopt}), std::nullopt);
  EXPECT_EQ(calls, 0);
}

TEST(Mailbox, ThrowingPredicateLosesNothing) {
  Mailbox<int> mb;
  mb.send(1);
  mb.send(2);
  EXPECT_THROW(mb.try_receive_if([](int v) -> bool {
    if (v == 2) throw std::runtime_error("boom");
    return false;
  }),
               std::runtime_error);
  EXPECT_EQ(mb.try_receive(), 1);
  EXPECT_EQ(mb.try_receive(), 2);
}

TEST(Mailbox, ReceiveTimesOutWhenEmpty) {
  Mailbox<int> mb;
  auto r = mb.receive(1ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

TEST(Mailbox, BlockingReceiveWakesOnSend) {
  Mailbox<int> mb;
  std::thread sender([&] { mb.send(42); });
  auto r = mb.receive(kGuard);
  sender.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
}

TEST(Mailbox, SelectiveBlockingReceiveSkipsUntilMatch) {
  Mailbox<int> mb;
  std::thread sender([&] {
    for (int i = 0; i < 100; ++i) mb.send(i);
  });
  auto r = mb.receive_if([](int v) { return v == 99; }, kGuard);
  sender.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 99);
  for (int i = 0; i < 99; ++i) EXPECT_EQ(mb.try_receive(), i);
}

TEST(Mailbox, FailPolicyReturnsFullAndKeepsTheMessage) {
  Mailbox<std::string> mb(MailboxOptions{2, Overflow::kFail});
  std::string a = "a", b = "b", c = "c";
  EXPECT_EQ(mb.send(std::move(a)), SendStatus::kOk);
  EXPECT_EQ(mb.send(std::move(b)), SendStatus::kOk);
  EXPECT_EQ(mb.send(std::move(c)), SendStatus::kFull);
  EXPECT_EQ(c, "c");  // not moved from on failure
  EXPECT_EQ(mb.try_receive(), "a");
  EXPECT_EQ(mb.send(std::move(c)), SendStatus::kOk);
}

// Messages a selective receive passed over give their capacity slots back: otherwise the one
// it waits for is refused (kFail, kDropNewest) or blocked while the mailbox holds only saved ones.
TEST(Mailbox, SavedMessagesDoNotHoldCapacity) {
  for (Overflow policy : {Overflow::kFail, Overflow::kDropNewest, Overflow::kBlock, Overflow::kDropOldest}) {
    Mailbox<int> mb(MailboxOptions{2, policy, 1ms});
    ASSERT_EQ(mb.send(1), SendStatus::kOk);
    ASSERT_EQ(mb.send(2), SendStatus::kOk);
    auto is_reply = [](const int& m) { return m == 99; };
    EXPECT_EQ(mb.try_receive_if(is_reply), std::nullopt);  // 1 and 2 are saved
    EXPECT_EQ(mb.send(99), SendStatus::kOk) << "policy " << static_cast<int>(policy);
    EXPECT_EQ(mb.try_receive_if(is_reply), 99);
    EXPECT_EQ(mb.try_receive(), 1);  // nothing saved was evicted or lost
    EXPECT_EQ(mb.try_receive(), 2);
    EXPECT_EQ(mb.send(3), SendStatus::kOk);
    EXPECT_EQ(mb.send(4), SendStatus::kOk);
    EXPECT_EQ(mb.stats().dropped, 0u);
  }
}

TEST(Mailbox, DropNewestDiscardsTheNewMessage) {
  Mailbox<int> mb(MailboxOptions{2, Overflow::kDropNewest});
  mb.send(1);
  mb.send(2);
  EXPECT_EQ(mb.send(3), SendStatus::kDropped);
  EXPECT_EQ(mb.try_receive(), 1);
  EXPECT_EQ(mb.try_receive(), 2);
  EXPECT_EQ(mb.try_receive(), std::nullopt);
  EXPECT_EQ(mb.stats().dropped, 1u);
}

TEST(Mailbox, DropOldestDiscardsTheOldestOfTheLowestLane) {
  Mailbox<int> mb(MailboxOptions{3, Overflow::kDropOldest});
  mb.send(1, Lane::kHigh);
  mb.send(2, Lane::kNormal);
  mb.send(3, Lane::kNormal);
  EXPECT_EQ(mb.send(4, Lane::kNormal), SendStatus::kOk);  // evicts 2
  std::vector<int> got;
  while (auto m = mb.try_receive()) got.push_back(*m);
  EXPECT_EQ(got, (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(mb.stats().dropped, 1u);
}

// A DropOldest sender to a full mailbox evicts under the consumer's mutex. A selective
// receive's predicate is user code and runs without it, so a send can complete while the
// predicate runs (here the predicate waits for that send; it used to wait out its timeout
// with the sender blocked on the mutex), and so does the dead-letter handler.
TEST(Mailbox, DropOldestSendDoesNotWaitForAPredicate) {
  Mailbox<int> mb(MailboxOptions{1, Overflow::kDropOldest});
  std::atomic<int> dead{0};
  mb.set_dead_letter_handler([&](int&&) { dead.fetch_add(1); });
  ASSERT_EQ(mb.send(1), SendStatus::kOk);
  std::atomic<bool> in_predicate{false}, sent{false};
  bool saw_send = false;
  std::thread sender([&] {
    while (!in_predicate.load()) std::this_thread::yield();
    EXPECT_EQ(mb.send(2), SendStatus::kOk);
    EXPECT_EQ(mb.send(3), SendStatus::kOk);  // evicts 2: the only message visible in the lane
    sent = true;
  });
  auto r = mb.receive_if(
      [&](const int& m) {
        if (m != 1) return false;
        in_predicate = true;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!sent.load() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
        saw_send = sent.load();
        return true;
      },
      std::chrono::seconds(10));
  sender.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 1);
  EXPECT_TRUE(saw_send) << "the sender waited for the predicate";
  EXPECT_EQ(dead.load(), 1);
  EXPECT_EQ(mb.try_receive(), std::optional<int>(3));
}

TEST(Mailbox, BlockPolicyTimesOutWhenNobodyReceives) {
  Mailbox<int> mb(MailboxOptions{1, Overflow::kBlock, 1ms});
  EXPECT_EQ(mb.send(1), SendStatus::kOk);
  EXPECT_EQ(mb.send(2), SendStatus::kTimeout);
}

TEST(Mailbox, BlockPolicyParksSenderUntilSpace) {
  Mailbox<int> mb(MailboxOptions{4, Overflow::kBlock, kGuard});
  constexpr int kCount = 2000;
  std::thread sender([&] {
    for (int i = 0; i < kCount; ++i) ASSERT_EQ(mb.send(i), SendStatus::kOk);
  });
  for (int i = 0; i < kCount; ++i) {
    auto r = mb.receive(kGuard);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(*r, i);
  }
  sender.join();
  EXPECT_LE(mb.stats().high_water, 4u);
}

TEST(Mailbox, CloseDrainKeepsPendingThenReportsClosed) {
  Mailbox<int> mb;
  mb.send(1);
  mb.close(CloseMode::kDrain);
  EXPECT_EQ(mb.send(2), SendStatus::kClosed);
  auto r = mb.receive(kGuard);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 1);
  auto closed = mb.receive(kGuard);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code, ErrorCode::kClosed);
}

TEST(Mailbox, CloseDeadLetterHandsPendingOver) {
  Mailbox<int> mb;
  std::vector<int> dead;
  mb.set_dead_letter_handler([&](int&& v) { dead.push_back(v); });
  mb.send(1);
  mb.send(2, Lane::kHigh);
  mb.close(CloseMode::kDeadLetter);
  EXPECT_EQ(dead, (std::vector<int>{2, 1}));
  EXPECT_EQ(mb.try_receive(), std::nullopt);
  EXPECT_EQ(mb.send(3), SendStatus::kClosed);
}

TEST(Mailbox, CloseWakesBlockedReceiverAndSender) {
  Mailbox<int> full(MailboxOptions{1, Overflow::kBlock, kGuard});
  full.send(1);
  std::thread sender([&] { EXPECT_EQ(full.send(2), SendStatus::kClosed); });
  Mailbox<int> empty;
  std::thread closer([&] {
    std::this_thread::sleep_for(5ms);
    full.close();
  });
  closer.join();
  sender.join();
  empty.close();
  EXPECT_EQ(empty.receive(kGuard).error().code, ErrorCode::kClosed);
}

TEST(Mailbox, DestructorDeadLettersWhatIsLeft) {
  auto dead = std::make_shared<std::vector<int>>();
  {
    Mailbox<int> mb;
    mb.set_dead_letter_handler([dead](int&& v) { dead->push_back(v); });
    mb.send(1);
    mb.send(2);
  }
  EXPECT_EQ(*dead, (std::vector<int>{1, 2}));
}

TEST(Mailbox, StatsCountEverything) {
  Mailbox<int> mb;
  for (int i = 0; i < 1000; ++i) mb.send(i);
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(mb.try_receive());
  MailboxStats s = mb.stats();
  EXPECT_EQ(s.enqueued, 1000u);
  EXPECT_EQ(s.dequeued, 600u);
  EXPECT_EQ(s.depth, 400u);
  EXPECT_EQ(s.high_water, 1000u);
  EXPECT_GT(s.latency_samples, 0u);
  EXPECT_LE(s.latency_p50_ns, s.latency_p99_ns);
  EXPECT_LE(s.latency_p99_ns, s.latency_p999_ns);
}

TEST(Mailbox, PayloadsWithDestructorsAreReleased) {
  auto token = std::make_shared<int>(5);
  {
    Mailbox<std::shared_ptr<int>> mb;
    for (int i = 0; i < 10; ++i) mb.send(token);
    EXPECT_EQ(token.use_count(), 11);
    mb.try_receive();
    EXPECT_EQ(token.use_count(), 10);
  }
  EXPECT_EQ(token.use_count(), 1);
}

// --- property test against a sequential model ---------------------------------------------

struct Model {
  struct Entry {
    TestMsg msg;
    bool saved = false;  // passed over by a selective receive: no longer counts against capacity
  };
  MailboxOptions options;
  std::deque<Entry> lanes[kLaneCount];
  bool closed = false;
  std::uint64_t enqueued = 0, dequeued = 0, dropped = 0;

  std::size_t size() const { return lanes[0].size() + lanes[1].size() + lanes[2].size(); }
  std::size_t holding_slots() const {
    std::size_t n = 0;
    for (const auto& lane : lanes) {
      for (const Entry& e : lane) n += e.saved ? 0 : 1;
    }
    return n;
  }

  SendStatus send(const TestMsg& m, Lane lane) {
    if (closed) return SendStatus::kClosed;
    if (options.capacity != 0 && holding_slots() >= options.capacity) {
      switch (options.overflow) {
        case Overflow::kFail: return SendStatus::kFull;
        case Overflow::kBlock: return SendStatus::kTimeout;
        case Overflow::kDropNewest: ++dropped; return SendStatus::kDropped;
        case Overflow::kDropOldest:
          for (int l = kLaneCount - 1; l >= 0; --l) {
            auto it = std::find_if(lanes[l].begin(), lanes[l].end(), [](const Entry& e) { return !e.saved; });
            if (it != lanes[l].end()) {
              lanes[l].erase(it);
              ++dropped;
              break;
            }
          }
          break;
      }
    }
    lanes[static_cast<int>(lane)].push_back({m});
    ++enqueued;
    return SendStatus::kOk;
  }

  // Lanes in order, each in arrival order; what the scan passes over is saved.
  template <class Pred>
  std::optional<TestMsg> receive(Pred pred) {
    for (auto& lane : lanes) {
      for (auto it = lane.begin(); it != lane.end(); ++it) {
        if (pred(it->msg)) {
          TestMsg m = it->msg;
          lane.erase(it);
          ++dequeued;
          return m;
        }
        it->saved = true;
      }
    }
    return std::nullopt;
  }
};

RC_GTEST_PROP(Mailbox, MatchesSequentialModel, ()) {
  MailboxOptions options;
  options.capacity = *rc::gen::element<std::size_t>(0, 1, 3, 8);
  options.overflow = *rc::gen::element(Overflow::kFail, Overflow::kBlock, Overflow::kDropNewest, Overflow::kDropOldest);
  options.block_timeout = std::chrono::nanoseconds(0);
  Mailbox<TestMsg> mb(options);
  Model model;
  model.options = options;
  const int steps = *rc::gen::inRange(0, 120);
  for (int step = 0; step < steps; ++step) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 5) {
      TestMsg m{*rc::gen::element<std::uint64_t>(0, 1, 2, kOldSender, kNewSender),
                *rc::gen::inRange<std::uint16_t>(0, 3), step};
      Lane lane = *rc::gen::element(Lane::kHigh, Lane::kNormal, Lane::kLow);
      RC_ASSERT(mb.send(m, lane, m.sender) == model.send(m, lane));
    } else if (op < 7) {
      RC_ASSERT(mb.try_receive() == model.receive([](const TestMsg&) { return true; }));
    } else if (op < 9) {
      Selector sel;
      if (*rc::gen::arbitrary<bool>())
        sel.sender = *rc::gen::element<std::uint64_t>(0, 1, 3, kOldSender, kNewSender);
      if (*rc::gen::arbitrary<bool>()) sel.type = *rc::gen::inRange<std::uint16_t>(0, 4);
      const int mod = *rc::gen::inRange(1, 4);
      auto pred = [mod](const TestMsg& m) { return m.value % mod == 0; };
      auto model_pred = [&](const TestMsg& m) {
        return (!sel.sender || m.sender == *sel.sender) && (!sel.type || m.type == *sel.type) && pred(m);
      };
      RC_ASSERT(mb.try_receive_if(pred, sel) == model.receive(model_pred));
    } else if (!model.closed && *rc::gen::inRange(0, 8) == 0) {
      mb.close(CloseMode::kDrain);
      model.closed = true;
    }
    MailboxStats s = mb.stats();
    RC_ASSERT(s.enqueued == model.enqueued);
    RC_ASSERT(s.dequeued == model.dequeued);
    RC_ASSERT(s.dropped == model.dropped);
    RC_ASSERT(s.depth == model.size());
  }
}

// --- concurrency ----------------------------------------------------------------------------

// Several producers on mixed lanes; the consumer mixes plain and selective receives and checks
// that every message arrives exactly once and each producer's messages per lane stay in order.
TEST(MailboxStress, MultiProducerNothingLostNothingDuplicated) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = SPL_TSAN ? 5000 : 50000;
  Mailbox<TestMsg> mb;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        Lane lane = static_cast<Lane>(i % 3);
        ASSERT_EQ(mb.send(TestMsg{static_cast<std::uint32_t>(p), static_cast<std::uint16_t>(i % 3), i}, lane,
                          static_cast<std::uint32_t>(p)),
                  SendStatus::kOk);
      }
    });
  }
  std::vector<std::vector<int>> last(kProducers, std::vector<int>(3, -1));
  std::vector<int> count(kProducers, 0);
  std::vector<TestMsg> deferred;
  long total = 0;
  auto account = [&](const TestMsg& m) {
    ASSERT_GT(m.value, last[m.sender][m.type]) << "reordered within a sender and lane";
    last[m.sender][m.type] = m.value;
    ++count[m.sender];
    ++total;
  };
  while (total < long(kProducers) * kPerProducer) {
    Result<TestMsg> r = (total % 7 == 3)
                            ? mb.receive_if([](const TestMsg& m) { return m.sender == 0; }, 1ms, Selector{0, {}})
                            : mb.receive(kGuard);
    if (!r.ok()) {
      ASSERT_EQ(r.error().code, ErrorCode::kTimeout);
      auto rest = mb.receive(kGuard);  // sender 0 may be done: take anything else
      ASSERT_TRUE(rest.ok());
      account(*rest);
      continue;
    }
    account(*r);
  }
  for (auto& t : producers) t.join();
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(count[p], kPerProducer);
  EXPECT_EQ(mb.try_receive(), std::nullopt);
  EXPECT_EQ(mb.stats().enqueued, mb.stats().dequeued);
}

TEST(MailboxStress, BoundedPoliciesUnderContention) {
  for (Overflow policy : {Overflow::kDropNewest, Overflow::kDropOldest, Overflow::kFail, Overflow::kBlock}) {
    constexpr int kProducers = 3;
    constexpr int kPerProducer = SPL_TSAN ? 2000 : 20000;
    Mailbox<int> mb(MailboxOptions{16, policy, kGuard});
    std::atomic<long> accepted{0};
    std::atomic<int> done{0};
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&] {
        for (int i = 0; i < kPerProducer; ++i) {
          if (mb.send(i) == SendStatus::kOk) accepted.fetch_add(1);
        }
        done.fetch_add(1);
      });
    }
    long received = 0;
    while (done.load() < kProducers || mb.any_pending()) {
      if (mb.try_receive()) {
        ++received;
      } else {
        std::this_thread::yield();
      }
    }
    for (auto& t : producers) t.join();
    while (mb.try_receive()) ++received;
    MailboxStats s = mb.stats();
    EXPECT_EQ(s.enqueued, static_cast<std::uint64_t>(accepted.load()));
    EXPECT_EQ(s.dequeued, static_cast<std::uint64_t>(received));
    if (policy == Overflow::kBlock) {
      EXPECT_EQ(received, long(kProducers) * kPerProducer);
    }
    if (policy == Overflow::kDropOldest) {
      EXPECT_EQ(s.enqueued, s.dequeued + s.dropped);
    }
    EXPECT_EQ(s.depth, 0u);
  }
}

}  // namespace
}  // namespace spl::actor
