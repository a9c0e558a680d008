// The C ABI over ActorSystem and Mailbox. Every entry point catches everything: C callers only
// ever see status codes and rt_last_error().

#include "spl/actor/c_api.h"

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "spl/actor/actor.hpp"
#include "spl/base/c_handle.hpp"

namespace {

using spl::actor::ActorCell;
using spl::actor::ActorContext;
using spl::actor::ActorSystem;
using spl::actor::Lane;
using spl::actor::Mailbox;
using spl::actor::MailboxOptions;
using spl::actor::MailboxStats;
using spl::actor::Overflow;
using spl::actor::Reply;
using spl::actor::SendStatus;

int fail(int status, const char* why) {
  spl::set_last_error(why);
  return status;
}

struct CMessage {
  rt_value value = 0;
  Reply<rt_value> reply;
  bool asked = false;
};

struct CMailbox {
  explicit CMailbox(MailboxOptions o) : mailbox(o) {}
  Mailbox<CMessage> mailbox;
  std::mutex consumer;  // lets any thread receive without breaking single-consumer rules
};

// Generation-checked handles: low 32 bits slot + 1, bits 32..62 generation, bit 63 a kind tag.
class HandleTable {
 public:
  explicit HandleTable(std::uint64_t tag) : tag_(tag) {}

  std::uint64_t add(std::shared_ptr<CMailbox> box) {
    std::lock_guard lock(mu_);
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back({});
    }
    slots_[index].box = std::move(box);
    return tag_ | (std::uint64_t{slots_[index].generation} << 32) | (index + 1);
  }

  std::shared_ptr<CMailbox> get(std::uint64_t handle) {
    std::lock_guard lock(mu_);
    Slot* s = find(handle);
    return s ? s->box : nullptr;
  }

  bool remove(std::uint64_t handle) {
    std::lock_guard lock(mu_);
    Slot* s = find(handle);
    if (s == nullptr) return false;
    s->box.reset();
    s->generation = (s->generation + 1) & 0x7FFFFFFFu;
    if (s->generation == 0) s->generation = 1;
    free_.push_back(static_cast<std::uint32_t>(s - slots_.data()));
    return true;
  }

  void clear() {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].box) {
        slots_[i].box.reset();
        ++slots_[i].generation;
        free_.push_back(static_cast<std::uint32_t>(i));
      }
    }
  }

 private:
  struct Slot {
    std::shared_ptr<CMailbox> box;
    std::uint32_t generation = 1;
  };
  Slot* find(std::uint64_t handle) {
    if ((handle & (std::uint64_t{1} << 63)) != tag_) return nullptr;
    const std::uint64_t low = handle & 0xFFFFFFFFu;
    if (low == 0 || low > slots_.size()) return nullptr;
    Slot& s = slots_[low - 1];
    if (!s.box || s.generation != ((handle >> 32) & 0x7FFFFFFFu)) return nullptr;
    return &s;
  }

  std::uint64_t tag_;
  std::mutex mu_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

constexpr std::uint64_t kInboxTag = std::uint64_t{1} << 63;

std::shared_mutex g_runtime_mu;
std::unique_ptr<ActorSystem> g_system;
HandleTable g_inboxes(kInboxTag);
HandleTable g_mailboxes(0);

// Runs fn with the runtime; only spawning starts it (no live actor exists without one).
template <class Fn>
int with_runtime(Fn&& fn, bool start = false) {
  {
    std::shared_lock lock(g_runtime_mu);
    if (g_system) return fn(*g_system);
  }
  if (!start) return fail(RT_ACTOR_UNKNOWN, "unknown actor (the actor runtime is not running)");
  {
    std::unique_lock lock(g_runtime_mu);
    if (!g_system) g_system = std::make_unique<ActorSystem>();
  }
  std::shared_lock lock(g_runtime_mu);
  return g_system ? fn(*g_system) : fail(RT_ACTOR_CLOSED, "actor runtime stopped");
}

ActorCell<CMessage>* typed_cell(const spl::actor::AnyRef& ref) {
  if (ref.cell()->message_type() != typeid(CMessage)) return nullptr;
  return static_cast<ActorCell<CMessage>*>(ref.cell());
}

int status_of(SendStatus s) {
  switch (s) {
    case SendStatus::kOk: return int{RT_ACTOR_OK};
    case SendStatus::kDropped: return fail(RT_ACTOR_DROPPED, "mailbox full: message dropped");
    case SendStatus::kFull: return fail(RT_ACTOR_FULL, "mailbox full");
    case SendStatus::kTimeout: return fail(RT_ACTOR_TIMEOUT, "timed out waiting for mailbox space");
    case SendStatus::kClosed: return fail(RT_ACTOR_CLOSED, "actor or mailbox closed");
  }
  return fail(RT_ACTOR_INTERNAL, "unknown send status");
}

