// Actor and queue figures for bench/compare (docs/benchmarks.md). Each benchmark runs its whole
// workload once per repetition with its own clock and reports the figure as a time per item.
// The same figures, defined the same way, are produced by bench/peers/{caf,erlang,queues,crossbeam}.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "spl/actor/actor.hpp"
#include "spl/actor/c_api.h"
#include "spl/actor/internal/envelope.hpp"
#include "spl/actor/internal/mpsc_queue.hpp"
#include "spl/actor/mailbox.hpp"
#include "spl/base/bench_report.hpp"

namespace spl::actor {
namespace {

using Clock = std::chrono::steady_clock;
// The actor figures run with two workers (named as they are) and with one (suffix _1w): with
// one, every side runs every actor on one thread, so the rows compare schedulers like for like
// whatever each keeps on the sender's core.
constexpr unsigned kWorkers = 2;

// pingpong_1M: two actors bounce a counter 1M times; ns per round trip.
template <unsigned Workers>
void pingpong_1M(benchmark::State& state) {
  constexpr std::uint64_t kRoundTrips = 1'000'000;
  for (auto _ : state) {
    ActorSystem sys(SchedulerOptions{Workers});
    auto done = std::make_shared<std::promise<void>>();
    auto pong_slot = std::make_shared<ActorRef<std::uint64_t>>();
    auto ping = sys.spawn<std::uint64_t>([pong_slot, done](ActorContext<std::uint64_t>&, std::uint64_t& n) {
      if (n == kRoundTrips) {
        done->set_value();
        return;
      }
      pong_slot->tell(n + 1);
    });
    *pong_slot = sys.spawn<std::uint64_t>([ping](ActorContext<std::uint64_t>&, std::uint64_t& n) { ping.tell(n); });
    auto finished = done->get_future();
    const auto start = Clock::now();
    pong_slot->tell(0);
    finished.wait();
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, kRoundTrips), "ns/op");
    sys.shutdown();
    *pong_slot = {};
  }
}

// counting_10M: a producer actor sends 10M messages in a loop to a counter actor, which signals
// when it has counted them all; ns per message.
template <unsigned Workers>
void counting_10M(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 10'000'000;
  for (auto _ : state) {
    ActorSystem sys(SchedulerOptions{Workers});
    auto done = std::make_shared<std::promise<void>>();
    auto count = std::make_shared<std::uint64_t>(0);
    auto counter = sys.spawn<std::uint64_t>([count, done](ActorContext<std::uint64_t>&, std::uint64_t&) {
      if (++*count == kMessages) done->set_value();
    });
    auto producer = sys.spawn<int>([counter](ActorContext<int>&, int&) {
      for (std::uint64_t i = 0; i < kMessages; ++i) counter.tell(i);
    });
    auto finished = done->get_future();
    const auto start = Clock::now();
    producer.tell(0);
    finished.wait();
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
  }
}

// thread_ring: 500 actors in a ring pass one token 10M hops; ns per hop.
template <unsigned Workers>
void thread_ring(benchmark::State& state) {
  constexpr int kActors = 500;
  constexpr std::uint64_t kHops = 10'000'000;
  for (auto _ : state) {
    ActorSystem sys(SchedulerOptions{Workers});
    auto done = std::make_shared<std::promise<void>>();
    auto ring = std::make_shared<std::vector<ActorRef<std::uint64_t>>>(kActors);
    for (int i = 0; i < kActors; ++i) {
      (*ring)[i] = sys.spawn<std::uint64_t>([ring, done, i](ActorContext<std::uint64_t>&, std::uint64_t& left) {
        if (left == 0) {
          done->set_value();
          return;
        }
        (*ring)[(i + 1) % kActors].tell(left - 1);
      });
    }
    auto finished = done->get_future();
    const auto start = Clock::now();
    (*ring)[0].tell(kHops);
    finished.wait();
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, kHops), "ns/hop");
    sys.shutdown();
    ring->clear();
  }
}

