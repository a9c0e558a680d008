#include "spl/actor/actor.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "spl/actor/internal/test_support.hpp"
#include "spl/base/sanitizers.hpp"

namespace spl::actor {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::kGuard;

struct Add {
  long amount;
};
struct Get {
  Reply<long> reply;
};
struct Crash {};
using CounterMsg = std::variant<Add, Get, Crash>;

Behavior<CounterMsg> counter() {
  auto total = std::make_shared<long>(0);
  return [total](ActorContext<CounterMsg>&, CounterMsg& msg) {
    if (auto* a = std::get_if<Add>(&msg)) {
      *total += a->amount;
    } else if (auto* g = std::get_if<Get>(&msg)) {
      g->reply.send(*total);
    } else {
      throw std::runtime_error("asked to crash");
    }
  };
}

long ask_total(ActorSystem& sys, const ActorRef<CounterMsg>& ref) {
  auto r = sys.ask<long>(ref, [](Reply<long> reply) { return CounterMsg(Get{std::move(reply)}); }).get(kGuard);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : -1;
}

TEST(Actor, TellThenAsk) {
  ActorSystem sys(SchedulerOptions{2});
  auto c = sys.spawn<CounterMsg>(counter());
  for (int i = 1; i <= 100; ++i) EXPECT_EQ(c.tell(Add{i}), SendStatus::kOk);
  EXPECT_EQ(ask_total(sys, c), 5050);
}

TEST(Actor, PingPongBetweenActors) {
  ActorSystem sys(SchedulerOptions{2});
  constexpr int kRounds = 20000;
  auto done = std::make_shared<std::promise<int>>();
  auto result = done->get_future();
  using Ball = int;
  auto pong = sys.spawn<std::pair<int, ActorRef<Ball>>>(
      [](ActorContext<std::pair<int, ActorRef<Ball>>>&, std::pair<int, ActorRef<Ball>>& m) {
        m.second.tell(m.first + 1);
      });
  auto ping = sys.spawn<Ball>([pong, done](ActorContext<Ball>& ctx, Ball& n) {
    if (n == kRounds) {
      done->set_value(n);
      return;
    }
    pong.tell({n, ctx.self()});
  });
  ping.tell(0);
  ASSERT_EQ(result.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(result.get(), kRounds);
}

// Many outside threads hammer many actors; every message is counted exactly once.
TEST(ActorStress, ManySendersManyActors) {
  ActorSystem sys(SchedulerOptions{2});
  constexpr int kActors = 50;
  constexpr int kThreads = 4;
  constexpr int kPerThread = SPL_TSAN ? 2000 : 20000;
  std::vector<ActorRef<CounterMsg>> actors;
  for (int i = 0; i < kActors; ++i) actors.push_back(sys.spawn<CounterMsg>(counter()));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) actors[(i * 7 + t) % kActors].tell(Add{1});
    });
  }
  for (auto& th : threads) th.join();
  long total = 0;
  for (auto& a : actors) total += ask_total(sys, a);
  EXPECT_EQ(total, long(kThreads) * kPerThread);
}

// Actors forwarding to random peers (the fork-join shape): messages neither lost nor doubled.
TEST(ActorStress, ActorsSendingToEachOther) {
  ActorSystem sys(SchedulerOptions{2});
  constexpr int kActors = 64;
  constexpr int kHops = SPL_TSAN ? 20000 : 200000;
  auto hops = std::make_shared<std::atomic<long>>(0);
  auto peers = std::make_shared<std::vector<ActorRef<int>>>();
  auto finished = std::make_shared<std::promise<void>>();
  for (int i = 0; i < kActors; ++i) {
    peers->push_back(sys.spawn<int>([peers, hops, finished, i](ActorContext<int>&, int& ttl) {
      hops->fetch_add(1, std::memory_order_relaxed);
      if (ttl == 0) {
        finished->set_value();
        return;
      }
      (*peers)[(i * 31 + ttl) % kActors].tell(ttl - 1);
    }));
  }
  auto f = finished->get_future();
  (*peers)[0].tell(kHops);
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(hops->load(), kHops + 1);
  sys.shutdown();
  peers->clear();
}

TEST(Actor, SpawnFromInsideAnActor) {
  ActorSystem sys(SchedulerOptions{2});
  auto got = std::make_shared<std::promise<long>>();
  auto parent = sys.spawn<int>([got](ActorContext<int>& ctx, int& n) {
    auto child = ctx.spawn<CounterMsg>(counter());
    child.tell(Add{n});
    auto reply_to = std::make_shared<std::promise<long>>();
    child.tell(Get{Reply<long>(got)});
  });
  parent.tell(41);
  auto f = got->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), 41);
}

