// Regression tests for the actor runtime's hardening findings (issue 16). Several show only
// under a sanitizer: ASan for freed handlers, TSan for the shutdown race.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "spl/actor/actor.hpp"
#include "spl/actor/internal/test_support.hpp"

namespace spl::actor {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::kGuard;

// Long enough to live on the heap, so reading it after its closure died is a use after free.
const std::string kText(200, 'x');

TEST(ActorHardening, BecomeKeepsTheRunningBehaviourAlive) {
  ActorSystem sys(SchedulerOptions{1});
  auto seen = std::make_shared<std::promise<std::string>>();
  auto f = seen->get_future();
  auto a = sys.spawn<int>([text = kText, seen](ActorContext<int>& ctx, int&) {
    ctx.become([](ActorContext<int>&, int&) {});
    seen->set_value(text);  // the captures must outlive become()
  });
  a.tell(1);
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), kText);
}

TEST(ActorHardening, BecomeTakesEffectFromTheNextMessage) {
  ActorSystem sys(SchedulerOptions{1});
  auto log = std::make_shared<std::promise<int>>();
  auto f = log->get_future();
  auto a = sys.spawn<int>([log](ActorContext<int>& ctx, int& n) {
    ctx.become([log](ActorContext<int>&, int& m) { log->set_value(m * 10); });
    ctx.become([log](ActorContext<int>&, int& m) { log->set_value(m * 100); });  // the last one wins
    (void)n;
  });
  a.tell(1);
  a.tell(2);
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), 200);
}

TEST(ActorHardening, ExitHandlerReplacedInsideItselfKeepsItsCaptures) {
  ActorSystem sys(SchedulerOptions{1});
  auto seen = std::make_shared<std::promise<std::string>>();
  auto f = seen->get_future();
  auto other = sys.spawn<int>([](ActorContext<int>&, int&) {});
  auto a = sys.spawn<int>(
      [other, seen](ActorContext<int>& ctx, int&) {
        ctx.on_exit([self = ctx, text = kText, seen](const ExitSignal&) mutable {
          self.on_exit([](const ExitSignal&) {});
          seen->set_value(text);
        });
        ctx.link(other.any());
      },
      SpawnOptions{{}, "", true});
  a.tell(1);
  ASSERT_TRUE(eventually([&] { return sys.live_actors() == 2 && a.stats().dequeued == 1; }));
  sys.stop(other.any());
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), kText);
}

TEST(ActorHardening, DownHandlerReplacedInsideItselfKeepsItsCaptures) {
  ActorSystem sys(SchedulerOptions{1});
  auto seen = std::make_shared<std::promise<std::string>>();
  auto f = seen->get_future();
  auto other = sys.spawn<int>([](ActorContext<int>&, int&) {});
  auto a = sys.spawn<int>([other, seen](ActorContext<int>& ctx, int&) {
    ctx.on_down([self = ctx, text = kText, seen](const DownNotice&) mutable {
      self.on_down([](const DownNotice&) {});
      seen->set_value(text);
    });
    ctx.monitor(other.any());
  });
  a.tell(1);
  ASSERT_TRUE(eventually([&] { return a.stats().dequeued == 1; }));
  sys.stop(other.any());
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), kText);
}

TEST(ActorHardening, FailedTellLeavesTheMessageWithTheCaller) {
  ActorSystem sys(SchedulerOptions{1});
  auto release = std::make_shared<std::promise<void>>();
  auto started = std::make_shared<std::promise<void>>();
  std::shared_future<void> open = release->get_future().share();
  SpawnOptions opts;
  opts.mailbox.capacity = 1;
  opts.mailbox.overflow = Overflow::kFail;
  auto a = sys.spawn<std::string>(
      [open, started, first = true](ActorContext<std::string>&, std::string&) mutable {
        if (std::exchange(first, false)) {
          started->set_value();
          open.wait();
        }
      },
      opts);
  ASSERT_EQ(a.tell(std::string("first")), SendStatus::kOk);
  started->get_future().wait();
  ASSERT_EQ(a.tell(std::string("fills the mailbox")), SendStatus::kOk);
  const auto dead_before = sys.dead_letters();
  std::string msg = kText;
  EXPECT_EQ(a.tell(std::move(msg)), SendStatus::kFull);
  EXPECT_EQ(msg, kText);  // moved from only on kOk, as Mailbox::send promises
  EXPECT_EQ(sys.dead_letters(), dead_before + 1);
  const std::string copy = kText;
  EXPECT_EQ(a.tell(copy), SendStatus::kFull);  // an lvalue is copied only when it is delivered
  release->set_value();
}

