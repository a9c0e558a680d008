#pragma once
// Mailbox<Msg>: a multi-producer single-consumer mailbox with three priority lanes, Erlang-style
// selective receive, optional capacity with an overflow policy, close, and statistics.
//
// Threading: send() from any thread; every receive, close() and the destructor from the one
// consumer. stats() from any thread.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "spl/actor/internal/cpu_relax.hpp"
#include "spl/actor/internal/envelope.hpp"
#include "spl/actor/internal/latency_histogram.hpp"
#include "spl/actor/internal/mpsc_queue.hpp"
#include "spl/base/result.hpp"

namespace spl::actor {

enum class Overflow : std::uint8_t {
  kBlock,       // the sender parks until there is space, up to MailboxOptions::block_timeout
                // (kFull at once for a send that may not park, as one from inside an actor)
  kDropNewest,  // the new message is not delivered (SendStatus::kDropped)
  kDropOldest,  // the oldest message holding a slot, of the lowest non-empty lane, goes to the
                // dead-letter handler
  kFail,        // the send fails with SendStatus::kFull
};

enum class SendStatus : std::uint8_t { kOk, kDropped, kFull, kTimeout, kClosed };

const char* send_status_name(SendStatus s) noexcept;

enum class CloseMode : std::uint8_t {
  kDrain,       // pending messages stay receivable; receive reports kClosed once they are gone
  kDeadLetter,  // pending messages go to the dead-letter handler
};

struct MailboxOptions {
  // 0: unbounded. Bounds the messages no receive has looked at yet: one a selective receive
  // passes over gives its slot back, or the reply it waits for could be refused (Erlang's save
  // queue is likewise unbounded).
  std::size_t capacity = 0;
  Overflow overflow = Overflow::kFail;
  std::chrono::nanoseconds block_timeout = std::chrono::seconds(1);
};

struct MailboxStats {
  std::uint64_t enqueued = 0;
  std::uint64_t dequeued = 0;
  std::uint64_t dropped = 0;
  std::uint64_t depth = 0;
  std::uint64_t high_water = 0;  // sampled every 64 receives and at each stats() call
  std::uint64_t latency_samples = 0;
  std::uint64_t latency_p50_ns = 0;
  std::uint64_t latency_p99_ns = 0;
  std::uint64_t latency_p999_ns = 0;
};

// Cheap structural constraints of a selective receive, checked against the Bloom filter of
// saved messages before any scan. sender is the whole id the message was sent with (an
// ActorId, generation included), so it never matches a later actor in the same slot.
struct Selector {
  std::optional<ActorId> sender;
  std::optional<std::uint16_t> type;
};

template <class Msg>
class Mailbox {
 public:
  using DeadLetterHandler = std::function<void(Msg&&)>;

  explicit Mailbox(MailboxOptions options = {}) : options_(options) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  ~Mailbox() {
    discard_all();
    for (auto& lane : lanes_) {
      if (internal::QueueLink* r = lane.release_retained()) internal::release_envelope_memory<Msg>(r);
    }
    delete histogram_.load(std::memory_order_acquire);
  }

  void set_dead_letter_handler(DeadLetterHandler handler) { dead_letters_ = std::move(handler); }

  // The message is moved from only when the status is kOk. may_park false: a full kBlock
  // mailbox answers kFull at once instead of parking the sender.
  SendStatus send(Msg&& msg, Lane lane = Lane::kNormal, ActorId sender = 0, bool may_park = true) {
    return send_impl(std::move(msg), lane, sender, may_park);
  }
  SendStatus send(const Msg& msg, Lane lane = Lane::kNormal, ActorId sender = 0, bool may_park = true) {
    return send_impl(msg, lane, sender, may_park);
  }

  std::optional<Msg> try_receive() {
    if (dead_letter_on_close_) return discard_all(), std::nullopt;
    ConsumerGuard guard(*this);
    internal::EnvelopeHeader* h = take_first();
    if (h == nullptr) return std::nullopt;
    return finish(h);
  }

