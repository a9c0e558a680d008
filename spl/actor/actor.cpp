#include "spl/actor/actor.hpp"

#include <algorithm>
#include <exception>

namespace spl::actor {

namespace {
constexpr int kTurnBudget = 64;  // user messages per turn, for fairness between actors
thread_local ActorBase* running_actor = nullptr;
}  // namespace

// ---- AnyRef ----

AnyRef::AnyRef(ActorBase* cell) noexcept : cell_(cell) {
  if (cell_) cell_->retain();
}
AnyRef::~AnyRef() {
  if (cell_) cell_->release();
}
ActorId AnyRef::id() const noexcept { return cell_ ? cell_->id() : 0; }
bool AnyRef::alive() const noexcept { return cell_ && cell_->alive(); }

// ---- ActorBase ----

ActorBase::ActorBase(ActorSystem& system, MailboxOptions) : system_(system) {}

void ActorBase::release() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void ActorBase::schedule_self(bool urgent) { system_.scheduler().schedule(this, urgent); }

bool ActorBase::post_system(SystemMessage msg) {
  {
    std::lock_guard lock(system_send_mu_);
    if (system_mailbox_.send(std::move(msg), Lane::kHigh) != SendStatus::kOk) return false;
  }
  wake(true);
  return true;
}

void ActorBase::run_turn() {
  ActorBase* outer = running_actor;
  running_actor = this;
  if (alive()) {
    while (alive()) {
      std::optional<SystemMessage> m = system_mailbox_.try_receive();
      if (!m) break;
      handle_system(*m);
    }
    if (alive() && !stop_requested_) {
      try {
        process_user(kTurnBudget);
      } catch (...) {
        crash_from_exception();
      }
    }
    if (stop_requested_ && alive()) terminate(*stop_requested_);
  }
  running_actor = outer;
  // Mailbox state may be read only while this turn owns the actor (scheduled_ set): once it is
  // cleared another worker may already be running the next turn. A sender that pushed after the
  // look below and still saw scheduled_ set did not schedule us; the arrival counters (bumped
  // after the push, sequentially consistent) show it without touching consumer state.
  const std::uint64_t arrivals = system_mailbox_.arrivals() + user_arrivals();
  if (alive() && (system_mailbox_.any_pending() || user_work_ready())) {
    schedule_self(false);
    return;
  }
  scheduled_.store(false, std::memory_order_seq_cst);
  if (alive() && system_mailbox_.arrivals() + user_arrivals() != arrivals &&
      !scheduled_.exchange(true, std::memory_order_seq_cst)) {
    schedule_self(false);
  }
}

void ActorBase::crash_from_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    terminate(ExitReason::crash(e.what()));
  } catch (...) {
    terminate(ExitReason::crash("unknown exception"));
  }
}

void ActorBase::handle_system(SystemMessage& msg) {
  switch (msg.kind) {
    case SystemMessage::Kind::kExit: {
      std::erase(links_, msg.from);
      if (trap_exit_) {
        call_handler(on_exit_, exit_handler_changes_, ExitSignal{msg.from, msg.reason});
      } else if (!msg.reason.normal()) {
        terminate(msg.reason);
      }
      break;
    }
    case SystemMessage::Kind::kDown:
      // Only for a monitor still in place: demonitor() took it off before the notice arrived.
      if (auto it = std::find(monitoring_.begin(), monitoring_.end(), msg.from); it != monitoring_.end()) {
        monitoring_.erase(it);
        call_handler(on_down_, down_handler_changes_, DownNotice{msg.from, msg.reason});
      }
      break;
    case SystemMessage::Kind::kLink:
      if (std::find(links_.begin(), links_.end(), msg.from) == links_.end()) links_.push_back(msg.from);
      break;
    case SystemMessage::Kind::kUnlink:
      std::erase(links_, msg.from);
      break;
    case SystemMessage::Kind::kMonitor:
      monitors_.push_back(msg.from);
      break;
    case SystemMessage::Kind::kDemonitor:
      forget_watcher(msg.from);
      break;
    case SystemMessage::Kind::kTimeout:
      try {
        on_receive_timeout(msg.token);
      } catch (...) {
        crash_from_exception();
      }
      break;
    case SystemMessage::Kind::kStop:
      terminate(msg.reason);
      break;
  }
}

// The handler may replace or clear itself: the running closure is held here until it returns,
// and put back only if the call installed no other handler and did not end the actor.
template <class Arg>
void ActorBase::call_handler(std::function<void(const Arg&)>& slot, const std::uint32_t& changes, const Arg& arg) {
  if (!slot) return;
  std::function<void(const Arg&)> running = std::exchange(slot, nullptr);
  const std::uint32_t before = changes;
  try {
    running(arg);
  } catch (...) {
    crash_from_exception();
    return;
  }
  if (changes == before && !terminated_) slot = std::move(running);
}

