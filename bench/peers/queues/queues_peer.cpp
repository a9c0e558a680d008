// moodycamel::ConcurrentQueue peer for the queue figures of the actor suite (same definitions as
// spl/actor/actor_bench.cpp). One JSON line per figure, best of SPL_BENCH_REPS runs.

#include <concurrentqueue/concurrentqueue.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "bench/peers/peer_report.hpp"

using Clock = std::chrono::steady_clock;

namespace {

std::atomic<std::size_t> g_bytes{0};

// Counts every byte the queue takes from the allocator (for bytes per message).
struct CountingTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static void* malloc(std::size_t size) {
    g_bytes.fetch_add(size, std::memory_order_relaxed);
    return std::malloc(size);
  }
  static void free(void* p) { std::free(p); }
};

double queue_spsc() {
  constexpr std::uint64_t kMessages = 10'000'000;
  moodycamel::ConcurrentQueue<std::uint64_t> q;
  moodycamel::ProducerToken token(q);
  std::atomic<bool> go{false};
  std::thread producer([&] {
    while (!go.load(std::memory_order_acquire)) {
    }
    for (std::uint64_t i = 0; i < kMessages; ++i) q.enqueue(token, i);
  });
  std::uint64_t sum = 0, v = 0;
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::uint64_t got = 0; got < kMessages;) {
    if (q.try_dequeue_from_producer(token, v)) {
      sum += v;
      ++got;
    }
  }
  const auto elapsed = Clock::now() - start;
  producer.join();
  if (sum == 1) std::puts("");
  return std::chrono::duration<double, std::nano>(elapsed).count() / double(kMessages);
}

double bytes_per_msg() {
  constexpr std::uint64_t kMessages = 1'000'000;
  const std::size_t before = g_bytes.load();
  auto* q = new moodycamel::ConcurrentQueue<std::uint64_t, CountingTraits>();
  for (std::uint64_t i = 0; i < kMessages; ++i) q->enqueue(i);
  const std::size_t after = g_bytes.load();
  delete q;
  return double(after - before) / double(kMessages) - double(sizeof(std::uint64_t));
}

double p99() {
  constexpr int kSamples = 200'000;
  moodycamel::ConcurrentQueue<std::int64_t> q;
  std::atomic<int> received{0};
  std::vector<std::int64_t> lat(kSamples);
  auto now = [] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); };
  std::thread consumer([&] {
    std::int64_t v = 0;
    for (int i = 0; i < kSamples;) {
      if (q.try_dequeue(v)) {
        lat[i] = now() - v;
        ++i;
        received.store(i, std::memory_order_release);
      }
    }
  });
  for (int i = 0; i < kSamples; ++i) {
    q.enqueue(now());
    while (received.load(std::memory_order_acquire) <= i) {
    }
  }
  consumer.join();
  std::sort(lat.begin(), lat.end());
  return double(lat[kSamples * 99 / 100]);
}

}  // namespace

int main() {
  using spl::peers::best_of;
  const int reps = spl::peers::bench_reps();
  best_of(reps, "queue_spsc", "ns/msg", 10'000'000, queue_spsc);
  best_of(reps, "queue_bytes_per_msg", "bytes", 1'000'000, bytes_per_msg);
  best_of(reps, "enqueue_dequeue_p99", "ns", 200'000, p99);
  return 0;
}