  // scan_saved false: only messages that arrived since the last receive are looked at, for a
  // caller whose pred and sel already rejected everything saved (a pending receive retried).
  template <class Pred>
  std::optional<Msg> try_receive_if(Pred&& pred, const Selector& sel = {}, bool scan_saved = true) {
    if (dead_letter_on_close_) return discard_all(), std::nullopt;
    ConsumerGuard guard(*this);
    internal::EnvelopeHeader* h = take_match(pred, sel, scan_saved, guard);
    if (h == nullptr) return std::nullopt;
    return finish(h);
  }

  // Waits up to timeout; errors are kTimeout or kClosed (closed and nothing left).
  Result<Msg> receive(std::chrono::nanoseconds timeout) { return receive_if(AcceptAll{}, timeout); }

  // Erlang receive: the first message (high lane first, then arrival order) that satisfies sel
  // and pred; messages it passes over stay in the mailbox, in order, for later receives.
  template <class Pred>
  Result<Msg> receive_if(Pred&& pred, std::chrono::nanoseconds timeout, const Selector& sel = {}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool scan_saved = true;
    std::chrono::microseconds backoff = kFirstBackoff;
    for (;;) {
      if (dead_letter_on_close_) {
        discard_all();
        return make_error(ErrorCode::kClosed, "mailbox closed");
      }
      {
        ConsumerGuard guard(*this);
        internal::EnvelopeHeader* h;
        if constexpr (std::is_same_v<std::remove_cvref_t<Pred>, AcceptAll>) {
          h = take_first();  // sel is empty here: receive() passes none
        } else {
          h = take_match(pred, sel, scan_saved, guard);
        }
        if (h != nullptr) return finish(h);
      }
      scan_saved = false;  // everything saved so far was already rejected by this receive
      if (closed_.load(std::memory_order_acquire) && !any_pending()) {
        return make_error(ErrorCode::kClosed, "mailbox closed");
      }
      if (!wait_for_arrival(deadline, backoff) || std::chrono::steady_clock::now() >= deadline) {
        return make_error(ErrorCode::kTimeout, "receive timed out");
      }
    }
  }