TEST(ActorHardening, EveryOverflowPolicyCountsItsDropsAsDeadLetters) {
  for (Overflow policy : {Overflow::kDropNewest, Overflow::kDropOldest, Overflow::kFail}) {
    ActorSystem sys(SchedulerOptions{1});
    auto release = std::make_shared<std::promise<void>>();
    auto started = std::make_shared<std::promise<void>>();
    std::shared_future<void> open = release->get_future().share();
    SpawnOptions opts;
    opts.mailbox.capacity = 1;
    opts.mailbox.overflow = policy;
    auto a = sys.spawn<int>(
        [open, started](ActorContext<int>&, int& n) {
          if (n == 0) {
            started->set_value();
            open.wait();
          }
        },
        opts);
    ASSERT_EQ(a.tell(0), SendStatus::kOk);
    started->get_future().wait();
    ASSERT_EQ(a.tell(1), SendStatus::kOk);
    const auto dead_before = sys.dead_letters();
    for (int i = 2; i < 5; ++i) a.tell(i);  // each of the three loses one message
    EXPECT_EQ(sys.dead_letters(), dead_before + 3) << "policy " << static_cast<int>(policy);
    release->set_value();
  }
}

// A message whose send raced with the actor's death must not land in the discarded mailbox:
// it would sit there (an ask inside it waiting its whole timeout) until the cell is freed.
TEST(ActorHardening, NoMessageLandsAfterTheMailboxIsDiscarded) {
  for (int round = 0; round < 200; ++round) {
    ActorSystem sys(SchedulerOptions{2});
    auto a = sys.spawn<int>([](ActorContext<int>&, int&) {});
    std::atomic<bool> go{false};
    std::vector<std::thread> senders;
    for (int t = 0; t < 2; ++t) {
      senders.emplace_back([&] {
        while (!go.load()) {
        }
        while (a.tell(1) != SendStatus::kClosed) {
        }
      });
    }
    go = true;
    std::this_thread::sleep_for(50us);
    sys.stop(a.any());
    for (auto& s : senders) s.join();
    ASSERT_TRUE(eventually([&] { return !a.alive(); }));  // terminate() has discarded the mailbox
    const MailboxStats st = a.stats();
    ASSERT_EQ(st.depth, 0u) << "round " << round << ": a message arrived after the close";
  }
}

