#pragma once
// The node a message travels in: a 24-byte header (queue link, sender, and one word holding
// the sampled enqueue time, type, lane and saved flag) followed by the payload, allocated from
// the per-size node pool.

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <variant>

#include "spl/actor/internal/latency_histogram.hpp"
#include "spl/actor/internal/mpsc_queue.hpp"
#include "spl/actor/internal/node_pool.hpp"

namespace spl::actor {

// (generation << 32) | (slot + 1): a stale id never names a newer actor in the same slot, and
// 0 names no actor (a message's sender when sent from outside actors).
using ActorId = std::uint64_t;

enum class Lane : std::uint8_t { kHigh = 0, kNormal = 1, kLow = 2 };
inline constexpr int kLaneCount = 3;

// The type tag the Bloom filter sees: the alternative index for a std::variant, 0 otherwise.
template <class Msg>
struct MessageType {
  static std::uint16_t of(const Msg&) noexcept { return 0; }
};
template <class... Ts>
struct MessageType<std::variant<Ts...>> {
  static std::uint16_t of(const std::variant<Ts...>& v) noexcept { return static_cast<std::uint16_t>(v.index()); }
};

namespace internal {

inline constexpr int kEnqueuedBits = 45;

struct EnvelopeHeader : QueueLink {
  ActorId sender = 0;
  // One word, so that the header stays at 24 bytes: the enqueue time keeps only the low bits
  // of the clock (see ticks_since).
  std::uint64_t enqueued_at : kEnqueuedBits = 0;  // read_ticks() | 1, or 0 when not sampled
  std::uint64_t type : 16 = 0;
  std::uint64_t lane : 2 = static_cast<std::uint64_t>(Lane::kNormal);
  std::uint64_t saved : 1 = 0;  // passed over by a selective receive: holds no capacity slot any more
};
static_assert(sizeof(EnvelopeHeader) == 24);

// Clock ticks from a sampled enqueued_at to `now`, modulo 2^45: a wait of 2^44 ticks or more
// (1.6 hours of a 3 GHz time-stamp counter, 4.9 hours of nanoseconds) reads as a shorter one,
// and a reading a little behind the sender's (another core's clock) as 0.
inline std::uint64_t ticks_since(std::uint64_t enqueued_at, std::uint64_t now) noexcept {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << kEnqueuedBits) - 1;
  const std::uint64_t d = (now - enqueued_at) & kMask;
  return (d >> (kEnqueuedBits - 1)) != 0 ? 0 : d;
}

template <class Msg>
struct Envelope : EnvelopeHeader {
  template <class M>
  explicit Envelope(M&& m) : payload(std::forward<M>(m)) {}
  Msg payload;
};

template <class Msg>
using EnvelopePool = NodePool<pool_block_size(sizeof(Envelope<Msg>)), Msg>;

// One message in sixteen per sending thread carries a timestamp: enough for the latency
// histogram (its quantiles estimate those of every message, as the choice does not depend on
// the latency), cheap enough (the counter read is amortised) for the send path.
inline std::uint64_t sample_enqueue_time() noexcept {
  static thread_local constinit std::uint32_t countdown = 0;
  if ((++countdown & 15u) != 0) return 0;
  return read_ticks() | 1u;
}

template <class Msg, class M>
Envelope<Msg>* make_envelope(M&& msg, Lane lane, ActorId sender) {
  static_assert(alignof(Envelope<Msg>) <= alignof(std::max_align_t));
  void* mem = EnvelopePool<Msg>::allocate();
  Envelope<Msg>* env;
  try {
    env = new (mem) Envelope<Msg>(std::forward<M>(msg));
  } catch (...) {
    EnvelopePool<Msg>::deallocate(mem);
    throw;
  }
  env->sender = sender;
  env->type = MessageType<Msg>::of(env->payload);
  env->lane = static_cast<std::uint64_t>(lane);
  env->enqueued_at = sample_enqueue_time();
  return env;
}

template <class Msg>
void destroy_envelope(EnvelopeHeader* h) noexcept {
  auto* env = static_cast<Envelope<Msg>*>(h);
  env->~Envelope<Msg>();
  EnvelopePool<Msg>::deallocate(env);
}

// For a node its queue still uses as a stub: the payload goes now, the header and the memory
// stay until release_envelope_memory().
template <class Msg>
void destroy_payload(EnvelopeHeader* h) noexcept {
  static_cast<Envelope<Msg>*>(h)->payload.~Msg();
}

template <class Msg>
void release_envelope_memory(QueueLink* link) noexcept {
  EnvelopePool<Msg>::deallocate(static_cast<Envelope<Msg>*>(static_cast<EnvelopeHeader*>(link)));
}

}  // namespace internal
}  // namespace spl::actor
