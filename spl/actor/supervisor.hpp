#pragma once
// OTP-style supervisors: a supervisor actor starts its children linked, traps their exits and
// restarts them by strategy. More than max_restarts restarts within `within` escalates: the
// supervisor stops its children and exits with reason kShutdown, which its own supervisor or
// linked parent sees as a crash.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "spl/actor/actor.hpp"

namespace spl::actor {

enum class Strategy : std::uint8_t { kOneForOne, kOneForAll, kRestForOne };
enum class Restart : std::uint8_t {
  kPermanent,  // always restarted
  kTransient,  // restarted only after an abnormal exit
  kTemporary,  // never restarted
};

struct ChildSpec {
  std::string id;
  std::function<AnyRef(ActorSystem&)> start;  // spawns the child (the supervisor links to it)
  Restart restart = Restart::kPermanent;
};

struct SupervisorSpec {
  Strategy strategy = Strategy::kOneForOne;
  int max_restarts = 3;
  std::chrono::nanoseconds within = std::chrono::seconds(5);
  std::vector<ChildSpec> children;
};

struct SupervisorStatus {
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<bool> escalated{false};
};

struct WhichChildren {
  Reply<std::vector<AnyRef>> reply;  // current child refs in start order (empty ref: not running)
};
struct StartChildren {};
using SupervisorMsg = std::variant<StartChildren, WhichChildren>;

struct Supervisor {
  ActorRef<SupervisorMsg> ref;
  std::shared_ptr<SupervisorStatus> status;
};

Supervisor spawn_supervisor(ActorSystem& system, SupervisorSpec spec, SpawnOptions options = {});

}  // namespace spl::actor
