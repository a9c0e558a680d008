#include "spl/actor/scheduler.hpp"

#include <algorithm>

#include "spl/actor/internal/cpu_relax.hpp"

namespace spl::actor {

namespace {
constexpr int kRunnextStreakLimit = 32;   // next-slot runs in a row before queued work gets a go
constexpr std::uint32_t kLongTurnSends = 64;
constexpr int kStealRounds = 64;          // spinning before parking, a few microseconds
// How often the watch looks for a next-slot task stuck behind a long turn: such a task waits
// at most about two of these for a parked worker.
constexpr auto kWatchInterval = std::chrono::milliseconds(1);
}  // namespace

struct Scheduler::Worker {
  Scheduler* owner = nullptr;
  unsigned index = 0;
  std::atomic<Schedulable*> runnext{nullptr};
  internal::WorkStealingDeque<Schedulable> deque;
  std::atomic<std::uint64_t> turns{0};  // read by thieves to tell a long turn from a busy one
  std::binary_semaphore wakeup{0};
  std::uint32_t sends_this_turn = 0;
  int runnext_streak = 0;
  std::uint64_t tick = 0;
  std::uint32_t rng = 0;
  std::vector<std::uint64_t> seen_turns;  // per victim, from the previous steal round
  std::vector<Schedulable*> seen_next;
  std::thread thread;
};

namespace {
thread_local void* current_worker = nullptr;  // Scheduler::Worker* of the running thread
thread_local const Scheduler* current_scheduler = nullptr;
}  // namespace

Scheduler::Scheduler(SchedulerOptions options) {
  unsigned n = options.workers != 0 ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->owner = this;
    w->index = i;
    w->rng = 0x9E3779B9u * (i + 1);
    w->seen_turns.assign(n, 0);
    w->seen_next.assign(n, nullptr);
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* raw = w.get();
    raw->thread = std::thread([this, raw] { run_worker(*raw); });
  }
  if (n > 1) watch_ = std::thread([this] { run_watch(); });
}

Scheduler::~Scheduler() { shutdown(std::chrono::nanoseconds(0)); }

bool Scheduler::on_worker_thread() const noexcept { return current_scheduler == this; }

void Scheduler::schedule(Schedulable* task, bool urgent) {
  if (stopped_.load(std::memory_order_acquire)) return;  // nothing runs any more
  task->retain();
  pending_.fetch_add(1, std::memory_order_relaxed);
  if (current_scheduler == this) {
    auto* w = static_cast<Worker*>(current_worker);
    if (urgent || w->sends_this_turn < kLongTurnSends) {
      Schedulable* displaced = w->runnext.exchange(task, std::memory_order_seq_cst);
      if (displaced != nullptr) push_local(*w, displaced);
    } else {
      push_local(*w, task);
    }
    return;
  }
  push_global(task, urgent);
}

void Scheduler::note_send() noexcept {
  if (current_scheduler != this) return;
  auto* w = static_cast<Worker*>(current_worker);
  if (++w->sends_this_turn != kLongTurnSends) return;
  if (idle_count_.load(std::memory_order_seq_cst) == 0) return;
  if (Schedulable* next = w->runnext.exchange(nullptr, std::memory_order_seq_cst)) push_local(*w, next);
}

void Scheduler::push_local(Worker& w, Schedulable* task) {
  if (!w.deque.push(task)) {
    push_global(task, false);
    return;
  }
  if (idle_count_.load(std::memory_order_seq_cst) > 0) wake_idle_worker();
}