// A kBlock send from inside an actor must not park its worker: with one worker the receiver can
// never run meanwhile, so the sender used to wait out the whole block timeout.
TEST(ActorHardening, BlockingSendFromTheOnlyWorkerDoesNotWaitOutTheTimeout) {
  ActorSystem sys(SchedulerOptions{1});
  SpawnOptions opts;
  opts.mailbox.capacity = 1;
  opts.mailbox.overflow = Overflow::kBlock;
  opts.mailbox.block_timeout = 3s;
  auto sink = sys.spawn<int>([](ActorContext<int>&, int&) {}, opts);
  auto result = std::make_shared<std::promise<std::pair<SendStatus, std::chrono::nanoseconds>>>();
  auto f = result->get_future();
  auto self_full = std::make_shared<std::promise<SendStatus>>();
  auto g = self_full->get_future();
  auto sender = sys.spawn<int>([sink, result](ActorContext<int>&, int&) {
    sink.tell(1);  // fills the mailbox: sink cannot run until this turn ends
    const auto start = std::chrono::steady_clock::now();
    const SendStatus st = sink.tell(2);
    result->set_value({st, std::chrono::steady_clock::now() - start});
  });
  auto to_self = sys.spawn<int>(
      [self_full](ActorContext<int>& ctx, int& n) {
        if (n != 0) return;
        ctx.self().tell(1);
        self_full->set_value(ctx.self().tell(2));  // its own mailbox: only it could make room
      },
      opts);
  sender.tell(0);
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  const auto [status, waited] = f.get();
  EXPECT_EQ(status, SendStatus::kFull);
  EXPECT_LT(waited, 1s);
  to_self.tell(0);
  ASSERT_EQ(g.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(g.get(), SendStatus::kFull);
}

// A receive that matched must not leave its timer holding the actor until the timeout.
TEST(ActorHardening, AFinishedReceiveCancelsItsTimer) {
  ActorSystem sys(SchedulerOptions{1});
  auto marker = std::make_shared<int>(0);
  std::weak_ptr<int> watch = marker;
  {
    auto a = sys.spawn<int>([marker](ActorContext<int>& ctx, int& n) {
      if (n == 0) {
        ctx.receive([](const int& m) { return m == 1; }, std::chrono::hours(1),
                    [](ActorContext<int>& c, int&) { c.stop(); }, [](ActorContext<int>&) {});
      }
    });
    marker.reset();
    a.tell(0);
    a.tell(1);
    ASSERT_TRUE(eventually([&] { return !a.alive(); }));
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!watch.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(watch.expired()) << "the stopped actor is still referenced (by its receive's timer)";
}

// nanoseconds::max means "no timeout": now + max used to overflow into the past and fire at once.
TEST(ActorHardening, ReceiveWithTheLongestTimeoutNeverTimesOut) {
  ActorSystem sys(SchedulerOptions{1});
  auto timed_out = std::make_shared<std::atomic<bool>>(false);
  auto a = sys.spawn<int>([timed_out](ActorContext<int>& ctx, int&) {
    ctx.receive([](const int&) { return false; }, std::chrono::nanoseconds::max(), [](ActorContext<int>&, int&) {},
                [timed_out](ActorContext<int>&) { *timed_out = true; });
  });
  a.tell(0);
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(timed_out->load());
}

// A watcher that ends must not stay referenced by the actor it monitored (which may live on).
TEST(ActorHardening, AnEndedWatcherIsForgottenByWhatItMonitored) {
  ActorSystem sys(SchedulerOptions{1});
  auto target = sys.spawn<int>([](ActorContext<int>&, int&) {});
  auto marker = std::make_shared<int>(0);
  std::weak_ptr<int> watch = marker;
  {
    auto watcher = sys.spawn<int>([marker, target](ActorContext<int>& ctx, int&) {
      ctx.monitor(target.any());
      ctx.stop();
    });
    marker.reset();
    watcher.tell(0);
    ASSERT_TRUE(eventually([&] { return !watcher.alive(); }));
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!watch.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(watch.expired()) << "the ended watcher is still held by the monitored actor";
  EXPECT_TRUE(target.alive());
}

TEST(ActorHardening, DemonitorStopsTheDownNotice) {
  ActorSystem sys(SchedulerOptions{1});
  auto target = sys.spawn<int>([](ActorContext<int>&, int&) {});
  auto downs = std::make_shared<std::atomic<int>>(0);
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  auto watcher = sys.spawn<int>([target, downs, done](ActorContext<int>& ctx, int& n) {
    if (n == 0) {
      ctx.on_down([downs](const DownNotice&) { ++*downs; });
      ctx.monitor(target.any());
      ctx.monitor(target.any());
      ctx.demonitor(target.any());  // one of the two stays
    } else {
      done->set_value();
    }
  });
  watcher.tell(0);
  ASSERT_TRUE(eventually([&] { return watcher.stats().dequeued == 1; }));
  sys.stop(target.any());
  ASSERT_TRUE(eventually([&] { return !target.alive(); }));
  ASSERT_TRUE(eventually([&] { return downs->load() == 1; }));
  watcher.tell(1);  // the watcher has handled its system mail by its next message
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(downs->load(), 1);
}

// Runs fn on another thread; a hang is reported as a failure instead of hanging the suite.
template <class Fn>
void within(std::chrono::seconds limit, Fn fn) {
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  std::thread([fn, done]() mutable {
    fn();
    done->set_value();
  }).detach();
  if (f.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "did not finish within " << limit.count() << " s";
    std::quick_exit(1);  // the hung threads cannot be joined
  }
}

TEST(ActorHardening, ShutdownEndsAPerpetualPingPong) {
  within(20s, [] {
    auto sys = std::make_unique<ActorSystem>(SchedulerOptions{2});
    auto a = sys->spawn<int>([](ActorContext<int>& ctx, int& n) { ctx.self().tell(n + 1); });
    a.tell(0);
    const auto report = sys->shutdown(10ms);
    EXPECT_EQ(report.actors_left, 1u);
    sys.reset();
  });
}

TEST(ActorHardening, DestructorEndsATimerDrivenActor) {
  within(20s, [] {
    auto sys = std::make_unique<ActorSystem>(SchedulerOptions{1});
    for (int i = 0; i < 20; ++i) {  // enough that the worker always finds one runnable
      auto a = sys->spawn<int>([](ActorContext<int>& ctx, int&) {
        ctx.receive([](const int&) { return false; }, 0ns, [](ActorContext<int>&, int&) {},
                    [](ActorContext<int>& c) { c.self().tell(0); });
      });
      a.tell(0);
    }
    std::this_thread::sleep_for(10ms);
    sys.reset();
  });
}

// Outside threads keep pushing into the global queue while the system shuts down; the queue
// must be emptied under its lock and nothing pushed later may keep an actor alive.
TEST(ActorHardening, ShutdownRacesWithOutsideSenders) {
  for (int round = 0; round < 30; ++round) {
    auto sys = std::make_unique<ActorSystem>(SchedulerOptions{1});
    std::vector<ActorRef<int>> actors;
    for (int i = 0; i < 8; ++i) actors.push_back(sys->spawn<int>([](ActorContext<int>&, int&) {}));
    std::atomic<bool> stop{false};
    std::thread sender([&] {
      while (!stop.load()) {
        for (auto& a : actors) a.tell(1);
      }
    });
    std::this_thread::sleep_for(200us);
    sys->shutdown(0ns);
    stop = true;
    sender.join();
    sys.reset();
  }
}

// An actor woken from inside a turn goes to its worker's next slot. If that turn then blocks
// (here: on the woken actor itself), the other worker, parked long before, must be woken to
// run it; it used to stay parked, and the turn waited out its whole timeout.
TEST(ActorHardening, WokenActorDoesNotWaitBehindABlockingTurn) {
  ActorSystem sys(SchedulerOptions{2});
  std::this_thread::sleep_for(50ms);  // both workers park
  auto ran = std::make_shared<std::promise<void>>();
  auto helper = sys.spawn<int>([ran](ActorContext<int>&, int&) { ran->set_value(); });
  auto waited = std::make_shared<std::promise<bool>>();
  auto blocker = sys.spawn<int>([helper, ran, waited](ActorContext<int>&, int&) mutable {
    helper.tell(1);  // into this worker's next slot
    waited->set_value(ran->get_future().wait_for(10s) == std::future_status::ready);
  });
  blocker.tell(1);
  auto f = waited->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_TRUE(f.get()) << "the woken actor waited behind the blocking turn";
}

// A receive waiting for one message while others keep arriving, one per turn: each arrival is
// looked at once. Every turn used to rescan the whole save queue, calling the predicate
// n(n+1)/2 times for n passed-over messages.
TEST(ActorHardening, PendingReceiveLooksAtEachMessageOnce) {
  ActorSystem sys(SchedulerOptions{1});
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto matched = std::make_shared<std::promise<int>>();
  auto a = sys.spawn<int>([calls, matched, started = false](ActorContext<int>& ctx, int&) mutable {
    if (started) return;
    started = true;
    ctx.receive(
        [calls](const int& m) {
          calls->fetch_add(1);
          return m < 0;
        },
        std::chrono::nanoseconds::max(), [matched](ActorContext<int>&, int& m) { matched->set_value(m); },
        [](ActorContext<int>&) {});
  });
  a.tell(0);
  constexpr int kPassedOver = 100;
  for (int i = 1; i <= kPassedOver; ++i) {
    a.tell(i);
    ASSERT_TRUE(eventually([&] { return calls->load() >= i; }));  // one turn per message
  }
  a.tell(-1);
  auto f = matched->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), -1);
  EXPECT_EQ(calls->load(), kPassedOver + 1);
}

// ctx.receive with a Selector: messages of another type never reach the predicate, and saved
// messages the Bloom filter rules out are not walked.
TEST(ActorHardening, ActorReceiveWithSelectorSkipsOtherTypes) {
  using Msg = std::variant<int, std::string>;
  ActorSystem sys(SchedulerOptions{1});
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto matched = std::make_shared<std::promise<std::string>>();
  auto gate = std::make_shared<std::promise<void>>();
  auto open = gate->get_future().share();
  auto a = sys.spawn<Msg>([calls, matched, open, started = false](ActorContext<Msg>& ctx, Msg&) mutable {
    if (started) return;
    started = true;
    open.wait();  // everything below is queued before the receive starts
    ctx.receive(
        Selector{std::nullopt, 1},
        [calls](const Msg& m) {
          calls->fetch_add(1);
          return std::get<std::string>(m) == "yes";
        },
        std::chrono::nanoseconds::max(), [matched](ActorContext<Msg>&, Msg& m) { matched->set_value(std::get<std::string>(m)); },
        [](ActorContext<Msg>&) {});
  });
  a.tell(Msg(0));
  for (int i = 1; i <= 50; ++i) a.tell(Msg(i));
  a.tell(Msg(std::string("no")));
  a.tell(Msg(std::string("yes")));
  gate->set_value();
  auto f = matched->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get(), "yes");
  EXPECT_EQ(calls->load(), 2);  // "no" and "yes"; none of the 50 ints
}

