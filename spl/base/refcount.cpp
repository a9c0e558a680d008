#include "spl/base/refcount.hpp"

#include <new>
#include <utility>

namespace spl::biased {

struct Deferred {
  Deferred* next;
  const RefCount<Atomic>* count;
  Reclaim how;

  // Merges each object of a list taken off a queue (this is its owner, or its owner has exited)
  // and frees those that are dead.
  static void settle_all(Deferred* list) noexcept {
    while (list) {
      Deferred* d = std::exchange(list, list->next);
      if (d->count->merge_queued()) d->how.destroy(const_cast<RefCount<Atomic>*>(d->count), d->how.arg);
      delete d;
    }
  }
};

__thread std::uint16_t t_token = kUnassigned;
__thread std::atomic<Deferred*>* t_queue = nullptr;

namespace {

constexpr std::uint32_t kTokens = 0x10000;
constexpr std::uint32_t kFirstToken = 1;
constexpr std::uint32_t kLastToken = kRetired - 1;

std::atomic<std::uint32_t> g_next_token{kFirstToken};
// One queue per token, for the token's whole life: tokens are never reused.
constinit std::atomic<Deferred*> g_queues[kTokens] = {};
// A queue whose thread has exited: releases are merged by the thread that makes them.
constinit Deferred g_closed{};
Deferred* closed() noexcept { return &g_closed; }

// On thread exit: give up ownership first (so nothing later on this thread counts as owner),
// then settle what is queued and close the queue.
struct ExitHook {
  ~ExitHook() {
    std::atomic<Deferred*>& queue = *t_queue;
    t_token = kRetired;
    Deferred::settle_all(queue.exchange(closed(), std::memory_order_acq_rel));
  }
};

}  // namespace

std::uint16_t assign_token() noexcept {
  // Once the tokens run out the counter stops moving, so it can never wrap around to a token
  // that is still some thread's.
  const std::uint32_t token = g_next_token.load(std::memory_order_relaxed) > kLastToken
                                  ? kLastToken + 1
                                  : g_next_token.fetch_add(1, std::memory_order_relaxed);
  if (token > kLastToken) {
    t_token = kRetired;
    return kNoOwner;
  }
  t_queue = &g_queues[token];
  t_token = static_cast<std::uint16_t>(token);
  static thread_local ExitHook hook;
  (void)hook;
  return t_token;
}

void drain(std::atomic<Deferred*>& queue) noexcept {
  Deferred::settle_all(queue.exchange(nullptr, std::memory_order_acquire));
}

bool defer(std::uint16_t owner, const RefCount<Atomic>& count, Reclaim how) noexcept {
  std::atomic<Deferred*>& queue = g_queues[owner];
  Deferred* head = queue.load(std::memory_order_acquire);
  if (head != closed()) {
    // Without memory for the note the object stays allocated: a leak, never a use after free.
    auto* d = new (std::nothrow) Deferred{head, &count, how};
    if (!d) return false;
    while (head != closed()) {
      d->next = head;
      if (queue.compare_exchange_weak(head, d, std::memory_order_release, std::memory_order_acquire)) return false;
    }
    delete d;
  }
  return count.merge_queued();
}

}  // namespace spl::biased

namespace spl {

void drain_deferred_releases() noexcept {
  if (biased::t_token < biased::kRetired) biased::drain(*biased::t_queue);
}

}  // namespace spl
