#include "spl/actor/supervisor.hpp"

#include <algorithm>
#include <deque>

namespace spl::actor {

namespace {

struct SupervisorState {
  SupervisorSpec spec;
  std::shared_ptr<SupervisorStatus> status;
  std::vector<AnyRef> running;   // parallel to spec.children
  // Children we stopped on purpose. Each stays linked, so exactly one exit signal comes back
  // for it, which is expected (not a crash) and takes it off this list.
  std::vector<AnyRef> retired;
  std::deque<std::chrono::steady_clock::time_point> restart_times;

  void start(ActorContext<SupervisorMsg>& ctx, std::size_t i) {
    AnyRef child = spec.children[i].start(ctx.system());
    ctx.link(child);
    running[i] = std::move(child);
  }

  void stop_child(ActorContext<SupervisorMsg>& ctx, std::size_t i) {
    if (!running[i]) return;
    ctx.system().stop(running[i], {ExitReason::Kind::kShutdown, "stopped by supervisor"});
    retired.push_back(std::move(running[i]));
    running[i] = AnyRef();
  }

  void stop_all(ActorContext<SupervisorMsg>& ctx) {
    for (std::size_t i = running.size(); i-- > 0;) stop_child(ctx, i);
  }

  // OTP intensity: this restart plus those within the window must not exceed max_restarts.
  bool restart_allowed() {
    const auto now = std::chrono::steady_clock::now();
    while (!restart_times.empty() && now - restart_times.front() > spec.within) restart_times.pop_front();
    if (static_cast<int>(restart_times.size()) + 1 > spec.max_restarts) return false;
    restart_times.push_back(now);
    return true;
  }

  void on_exit(ActorContext<SupervisorMsg>& ctx, const ExitSignal& sig) {
    auto child = std::find(running.begin(), running.end(), sig.from);
    if (child == running.end() || !sig.from) {
      if (auto r = std::find(retired.begin(), retired.end(), sig.from); r != retired.end()) {
        retired.erase(r);
        return;
      }
      if (sig.reason.normal()) return;
      stop_all(ctx);  // our parent went down: take the children with us
      ctx.stop(sig.reason);
      return;
    }
    const std::size_t i = static_cast<std::size_t>(child - running.begin());
    running[i] = AnyRef();
    const Restart policy = spec.children[i].restart;
    if (policy == Restart::kTemporary || (policy == Restart::kTransient && sig.reason.normal())) return;
    if (!restart_allowed()) {
      status->escalated.store(true, std::memory_order_release);
      stop_all(ctx);
      ctx.stop({ExitReason::Kind::kShutdown, "reached maximum restart intensity"});
      return;
    }
    status->restarts.fetch_add(1, std::memory_order_acq_rel);
    switch (spec.strategy) {
      case Strategy::kOneForOne:
        start(ctx, i);
        break;
      case Strategy::kOneForAll:
        stop_all(ctx);
        for (std::size_t j = 0; j < running.size(); ++j) start(ctx, j);
        break;
      case Strategy::kRestForOne:
        for (std::size_t j = running.size(); j-- > i + 1;) stop_child(ctx, j);
        for (std::size_t j = i; j < running.size(); ++j) start(ctx, j);
        break;
    }
  }
};

}  // namespace

Supervisor spawn_supervisor(ActorSystem& system, SupervisorSpec spec, SpawnOptions options) {
  auto state = std::make_shared<SupervisorState>();
  state->status = std::make_shared<SupervisorStatus>();
  state->running.resize(spec.children.size());
  state->spec = std::move(spec);
  options.trap_exit = true;
  Behavior<SupervisorMsg> behavior = [state](ActorContext<SupervisorMsg>& ctx, SupervisorMsg& msg) {
    if (std::holds_alternative<StartChildren>(msg)) {
      ctx.on_exit([state, self = ctx](const ExitSignal& sig) mutable { state->on_exit(self, sig); });
      for (std::size_t i = 0; i < state->running.size(); ++i) state->start(ctx, i);
    } else {
      std::get<WhichChildren>(msg).reply.send(state->running);
    }
  };
  Supervisor sup{system.spawn<SupervisorMsg>(std::move(behavior), options), state->status};
  sup.ref.tell(StartChildren{});
  return sup;
}

}  // namespace spl::actor
