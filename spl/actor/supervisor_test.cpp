#include "spl/actor/supervisor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "spl/actor/internal/test_support.hpp"

namespace spl::actor {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::kGuard;

// A child that crashes on any message other than 0 (0 exits normally).
ChildSpec crashing_child(std::string id, Restart restart = Restart::kPermanent) {
  return ChildSpec{id,
                   [](ActorSystem& sys) {
                     return sys.spawn<int>([](ActorContext<int>& ctx, int& v) {
                              if (v == 0) {
                                ctx.stop();
                                return;
                              }
                              throw std::runtime_error("child crashed");
                            })
                         .any();
                   },
                   restart};
}

std::vector<AnyRef> children_of(ActorSystem& sys, const Supervisor& sup) {
  auto r = sys.ask<std::vector<AnyRef>>(sup.ref, [](Reply<std::vector<AnyRef>> reply) {
               return SupervisorMsg(WhichChildren{std::move(reply)});
             }).get(kGuard);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : std::vector<AnyRef>{};
}

void crash(const AnyRef& child, ActorSystem& sys) {
  auto found = sys.find(child.id());
  ASSERT_TRUE(found.has_value());
  auto typed = static_cast<ActorCell<int>*>(found->cell());
  typed->tell(1, Lane::kNormal);
}

// Waits until every child slot holds a running actor and returns them.
std::vector<AnyRef> settled_children(ActorSystem& sys, const Supervisor& sup) {
  std::vector<AnyRef> kids;
  EXPECT_TRUE(eventually([&] {
    kids = children_of(sys, sup);
    for (const auto& k : kids) {
      if (!k.alive()) return false;
    }
    return true;
  }));
  return kids;
}

SupervisorSpec three_children(Strategy strategy, int max_restarts = 10) {
  SupervisorSpec spec;
  spec.strategy = strategy;
  spec.max_restarts = max_restarts;
  spec.within = 60s;
  spec.children = {crashing_child("a"), crashing_child("b"), crashing_child("c")};
  return spec;
}

TEST(Supervisor, OneForOneRestartsOnlyTheCrashedChild) {
  ActorSystem sys(SchedulerOptions{2});
  Supervisor sup = spawn_supervisor(sys, three_children(Strategy::kOneForOne));
  auto before = settled_children(sys, sup);
  ASSERT_EQ(before.size(), 3u);
  crash(before[1], sys);
  ASSERT_TRUE(eventually([&] { return sup.status->restarts.load() == 1; }));
  auto after = settled_children(sys, sup);
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NE(after[1], before[1]);
  EXPECT_EQ(after[2], before[2]);
}

TEST(Supervisor, OneForAllRestartsEveryChild) {
  ActorSystem sys(SchedulerOptions{2});
  Supervisor sup = spawn_supervisor(sys, three_children(Strategy::kOneForAll));
  auto before = settled_children(sys, sup);
  crash(before[1], sys);
  ASSERT_TRUE(eventually([&] { return sup.status->restarts.load() == 1; }));
  auto after = settled_children(sys, sup);
  for (int i = 0; i < 3; ++i) EXPECT_NE(after[i], before[i]);
  EXPECT_TRUE(eventually([&] { return !before[0].alive() && !before[2].alive(); }));
}

TEST(Supervisor, RestForOneRestartsTheCrashedChildAndThoseAfterIt) {
  ActorSystem sys(SchedulerOptions{2});
  Supervisor sup = spawn_supervisor(sys, three_children(Strategy::kRestForOne));
  auto before = settled_children(sys, sup);
  crash(before[1], sys);
  ASSERT_TRUE(eventually([&] { return sup.status->restarts.load() == 1; }));
  auto after = settled_children(sys, sup);
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NE(after[1], before[1]);
  EXPECT_NE(after[2], before[2]);
}

TEST(Supervisor, TransientChildIsNotRestartedAfterNormalExit) {
  ActorSystem sys(SchedulerOptions{2});
  SupervisorSpec spec;
  spec.children = {crashing_child("t", Restart::kTransient)};
  Supervisor sup = spawn_supervisor(sys, spec);
  auto kids = settled_children(sys, sup);
  auto found = sys.find(kids[0].id());
  ASSERT_TRUE(found.has_value());
  static_cast<ActorCell<int>*>(found->cell())->tell(0, Lane::kNormal);
  ASSERT_TRUE(eventually([&] { return !kids[0].alive(); }));
  ASSERT_TRUE(eventually([&] { return !children_of(sys, sup)[0]; }));
  EXPECT_EQ(sup.status->restarts.load(), 0u);
}

TEST(Supervisor, TooManyRestartsEscalates) {
  ActorSystem sys(SchedulerOptions{2});
  Supervisor sup = spawn_supervisor(sys, three_children(Strategy::kOneForOne, 2));
  auto down = std::make_shared<std::promise<ExitReason>>();
  auto parent = sys.spawn<int>([sup, down](ActorContext<int>& ctx, int&) {
    ctx.on_down([down](const DownNotice& d) { down->set_value(d.reason); });
    ctx.monitor(sup.ref.any());
  });
  parent.tell(0);
  std::vector<AnyRef> last;
  for (int i = 0; i < 3; ++i) {  // the third restart within the window exceeds max_restarts = 2
    auto kids = settled_children(sys, sup);
    crash(kids[0], sys);
    ASSERT_TRUE(eventually([&] { return sup.status->restarts.load() == std::uint64_t(i + 1) || !sup.ref.alive(); }));
    last = kids;
  }
  auto f = down->get_future();
  ASSERT_EQ(f.wait_for(kGuard), std::future_status::ready);
  EXPECT_EQ(f.get().kind, ExitReason::Kind::kShutdown);
  EXPECT_TRUE(sup.status->escalated.load());
  EXPECT_EQ(sup.status->restarts.load(), 2u);
  EXPECT_TRUE(eventually([&] { return !last[1].alive() && !last[2].alive(); }));  // children stopped too
}

TEST(Supervisor, NestedSupervisorEscalationRestartsTheSubtree) {
  ActorSystem sys(SchedulerOptions{2});
  auto inner_status = std::make_shared<std::vector<Supervisor>>();
  auto inner_mu = std::make_shared<std::mutex>();
  SupervisorSpec outer;
  outer.max_restarts = 5;
  outer.within = 60s;
  outer.children = {ChildSpec{"inner",
                              [inner_status, inner_mu](ActorSystem& s) {
                                SupervisorSpec spec;
                                spec.max_restarts = 0;  // the first child crash escalates
                                spec.children = {crashing_child("leaf")};
                                Supervisor inner = spawn_supervisor(s, spec);
                                std::lock_guard lock(*inner_mu);
                                inner_status->push_back(inner);
                                return inner.ref.any();
                              },
                              Restart::kPermanent}};
  Supervisor top = spawn_supervisor(sys, outer);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(*inner_mu);
    return inner_status->size() == 1;
  }));
  Supervisor first = [&] {
    std::lock_guard lock(*inner_mu);
    return (*inner_status)[0];
  }();
  auto leaf = settled_children(sys, first);
  crash(leaf[0], sys);
  ASSERT_TRUE(eventually([&] { return top.status->restarts.load() == 1; }));
  EXPECT_TRUE(first.status->escalated.load());
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(*inner_mu);
    return inner_status->size() == 2;
  }));
}