void ActorBase::link(const AnyRef& other) {
  if (!other || other.cell() == this) return;
  if (std::find(links_.begin(), links_.end(), other) == links_.end()) links_.push_back(other);
  if (!other.cell()->post_system({SystemMessage::Kind::kLink, AnyRef(this), {}, 0})) {
    post_system({SystemMessage::Kind::kExit, other, {ExitReason::Kind::kNoProc, "no such actor"}, 0});
  }
}

void ActorBase::unlink(const AnyRef& other) {
  if (!other) return;
  std::erase(links_, other);
  other.cell()->post_system({SystemMessage::Kind::kUnlink, AnyRef(this), {}, 0});
}

void ActorBase::monitor(const AnyRef& other) {
  if (!other) return;
  monitoring_.push_back(other);
  if (!other.cell()->post_system({SystemMessage::Kind::kMonitor, AnyRef(this), {}, 0})) {
    post_system({SystemMessage::Kind::kDown, other, {ExitReason::Kind::kNoProc, "no such actor"}, 0});
  }
}

void ActorBase::demonitor(const AnyRef& other) {
  auto it = std::find(monitoring_.begin(), monitoring_.end(), other);
  if (it == monitoring_.end()) return;
  monitoring_.erase(it);
  other.cell()->post_system({SystemMessage::Kind::kDemonitor, AnyRef(this), {}, 0});
}

void ActorBase::forget_watcher(const AnyRef& watcher) {
  if (auto it = std::find(monitors_.begin(), monitors_.end(), watcher); it != monitors_.end()) monitors_.erase(it);
}

void ActorBase::terminate(ExitReason reason) {
  if (terminated_) return;
  terminated_ = true;
  // Close before anyone can see the actor as dead, so a send to a dead actor always fails.
  close_user_mailbox();
  {
    std::lock_guard lock(system_send_mu_);
    system_mailbox_.close(CloseMode::kDrain);
  }
  alive_.store(false, std::memory_order_release);
  // Link and monitor requests that raced with this death still get their answer.
  while (std::optional<SystemMessage> m = system_mailbox_.try_receive()) {
    if (m->kind == SystemMessage::Kind::kLink) links_.push_back(m->from);
    if (m->kind == SystemMessage::Kind::kMonitor) monitors_.push_back(m->from);
    if (m->kind == SystemMessage::Kind::kDemonitor) forget_watcher(m->from);
    if (m->kind == SystemMessage::Kind::kUnlink) std::erase(links_, m->from);
  }
  AnyRef self(this);
  for (const AnyRef& l : links_) l.cell()->post_system({SystemMessage::Kind::kExit, self, reason, 0});
  for (const AnyRef& m : monitors_) m.cell()->post_system({SystemMessage::Kind::kDown, self, reason, 0});
  // The actors this one watched would otherwise hold it (and its memory) until they end.
  for (const AnyRef& m : monitoring_) m.cell()->post_system({SystemMessage::Kind::kDemonitor, self, {}, 0});
  links_.clear();
  monitors_.clear();
  monitoring_.clear();
  on_exit_ = nullptr;
  on_down_ = nullptr;
  system_.retire(this);
}

// ---- ActorSystem ----

ActorSystem::ActorSystem(SchedulerOptions options) : scheduler_(options) {
  timer_thread_ = std::thread([this] { timer_loop(); });
}

ActorSystem::~ActorSystem() { shutdown(std::chrono::nanoseconds(0)); }

ActorBase* ActorSystem::current_actor() noexcept { return running_actor; }

ActorId ActorSystem::admit(ActorBase* cell) {
  std::lock_guard lock(table_mu_);
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back({});
  }
  slots_[index].cell = cell;
  cell->retain();  // the table's reference, dropped in retire()
  cell->id_ = (std::uint64_t{slots_[index].generation} << 32) | (index + 1);
  return cell->id_;
}

void ActorSystem::retire(ActorBase* cell) {
  {
    std::lock_guard lock(table_mu_);
    const std::uint32_t index = static_cast<std::uint32_t>(cell->id_ & 0xFFFFFFFFu) - 1;
    if (index >= slots_.size() || slots_[index].cell != cell) return;
    slots_[index].cell = nullptr;
    ++slots_[index].generation;
    free_slots_.push_back(index);
    std::erase_if(names_, [cell](const auto& entry) { return entry.second.cell() == cell; });
  }
  cell->release();
}