int status_of(const spl::Error& e) {
  switch (e.code) {
    case spl::ErrorCode::kTimeout: return fail(RT_ACTOR_TIMEOUT, "timed out");
    case spl::ErrorCode::kClosed: return fail(RT_ACTOR_CLOSED, "closed");
    default: return fail(RT_ACTOR_INTERNAL, "internal error");
  }
}

bool lane_of(int lane, Lane* out) {
  if (lane < RT_LANE_HIGH || lane > RT_LANE_LOW) return false;
  *out = static_cast<Lane>(lane);
  return true;
}

void fill_stats(const MailboxStats& s, rt_stats* out) {
  *out = rt_stats{s.enqueued,       s.dequeued,       s.dropped,        s.depth,
                  s.high_water,     s.latency_p50_ns, s.latency_p99_ns, s.latency_p999_ns};
}

int send_to(rt_actor to, rt_value msg, Lane lane) {
  if (to & kInboxTag) {
    auto box = g_inboxes.get(to);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown actor handle");
    return status_of(box->mailbox.send(CMessage{msg, {}, false}, lane));
  }
  return with_runtime([&](ActorSystem& sys) {
    auto ref = sys.find(to);
    if (!ref) return fail(RT_ACTOR_UNKNOWN, "unknown or stopped actor");
    ActorCell<CMessage>* cell = typed_cell(*ref);
    if (cell == nullptr) return fail(RT_ACTOR_UNKNOWN, "not a C actor");
    return status_of(cell->tell(CMessage{msg, {}, false}, lane));
  });
}

int receive_from(CMailbox& box, std::uint64_t timeout_ns, bool block, rt_value* out) {
  std::lock_guard lock(box.consumer);
  if (!block) {
    std::optional<CMessage> m = box.mailbox.try_receive();
    if (!m) return fail(box.mailbox.closed() ? RT_ACTOR_CLOSED : RT_ACTOR_EMPTY, "no message");
    *out = m->value;
    return int{RT_ACTOR_OK};
  }
  spl::Result<CMessage> r = box.mailbox.receive(std::chrono::nanoseconds(timeout_ns));
  if (!r.ok()) return status_of(r.error());
  *out = r->value;
  return int{RT_ACTOR_OK};
}

template <class Fn>
int guarded(Fn&& fn) noexcept {
  return spl::c_abi::guarded(int{RT_ACTOR_INTERNAL}, std::forward<Fn>(fn));
}

std::optional<MailboxOptions> mailbox_options(std::uint64_t capacity, int overflow, std::uint64_t block_ns) {
  if (overflow < RT_OVERFLOW_BLOCK || overflow > RT_OVERFLOW_FAIL) return std::nullopt;
  static constexpr Overflow kPolicies[] = {Overflow::kBlock, Overflow::kDropNewest, Overflow::kDropOldest,
                                           Overflow::kFail};
  MailboxOptions o;
  o.capacity = static_cast<std::size_t>(capacity);
  o.overflow = kPolicies[overflow];
  o.block_timeout = std::chrono::nanoseconds(block_ns);
  return o;
}

}  // namespace

extern "C" {

int rt_actor_runtime_start(unsigned workers) {
  return guarded([&] {
    std::unique_lock lock(g_runtime_mu);
    if (g_system) return fail(RT_ACTOR_INVALID, "actor runtime already running");
    g_system = std::make_unique<ActorSystem>(spl::actor::SchedulerOptions{workers});
    return int{RT_ACTOR_OK};
  });
}

int rt_actor_runtime_stop(uint32_t drain_ms) {
  return guarded([&] {
    std::unique_ptr<ActorSystem> sys;
    {
      std::unique_lock lock(g_runtime_mu);
      sys = std::move(g_system);
    }
    g_inboxes.clear();
    if (!sys) return fail(RT_ACTOR_CLOSED, "actor runtime not running");
    sys->shutdown(std::chrono::milliseconds(drain_ms));
    return int{RT_ACTOR_OK};
  });
}

int rt_actor_spawn(rt_actor_fn fn, void* state, rt_actor* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    if (fn == nullptr) {
      *out = g_inboxes.add(std::make_shared<CMailbox>(MailboxOptions{}));
      return int{RT_ACTOR_OK};
    }
    return with_runtime([&](ActorSystem& sys) {
      auto ref = sys.spawn<CMessage>([fn, state](ActorContext<CMessage>& ctx, CMessage& m) {
        rt_value reply = 0;
        const int rc = fn(state, ctx.self().id(), m.value, &reply);
        if (m.asked) m.reply.send(reply);
        if (rc != 0) throw std::runtime_error("actor callback returned " + std::to_string(rc));
      });
      *out = ref.id();
      return int{RT_ACTOR_OK};
    }, true);
  });
}

int rt_actor_send(rt_actor to, rt_value msg) {
  return guarded([&] { return send_to(to, msg, Lane::kNormal); });
}

int rt_actor_send_priority(rt_actor to, rt_value msg, int lane) {
  return guarded([&] {
    Lane l;
    if (!lane_of(lane, &l)) return fail(RT_ACTOR_INVALID, "lane must be RT_LANE_HIGH, _NORMAL or _LOW");
    return send_to(to, msg, l);
  });
}