// Children the supervisor stopped itself must not stay referenced once their exit came back:
// the list of them used to grow by one dead actor per restarted sibling, forever.
TEST(Supervisor, StoppedChildrenAreNotKeptAfterTheyExit) {
  ActorSystem sys(SchedulerOptions{2});
  // One marker per child cell, owned by its behaviour: expired once the cell is freed.
  struct Cells {
    std::mutex mu;
    std::vector<std::weak_ptr<int>> markers;
    int alive() {
      std::lock_guard lock(mu);
      return static_cast<int>(std::count_if(markers.begin(), markers.end(), [](auto& w) { return !w.expired(); }));
    }
  };
  auto cells = std::make_shared<Cells>();
  auto child = [cells](std::string id) {
    return ChildSpec{id, [cells](ActorSystem& s) {
                       auto marker = std::make_shared<int>(0);
                       {
                         std::lock_guard lock(cells->mu);
                         cells->markers.push_back(marker);
                       }
                       return s.spawn<int>([marker](ActorContext<int>&, int&) { throw std::runtime_error("crash"); })
                           .any();
                     }};
  };
  SupervisorSpec spec;
  spec.strategy = Strategy::kOneForAll;
  spec.max_restarts = 1000;
  spec.within = 60s;
  spec.children = {child("a"), child("b")};
  Supervisor sup = spawn_supervisor(sys, spec);
  constexpr int kRestarts = 20;
  for (int i = 1; i <= kRestarts; ++i) {
    crash(settled_children(sys, sup)[0], sys);
    ASSERT_TRUE(eventually([&] { return sup.status->restarts.load() == static_cast<std::uint64_t>(i); }));
  }
  settled_children(sys, sup);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (cells->alive() > 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(cells->alive(), 2) << "only the two running children";
}

}  // namespace
}  // namespace spl::actor