TEST(Actor, SelectiveReceiveTakesMatchFirstAndKeepsTheRest) {
  ActorSystem sys(SchedulerOptions{2});
  auto log = std::make_shared<std::vector<std::string>>();
  auto done = std::make_shared<std::promise<void>>();
  auto a = sys.spawn<std::string>([log, done](ActorContext<std::string>& ctx, std::string& m) {
    if (m == "start") {
      ctx.receive([](const std::string& s) { return s == "go"; }, kGuard,
                  [log](ActorContext<std::string>&, std::string& s) { log->push_back(s); },
                  [log](ActorContext<std::string>&) { log->push_back("timeout"); });
      return;
    }
    log->push_back(m);
    if (m == "end") done->set_value();
  });
  a.tell("start");
  a.tell("x");
  a.tell("y");
  a.tell("go");
  a.tell("end");
  auto f = done->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(*log, (std::vector<std::string>{"go", "x", "y", "end"}));
}

TEST(Actor, ReceiveAfterTimeoutFires) {
  ActorSystem sys(SchedulerOptions{2});
  auto done = std::make_shared<std::promise<std::string>>();
  auto a = sys.spawn<int>([done](ActorContext<int>& ctx, int&) {
    ctx.receive([](const int& v) { return v == 99; }, 5ms,
                [done](ActorContext<int>&, int&) { done->set_value("matched"); },
                [done](ActorContext<int>&) { done->set_value("timeout"); });
  });
  a.tell(1);
  a.tell(2);  // never matches
  auto f = done->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), "timeout");
}

TEST(Actor, HighPriorityMailIsHandledFirst) {
  ActorSystem sys(SchedulerOptions{1});
  auto order = std::make_shared<std::vector<int>>();
  auto gate = std::make_shared<std::promise<void>>();
  auto gate_f = std::make_shared<std::shared_future<void>>(gate->get_future().share());
  auto done = std::make_shared<std::promise<void>>();
  auto started = std::make_shared<std::promise<void>>();
  auto a = sys.spawn<int>([order, gate_f, done, started](ActorContext<int>&, int& v) {
    if (v == 0) {
      started->set_value();
      gate_f->wait();  // hold the actor while the rest queue up
    }
    order->push_back(v);
    if (order->size() == 4) done->set_value();
  });
  a.tell(0);
  started->get_future().wait();
  a.tell(1);
  a.tell(2);
  a.tell(3, Lane::kHigh);
  gate->set_value();
  auto f = done->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(*order, (std::vector<int>{0, 3, 1, 2}));
}

TEST(Actor, CrashNotifiesMonitorsAndKillsLinkedActors) {
  ActorSystem sys(SchedulerOptions{2});
  auto victim = sys.spawn<CounterMsg>(counter());
  auto down = std::make_shared<std::promise<ExitReason>>();
  auto trapped = std::make_shared<std::promise<ExitReason>>();
  auto requested = std::make_shared<std::atomic<int>>(0);
  auto watcher = sys.spawn<int>([victim, down, requested](ActorContext<int>& ctx, int&) {
    ctx.on_down([down](const DownNotice& d) { down->set_value(d.reason); });
    ctx.monitor(victim.any());
    requested->fetch_add(1);
  });
  auto linked = sys.spawn<int>([victim, requested](ActorContext<int>& ctx, int&) {
    ctx.link(victim.any());
    requested->fetch_add(1);
  });
  auto trapper = sys.spawn<int>([victim, trapped, requested](ActorContext<int>& ctx, int&) {
    ctx.trap_exit(true);
    ctx.on_exit([trapped](const ExitSignal& s) { trapped->set_value(s.reason); });
    ctx.link(victim.any());
    requested->fetch_add(1);
  });
  watcher.tell(0);
  linked.tell(0);
  trapper.tell(0);
  // The monitor and link requests are in the victim's mailbox before the crash is sent, so the
  // victim answers them, at the latest while it dies.
  ASSERT_TRUE(eventually([&] { return requested->load() == 3; }));
  victim.tell(Crash{});
  auto d = down->get_future();
  ASSERT_EQ(d.wait_for(kGuard), std::future_status::ready);
  ExitReason reason = d.get();
  EXPECT_EQ(reason.kind, ExitReason::Kind::kCrash);
  EXPECT_EQ(reason.what, "asked to crash");
  auto t = trapped->get_future();
  ASSERT_EQ(t.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(t.get().kind, ExitReason::Kind::kCrash);
  EXPECT_TRUE(eventually([&] { return !linked.alive(); }));
  EXPECT_TRUE(trapper.alive());
  EXPECT_FALSE(victim.alive());
}

TEST(Actor, MonitoringADeadActorGivesNoProc) {
  ActorSystem sys(SchedulerOptions{2});
  auto victim = sys.spawn<CounterMsg>(counter());
  victim.tell(Crash{});
  ASSERT_TRUE(eventually([&] { return !victim.alive(); }));
  auto down = std::make_shared<std::promise<ExitReason::Kind>>();
  auto watcher = sys.spawn<int>([victim, down](ActorContext<int>& ctx, int&) {
    ctx.on_down([down](const DownNotice& d) { down->set_value(d.reason.kind); });
    ctx.monitor(victim.any());
  });
  watcher.tell(0);
  auto f = down->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), ExitReason::Kind::kNoProc);
}