// fork_join_big (Savina "big"): 1000 actors; each sends 1000 pings, one at a time, to peers
// picked by its own xorshift generator (seeded with its index); every ping is answered by a
// pong and the next ping goes out when the pong arrives. 2M messages; ns per message.
struct BigMsg {
  std::uint32_t kind;  // 0 go, 1 ping, 2 pong
  std::uint32_t from;
};

template <unsigned Workers>
void fork_join_big(benchmark::State& state) {
  constexpr std::uint32_t kActors = 1000;
  constexpr std::uint32_t kPings = 1000;
  constexpr std::uint64_t kMessages = std::uint64_t{kActors} * kPings * 2;
  for (auto _ : state) {
    ActorSystem sys(SchedulerOptions{Workers});
    auto done = std::make_shared<std::promise<void>>();
    auto finished_actors = std::make_shared<std::atomic<std::uint32_t>>(0);
    auto peers = std::make_shared<std::vector<ActorRef<BigMsg>>>(kActors);
    for (std::uint32_t i = 0; i < kActors; ++i) {
      struct State {
        std::uint32_t rng;
        std::uint32_t pongs = 0;
      };
      auto st = std::make_shared<State>(State{i * 2654435761u + 1u});
      (*peers)[i] = sys.spawn<BigMsg>([peers, st, done, finished_actors, i](ActorContext<BigMsg>&, BigMsg& m) {
        auto next_peer = [&] {
          st->rng ^= st->rng << 13;
          st->rng ^= st->rng >> 17;
          st->rng ^= st->rng << 5;
          return st->rng % kActors;
        };
        if (m.kind == 1) {
          (*peers)[m.from].tell(BigMsg{2, i});
          return;
        }
        if (m.kind == 2 && ++st->pongs == kPings) {
          if (finished_actors->fetch_add(1) + 1 == kActors) done->set_value();
          return;
        }
        (*peers)[next_peer()].tell(BigMsg{1, i});
      });
    }
    auto finished = done->get_future();
    const auto start = Clock::now();
    for (std::uint32_t i = 0; i < kActors; ++i) (*peers)[i].tell(BigMsg{0, i});
    finished.wait();
    const auto elapsed = Clock::now() - start;
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
    sys.shutdown();
    peers->clear();
  }
}

// capi_pingpong / capi_counting: pingpong_1M and counting_10M through the actor C ABI
// (rt_actor_spawn with a callback, rt_actor_send), the path generated code takes; the runtime
// is started with two workers for each repetition and stopped after it.
struct CapiPeer {
  rt_actor peer = 0;
  std::uint64_t target = 0;
  std::uint64_t count = 0;
  std::promise<void> done;
};

int capi_ping(void* state, rt_actor, rt_value msg, rt_value*) {
  auto* st = static_cast<CapiPeer*>(state);
  if (msg == st->target) {
    st->done.set_value();
    return 0;
  }
  return rt_actor_send(st->peer, msg + 1);
}

int capi_pong(void* state, rt_actor, rt_value msg, rt_value*) {
  return rt_actor_send(static_cast<CapiPeer*>(state)->peer, msg);
}

int capi_count(void* state, rt_actor, rt_value, rt_value*) {
  auto* st = static_cast<CapiPeer*>(state);
  if (++st->count == st->target) st->done.set_value();
  return 0;
}

int capi_produce(void* state, rt_actor, rt_value, rt_value*) {
  auto* st = static_cast<CapiPeer*>(state);
  for (std::uint64_t i = 0; i < st->target; ++i) {
    if (rt_actor_send(st->peer, i) != RT_ACTOR_OK) return 1;
  }
  return 0;
}