// An actor M that saves every value it gets until asked, by an Expect, for one from a given
// sender; it then reports (sender, value), or (sender, -1) when none came in time.
struct SenderProbe {
  struct Hold {};
  struct Expect {
    ActorId from;
    std::chrono::nanoseconds timeout;
  };
  using Msg = std::variant<Hold, Expect, int>;
  using Results = Mailbox<std::pair<ActorId, int>>;
  static constexpr std::uint16_t kExpect = 1;
  static constexpr std::uint16_t kValue = 2;

  static ActorRef<Msg> spawn(ActorSystem& sys, std::shared_ptr<Results> results) {
    auto m = sys.spawn<Msg>([results](ActorContext<Msg>& ctx, Msg& msg) {
      if (std::holds_alternative<Hold>(msg)) {
        await_expect(ctx, results);
      } else {
        results->send({0, -2});  // nothing else may reach the normal behaviour
      }
    });
    m.tell(Hold{});
    return m;
  }
  static void await_expect(ActorContext<Msg>& ctx, std::shared_ptr<Results> results) {
    ctx.receive(
        Selector{std::nullopt, kExpect}, [](const Msg&) { return true; }, std::chrono::nanoseconds::max(),
        [results](ActorContext<Msg>& c, Msg& m) { expect(c, std::get<Expect>(m), results); },
        [](ActorContext<Msg>&) {});
  }
  static void expect(ActorContext<Msg>& ctx, const Expect& e, std::shared_ptr<Results> results) {
    ctx.receive(
        Selector{e.from, kValue}, [](const Msg&) { return true; }, e.timeout,
        [results, from = e.from](ActorContext<Msg>& c, Msg& m) {
          results->send({from, std::get<int>(m)});
          await_expect(c, results);
        },
        [results, from = e.from](ActorContext<Msg>& c) {
          results->send({from, -1});
          await_expect(c, results);
        });
  }
};

