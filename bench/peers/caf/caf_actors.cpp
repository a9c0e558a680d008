// CAF 0.17 peer for the actor suite: the same figures as spl/actor/actor_bench.cpp, defined the
// same way, with 2 worker threads (and the *_1w rows with one). Prints one JSON line per figure (best of SPL_BENCH_REPS).

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <vector>

#include "bench/peers/peer_report.hpp"

using namespace caf;
using Clock = std::chrono::steady_clock;

namespace {

double ns_per(Clock::duration d, std::uint64_t items) {
  return std::chrono::duration<double, std::nano>(d).count() / double(items);
}

void stop_all(const std::vector<actor>& actors) {
  for (const auto& a : actors) anon_send_exit(a, exit_reason::user_shutdown);
}

double pingpong(actor_system& sys) {
  constexpr std::int64_t kRoundTrips = 1'000'000;
  auto done = std::make_shared<std::promise<void>>();
  auto pong = sys.spawn([](event_based_actor*) -> behavior {
    return {[](std::int64_t n) { return n + 1; }};
  });
  auto ping = sys.spawn([=](event_based_actor* self) -> behavior {
    return {[=](std::int32_t) { self->send(pong, std::int64_t{0}); },
            [=](std::int64_t n) {
              if (n == kRoundTrips) {
                done->set_value();
                return;
              }
              self->send(pong, n);
            }};
  });
  auto f = done->get_future();
  const auto start = Clock::now();
  anon_send(ping, std::int32_t{0});
  f.wait();
  const double v = ns_per(Clock::now() - start, kRoundTrips);
  stop_all({ping, pong});
  return v;
}

double counting(actor_system& sys) {
  constexpr std::int64_t kMessages = 10'000'000;
  auto done = std::make_shared<std::promise<void>>();
  auto counter = sys.spawn([=](event_based_actor*) -> behavior {
    auto count = std::make_shared<std::int64_t>(0);
    return {[=](std::int64_t) {
      if (++*count == kMessages) done->set_value();
    }};
  });
  auto producer = sys.spawn([=](event_based_actor* self) -> behavior {
    return {[=](std::int32_t) {
      for (std::int64_t i = 0; i < kMessages; ++i) self->send(counter, i);
    }};
  });
  auto f = done->get_future();
  const auto start = Clock::now();
  anon_send(producer, std::int32_t{0});
  f.wait();
  const double v = ns_per(Clock::now() - start, kMessages);
  stop_all({producer, counter});
  return v;
}

double thread_ring(actor_system& sys) {
  constexpr int kActors = 500;
  constexpr std::int64_t kHops = 10'000'000;
  auto done = std::make_shared<std::promise<void>>();
  std::vector<actor> ring;
  for (int i = 0; i < kActors; ++i) {
    ring.push_back(sys.spawn([=](event_based_actor* self) -> behavior {
      auto next = std::make_shared<actor>();
      return {[=](actor n) { *next = n; },
              [=](std::int64_t left) {
                if (left == 0) {
                  done->set_value();
                  return;
                }
                self->send(*next, left - 1);
              }};
    }));
  }
  for (int i = 0; i < kActors; ++i) anon_send(ring[i], ring[(i + 1) % kActors]);
  // The next-pointer messages are delivered before the token: each actor's mailbox is FIFO.
  auto f = done->get_future();
  const auto start = Clock::now();
  anon_send(ring[0], kHops);
  f.wait();
  const double v = ns_per(Clock::now() - start, kHops);
  stop_all(ring);
  return v;
}

// Savina "big": 1000 actors, 1000 pings each to xorshift-chosen peers, one ping in flight per
// actor, every ping answered with a pong. 2M messages.
double fork_join_big(actor_system& sys) {
  constexpr std::uint32_t kActors = 1000;
  constexpr std::uint32_t kPings = 1000;
  constexpr std::uint64_t kMessages = std::uint64_t{kActors} * kPings * 2;
  auto done = std::make_shared<std::promise<void>>();
  auto finished = std::make_shared<std::atomic<std::uint32_t>>(0);
  auto peers = std::make_shared<std::vector<actor>>();
  for (std::uint32_t i = 0; i < kActors; ++i) {
    peers->push_back(sys.spawn([=](event_based_actor* self) -> behavior {
      auto rng = std::make_shared<std::uint32_t>(i * 2654435761u + 1u);
      auto pongs = std::make_shared<std::uint32_t>(0);
      auto next_peer = [=] {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 17;
        *rng ^= *rng << 5;
        return *rng % kActors;
      };
      return {[=](std::uint32_t kind, std::uint32_t from) {
        if (kind == 1) {
          self->send((*peers)[from], std::uint32_t{2}, i);
          return;
        }
        if (kind == 2 && ++*pongs == kPings) {
          if (finished->fetch_add(1) + 1 == kActors) done->set_value();
          return;
        }
        self->send((*peers)[next_peer()], std::uint32_t{1}, i);
      }};
    }));
  }
  auto f = done->get_future();
  const auto start = Clock::now();
  for (std::uint32_t i = 0; i < kActors; ++i) anon_send((*peers)[i], std::uint32_t{0}, i);
  f.wait();
  const double v = ns_per(Clock::now() - start, kMessages);
  stop_all(*peers);
  return v;
}

template <class Fn>
void figure(const char* name, const char* unit, std::uint64_t n, int reps, Fn&& fn, int threads = 2) {
  spl::peers::best_of(reps, name, unit, n, [&] {
    actor_system_config cfg;
    cfg.set("scheduler.max-threads", threads);
    actor_system sys{cfg};
    return fn(sys);
  });
}

}  // namespace

int main() {
  const int reps = spl::peers::bench_reps();
  figure("pingpong_1M", "ns/op", 1'000'000, reps, pingpong);
  figure("counting_10M", "ns/msg", 10'000'000, reps, counting);
  figure("thread_ring", "ns/hop", 10'000'000, reps, thread_ring);
  figure("fork_join_big", "ns/msg", 2'000'000, reps, fork_join_big);
  // One worker thread, as our *_1w rows.
  figure("pingpong_1M_1w", "ns/op", 1'000'000, reps, pingpong, 1);
  figure("counting_10M_1w", "ns/msg", 10'000'000, reps, counting, 1);
  figure("thread_ring_1w", "ns/hop", 10'000'000, reps, thread_ring, 1);
  figure("fork_join_big_1w", "ns/msg", 2'000'000, reps, fork_join_big, 1);
  return 0;
}