  // Afterwards every send returns kClosed and parked senders and receiver wake; sends already
  // past their closed check have landed when it returns. kDrain may be called from any thread;
  // kDeadLetter only by the consumer. Not from inside a send (a dead-letter handler).
  void close(CloseMode mode = CloseMode::kDrain) {
    {
      std::lock_guard lock(wait_mu_);
      closed_.store(true, std::memory_order_seq_cst);
      if (mode == CloseMode::kDeadLetter) dead_letter_on_close_ = true;
    }
    space_cv_.notify_all();
    arrival_cv_.notify_all();
    // A few instructions of each sender, or a parked Block sender that the notify just woke.
    while (senders_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    if (dead_letter_on_close_) discard_all();
  }

  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  // Any thread: grows with every accepted message, counted after the message became visible
  // to the consumer (sequentially consistent), so a change means something arrived since.
  std::uint64_t arrivals() const noexcept { return enqueued_.load(std::memory_order_seq_cst); }

  // Consumer only: true if a receive could find something (conservative: may say true briefly
  // while a producer is mid-push).
  bool any_pending() {
    ConsumerGuard guard(*this);
    return any_pending_unguarded();
  }

  // Consumer only: messages that arrived since the last receive (saved ones excluded).
  bool lanes_nonempty() {
    ConsumerGuard guard(*this);
    for (const auto& lane : lanes_) {
      if (lane.maybe_nonempty()) return true;
    }
    return false;
  }

  // Consumer only: saved lanes are scanned without allocation, in order.
  std::size_t saved_count() {
    ConsumerGuard guard(*this);
    std::size_t n = 0;
    for (const auto& s : saved_) n += s.count;
    return n;
  }

  MailboxStats stats() const {
    MailboxStats s;
    s.enqueued = enqueued_.load(std::memory_order_acquire);
    s.dequeued = dequeued_.load(std::memory_order_acquire);
    std::uint64_t evicted = evicted_.load(std::memory_order_acquire);
    s.dropped = dropped_newest_.load(std::memory_order_acquire) + evicted;
    std::uint64_t gone = s.dequeued + evicted;
    s.enqueued = std::max(s.enqueued, gone);  // a sender counts just after its push
    s.depth = s.enqueued > gone ? s.enqueued - gone : 0;
    s.high_water = std::max(high_water_.load(std::memory_order_acquire), s.depth);
    if (const auto* hist = histogram_.load(std::memory_order_acquire)) {
      s.latency_samples = hist->count();
      s.latency_p50_ns = internal::ticks_to_ns(hist->quantile(0.50));
      s.latency_p99_ns = internal::ticks_to_ns(hist->quantile(0.99));
      s.latency_p999_ns = internal::ticks_to_ns(hist->quantile(0.999));
    }
    return s;
  }

  const MailboxOptions& options() const noexcept { return options_; }

 private:
  struct AcceptAll {
    bool operator()(const Msg&) const noexcept { return true; }
  };

  bool any_pending_unguarded() const noexcept {
    for (int l = 0; l < kLaneCount; ++l) {
      if (saved_[l].head != nullptr || lanes_[l].maybe_nonempty()) return true;
    }
    return false;
  }

  using Header = internal::EnvelopeHeader;

  struct SavedList {
    Header* head = nullptr;
    Header* tail = nullptr;
    std::size_t count = 0;
    std::uint64_t bloom = 0;  // union of sender and type bits of everything saved since empty

    void append(Header* h) noexcept {
      h->next.store(nullptr, std::memory_order_relaxed);
      if (tail == nullptr) {
        head = h;
      } else {
        tail->next.store(h, std::memory_order_relaxed);
      }
      tail = h;
      ++count;
      bloom |= sender_bit(h->sender) | type_bit(h->type);
    }
    Header* pop_front() noexcept {
      Header* h = head;
      if (h == nullptr) return nullptr;
      unlink(nullptr, h);
      return h;
    }
    void unlink(Header* prev, Header* h) noexcept {
      auto* next = static_cast<Header*>(h->next.load(std::memory_order_relaxed));
      if (prev == nullptr) {
        head = next;
      } else {
        prev->next.store(next, std::memory_order_relaxed);
      }
      if (tail == h) tail = prev;
      if (--count == 0) bloom = 0;
    }
    bool may_contain(const Selector& sel) const noexcept {
      if (sel.sender && (bloom & sender_bit(*sel.sender)) == 0) return false;
      if (sel.type && (bloom & type_bit(*sel.type)) == 0) return false;
      return true;
    }
  };

  // Hashes the whole id: ids that differ only in their generation mostly set different bits.
  static std::uint64_t sender_bit(ActorId sender) noexcept {
    return std::uint64_t{1} << ((sender * 0x9E3779B97F4A7C15u) >> 58);
  }
  static std::uint64_t type_bit(std::uint16_t type) noexcept {
    return std::uint64_t{1} << (((type + 0x7F4Au) * 0x85EBCA6Bu) >> 26);
  }

  // DropOldest lets a producer evict from the consumer's side, so that policy (and only that
  // one) serialises consumer operations with a mutex. It is let go while a user predicate runs
  // (see take_match): a sender must not wait on user code.
  class ConsumerGuard {
   public:
    explicit ConsumerGuard(Mailbox& m)
        : m_(m), locks_(m.options_.overflow == Overflow::kDropOldest && m.options_.capacity != 0) {
      if (locks_) m_.consumer_mu_.lock();
    }
    ~ConsumerGuard() {
      if (locks_) m_.consumer_mu_.unlock();
    }
    ConsumerGuard(const ConsumerGuard&) = delete;
    ConsumerGuard& operator=(const ConsumerGuard&) = delete;

    // Runs fn without the mutex, taking it back afterwards (also when fn throws).
    template <class F>
    decltype(auto) unlocked(F&& fn) {
      if (!locks_) return fn();
      m_.consumer_mu_.unlock();
      struct Relock {
        std::mutex& mu;
        ~Relock() { mu.lock(); }
      } relock{m_.consumer_mu_};
      return fn();
    }

   private:
    Mailbox& m_;
    const bool locks_;
  };

  // Counts a send from its closed_ check to its push, so close() can wait for sends that
  // passed the check: no message lands after close() returns.
  class InFlight {
   public:
    explicit InFlight(Mailbox& m) : m_(m) { m_.senders_.fetch_add(1, std::memory_order_seq_cst); }
    ~InFlight() { m_.senders_.fetch_sub(1, std::memory_order_release); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    Mailbox& m_;
  };

  template <class M>
  SendStatus send_impl(M&& msg, Lane lane, ActorId sender, bool may_park) {
    InFlight in_flight(*this);
    if (closed_.load(std::memory_order_seq_cst)) return SendStatus::kClosed;
    if (options_.capacity != 0) {
      SendStatus reserved = reserve(may_park);
      if (reserved != SendStatus::kOk) return reserved;
    }
    Header* h;
    try {
      h = internal::make_envelope<Msg>(std::forward<M>(msg), lane, sender);
    } catch (...) {
      if (options_.capacity != 0) release_slot();
      throw;
    }
    lanes_[static_cast<int>(lane)].push(h);
    enqueued_.fetch_add(1, std::memory_order_seq_cst);  // after the push: see arrivals()
    if (waiting_.load(std::memory_order_seq_cst)) {
      std::lock_guard lock(wait_mu_);
      arrival_cv_.notify_one();
    }
    return SendStatus::kOk;
  }

  SendStatus reserve(bool may_park) {
    if (reserved_.fetch_add(1, std::memory_order_seq_cst) < options_.capacity) return SendStatus::kOk;
    switch (options_.overflow) {
      case Overflow::kDropNewest:
        reserved_.fetch_sub(1, std::memory_order_seq_cst);
        dropped_newest_.fetch_add(1, std::memory_order_relaxed);
        return SendStatus::kDropped;
      case Overflow::kFail:
        reserved_.fetch_sub(1, std::memory_order_seq_cst);
        return SendStatus::kFull;
      case Overflow::kDropOldest:
        evict_oldest();
        return SendStatus::kOk;
      case Overflow::kBlock:
        reserved_.fetch_sub(1, std::memory_order_seq_cst);
        return may_park ? block_for_space() : SendStatus::kFull;
    }
    return SendStatus::kFull;
  }

  // Keeps the caller's reservation and removes one queued message holding a slot, if one is
  // visible (saved messages hold none: evicting one would make no room).
  // The lane is popped without waiting for a producer caught mid-push (the mutex is held, and
  // the consumer may be waiting for it): then the next lane is tried, and if nothing is
  // visible the new message goes in over capacity. The dead-letter handler (user code) runs
  // after the mutex is let go.
  void evict_oldest() {
    Header* h = nullptr;
    {
      std::lock_guard lock(consumer_mu_);
      for (int l = kLaneCount - 1; l >= 0 && h == nullptr; --l) h = pop_lane(l, false, 0);
    }
    if (h == nullptr) return;
    evicted_.fetch_add(1, std::memory_order_release);
    reserved_.fetch_sub(1, std::memory_order_seq_cst);
    Msg msg(std::move(static_cast<internal::Envelope<Msg>*>(h)->payload));
    internal::destroy_envelope<Msg>(h);
    dead_letter(std::move(msg));
  }

  SendStatus block_for_space() {
    const auto deadline = std::chrono::steady_clock::now() + options_.block_timeout;
    std::unique_lock lock(wait_mu_);
    blocked_senders_.fetch_add(1, std::memory_order_seq_cst);
    SendStatus result = SendStatus::kTimeout;
    for (;;) {
      if (closed_.load(std::memory_order_acquire)) {
        result = SendStatus::kClosed;
        break;
      }
      if (reserved_.fetch_add(1, std::memory_order_seq_cst) < options_.capacity) {
        result = SendStatus::kOk;
        break;
      }
      reserved_.fetch_sub(1, std::memory_order_seq_cst);
      if (space_cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
          std::chrono::steady_clock::now() >= deadline) {
        if (reserved_.fetch_add(1, std::memory_order_seq_cst) < options_.capacity) {
          result = SendStatus::kOk;
        } else {
          reserved_.fetch_sub(1, std::memory_order_seq_cst);
        }
        break;
      }
    }
    blocked_senders_.fetch_sub(1, std::memory_order_seq_cst);
    return result;
  }

  void release_slot() {
    reserved_.fetch_sub(1, std::memory_order_seq_cst);
    if (blocked_senders_.load(std::memory_order_seq_cst) != 0) {
      std::lock_guard lock(wait_mu_);
      space_cv_.notify_one();
    }
  }

  // A producer may have swapped itself into the queue without linking yet; pop then returns
  // nothing although the lane is non-empty. The window is two instructions of the producer,
  // stretched by one cache miss: the consumer spins through it, then yields a few times, and
  // then gives up (nullptr with the lane still non-empty) rather than wait without bound for a
  // producer the OS has preempted; receive_if then sleeps a little before it looks again.
  // keep_last: the node may stay in the lane as its stub (only for a node finish() consumes
  // at once; one that is saved or evicted must be detached).
  static constexpr int kPopSpins = 256;
  static constexpr std::chrono::microseconds kFirstBackoff{20};
  static constexpr int kPopYields = 16;
  static constexpr int kNoBound = std::numeric_limits<int>::max();
  Header* pop_lane(int l, bool keep_last = false, int spins_left = kPopSpins + kPopYields) noexcept {
    internal::MpscQueue& lane = lanes_[l];
    for (;;) {
      internal::QueueLink* link = keep_last ? lane.pop_keep_last() : lane.pop();
      if (internal::QueueLink* released = lane.take_released()) internal::release_envelope_memory<Msg>(released);
      if (link != nullptr) return static_cast<Header*>(link);
      if (!lane.maybe_nonempty() || spins_left-- <= 0) return nullptr;
      if (spins_left >= kPopYields) {
        internal::cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
  }

  Header* take_first() noexcept {
    for (int l = 0; l < kLaneCount; ++l) {
      if (Header* h = saved_[l].pop_front()) return h;
      if (Header* h = pop_lane(l, true)) return h;
    }
    return nullptr;
  }

  template <class Pred>
  bool matches(Pred& pred, const Selector& sel, Header* h) {
    if (sel.sender && *sel.sender != h->sender) return false;
    if (sel.type && *sel.type != h->type) return false;
    return static_cast<bool>(pred(static_cast<const internal::Envelope<Msg>*>(h)->payload));
  }

  // The predicate runs without the consumer mutex: the saved list is the consumer's alone, and
  // a message taken from a lane is detached, so an evicting sender can touch neither.
  template <class Pred>
  Header* take_match(Pred& pred, const Selector& sel, bool scan_saved, ConsumerGuard& guard) {
    for (int l = 0; l < kLaneCount; ++l) {
      SavedList& saved = saved_[l];
      if (scan_saved && saved.head != nullptr && saved.may_contain(sel)) {
        Header* prev = nullptr;
        for (Header* h = saved.head; h != nullptr;) {
          auto* next = static_cast<Header*>(h->next.load(std::memory_order_relaxed));
          if (guard.unlocked([&] { return matches(pred, sel, h); })) {
            saved.unlink(prev, h);
            return h;
          }
          prev = h;
          h = next;
        }
      }
      while (Header* h = pop_lane(l)) {
        bool hit;
        try {
          hit = guard.unlocked([&] { return matches(pred, sel, h); });
        } catch (...) {
          save(saved, h);  // a throwing predicate loses no message
          throw;
        }
        if (hit) return h;
        save(saved, h);
      }
    }
    return nullptr;
  }

  void save(SavedList& saved, Header* h) {
    h->saved = true;
    saved.append(h);
    if (options_.capacity != 0) release_slot();
  }

  Msg finish(Header* h) {
    auto* env = static_cast<internal::Envelope<Msg>*>(h);
    Msg msg(std::move(env->payload));
    const std::uint64_t enqueued_at = env->enqueued_at;
    const bool holds_slot = !h->saved;
    if (lanes_[static_cast<int>(h->lane)].is_retained(h)) {
      internal::destroy_payload<Msg>(h);  // the lane still links through it; memory comes back later
    } else {
      internal::destroy_envelope<Msg>(h);
    }
    record_dequeue(enqueued_at, holds_slot);
    return msg;
  }

  void record_dequeue(std::uint64_t enqueued_at, bool holds_slot) {
    const std::uint64_t dequeued = dequeued_.load(std::memory_order_relaxed) + 1;
    dequeued_.store(dequeued, std::memory_order_release);
    if ((dequeued & 63u) == 1) sample_high_water(dequeued - 1);
    if (options_.capacity != 0 && holds_slot) release_slot();
    if (enqueued_at != 0) {
      auto* hist = histogram_.load(std::memory_order_relaxed);
      if (hist == nullptr) {
        hist = new internal::LatencyHistogram();
        histogram_.store(hist, std::memory_order_release);
      }
      const std::uint64_t now = internal::read_ticks();
      hist->record(internal::ticks_since(enqueued_at, now));
    }
  }

  // Depth just before the dequeue numbered `dequeued_before + 1`.
  void sample_high_water(std::uint64_t dequeued_before) noexcept {
    const std::uint64_t gone = dequeued_before + evicted_.load(std::memory_order_acquire);
    const std::uint64_t enq = enqueued_.load(std::memory_order_relaxed);
    const std::uint64_t depth = enq > gone ? enq - gone : 0;
    if (depth > high_water_.load(std::memory_order_relaxed)) high_water_.store(depth, std::memory_order_release);
  }

  void dead_letter(Msg&& msg) {
    if (dead_letters_) dead_letters_(std::move(msg));
  }

  // Hands every pending message to the dead-letter handler (or destroys it without one).
  void discard_all() {
    ConsumerGuard guard(*this);
    for (int l = 0; l < kLaneCount; ++l) {
      Header* h;
      // After close() no producer is mid-push (it waits for them), so this never waits long;
      // without a bound it cannot leave a message behind.
      while ((h = saved_[l].pop_front()) != nullptr || (h = pop_lane(l, false, kNoBound)) != nullptr) {
        auto* env = static_cast<internal::Envelope<Msg>*>(h);
        Msg msg(std::move(env->payload));
        const bool holds_slot = !h->saved;
        internal::destroy_envelope<Msg>(h);
        evicted_.fetch_add(1, std::memory_order_release);
        if (options_.capacity != 0 && holds_slot) release_slot();
        dead_letter(std::move(msg));
      }
    }
  }

  // Parks the consumer until something arrives, the mailbox closes, or the deadline passes.
  // A lane that is non-empty although the last look took nothing from it holds a producer
  // between its swap and its link (pop_lane gave up on it): the consumer then sleeps for
  // `backoff` (doubling up to 1 ms; the producer's notify ends it early) instead of spinning.
  bool wait_for_arrival(std::chrono::steady_clock::time_point deadline, std::chrono::microseconds& backoff) {
    std::unique_lock lock(wait_mu_);
    waiting_.store(true, std::memory_order_seq_cst);
    if (lanes_nonempty()) {
      arrival_cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + backoff));
      backoff = std::min(backoff * 2, std::chrono::microseconds(1000));
      waiting_.store(false, std::memory_order_relaxed);
      return true;
    }
    backoff = kFirstBackoff;
    bool ready = true;
    while (!lanes_nonempty() && !closed_.load(std::memory_order_acquire)) {
      if (arrival_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
        ready = lanes_nonempty();
        break;
      }
    }
    waiting_.store(false, std::memory_order_relaxed);
    return ready || closed_.load(std::memory_order_acquire);
  }

  MailboxOptions options_;
  std::array<internal::MpscQueue, kLaneCount> lanes_;
  std::array<SavedList, kLaneCount> saved_;
  DeadLetterHandler dead_letters_;
  bool dead_letter_on_close_ = false;

  alignas(64) std::atomic<std::uint64_t> enqueued_{0};
  std::atomic<std::uint64_t> dropped_newest_{0};
  std::atomic<std::uint64_t> evicted_{0};
  std::atomic<std::size_t> reserved_{0};
  std::atomic<std::uint32_t> blocked_senders_{0};
  std::atomic<bool> waiting_{false};
  std::atomic<bool> closed_{false};
  std::atomic<std::uint32_t> senders_{0};  // sends between their closed check and their push

  alignas(64) std::atomic<std::uint64_t> dequeued_{0};
  std::atomic<std::uint64_t> high_water_{0};
  std::atomic<internal::LatencyHistogram*> histogram_{nullptr};

  std::mutex consumer_mu_;
  std::mutex wait_mu_;
  std::condition_variable arrival_cv_;
  std::condition_variable space_cv_;
};

}  // namespace spl::actor