std::optional<AnyRef> ActorSystem::find(ActorId id) {
  std::lock_guard lock(table_mu_);
  const std::uint64_t low = id & 0xFFFFFFFFu;
  if (low == 0 || low > slots_.size()) return std::nullopt;
  const Slot& slot = slots_[low - 1];
  if (slot.cell == nullptr || slot.generation != (id >> 32)) return std::nullopt;
  return AnyRef(slot.cell);
}

std::optional<AnyRef> ActorSystem::whereis_any(const std::string& name) {
  std::lock_guard lock(table_mu_);
  auto it = names_.find(name);
  if (it == names_.end() || !it->second.alive()) return std::nullopt;
  return it->second;
}

Result<void> ActorSystem::register_name(const std::string& name, const AnyRef& ref) {
  if (!ref || !ref.alive()) return make_error(ErrorCode::kInvalidArgument, "cannot register a stopped actor");
  std::lock_guard lock(table_mu_);
  auto [it, inserted] = names_.try_emplace(name, ref);
  if (!inserted) {
    if (it->second.alive()) return make_error(ErrorCode::kAlreadyExists, "name already registered: " + name);
    it->second = ref;
  }
  return {};
}

void ActorSystem::unregister_name(const std::string& name) {
  std::lock_guard lock(table_mu_);
  names_.erase(name);
}

void ActorSystem::stop(const AnyRef& ref, ExitReason reason) {
  if (ref) ref.cell()->post_system({SystemMessage::Kind::kStop, {}, std::move(reason), 0});
}

void ActorSystem::set_dead_letter_handler(std::function<void(ActorId, const char*)> fn) {
  std::lock_guard lock(dead_letter_mu_);
  dead_letter_handler_ = std::move(fn);
}

void ActorSystem::note_dead_letter(ActorId to, const char* what) {
  dead_letters_.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard lock(dead_letter_mu_);
  if (dead_letter_handler_) dead_letter_handler_(to, what);
}

std::size_t ActorSystem::live_actors() {
  std::lock_guard lock(table_mu_);
  return slots_.size() - free_slots_.size();
}

std::optional<ActorSystem::TimerKey> ActorSystem::start_timer(ActorBase* cell, std::chrono::nanoseconds after,
                                                              std::uint64_t token) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point now = Clock::now();
  after = std::max(after, std::chrono::nanoseconds(0));
  if (after >= Clock::time_point::max() - now) return std::nullopt;  // now + after would overflow
  TimerKey key{now + after, 0};
  {
    std::lock_guard lock(timer_mu_);
    key.seq = next_timer_seq_++;
    timers_.emplace(key, Timer{AnyRef(cell), token});
  }
  timer_cv_.notify_one();
  return key;
}

void ActorSystem::cancel_timer(const TimerKey& key) {
  Timer dropped;  // released outside the lock: it may hold the last reference to its actor
  std::lock_guard lock(timer_mu_);
  auto it = timers_.find(key);
  if (it == timers_.end()) return;  // fired already
  dropped = std::move(it->second);
  timers_.erase(it);
}

void ActorSystem::timer_loop() {
  std::unique_lock lock(timer_mu_);
  while (!timer_stop_) {
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    const auto when = timers_.begin()->first.when;
    if (std::chrono::steady_clock::now() < when) {
      timer_cv_.wait_until(lock, when);
      continue;
    }
    Timer t = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    lock.unlock();
    t.target.cell()->post_system({SystemMessage::Kind::kTimeout, {}, {}, t.token});
    t = Timer{};
    lock.lock();
  }
}

ActorSystem::ShutdownReport ActorSystem::shutdown(std::chrono::nanoseconds drain_timeout) {
  ShutdownReport report;
  {
    std::lock_guard lock(timer_mu_);
    if (timer_stop_) return report;
  }
  const spl::actor::ShutdownReport sched = scheduler_.shutdown(drain_timeout);
  std::map<TimerKey, Timer> dropped_timers;  // released outside the lock
  {
    std::lock_guard lock(timer_mu_);
    timer_stop_ = true;
    dropped_timers.swap(timers_);
  }
  timer_cv_.notify_one();
  timer_thread_.join();
  std::vector<AnyRef> alive;
  {
    std::lock_guard lock(table_mu_);
    for (const Slot& s : slots_) {
      if (s.cell != nullptr) alive.emplace_back(s.cell);
    }
  }
  const std::uint64_t dead_before = dead_letters();
  for (const AnyRef& ref : alive) {
    ref.cell()->terminate({ExitReason::Kind::kShutdown, "actor system shut down"});
  }
  report.actors_left = alive.size();
  report.messages_left = static_cast<std::size_t>(dead_letters() - dead_before);
  report.drained = sched.drained && report.messages_left == 0;
  return report;
}

}  // namespace spl::actor
