#include "spl/actor/c_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

extern "C" int spl_actor_c_api_from_c(void);

namespace {

constexpr std::uint64_t kGuardNs = 30'000'000'000ull;  // deadlock guard only

int doubler(void*, rt_actor, rt_value msg, rt_value* reply) {
  *reply = msg * 2;
  return 0;
}

int crash_on_seven(void* state, rt_actor, rt_value msg, rt_value*) {
  static_cast<std::atomic<int>*>(state)->fetch_add(1);
  return msg == 7 ? 1 : 0;
}

// Forwards every message to the inbox whose handle is the state.
int forwarder(void* state, rt_actor, rt_value msg, rt_value*) {
  return rt_actor_send(*static_cast<rt_actor*>(state), msg + 1) == RT_ACTOR_OK ? 0 : 1;
}

class ActorCApi : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(rt_actor_runtime_start(2), RT_ACTOR_OK); }
  void TearDown() override { EXPECT_EQ(rt_actor_runtime_stop(1000), RT_ACTOR_OK); }
};

TEST_F(ActorCApi, AskGetsTheCallbackReply) {
  rt_actor a = 0;
  ASSERT_EQ(rt_actor_spawn(doubler, nullptr, &a), RT_ACTOR_OK);
  rt_value out = 0;
  ASSERT_EQ(rt_actor_ask(a, 21, kGuardNs, &out), RT_ACTOR_OK);
  EXPECT_EQ(out, 42u);
}

TEST_F(ActorCApi, ActorSendsToAnInboxThatAThreadReceives) {
  rt_actor inbox = 0, fwd = 0;
  ASSERT_EQ(rt_actor_spawn(nullptr, nullptr, &inbox), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_spawn(forwarder, &inbox, &fwd), RT_ACTOR_OK);
  for (rt_value i = 0; i < 100; ++i) ASSERT_EQ(rt_actor_send(fwd, i), RT_ACTOR_OK);
  for (rt_value i = 0; i < 100; ++i) {
    rt_value v = 0;
    ASSERT_EQ(rt_actor_receive_timeout(inbox, kGuardNs, &v), RT_ACTOR_OK);
    EXPECT_EQ(v, i + 1);
  }
  rt_value v = 0;
  EXPECT_EQ(rt_actor_receive(inbox, &v), RT_ACTOR_EMPTY);
  EXPECT_EQ(rt_actor_receive_timeout(inbox, 1000, &v), RT_ACTOR_TIMEOUT);
  rt_stats s{};
  ASSERT_EQ(rt_actor_stats(inbox, &s), RT_ACTOR_OK);
  EXPECT_EQ(s.enqueued, 100u);
  EXPECT_EQ(s.dequeued, 100u);
}

TEST_F(ActorCApi, PriorityLaneOvertakesInInbox) {
  rt_actor inbox = 0;
  ASSERT_EQ(rt_actor_spawn(nullptr, nullptr, &inbox), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_send(inbox, 1), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_send_priority(inbox, 2, RT_LANE_HIGH), RT_ACTOR_OK);
  EXPECT_EQ(rt_actor_send_priority(inbox, 3, 9), RT_ACTOR_INVALID);
  rt_value v = 0;
  ASSERT_EQ(rt_actor_receive(inbox, &v), RT_ACTOR_OK);
  EXPECT_EQ(v, 2u);
}

