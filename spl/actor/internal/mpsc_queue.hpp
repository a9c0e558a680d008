#pragma once
// Intrusive multi-producer single-consumer queue after Dmitry Vyukov's design: a push is one
// atomic exchange plus one store, a pop touches only consumer-owned state in the common case.
// Nodes embed a QueueLink and are owned by whoever holds them; the queue never allocates.
//
// Taking the last node normally swaps the queue's own stub node in (an atomic exchange on the
// producers' cache line). pop_keep_last() avoids that: the last node is returned but stays in
// the queue as its stub until a later node arrives, then take_released() hands it back. A
// one-message-at-a-time hand-off then costs no consumer write to the producers' line.

#include <atomic>
#include <cstddef>

namespace spl::actor::internal {

struct QueueLink {
  std::atomic<QueueLink*> next{nullptr};
};

class MpscQueue {
 public:
  MpscQueue() noexcept : head_(&stub_), tail_(&stub_) {}
  MpscQueue(const MpscQueue&) = delete;
  MpscQueue& operator=(const MpscQueue&) = delete;

  // Any thread. The exchange is sequentially consistent so that a producer that then reads a
  // "consumer is idle" flag and a consumer that sets it and then calls maybe_nonempty() cannot
  // both miss each other.
  void push(QueueLink* node) noexcept {
    node->next.store(nullptr, std::memory_order_relaxed);
    QueueLink* prev = head_.exchange(node, std::memory_order_seq_cst);
    prev->next.store(node, std::memory_order_release);
  }

  // Consumer only. The oldest node, detached from the queue. Returns nullptr when empty, and
  // also (transiently) when a producer has swapped itself in but not yet linked its node:
  // maybe_nonempty() then stays true.
  QueueLink* pop() noexcept { return pop_impl(false); }

  // Consumer only. Like pop(), but a node that is the last one stays in the queue as its stub
  // (is_retained() is then true for it): the caller may read it and destroy its payload, but
  // must leave its link and memory alone until take_released() returns it.
  QueueLink* pop_keep_last() noexcept { return pop_impl(true); }

  // Consumer only. The retained node the last pop moved past (once), or nullptr. Call it after
  // every pop, whatever the pop returned.
  QueueLink* take_released() noexcept {
    QueueLink* r = released_;
    released_ = nullptr;
    return r;
  }

  bool is_retained(const QueueLink* node) const noexcept { return node == retained_; }

  // Consumer only, when the queue is empty and no producer can push any more (teardown): gives
  // back the retained node, if any.
  QueueLink* release_retained() noexcept {
    QueueLink* r = retained_;
    if (r != nullptr) {
      retained_ = nullptr;
      stub_.next.store(nullptr, std::memory_order_relaxed);
      head_.store(&stub_, std::memory_order_relaxed);
      tail_ = &stub_;
    }
    return r;
  }

  // Consumer only. False means empty at a point after every push that precedes this call in
  // the sequentially consistent order.
  bool maybe_nonempty() const noexcept {
    QueueLink* tail = tail_;
    if (tail != &stub_ && tail != retained_) return true;
    return head_.load(std::memory_order_seq_cst) != tail;
  }

 private:
  QueueLink* pop_impl(bool keep_last) noexcept {
    QueueLink* tail = tail_;
    QueueLink* next;
    if (tail == &stub_ || tail == retained_) {
      // Polling an empty queue reads only the producers' head line, not the stub's link.
      if (head_.load(std::memory_order_acquire) == tail) return nullptr;
      next = tail->next.load(std::memory_order_acquire);
      if (next == nullptr) return nullptr;
      if (tail == retained_) {
        released_ = tail;
        retained_ = nullptr;
      }
      tail_ = next;
      tail = next;
    }
    next = tail->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    if (tail != head_.load(std::memory_order_acquire)) return nullptr;
    if (keep_last) {
      retained_ = tail;
      return tail;
    }
    push(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next == nullptr) return nullptr;
    tail_ = next;
    return tail;
  }

  alignas(64) std::atomic<QueueLink*> head_;  // producers swap here
  QueueLink stub_;                            // producers link to it: on their line
  alignas(64) QueueLink* tail_;               // consumer state from here on
  QueueLink* retained_ = nullptr;
  QueueLink* released_ = nullptr;
};

}  // namespace spl::actor::internal
