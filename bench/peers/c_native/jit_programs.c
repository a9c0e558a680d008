/* The programs of the jit suite (fib, numeric loop, quicksort) in C, for gcc/clang peers.
   Same algorithms and inputs as spl/jit/testdata/{fib,numeric,sort}.ir. Prints one JSON line per
   figure with the best of SPL_BENCH_REPS runs (docs/benchmarks.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* noinline + an external sink keep the compilers from folding the work away. */
__attribute__((noinline)) int64_t fib(int64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) int64_t numeric_loop(int64_t n, int64_t m) {
  int64_t acc = 0;
  for (int64_t i = 0; i < n; ++i) acc = (acc + i * i) % m;
  return acc;
}

__attribute__((noinline)) void insertion_sort(int64_t* a, int64_t lo, int64_t hi) {
  for (int64_t i = lo + 1; i <= hi; ++i) {
    int64_t key = a[i];
    int64_t j = i;
    while (j > lo && a[j - 1] > key) {
      a[j] = a[j - 1];
      --j;
    }
    a[j] = key;
  }
}

__attribute__((noinline)) void quicksort(int64_t* a, int64_t l, int64_t h) {
  for (;;) {
    int64_t len = h - l;
    if (len < 16) {
      insertion_sort(a, l, h);
      return;
    }
    int64_t m = l + (len >> 1);
    int64_t vm = a[m];
    a[m] = a[h];
    a[h] = vm;
    int64_t store_at = l;
    for (int64_t i = l; i < h; ++i) {
      int64_t vi = a[i];
      if (vi < vm) {
        int64_t vs = a[store_at];
        a[store_at] = vi;
        a[i] = vs;
        ++store_at;
      }
    }
    int64_t vp = a[store_at];
    a[store_at] = vm;
    a[h] = vp;
    quicksort(a, l, store_at - 1);
    l = store_at + 1;
  }
}

volatile int64_t sink;

int main(void) {
  const char* reps_env = getenv("SPL_BENCH_REPS");
  int reps = reps_env ? atoi(reps_env) : 5;
  if (reps < 1) reps = 1;
  double best_fib = 1e9, best_loop = 1e9, best_sort = 1e9;
  const int64_t n = 1000000;
  int64_t* data = malloc(sizeof(int64_t) * (size_t)n);
  if (!data) return 1;
  for (int r = 0; r < reps; ++r) {
    double t = now();
    sink = fib(40);
    t = now() - t;
    if (t < best_fib) best_fib = t;

    t = now();
    sink = numeric_loop(50000000, 1000003);
    t = now() - t;
    if (t < best_loop) best_loop = t;

    uint64_t x = 42;
    for (int64_t i = 0; i < n; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      data[i] = (int64_t)(x >> 33);
    }
    t = now();
    quicksort(data, 0, n - 1);
    t = now() - t;
    for (int64_t i = 1; i < n; ++i) {
      if (data[i - 1] > data[i]) return 2;
    }
    if (t < best_sort) best_sort = t;
  }
  printf("{\"figure\": \"fib40\", \"unit\": \"s\", \"value\": %.6f, \"n\": 40}\n", best_fib);
  printf("{\"figure\": \"numeric_loop\", \"unit\": \"s\", \"value\": %.6f, \"n\": 50000000}\n", best_loop);
  printf("{\"figure\": \"sort_1M\", \"unit\": \"s\", \"value\": %.6f, \"n\": 1000000}\n", best_sort);
  free(data);
  return 0;
}
