#pragma once
// The node a message travels in: a 24-byte header (queue link, sender, type, lane, sampled
// enqueue time) followed by the payload, allocated from the per-size node pool.

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <variant>

#include "spl/actor/internal/latency_histogram.hpp"
#include "spl/actor/internal/mpsc_queue.hpp"
#include "spl/actor/internal/node_pool.hpp"

namespace spl::actor {

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

struct EnvelopeHeader : QueueLink {
  std::uint32_t sender = 0;
  std::uint16_t type = 0;
  Lane lane = Lane::kNormal;
  bool saved = false;  // passed over by a selective receive: holds no capacity slot any more
  std::uint64_t enqueued_at = 0;  // read_ticks() | 1, or 0 when not sampled for latency
};
static_assert(sizeof(EnvelopeHeader) == 24);

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
Envelope<Msg>* make_envelope(M&& msg, Lane lane, std::uint32_t sender) {
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
  env->lane = lane;
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
