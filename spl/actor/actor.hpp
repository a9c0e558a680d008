#pragma once
// Actors on the work-stealing Scheduler: typed ActorRef<Msg>, spawn, tell, ask, selective
// receive with a timeout, links and monitors with exit signals, dead letters and named
// registration. A behaviour that throws crashes its actor: linked actors get an exit signal
// (and die too unless they trap exits), monitors get a Down notice.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "spl/actor/mailbox.hpp"
#include "spl/actor/scheduler.hpp"
#include "spl/base/result.hpp"

namespace spl::actor {

struct ExitReason {
  enum class Kind : std::uint8_t { kNormal, kCrash, kKilled, kShutdown, kNoProc };
  Kind kind = Kind::kNormal;
  std::string what;

  bool normal() const noexcept { return kind == Kind::kNormal; }
  static ExitReason crash(std::string why) { return {Kind::kCrash, std::move(why)}; }
};

class ActorSystem;
class ActorBase;
template <class Msg>
class ActorCell;
template <class Msg>
class ActorContext;

// A counted reference to any actor, whatever its message type.
class AnyRef {
 public:
  AnyRef() = default;
  explicit AnyRef(ActorBase* cell) noexcept;  // takes a new reference
  AnyRef(const AnyRef& other) noexcept : AnyRef(other.cell_) {}
  AnyRef(AnyRef&& other) noexcept : cell_(std::exchange(other.cell_, nullptr)) {}
  AnyRef& operator=(AnyRef other) noexcept {
    std::swap(cell_, other.cell_);
    return *this;
  }
  ~AnyRef();

  ActorId id() const noexcept;
  bool alive() const noexcept;
  explicit operator bool() const noexcept { return cell_ != nullptr; }
  ActorBase* cell() const noexcept { return cell_; }
  friend bool operator==(const AnyRef& a, const AnyRef& b) noexcept { return a.cell_ == b.cell_; }

 private:
  ActorBase* cell_ = nullptr;
};

struct ExitSignal {
  AnyRef from;
  ExitReason reason;
};
struct DownNotice {
  AnyRef from;
  ExitReason reason;
};

// Control traffic travels in its own mailbox and is handled before ordinary messages.
struct SystemMessage {
  enum class Kind : std::uint8_t { kExit, kDown, kLink, kUnlink, kMonitor, kDemonitor, kTimeout, kStop };
  Kind kind = Kind::kStop;
  AnyRef from;
  ExitReason reason;
  std::uint64_t token = 0;
};

class ActorBase : public Schedulable {
 public:
  ActorBase(ActorSystem& system, MailboxOptions options);
  ~ActorBase() override = default;