// A selector names its sender by the whole actor id. It used to keep only the slot, so after an
// actor A ended, a receive waiting for mail from A took mail from B, the next actor in A's slot,
// and a receive waiting for B took A's.
TEST(ActorHardening, SelectorSenderIsNotTheNextActorInTheSlot) {
  using P = SenderProbe;
  ActorSystem sys(SchedulerOptions{1});
  auto results = std::make_shared<P::Results>();
  auto m = P::spawn(sys, results);
  auto a = sys.spawn<int>([m](ActorContext<int>& ctx, int& v) {
    m.tell(P::Msg(v));
    ctx.stop();
  });
  const ActorId a_id = a.id();
  a.tell(1);
  ASSERT_TRUE(eventually([&] { return !sys.find(a_id).has_value(); }));  // A's slot is free again
  auto b = sys.spawn<int>([m](ActorContext<int>&, int& v) { m.tell(P::Msg(v)); });
  const ActorId b_id = b.id();
  ASSERT_EQ(b_id & 0xFFFFFFFFu, a_id & 0xFFFFFFFFu) << "B was meant to reuse A's slot";
  ASSERT_NE(b_id, a_id);

  auto next = [&] {
    Result<std::pair<ActorId, int>> r = results->receive(kGuard);
    return r.ok() ? *r : std::pair<ActorId, int>{0, -3};
  };
  // A's 1 is saved in M (and B's 2 may be): a receive from B must take B's 2.
  m.tell(P::Expect{b_id, kGuard});
  b.tell(2);
  EXPECT_EQ(next(), std::make_pair(b_id, 2)) << "a receive from B took A's message";
  m.tell(P::Expect{a_id, kGuard});
  EXPECT_EQ(next(), std::make_pair(a_id, 1));
  // Only B's 3 is there now: a receive from A must time out rather than take it.
  b.tell(3);
  ASSERT_TRUE(eventually([&] { return m.stats().enqueued >= 6; }));  // Hold, 1, Expect, 2, Expect, 3
  m.tell(P::Expect{a_id, 50ms});
  EXPECT_EQ(next(), std::make_pair(a_id, -1)) << "a receive from A took B's message";
  m.tell(P::Expect{b_id, kGuard});
  EXPECT_EQ(next(), std::make_pair(b_id, 3));
  EXPECT_EQ(results->try_receive(), std::nullopt);
}

}  // namespace
}  // namespace spl::actor