TEST_F(ActorCApi, CrashedClosedAndUnknownActorsGiveStatuses) {
  std::atomic<int> seen{0};
  rt_actor a = 0;
  ASSERT_EQ(rt_actor_spawn(crash_on_seven, &seen, &a), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_send(a, 7), RT_ACTOR_OK);
  rt_value out = 0;
  // Once the crash lands the handle is stale: every call reports it.
  int status = RT_ACTOR_OK;
  for (int i = 0; i < 30000 && status == RT_ACTOR_OK; ++i) {
    status = rt_actor_send(a, 1);
    if (status == RT_ACTOR_OK) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(status == RT_ACTOR_UNKNOWN || status == RT_ACTOR_CLOSED) << status;
  EXPECT_NE(rt_last_error()[0], '\0');
  EXPECT_EQ(rt_actor_ask(a, 1, 1000, &out), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_send(0, 1), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_send(0xDEADBEEFull, 1), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_send((1ull << 63) | 12345, 1), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_receive(a, &out), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_close(a), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_actor_spawn(doubler, nullptr, nullptr), RT_ACTOR_INVALID);

  rt_actor b = 0;
  ASSERT_EQ(rt_actor_spawn(doubler, nullptr, &b), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_close(b), RT_ACTOR_OK);
  status = RT_ACTOR_OK;
  for (int i = 0; i < 30000 && status == RT_ACTOR_OK; ++i) {
    status = rt_actor_send(b, 1);
    if (status == RT_ACTOR_OK) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(status == RT_ACTOR_UNKNOWN || status == RT_ACTOR_CLOSED) << status;
}

TEST_F(ActorCApi, ClosedInboxDrainsThenReportsClosed) {
  rt_actor inbox = 0;
  ASSERT_EQ(rt_actor_spawn(nullptr, nullptr, &inbox), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_send(inbox, 5), RT_ACTOR_OK);
  ASSERT_EQ(rt_actor_close(inbox), RT_ACTOR_OK);
  EXPECT_EQ(rt_actor_send(inbox, 6), RT_ACTOR_CLOSED);
  rt_value v = 0;
  EXPECT_EQ(rt_actor_receive(inbox, &v), RT_ACTOR_OK);
  EXPECT_EQ(v, 5u);
  EXPECT_EQ(rt_actor_receive_timeout(inbox, kGuardNs, &v), RT_ACTOR_CLOSED);
}

TEST(MailboxCApi, PoliciesAndStatuses) {
  rt_mailbox mb = 0;
  EXPECT_EQ(rt_mailbox_create(2, 42, 0, &mb), RT_ACTOR_INVALID);
  ASSERT_EQ(rt_mailbox_create(2, RT_OVERFLOW_FAIL, 0, &mb), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(mb, 1, RT_LANE_NORMAL), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(mb, 2, RT_LANE_NORMAL), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(mb, 3, RT_LANE_NORMAL), RT_ACTOR_FULL);
  rt_value v = 0;
  EXPECT_EQ(rt_mailbox_receive(mb, &v), RT_ACTOR_OK);
  EXPECT_EQ(v, 1u);
  rt_stats s{};
  ASSERT_EQ(rt_mailbox_stats(mb, &s), RT_ACTOR_OK);
  EXPECT_EQ(s.enqueued, 2u);
  EXPECT_EQ(s.depth, 1u);
  ASSERT_EQ(rt_mailbox_close(mb), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(mb, 4, RT_LANE_NORMAL), RT_ACTOR_CLOSED);
  ASSERT_EQ(rt_mailbox_destroy(mb), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_receive(mb, &v), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_mailbox_destroy(mb), RT_ACTOR_UNKNOWN);
  EXPECT_EQ(rt_mailbox_send(mb, 1, RT_LANE_NORMAL), RT_ACTOR_UNKNOWN);

  rt_mailbox drop = 0;
  ASSERT_EQ(rt_mailbox_create(1, RT_OVERFLOW_DROP_NEWEST, 0, &drop), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(drop, 1, RT_LANE_NORMAL), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(drop, 2, RT_LANE_NORMAL), RT_ACTOR_DROPPED);
  rt_mailbox_destroy(drop);

  rt_mailbox block = 0;
  ASSERT_EQ(rt_mailbox_create(1, RT_OVERFLOW_BLOCK, 1000, &block), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(block, 1, RT_LANE_NORMAL), RT_ACTOR_OK);
  EXPECT_EQ(rt_mailbox_send(block, 2, RT_LANE_NORMAL), RT_ACTOR_TIMEOUT);
  rt_mailbox_destroy(block);
}

TEST(MailboxCApi, ThreadsShareAMailbox) {
  rt_mailbox mb = 0;
  ASSERT_EQ(rt_mailbox_create(0, RT_OVERFLOW_FAIL, 0, &mb), RT_ACTOR_OK);
  constexpr int kPerThread = 5000;
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t) {
    producers.emplace_back([mb] {
      for (int i = 0; i < kPerThread; ++i) rt_mailbox_send(mb, 1, RT_LANE_NORMAL);
    });
  }
  rt_value sum = 0, v = 0;
  for (int i = 0; i < 3 * kPerThread; ++i) {
    ASSERT_EQ(rt_mailbox_receive_timeout(mb, kGuardNs, &v), RT_ACTOR_OK);
    sum += v;
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(sum, 3u * kPerThread);
  rt_mailbox_destroy(mb);
}

TEST(ActorCApiFromC, HeaderIsC99AndLinksFromC) { EXPECT_EQ(spl_actor_c_api_from_c(), 1); }

}  // namespace