  void retain() noexcept override { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept override;
  void run_turn() final;

  ActorId id() const noexcept { return id_; }
  bool alive() const noexcept { return alive_.load(std::memory_order_acquire); }
  ActorSystem& system() const noexcept { return system_; }
  virtual const std::type_info& message_type() const noexcept = 0;
  virtual MailboxStats mailbox_stats() const = 0;

  // Any thread: delivers a control message; false when the actor is gone.
  bool post_system(SystemMessage msg);
  // Any thread: makes sure the actor will get a turn (after a send).
  void wake(bool urgent) {
    if (!scheduled_.load(std::memory_order_seq_cst) && !scheduled_.exchange(true, std::memory_order_seq_cst)) {
      schedule_self(urgent);
    }
  }

  // Inside the actor's own turn only.
  void link(const AnyRef& other);
  void unlink(const AnyRef& other);
  void monitor(const AnyRef& other);
  // Undoes one monitor() of `other`: its Down notice, even one already on its way, is not
  // delivered, and `other` drops its reference to this actor.
  void demonitor(const AnyRef& other);
  void set_trap_exit(bool on) noexcept { trap_exit_ = on; }
  // May be called from inside the handler being replaced: it finishes with its own captures.
  void set_exit_handler(std::function<void(const ExitSignal&)> fn) {
    on_exit_ = std::move(fn);
    ++exit_handler_changes_;
  }
  void set_down_handler(std::function<void(const DownNotice&)> fn) {
    on_down_ = std::move(fn);
    ++down_handler_changes_;
  }
  void stop(ExitReason reason = {}) { stop_requested_ = std::move(reason); }
  void terminate(ExitReason reason);  // the actor's own thread, or the system at shutdown

 protected:
  friend class ActorSystem;
  // Runs up to `budget` user messages (fewer when the mailbox has nothing receivable).
  virtual void process_user(int budget) = 0;
  virtual bool user_work_ready() = 0;
  virtual std::uint64_t user_arrivals() const noexcept = 0;
  virtual void close_user_mailbox() = 0;
  virtual void on_receive_timeout(std::uint64_t token) = 0;
  void crash_from_exception();
  bool stopping() const noexcept { return stop_requested_.has_value() || !alive(); }

 private:
  void schedule_self(bool urgent);
  void handle_system(SystemMessage& msg);
  void forget_watcher(const AnyRef& watcher);
  template <class Arg>
  void call_handler(std::function<void(const Arg&)>& slot, const std::uint32_t& changes, const Arg& arg);

  ActorSystem& system_;
  ActorId id_ = 0;
  std::atomic<std::uint32_t> refs_{1};
  std::atomic<bool> scheduled_{false};
  std::atomic<bool> alive_{true};
  // Serialises control sends with the close in terminate(): a send either lands before the
  // close (and terminate's drain answers it) or fails (and the sender answers itself).
  std::mutex system_send_mu_;
  Mailbox<SystemMessage> system_mailbox_;
  std::vector<AnyRef> links_;
  std::vector<AnyRef> monitors_;    // actors watching this one (one entry per monitor call)
  std::vector<AnyRef> monitoring_;  // actors this one watches: told to forget it when it ends
  bool trap_exit_ = false;
  std::function<void(const ExitSignal&)> on_exit_;
  std::function<void(const DownNotice&)> on_down_;
  std::uint32_t exit_handler_changes_ = 0;
  std::uint32_t down_handler_changes_ = 0;
  std::optional<ExitReason> stop_requested_;
  bool terminated_ = false;  // only the actor's own turn (or shutdown, with workers stopped) terminates
};

template <class Msg>
using Behavior = std::function<void(ActorContext<Msg>&, Msg&)>;

// A typed, counted reference to an actor. Sending to a stopped actor is not an error to the
// program's health: the status says kClosed. Every message that is not delivered (any status
// but kOk, and each one a kDropOldest mailbox evicts) counts once as a dead letter.
template <class Msg>
class ActorRef {
 public:
  ActorRef() = default;
  explicit ActorRef(ActorCell<Msg>* cell) noexcept : cell_(cell) {}
  ActorRef(const ActorRef& o) noexcept : cell_(o.cell_) {
    if (cell_) cell_->retain();
  }
  ActorRef(ActorRef&& o) noexcept : cell_(std::exchange(o.cell_, nullptr)) {}
  ActorRef& operator=(ActorRef o) noexcept {
    std::swap(cell_, o.cell_);
    return *this;
  }
  ~ActorRef() {
    if (cell_) cell_->release();
  }

  // As Mailbox::send: an rvalue is moved from (an lvalue copied) only when the status is kOk,
  // so on failure the caller still has the message. From inside an actor a full kBlock mailbox
  // answers kFull at once: parking a worker could starve the very receiver it waits for (the
  // only worker, or the sender itself).
  SendStatus tell(Msg&& msg, Lane lane = Lane::kNormal) const { return cell_ ? cell_->tell(std::move(msg), lane) : SendStatus::kClosed; }
  SendStatus tell(const Msg& msg, Lane lane = Lane::kNormal) const { return cell_ ? cell_->tell(msg, lane) : SendStatus::kClosed; }
  ActorId id() const noexcept { return cell_ ? cell_->id() : 0; }
  bool alive() const noexcept { return cell_ && cell_->alive(); }
  AnyRef any() const { return AnyRef(cell_); }
  explicit operator bool() const noexcept { return cell_ != nullptr; }
  MailboxStats stats() const { return cell_ ? cell_->mailbox_stats() : MailboxStats{}; }
  friend bool operator==(const ActorRef& a, const ActorRef& b) noexcept { return a.cell_ == b.cell_; }

 private:
  ActorCell<Msg>* cell_ = nullptr;
};

// Where an asked actor puts its answer (copyable, so it can travel inside messages).
template <class R>
class Reply {
 public:
  Reply() = default;
  explicit Reply(std::shared_ptr<std::promise<R>> p) : promise_(std::move(p)) {}
  void send(R value) const {
    if (promise_ && !sent_->exchange(true)) promise_->set_value(std::move(value));
  }