void Scheduler::push_global(Schedulable* task, bool urgent) {
  bool refused;
  {
    std::lock_guard lock(global_mu_);
    // Checked under the lock shutdown empties the queue with: a late push is refused, not leaked.
    refused = stopped_.load(std::memory_order_relaxed);
    if (!refused) {
      (urgent ? global_urgent_ : global_).push_back(task);
      global_size_.fetch_add(1, std::memory_order_seq_cst);
    }
  }
  if (refused) {
    task->release();
    pending_.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  if (idle_count_.load(std::memory_order_seq_cst) > 0) wake_idle_worker();
}

Schedulable* Scheduler::pop_global() {
  if (global_size_.load(std::memory_order_seq_cst) == 0) return nullptr;
  std::lock_guard lock(global_mu_);
  auto& q = !global_urgent_.empty() ? global_urgent_ : global_;
  if (q.empty()) return nullptr;
  Schedulable* task = q.front();
  q.pop_front();
  global_size_.fetch_sub(1, std::memory_order_seq_cst);
  return task;
}

void Scheduler::wake_idle_worker() {
  Worker* w = nullptr;
  bool all_were_idle;
  {
    std::lock_guard lock(idle_mu_);
    if (idle_.empty()) return;
    w = idle_.back();
    idle_.pop_back();
    all_were_idle = leave_idle();
  }
  w->wakeup.release();
  if (all_were_idle) wake_watch();
}

// With idle_mu_ held: one worker less is idle. True when every worker was.
bool Scheduler::leave_idle() noexcept {
  return idle_count_.fetch_sub(1, std::memory_order_seq_cst) == static_cast<int>(workers_.size());
}

void Scheduler::wake_watch() {
  { std::lock_guard lock(watch_mu_); }  // the watch checks idle_count_ under it before waiting
  watch_cv_.notify_one();
}

// A task in a worker's next slot runs when that worker's turn ends. A thief spinning in
// find_elsewhere takes it sooner if the turn is long, but workers that have parked see nothing:
// the task would wait for the whole turn, forever if the turn blocks on that very task. So
// while any worker is awake, this thread looks every kWatchInterval for a next-slot task that
// has sat there across a whole interval while its worker stayed in one turn, and moves it to
// the injection queue, which wakes a parked worker. When every worker is parked it sleeps.
void Scheduler::run_watch() {
  const std::size_t n = workers_.size();
  std::vector<Schedulable*> seen_next(n, nullptr);
  std::vector<std::uint64_t> seen_turns(n, 0);
  std::unique_lock lock(watch_mu_);
  while (!stopping_.load(std::memory_order_seq_cst)) {
    if (idle_count_.load(std::memory_order_seq_cst) == static_cast<int>(n)) {
      watch_cv_.wait(lock, [&] {
        return stopping_.load(std::memory_order_seq_cst) ||
               idle_count_.load(std::memory_order_seq_cst) != static_cast<int>(n);
      });
      std::fill(seen_next.begin(), seen_next.end(), nullptr);
      continue;
    }
    if (watch_cv_.wait_for(lock, kWatchInterval, [&] { return stopping_.load(std::memory_order_seq_cst); })) break;
    lock.unlock();
    for (std::size_t i = 0; i < n; ++i) {
      Worker& w = *workers_[i];
      Schedulable* next = w.runnext.load(std::memory_order_seq_cst);
      const std::uint64_t turns = w.turns.load(std::memory_order_relaxed);
      if (next != nullptr && next == seen_next[i] && turns == seen_turns[i] &&
          idle_count_.load(std::memory_order_seq_cst) > 0) {
        Schedulable* expected = next;
        if (w.runnext.compare_exchange_strong(expected, nullptr, std::memory_order_seq_cst)) {
          push_global(next, false);  // its scheduling reference goes with it
          next = nullptr;
        }
      }
      seen_next[i] = next;
      seen_turns[i] = turns;
    }
    lock.lock();
  }
}

Schedulable* Scheduler::find_local(Worker& w) {
  ++w.tick;
  if (w.tick % 61 == 0) {  // the injection queue is never starved by local work
    if (Schedulable* t = pop_global()) return t;
  }
  if (w.runnext_streak < kRunnextStreakLimit || !w.deque.maybe_nonempty()) {
    if (Schedulable* t = w.runnext.exchange(nullptr, std::memory_order_seq_cst)) {
      ++w.runnext_streak;
      return t;
    }
  }
  w.runnext_streak = 0;
  if (Schedulable* t = w.deque.pop()) return t;
  if (Schedulable* t = w.runnext.exchange(nullptr, std::memory_order_seq_cst)) return t;
  return pop_global();
}

Schedulable* Scheduler::find_elsewhere(Worker& w) {
  const unsigned n = static_cast<unsigned>(workers_.size());
  std::fill(w.seen_next.begin(), w.seen_next.end(), nullptr);
  auto& seen_turns = w.seen_turns;
  auto& seen_next = w.seen_next;
  for (int round = 0; round < kStealRounds; ++round) {
    if (Schedulable* t = pop_global()) return t;
    w.rng = w.rng * 1664525u + 1013904223u;
    const unsigned start = n > 1 ? (w.rng >> 8) % n : 0;
    for (unsigned k = 0; k < n; ++k) {
      Worker& victim = *workers_[(start + k) % n];
      if (&victim == &w) continue;
      if (Schedulable* t = victim.deque.steal()) return t;
      // Take a victim's next slot only when the same task has sat there across a whole round
      // while the victim stayed inside one turn: it is stuck behind a long turn, not about to run.
      Schedulable* next = victim.runnext.load(std::memory_order_seq_cst);
      const std::uint64_t turns = victim.turns.load(std::memory_order_relaxed);
      if (next != nullptr && next == seen_next[victim.index] && turns == seen_turns[victim.index]) {
        Schedulable* expected = next;
        if (victim.runnext.compare_exchange_strong(expected, nullptr, std::memory_order_seq_cst)) return next;
      }
      seen_next[victim.index] = next;
      seen_turns[victim.index] = turns;
    }
    for (int i = 0; i < 32; ++i) internal::cpu_relax();
    if (stopping_.load(std::memory_order_relaxed)) break;
  }
  return nullptr;
}

bool Scheduler::work_visible(const Worker& self) const {
  if (global_size_.load(std::memory_order_seq_cst) != 0) return true;
  for (const auto& w : workers_) {
    if (w->deque.maybe_nonempty()) return true;
    if (w.get() != &self && w->runnext.load(std::memory_order_seq_cst) != nullptr) return true;
  }
  return self.runnext.load(std::memory_order_seq_cst) != nullptr;
}

// The worker registers as idle before its final look, and notifiers check the idle count after
// publishing work: one of the two always sees the other.
void Scheduler::park(Worker& w) {
  {
    std::lock_guard lock(idle_mu_);
    idle_.push_back(&w);
    idle_count_.fetch_add(1, std::memory_order_seq_cst);
  }
  if (work_visible(w) || stopping_.load(std::memory_order_seq_cst)) {
    std::lock_guard lock(idle_mu_);
    auto it = std::find(idle_.begin(), idle_.end(), &w);
    if (it != idle_.end()) {
      idle_.erase(it);
      if (leave_idle()) wake_watch();
      return;
    }
    // A notifier already took us off the list and is releasing the semaphore: consume it.
  }
  w.wakeup.acquire();
}

void Scheduler::run_task(Worker& w, Schedulable* task) {
  w.sends_this_turn = 0;
  w.turns.store(w.turns.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  task->run_turn();
  task->release();
  pending_.fetch_sub(1, std::memory_order_release);
}

void Scheduler::run_worker(Worker& w) {
  current_worker = &w;
  current_scheduler = this;
  // Once stopping, a worker leaves between turns even if work remains (an actor that keeps
  // itself busy would otherwise hold shutdown forever); what is left is dropped by shutdown.
  while (!stopping_.load(std::memory_order_seq_cst)) {
    Schedulable* task = find_local(w);
    if (task == nullptr) task = find_elsewhere(w);
    if (task != nullptr) {
      run_task(w, task);
      continue;
    }
    park(w);
  }
  current_worker = nullptr;
  current_scheduler = nullptr;
}

ShutdownReport Scheduler::shutdown(std::chrono::nanoseconds drain_timeout) {
  ShutdownReport report;
  if (stopped_.load(std::memory_order_acquire)) return report;
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  while (pending_.load(std::memory_order_acquire) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  stopping_.store(true, std::memory_order_seq_cst);
  // Workers finish their current turn and exit; parked ones are woken (a worker that parks
  // after this sees stopping_ in park() and leaves at once).
  for (;;) {
    {
      std::lock_guard lock(idle_mu_);
      if (idle_.empty()) break;
    }
    wake_idle_worker();
  }
  for (auto& w : workers_) w->thread.join();
  wake_watch();
  if (watch_.joinable()) watch_.join();
  // Anything still queued is reported and released. Outside threads (senders, the actor
  // system's timer) may still schedule: the global queue is emptied under its lock together
  // with setting stopped_, after which push_global refuses.
  auto drop = [&](Schedulable* t) {
    ++report.tasks_left;
    t->release();
    pending_.fetch_sub(1, std::memory_order_relaxed);
  };
  for (auto& w : workers_) {
    if (Schedulable* t = w->runnext.exchange(nullptr)) drop(t);
    while (Schedulable* t = w->deque.steal()) drop(t);
  }
  std::deque<Schedulable*> left;
  {
    std::lock_guard lock(global_mu_);
    stopped_.store(true, std::memory_order_release);
    left.swap(global_urgent_);
    left.insert(left.end(), global_.begin(), global_.end());
    global_.clear();
    global_size_.store(0, std::memory_order_seq_cst);
  }
  for (Schedulable* t : left) drop(t);
  report.drained = report.tasks_left == 0;
  return report;
}

}  // namespace spl::actor