TEST(Actor, SendingToAStoppedActorIsADeadLetter) {
  ActorSystem sys(SchedulerOptions{2});
  auto c = sys.spawn<CounterMsg>(counter());
  sys.stop(c.any());
  ASSERT_TRUE(eventually([&] { return !c.alive(); }));
  const auto before = sys.dead_letters();
  EXPECT_EQ(c.tell(Add{1}), SendStatus::kClosed);
  EXPECT_EQ(sys.dead_letters(), before + 1);
  auto r = sys.ask<long>(c, [](Reply<long> reply) { return CounterMsg(Get{std::move(reply)}); }).get(kGuard);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kClosed);
}

TEST(Actor, AskTimesOutWhenNobodyAnswers) {
  ActorSystem sys(SchedulerOptions{2});
  auto holder = std::make_shared<std::vector<Reply<long>>>();
  auto silent = sys.spawn<Reply<long>>([holder](ActorContext<Reply<long>>&, Reply<long>& r) { holder->push_back(r); });
  auto r = sys.ask<long>(silent, [](Reply<long> reply) { return reply; }).get(1ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  sys.shutdown();
}

TEST(Actor, NamedRegistration) {
  ActorSystem sys(SchedulerOptions{2});
  auto c = sys.spawn<CounterMsg>(counter(), SpawnOptions{{}, "counter", false});
  auto found = sys.whereis<CounterMsg>("counter");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id(), c.id());
  EXPECT_FALSE(sys.whereis<int>("counter").has_value());  // wrong message type
  EXPECT_FALSE(sys.register_name("counter", c.any()).ok());
  sys.stop(c.any());
  EXPECT_TRUE(eventually([&] { return !sys.whereis<CounterMsg>("counter").has_value(); }));
  EXPECT_FALSE(sys.find(c.id()).has_value());  // the id is generation-checked
}

TEST(Actor, ShutdownReportsWhatWasLeft) {
  auto sys = std::make_unique<ActorSystem>(SchedulerOptions{1});
  auto gate = std::make_shared<std::promise<void>>();
  auto gate_f = gate->get_future().share();
  auto started = std::make_shared<std::promise<void>>();
  auto blocker = sys->spawn<int>([gate_f, started](ActorContext<int>&, int&) {
    started->set_value();
    gate_f.wait();
  });
  blocker.tell(0);
  started->get_future().wait();
  auto idle = sys->spawn<int>([](ActorContext<int>&, int&) {});
  for (int i = 0; i < 10; ++i) idle.tell(i);  // queued behind the blocked single worker
  std::thread release([&] {
    std::this_thread::sleep_for(20ms);
    gate->set_value();
  });
  auto report = sys->shutdown(0ns);
  release.join();
  EXPECT_EQ(report.actors_left, 2u);
  EXPECT_LE(report.messages_left, 10u);
}

TEST(Actor, IdleRuntimeUsesNoCpu) {
  ActorSystem sys(SchedulerOptions{2});
  auto c = sys.spawn<CounterMsg>(counter());
  c.tell(Add{1});
  ASSERT_EQ(ask_total(sys, c), 1);
  std::this_thread::sleep_for(20ms);  // let the workers finish spinning and park
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  std::this_thread::sleep_for(300ms);
  getrusage(RUSAGE_SELF, &after);
  auto cpu_us = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000000L + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
  };
  EXPECT_LT(cpu_us(after) - cpu_us(before), 100000L);  // parked workers: far below one core's 300 ms
}

}  // namespace
}  // namespace spl::actor