 private:
  std::shared_ptr<std::promise<R>> promise_;
  std::shared_ptr<std::atomic<bool>> sent_ = std::make_shared<std::atomic<bool>>(false);
};

template <class R>
class AskFuture {
 public:
  explicit AskFuture(std::future<R> f) : future_(std::move(f)) {}
  // kTimeout when no answer in time; kClosed when the actor is gone or dropped the request.
  Result<R> get(std::chrono::nanoseconds timeout) {
    if (future_.wait_for(timeout) != std::future_status::ready) {
      return make_error(ErrorCode::kTimeout, "ask timed out");
    }
    try {
      return future_.get();
    } catch (const std::future_error&) {
      return make_error(ErrorCode::kClosed, "the actor stopped without replying");
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kClosed, e.what());
    }
  }

 private:
  std::future<R> future_;
};

struct SpawnOptions {
  MailboxOptions mailbox;
  std::string name;        // registered when not empty
  bool trap_exit = false;
};

struct DeadLetterStats {
  std::uint64_t count = 0;
};

class ActorSystem {
 public:
  explicit ActorSystem(SchedulerOptions options = {});
  ~ActorSystem();
  ActorSystem(const ActorSystem&) = delete;
  ActorSystem& operator=(const ActorSystem&) = delete;

  template <class Msg>
  ActorRef<Msg> spawn(Behavior<Msg> behavior, SpawnOptions options = {});

  // The actor (of the right message type) registered under `name`, if any.
  template <class Msg>
  std::optional<ActorRef<Msg>> whereis(const std::string& name);
  std::optional<AnyRef> whereis_any(const std::string& name);
  Result<void> register_name(const std::string& name, const AnyRef& ref);
  void unregister_name(const std::string& name);

  // The live actor with this id, if any (ids are generation-checked).
  std::optional<AnyRef> find(ActorId id);

  // Asks from any thread: make(reply) builds the request message.
  template <class R, class Msg, class Make>
  AskFuture<R> ask(const ActorRef<Msg>& to, Make&& make);

  // Asks an actor to stop (runs its exit protocol on its own turn).
  void stop(const AnyRef& ref, ExitReason reason = {ExitReason::Kind::kShutdown, "stopped"});

  void set_dead_letter_handler(std::function<void(ActorId to, const char* what)> fn);
  std::uint64_t dead_letters() const noexcept { return dead_letters_.load(std::memory_order_acquire); }
  std::size_t live_actors();

  struct ShutdownReport {
    bool drained = true;
    std::size_t actors_left = 0;    // still alive at the end, terminated by shutdown
    std::size_t messages_left = 0;  // undelivered messages that became dead letters
  };
  // Waits up to drain_timeout for the actors to go quiet, stops the workers (each after its
  // current turn, so actors that keep each other busy cannot hold it) and terminates every
  // actor still alive. Not from inside an actor.
  ShutdownReport shutdown(std::chrono::nanoseconds drain_timeout = std::chrono::seconds(5));

  Scheduler& scheduler() noexcept { return scheduler_; }

  // Internal plumbing used by actors.
  void note_dead_letter(ActorId to, const char* what);
  ActorId admit(ActorBase* cell);
  void retire(ActorBase* cell);
  struct TimerKey {
    std::chrono::steady_clock::time_point when;
    std::uint64_t seq;
    auto operator<=>(const TimerKey&) const = default;
  };
  // Posts a kTimeout carrying `token` to cell after `after`. nullopt: it would never fire (too
  // long to represent), so nothing is queued. A queued timer holds a reference to the actor
  // until it fires or cancel_timer drops it.
  std::optional<TimerKey> start_timer(ActorBase* cell, std::chrono::nanoseconds after, std::uint64_t token);
  void cancel_timer(const TimerKey& key);
  static ActorBase* current_actor() noexcept;

 private:
  friend class ActorBase;
  void timer_loop();

  Scheduler scheduler_;

  std::mutex table_mu_;
  struct Slot {
    ActorBase* cell = nullptr;
    std::uint32_t generation = 1;
  };
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::string, AnyRef> names_;

  std::atomic<std::uint64_t> dead_letters_{0};
  std::mutex dead_letter_mu_;
  std::function<void(ActorId, const char*)> dead_letter_handler_;
  std::atomic<std::size_t> messages_left_{0};

  struct Timer {
    AnyRef target;
    std::uint64_t token;
  };
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  std::map<TimerKey, Timer> timers_;  // earliest first; erasable, so a finished receive cancels
  std::uint64_t next_timer_seq_ = 0;
  bool timer_stop_ = false;
  std::thread timer_thread_;
};

template <class Msg>
class ActorContext {
 public:
  explicit ActorContext(ActorCell<Msg>& cell) : cell_(cell) {}