void capi_pingpong(benchmark::State& state) {
  constexpr std::uint64_t kRoundTrips = 1'000'000;
  for (auto _ : state) {
    rt_actor_runtime_start(kWorkers);
    CapiPeer ping_state, pong_state;
    ping_state.target = kRoundTrips;
    rt_actor ping = 0, pong = 0;
    const bool spawned = rt_actor_spawn(capi_ping, &ping_state, &ping) == RT_ACTOR_OK &&
                         rt_actor_spawn(capi_pong, &pong_state, &pong) == RT_ACTOR_OK;
    ping_state.peer = pong;
    pong_state.peer = ping;
    auto finished = ping_state.done.get_future();
    const auto start = Clock::now();
    const bool sent = spawned && rt_actor_send(pong, 0) == RT_ACTOR_OK;
    const bool ok = sent && finished.wait_for(std::chrono::minutes(2)) == std::future_status::ready;
    const auto elapsed = Clock::now() - start;
    rt_actor_runtime_stop(1000);
    if (!ok) {
      state.SkipWithError("capi_pingpong: did not complete");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kRoundTrips), "ns/op");
  }
}

void capi_counting(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 10'000'000;
  for (auto _ : state) {
    rt_actor_runtime_start(kWorkers);
    CapiPeer counter_state, producer_state;
    counter_state.target = kMessages;
    producer_state.target = kMessages;
    rt_actor counter = 0, producer = 0;
    const bool spawned = rt_actor_spawn(capi_count, &counter_state, &counter) == RT_ACTOR_OK &&
                         rt_actor_spawn(capi_produce, &producer_state, &producer) == RT_ACTOR_OK;
    producer_state.peer = counter;
    auto finished = counter_state.done.get_future();
    const auto start = Clock::now();
    const bool sent = spawned && rt_actor_send(producer, 0) == RT_ACTOR_OK;
    const bool ok = sent && finished.wait_for(std::chrono::minutes(2)) == std::future_status::ready;
    const auto elapsed = Clock::now() - start;
    rt_actor_runtime_stop(1000);
    if (!ok) {
      state.SkipWithError("capi_counting: did not count every message");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
  }
}

// mailbox_send_recv_st: one thread sends a message and receives it, 10M times; ns per message.
void mailbox_send_recv_st(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 10'000'000;
  for (auto _ : state) {
    Mailbox<std::uint64_t> mb;
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    for (std::uint64_t i = 0; i < kMessages; ++i) {
      mb.send(i);
      sum += *mb.try_receive();
    }
    const auto elapsed = Clock::now() - start;
    benchmark::DoNotOptimize(sum);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
  }
}

// queue_spsc: one producer thread, one consumer thread, 10M 8-byte messages through the MPSC
// queue with pooled nodes; ns per message.
void queue_spsc(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 10'000'000;
  using Node = internal::Envelope<std::uint64_t>;
  using Pool = internal::EnvelopePool<std::uint64_t>;
  for (auto _ : state) {
    internal::MpscQueue q;
    std::atomic<bool> go{false};
    std::thread producer([&] {
      while (!go.load(std::memory_order_acquire)) {
      }
      for (std::uint64_t i = 0; i < kMessages; ++i) q.push(new (Pool::allocate()) Node(i));
    });
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    go.store(true, std::memory_order_release);
    for (std::uint64_t got = 0; got < kMessages;) {
      if (auto* link = q.pop()) {
        auto* node = static_cast<Node*>(static_cast<internal::EnvelopeHeader*>(link));
        sum += node->payload;
        Pool::deallocate(node);
        ++got;
      }
    }
    const auto elapsed = Clock::now() - start;
    producer.join();
    benchmark::DoNotOptimize(sum);
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
  }
}

// mailbox_spsc: queue_spsc through a whole Mailbox (lanes, statistics, the consumer's
// try_receive): one producer thread sends 10M 8-byte messages, one consumer thread receives
// them; ns per message. The sum of what arrived must be the sum of what was sent.
void mailbox_spsc(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 10'000'000;
  for (auto _ : state) {
    Mailbox<std::uint64_t> mb;
    std::atomic<bool> go{false};
    std::thread producer([&] {
      while (!go.load(std::memory_order_acquire)) {
      }
      for (std::uint64_t i = 0; i < kMessages; ++i) mb.send(i);
    });
    std::uint64_t sum = 0;
    const auto start = Clock::now();
    go.store(true, std::memory_order_release);
    for (std::uint64_t got = 0; got < kMessages;) {
      if (auto m = mb.try_receive()) {
        sum += *m;
        ++got;
      }
    }
    const auto elapsed = Clock::now() - start;
    producer.join();
    if (sum != kMessages * (kMessages - 1) / 2) {
      state.SkipWithError("mailbox_spsc: wrong sum");
      break;
    }
    spl::bench::report(state, spl::bench::ns_per(elapsed, kMessages), "ns/msg");
  }
}

// queue_bytes_per_msg: memory a queued 8-byte message costs beyond its payload, from the node
// pool's slab accounting while 1M messages are queued in a Mailbox. The probe type has a pool of
// its own; it is measured once per process (the pool then holds the blocks) and reported as is.
struct BytesProbe {
  std::uint64_t value;
};

double measure_bytes_per_msg() {
  constexpr std::uint64_t kMessages = 1'000'000;
  using Pool = internal::EnvelopePool<BytesProbe>;
  Mailbox<BytesProbe> mb;
  const std::size_t before = Pool::slab_bytes();
  for (std::uint64_t i = 0; i < kMessages; ++i) mb.send(BytesProbe{i});
  const std::size_t after = Pool::slab_bytes();
  return double(after - before) / double(kMessages) - double(sizeof(BytesProbe));
}

void queue_bytes_per_msg(benchmark::State& state) {
  static const double measured = measure_bytes_per_msg();
  for (auto _ : state) spl::bench::report(state, measured, "bytes");
}

// enqueue_dequeue_p99: one producer thread and one spinning consumer; each message carries its
// send time, the next goes out only after the previous arrived. p99 of 200k hand-offs, in ns.
void enqueue_dequeue_p99(benchmark::State& state) {
  constexpr int kSamples = 200'000;
  for (auto _ : state) {
    Mailbox<std::int64_t> mb;
    std::atomic<int> received{0};
    std::vector<std::int64_t> latencies(kSamples);
    auto now = [] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); };
    std::thread consumer([&] {
      for (int i = 0; i < kSamples;) {
        if (auto m = mb.try_receive()) {
          latencies[i] = now() - *m;
          ++i;
          received.store(i, std::memory_order_release);
        }
      }
    });
    for (int i = 0; i < kSamples; ++i) {
      mb.send(now());
      while (received.load(std::memory_order_acquire) <= i) {
      }
    }
    consumer.join();
    std::sort(latencies.begin(), latencies.end());
    spl::bench::report(state, double(latencies[kSamples * 99 / 100]), "ns");
  }
}