int rt_actor_receive(rt_actor inbox, rt_value* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto box = g_inboxes.get(inbox);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "not a live inbox actor");
    return receive_from(*box, 0, false, out);
  });
}

int rt_actor_receive_timeout(rt_actor inbox, uint64_t timeout_ns, rt_value* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto box = g_inboxes.get(inbox);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "not a live inbox actor");
    return receive_from(*box, timeout_ns, true, out);
  });
}

int rt_actor_ask(rt_actor to, rt_value msg, uint64_t timeout_ns, rt_value* reply) {
  return guarded([&] {
    if (reply == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    if (to & kInboxTag) return fail(RT_ACTOR_INVALID, "an inbox actor cannot answer an ask");
    return with_runtime([&](ActorSystem& sys) {
      auto ref = sys.find(to);
      if (!ref) return fail(RT_ACTOR_UNKNOWN, "unknown or stopped actor");
      ActorCell<CMessage>* cell = typed_cell(*ref);
      if (cell == nullptr) return fail(RT_ACTOR_UNKNOWN, "not a C actor");
      cell->retain();
      spl::actor::ActorRef<CMessage> typed(cell);
      auto future = sys.ask<rt_value>(typed, [msg](Reply<rt_value> r) { return CMessage{msg, std::move(r), true}; });
      spl::Result<rt_value> r = future.get(std::chrono::nanoseconds(timeout_ns));
      if (!r.ok()) return status_of(r.error());
      *reply = *r;
      return int{RT_ACTOR_OK};
    });
  });
}

int rt_actor_close(rt_actor a) {
  return guarded([&] {
    if (a & kInboxTag) {
      auto box = g_inboxes.get(a);
      if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown actor handle");
      box->mailbox.close(spl::actor::CloseMode::kDrain);
      return int{RT_ACTOR_OK};
    }
    return with_runtime([&](ActorSystem& sys) {
      auto ref = sys.find(a);
      if (!ref) return fail(RT_ACTOR_UNKNOWN, "unknown or stopped actor");
      sys.stop(*ref);
      return int{RT_ACTOR_OK};
    });
  });
}

int rt_actor_stats(rt_actor a, rt_stats* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    if (a & kInboxTag) {
      auto box = g_inboxes.get(a);
      if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown actor handle");
      fill_stats(box->mailbox.stats(), out);
      return int{RT_ACTOR_OK};
    }
    return with_runtime([&](ActorSystem& sys) {
      auto ref = sys.find(a);
      if (!ref) return fail(RT_ACTOR_UNKNOWN, "unknown or stopped actor");
      fill_stats(ref->cell()->mailbox_stats(), out);
      return int{RT_ACTOR_OK};
    });
  });
}

int rt_mailbox_create(uint64_t capacity, int overflow, uint64_t block_timeout_ns, rt_mailbox* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto options = mailbox_options(capacity, overflow, block_timeout_ns);
    if (!options) return fail(RT_ACTOR_INVALID, "unknown overflow policy");
    *out = g_mailboxes.add(std::make_shared<CMailbox>(*options));
    return int{RT_ACTOR_OK};
  });
}

int rt_mailbox_send(rt_mailbox mb, rt_value msg, int lane) {
  return guarded([&] {
    Lane l;
    if (!lane_of(lane, &l)) return fail(RT_ACTOR_INVALID, "lane must be RT_LANE_HIGH, _NORMAL or _LOW");
    auto box = g_mailboxes.get(mb);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    return status_of(box->mailbox.send(CMessage{msg, {}, false}, l));
  });
}

int rt_mailbox_receive(rt_mailbox mb, rt_value* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto box = g_mailboxes.get(mb);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    return receive_from(*box, 0, false, out);
  });
}

int rt_mailbox_receive_timeout(rt_mailbox mb, uint64_t timeout_ns, rt_value* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto box = g_mailboxes.get(mb);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    return receive_from(*box, timeout_ns, true, out);
  });
}

int rt_mailbox_close(rt_mailbox mb) {
  return guarded([&] {
    auto box = g_mailboxes.get(mb);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    box->mailbox.close(spl::actor::CloseMode::kDrain);
    return int{RT_ACTOR_OK};
  });
}

int rt_mailbox_stats(rt_mailbox mb, rt_stats* out) {
  return guarded([&] {
    if (out == nullptr) return fail(RT_ACTOR_INVALID, "null output pointer");
    auto box = g_mailboxes.get(mb);
    if (!box) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    fill_stats(box->mailbox.stats(), out);
    return int{RT_ACTOR_OK};
  });
}

int rt_mailbox_destroy(rt_mailbox mb) {
  return guarded([&] {
    if (!g_mailboxes.remove(mb)) return fail(RT_ACTOR_UNKNOWN, "unknown mailbox handle");
    return int{RT_ACTOR_OK};
  });
}


}  // extern "C"