  ActorRef<Msg> self() const;
  ActorSystem& system() const { return cell_.system(); }
  template <class M>
  ActorRef<M> spawn(Behavior<M> behavior, SpawnOptions options = {}) {
    return system().template spawn<M>(std::move(behavior), std::move(options));
  }
  // Spawns and links in one step, as Erlang's spawn_link.
  template <class M>
  ActorRef<M> spawn_link(Behavior<M> behavior, SpawnOptions options = {}) {
    ActorRef<M> child = spawn<M>(std::move(behavior), std::move(options));
    link(child.any());
    return child;
  }
  void link(const AnyRef& other) { cell_.link(other); }
  void unlink(const AnyRef& other) { cell_.unlink(other); }
  void monitor(const AnyRef& other) { cell_.monitor(other); }
  void demonitor(const AnyRef& other) { cell_.demonitor(other); }
  void trap_exit(bool on) { cell_.set_trap_exit(on); }
  void on_exit(std::function<void(const ExitSignal&)> fn) { cell_.set_exit_handler(std::move(fn)); }
  void on_down(std::function<void(const DownNotice&)> fn) { cell_.set_down_handler(std::move(fn)); }
  void stop(ExitReason reason = {}) { cell_.stop(std::move(reason)); }
  // Takes effect from the next message: the running behaviour (and its captures) stays alive
  // until it returns.
  void become(Behavior<Msg> behavior) { cell_.next_behavior_ = std::move(behavior); }

  // Erlang `receive ... after`: the next message satisfying pred goes to on_match; messages
  // passed over stay queued, in order, for the normal behaviour afterwards. If none arrives
  // within `timeout`, on_timeout runs instead.
  void receive(std::function<bool(const Msg&)> pred, std::chrono::nanoseconds timeout,
               std::function<void(ActorContext&, Msg&)> on_match, std::function<void(ActorContext&)> on_timeout) {
    receive(Selector{}, std::move(pred), timeout, std::move(on_match), std::move(on_timeout));
  }
  // The same, taking only messages that also satisfy `sel` (sender: the sending actor's whole
  // id, as ActorRef::id() gives it, 0 from outside actors; type: MessageType<Msg>). A saved
  // message that fails `sel` is skipped without calling pred, and when the saved messages'
  // Bloom filter rules `sel` out they are not walked at all.
  void receive(const Selector& sel, std::function<bool(const Msg&)> pred, std::chrono::nanoseconds timeout,
               std::function<void(ActorContext&, Msg&)> on_match, std::function<void(ActorContext&)> on_timeout);

 private:
  ActorCell<Msg>& cell_;
};

template <class Msg>
class ActorCell final : public ActorBase {
 public:
  ActorCell(ActorSystem& system, Behavior<Msg> behavior, const SpawnOptions& options)
      : ActorBase(system, options.mailbox), mailbox_(options.mailbox), behavior_(std::move(behavior)) {
    mailbox_.set_dead_letter_handler([this](Msg&&) { this->system().note_dead_letter(id(), typeid(Msg).name()); });
  }

  template <class M>
  SendStatus tell(M&& msg, Lane lane) {
    ActorBase* sender = ActorSystem::current_actor();
    const bool may_park = !system().scheduler().on_worker_thread();
    SendStatus status = mailbox_.send(std::forward<M>(msg), lane, sender ? sender->id() : 0, may_park);
    if (status != SendStatus::kOk) {
      system().note_dead_letter(id(), typeid(Msg).name());
      return status;
    }
    system().scheduler().note_send();
    wake(lane == Lane::kHigh);
    return status;
  }

  const std::type_info& message_type() const noexcept override { return typeid(Msg); }
  MailboxStats mailbox_stats() const override { return mailbox_.stats(); }

 private:
  friend class ActorContext<Msg>;

  struct PendingReceive {
    Selector sel;
    // After the first look every saved message has been rejected, and messages it passes over
    // later are saved because they were: later turns look only at new arrivals (a rescan per
    // turn made a long wait quadratic in the saved messages).
    bool saved_scanned = false;
    std::function<bool(const Msg&)> pred;
    std::function<void(ActorContext<Msg>&, Msg&)> on_match;
    std::function<void(ActorContext<Msg>&)> on_timeout;
    std::uint64_t token = 0;
    std::optional<ActorSystem::TimerKey> timer;
  };