#define SPL_ACTOR_BENCH(fn) BENCHMARK(fn)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond)
SPL_ACTOR_BENCH(pingpong_1M<kWorkers>)->Name("pingpong_1M");
SPL_ACTOR_BENCH(counting_10M<kWorkers>)->Name("counting_10M");
SPL_ACTOR_BENCH(thread_ring<kWorkers>)->Name("thread_ring");
SPL_ACTOR_BENCH(fork_join_big<kWorkers>)->Name("fork_join_big");
SPL_ACTOR_BENCH(pingpong_1M<1>)->Name("pingpong_1M_1w");
SPL_ACTOR_BENCH(counting_10M<1>)->Name("counting_10M_1w");
SPL_ACTOR_BENCH(thread_ring<1>)->Name("thread_ring_1w");
SPL_ACTOR_BENCH(fork_join_big<1>)->Name("fork_join_big_1w");
SPL_ACTOR_BENCH(capi_pingpong);
SPL_ACTOR_BENCH(capi_counting);
SPL_ACTOR_BENCH(mailbox_send_recv_st);
SPL_ACTOR_BENCH(queue_spsc);
SPL_ACTOR_BENCH(mailbox_spsc);
SPL_ACTOR_BENCH(queue_bytes_per_msg);
SPL_ACTOR_BENCH(enqueue_dequeue_p99);

}  // namespace
}  // namespace spl::actor

BENCHMARK_MAIN();
