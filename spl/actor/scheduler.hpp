#pragma once
// Scheduler: a fixed pool of worker threads running Schedulable tasks (actors) one turn at a
// time. Each worker has a "next" slot and a Chase-Lev deque; outside threads submit through a
// global injection queue. A task made runnable by a worker goes to that worker's next slot so a
// message and its receiver stay on one core (a cross-core hand-off costs ~540 ns here); idle
// workers steal, and park on a semaphore when there is nothing to steal. A watch thread moves a
// next-slot task stuck behind a long turn to where a parked worker finds it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "spl/actor/internal/work_stealing_deque.hpp"

namespace spl::actor {

class Scheduler;

class Schedulable {
 public:
  virtual ~Schedulable() = default;
  virtual void run_turn() = 0;
  // The scheduler holds a reference while the task is queued.
  virtual void retain() noexcept = 0;
  virtual void release() noexcept = 0;
};

struct SchedulerOptions {
  unsigned workers = 0;  // 0: one per hardware thread
};

struct ShutdownReport {
  bool drained = true;          // everything runnable ran before the workers stopped
  std::size_t tasks_left = 0;   // runnable tasks that never got their turn
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Makes a task runnable. From one of this scheduler's workers the task goes to that worker's
  // next slot (urgent tasks always; others unless the current turn is a long one); from
  // anywhere else to the injection queue.
  void schedule(Schedulable* task, bool urgent = false);

  // Called by a sender on each message: a turn that keeps sending hands its next-slot task to
  // an idle worker instead of letting it wait for the turn to end.
  void note_send() noexcept;

  // Waits up to `drain_timeout` for all runnable work to finish, then stops the workers, each
  // after its current turn: it returns within drain_timeout plus one turn even while tasks keep
  // each other busy (a turn that never ends still holds it). Tasks left are dropped and counted.
  ShutdownReport shutdown(std::chrono::nanoseconds drain_timeout = std::chrono::seconds(5));

  unsigned worker_count() const noexcept { return static_cast<unsigned>(workers_.size()); }
  bool on_worker_thread() const noexcept;
  std::uint64_t pending_tasks() const noexcept { return pending_.load(std::memory_order_acquire); }

 private:
  struct Worker;
  void run_worker(Worker& w);
  Schedulable* find_local(Worker& w);
  Schedulable* find_elsewhere(Worker& w);
  Schedulable* pop_global();
  void push_global(Schedulable* task, bool urgent);
  void push_local(Worker& w, Schedulable* task);
  void wake_idle_worker();
  bool leave_idle() noexcept;
  void wake_watch();
  void run_watch();
  void park(Worker& w);
  bool work_visible(const Worker& self) const;
  void run_task(Worker& w, Schedulable* task);

  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex global_mu_;
  std::deque<Schedulable*> global_urgent_;
  std::deque<Schedulable*> global_;
  std::atomic<std::size_t> global_size_{0};

  std::mutex idle_mu_;
  std::vector<Worker*> idle_;
  std::atomic<int> idle_count_{0};

  // Moves next-slot tasks stuck behind a long turn to where a parked worker finds them (see
  // run_watch); absent with one worker.
  std::thread watch_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;

  std::atomic<std::uint64_t> pending_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace spl::actor