  // Drops the pending receive and its timer, whose reference would otherwise keep this actor
  // alive until the timeout.
  std::optional<PendingReceive> take_pending() {
    std::optional<PendingReceive> p = std::move(pending_);
    pending_.reset();
    if (p && p->timer) system().cancel_timer(*p->timer);
    return p;
  }

  void process_user(int budget) override {
    ActorContext<Msg> ctx(*this);
    for (int n = 0; n < budget && !stopping(); ++n) {
      adopt_next_behavior();
      if (pending_) {
        std::optional<Msg> m = mailbox_.try_receive_if(pending_->pred, pending_->sel, !pending_->saved_scanned);
        pending_->saved_scanned = true;
        if (!m) break;
        take_pending()->on_match(ctx, *m);
        continue;
      }
      std::optional<Msg> m = mailbox_.try_receive();
      if (!m) break;
      behavior_(ctx, *m);
    }
    adopt_next_behavior();  // frees the replaced behaviour's captures now, not at the next message
  }

  void adopt_next_behavior() {
    if (!next_behavior_) return;
    behavior_ = std::move(*next_behavior_);
    next_behavior_.reset();
  }

  // With a selective receive pending, only new arrivals can change anything.
  bool user_work_ready() override { return pending_ ? mailbox_.lanes_nonempty() : mailbox_.any_pending(); }
  std::uint64_t user_arrivals() const noexcept override { return mailbox_.arrivals(); }
  void close_user_mailbox() override {
    take_pending();
    mailbox_.close(CloseMode::kDeadLetter);
  }
  void on_receive_timeout(std::uint64_t token) override {
    if (!pending_ || pending_->token != token) return;  // already matched: a stale timer
    PendingReceive done = std::move(*pending_);
    pending_.reset();
    ActorContext<Msg> ctx(*this);
    done.on_timeout(ctx);
  }

  Mailbox<Msg> mailbox_;
  Behavior<Msg> behavior_;
  std::optional<Behavior<Msg>> next_behavior_;  // set by become(), adopted between messages
  std::optional<PendingReceive> pending_;
  std::uint64_t next_token_ = 1;
};

// ---- inline definitions ----------------------------------------------------------------------

template <class Msg>
ActorRef<Msg> ActorContext<Msg>::self() const {
  cell_.retain();
  return ActorRef<Msg>(&cell_);
}

template <class Msg>
void ActorContext<Msg>::receive(const Selector& sel, std::function<bool(const Msg&)> pred,
                                std::chrono::nanoseconds timeout, std::function<void(ActorContext&, Msg&)> on_match,
                                std::function<void(ActorContext&)> on_timeout) {
  const std::uint64_t token = cell_.next_token_++;
  cell_.take_pending();  // a receive replacing an unfinished one
  cell_.pending_ = typename ActorCell<Msg>::PendingReceive{
      sel,   false, std::move(pred), std::move(on_match), std::move(on_timeout), token,
      system().start_timer(&cell_, timeout, token)};
}

template <class Msg>
ActorRef<Msg> ActorSystem::spawn(Behavior<Msg> behavior, SpawnOptions options) {
  auto* cell = new ActorCell<Msg>(*this, std::move(behavior), options);
  cell->set_trap_exit(options.trap_exit);
  admit(cell);
  ActorRef<Msg> ref(cell);  // adopts the creation reference
  if (!options.name.empty()) {
    // A taken name is a programming error surfaced as a crash of the new actor, never UB.
    if (!register_name(options.name, ref.any()).ok()) {
      cell->post_system({SystemMessage::Kind::kStop, {}, ExitReason::crash("name already registered: " + options.name), 0});
      cell->wake(false);
    }
  }
  return ref;
}

template <class Msg>
std::optional<ActorRef<Msg>> ActorSystem::whereis(const std::string& name) {
  std::optional<AnyRef> any = whereis_any(name);
  if (!any || any->cell()->message_type() != typeid(Msg)) return std::nullopt;
  auto* cell = static_cast<ActorCell<Msg>*>(any->cell());
  cell->retain();
  return ActorRef<Msg>(cell);
}

template <class R, class Msg, class Make>
AskFuture<R> ActorSystem::ask(const ActorRef<Msg>& to, Make&& make) {
  auto promise = std::make_shared<std::promise<R>>();
  AskFuture<R> future(promise->get_future());
  // The actor holds the only copies of the Reply once it is sent: if it never answers, the
  // promise is destroyed with the message and the future reports a broken promise.
  SendStatus status = to.tell(std::forward<Make>(make)(Reply<R>(std::move(promise))));
  (void)status;
  return future;
}

}  // namespace spl::actor
