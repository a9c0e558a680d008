// One-minute soak (ctest label `soak`, outside the default run; run it in the asan tree for
// memory checking). Mixed load for SPL_SOAK_SECONDS (default 60): a supervised worker pool that
// keeps crashing and being restarted, a fan-out of actors forwarding to random peers, outside
// threads sending to bounded mailboxes with every overflow policy. At the end every counted
// message is accounted for and the system shuts down with nothing left running.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

#include "spl/actor/actor.hpp"
#include "spl/actor/supervisor.hpp"

namespace spl::actor {
namespace {

using namespace std::chrono_literals;

std::chrono::seconds soak_duration() {
  const char* env = std::getenv("SPL_SOAK_SECONDS");
  return std::chrono::seconds(env ? std::max(1, std::atoi(env)) : 60);
}

TEST(ActorSoak, MixedLoadStaysConsistent) {
  const auto deadline = std::chrono::steady_clock::now() + soak_duration();
  ActorSystem sys(SchedulerOptions{2});

  // Crashing workers under a supervisor (generous intensity: restarts must never escalate).
  SupervisorSpec spec;
  spec.strategy = Strategy::kOneForOne;
  spec.max_restarts = 1'000'000;
  spec.within = 1s;
  for (int i = 0; i < 4; ++i) {
    spec.children.push_back(ChildSpec{"w" + std::to_string(i), [i](ActorSystem& s) {
                                        SpawnOptions o;
                                        o.name = "worker" + std::to_string(i);
                                        return s
                                            .spawn<int>(
                                                [](ActorContext<int>&, int& v) {
                                                  if (v % 97 == 0) throw std::runtime_error("soak crash");
                                                },
                                                o)
                                            .any();
                                      }});
  }
  Supervisor sup = spawn_supervisor(sys, spec);

  // Forwarding actors: each message hops until its ttl runs out; `landed` counts the ends.
  constexpr int kForwarders = 32;
  auto landed = std::make_shared<std::atomic<long>>(0);
  auto peers = std::make_shared<std::vector<ActorRef<int>>>();
  for (int i = 0; i < kForwarders; ++i) {
    peers->push_back(sys.spawn<int>([peers, landed, i](ActorContext<int>&, int& ttl) {
      if (ttl == 0) {
        landed->fetch_add(1);
        return;
      }
      (*peers)[(i * 13 + ttl) % kForwarders].tell(ttl - 1);
    }));
  }

  std::atomic<bool> stop{false};
  std::atomic<long> launched{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int n = 1; !stop.load(); ++n) {
      if (auto w = sys.whereis<int>("worker" + std::to_string(n % 4))) w->tell(n);
      if (n % 100 == 0) std::this_thread::sleep_for(1ms);
    }
  });
  threads.emplace_back([&] {
    for (int n = 0; !stop.load(); ++n) {
      if (launched.load() - landed->load() > 1000) {  // bounded work in flight: memory stays flat
        std::this_thread::sleep_for(100us);
        continue;
      }
      if ((*peers)[n % kForwarders].tell(n % 50) == SendStatus::kOk) launched.fetch_add(1);
    }
  });
  long bounded_ok = 0, bounded_received = 0;
  for (Overflow policy : {Overflow::kBlock, Overflow::kDropNewest, Overflow::kDropOldest, Overflow::kFail}) {
    Mailbox<int> mb(MailboxOptions{8, policy, 10s});
    std::atomic<bool> produced{false};
    std::thread producer([&] {
      for (int i = 0; i < 20000; ++i) bounded_ok += mb.send(i) == SendStatus::kOk;
      produced.store(true);
    });
    while (!produced.load() || mb.any_pending()) {
      if (mb.try_receive()) {
        ++bounded_received;
      } else {
        std::this_thread::yield();
      }
    }
    producer.join();
    while (mb.try_receive()) ++bounded_received;
    MailboxStats s = mb.stats();
    EXPECT_EQ(s.enqueued, s.dequeued + (policy == Overflow::kDropOldest ? s.dropped : 0));
  }
  EXPECT_GT(bounded_ok, 0);

  while (std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  stop.store(true);
  for (auto& t : threads) t.join();

  const auto guard = std::chrono::steady_clock::now() + 30s;
  while (landed->load() < launched.load() && std::chrono::steady_clock::now() < guard) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(landed->load(), launched.load());
  EXPECT_FALSE(sup.status->escalated.load());
  EXPECT_GT(sup.status->restarts.load(), 0u);
  auto report = sys.shutdown(5s);
  EXPECT_TRUE(sys.live_actors() == 0);
  peers->clear();
  (void)report;
}

}  // namespace
}  // namespace spl::actor
