#pragma once
// Intrusive multi-producer single-consumer queue after Dmitry Vyukov's design: a push is one
// atomic exchange plus one store, a pop touches only consumer-owned state in the common case.
// Nodes embed a QueueLink and are owned by whoever holds them; the queue never allocates.

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

  // Consumer only. Returns nullptr when empty, and also (transiently) when a producer has
  // swapped itself in but not yet linked its node: maybe_nonempty() then stays true.
  QueueLink* pop() noexcept {
    QueueLink* tail = tail_;
    QueueLink* next = tail->next.load(std::memory_order_acquire);
    if (tail == &stub_) {
      if (next == nullptr) return nullptr;
      tail_ = next;
      tail = next;
      next = next->next.load(std::memory_order_acquire);
    }
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    if (tail != head_.load(std::memory_order_acquire)) return nullptr;
    push(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next == nullptr) return nullptr;
    tail_ = next;
    return tail;
  }

  // Consumer only. False means empty at a point after every push that precedes this call in
  // the sequentially consistent order.
  bool maybe_nonempty() const noexcept {
    return tail_ != &stub_ || head_.load(std::memory_order_seq_cst) != &stub_;
  }

 private:
  alignas(64) std::atomic<QueueLink*> head_;  // producers swap here
  alignas(64) QueueLink* tail_;               // consumer reads here
  QueueLink stub_;
};

}  // namespace spl::actor::internal
