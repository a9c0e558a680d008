// Figures for bench/compare (docs/benchmarks.md): the JIT pipeline's cost and the speed of the
// code it generates. Peers: bench/peers/c_native (gcc/clang) and bench/peers/luajit.
#include <asmjit/x86.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "spl/base/bench_report.hpp"
#include "spl/jit/engine.hpp"
#include "spl/jit/internal/testdata.hpp"

namespace {

using namespace spl::jit;
using Clock = std::chrono::steady_clock;

constexpr Type kI64 = Type::of(TypeKind::kI64);

// 1000 distinct templates of realistic size (about 40 IR instructions: a loop over memory,
// arithmetic, a nested branch and a call to a shared helper template), each needed at i64.
std::string thousand_templates() {
  std::string text = R"(
template @clamp<T>(%x: T, %lo: T, %hi: T) -> T {
entry:
  %below = cmp lt T %x, %lo
  %a = select T %below, %lo, %x
  %above = cmp gt T %a, %hi
  %b = select T %above, %hi, %a
  ret %b
}
)";
  for (int i = 0; i < 1000; ++i) {
    const std::string k = std::to_string(i);
    text += "need @k" + k + "<i64>\n";
    text += "template @k" + k + "<T>(%p: ptr, %n: i64, %seed: T) -> T {\n"
            "entry:\n"
            "  %s0 = add T %seed, " + std::to_string(i % 97) + "\n"
            "  jmp loop(0, %s0, 0)\n"
            "loop(%i: i64, %acc: T, %odd: T):\n"
            "  %more = cmp lt i64 %i, %n\n"
            "  br %more, body, done\n"
            "body:\n"
            "  %q = elemptr T %p, %i\n"
            "  %x = load T %q\n"
            "  %x2 = mul T %x, " + std::to_string(3 + i % 11) + "\n"
            "  %x3 = add T %x2, %acc\n"
            "  %x4 = xor T %x3, " + std::to_string(i) + "\n"
            "  %bit = and i64 %i, 1\n"
            "  %is_odd = cmp ne i64 %bit, 0\n"
            "  br %is_odd, odd, even\n"
            "odd:\n"
            "  %o2 = add T %odd, %x\n"
            "  %c = call T @clamp<T>(%x4, -1000000, 1000000)\n"
            "  %i2 = add i64 %i, 1\n"
            "  jmp loop(%i2, %c, %o2)\n"
            "even:\n"
            "  %e1 = sub T %x4, %odd\n"
            "  %e2 = shl T %e1, 1\n"
            "  %e3 = sar T %e2, 1\n"
            "  store T %e3, %q\n"
            "  %i3 = add i64 %i, 1\n"
            "  jmp loop(%i3, %e3, %odd)\n"
            "done:\n"
            "  %r = add T %acc, %odd\n"
            "  %r2 = mul T %r, " + std::to_string(1 + i % 5) + "\n"
            "  ret %r2\n"
            "}\n";
  }
  return text;
}

void instantiate_1000(benchmark::State& state) {
  const std::string text = thousand_templates();
  double best_ms = 0;
  std::size_t code_bytes = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    Engine engine;
    auto loaded = engine.load(text, "thousand.ir");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!loaded.ok()) {
      state.SkipWithError(loaded.error().message.c_str());
      return;
    }
    best_ms = best_ms == 0 ? ms : std::min(best_ms, ms);
    code_bytes = engine.cache().stats().code_bytes;
  }
  spl::bench::report(state, best_ms, "ms");
  state.counters["code_bytes"] = static_cast<double>(code_bytes);
}
BENCHMARK(instantiate_1000)->Iterations(3)->Unit(benchmark::kMillisecond);

void code_bytes_1000(benchmark::State& state) {
  const std::string text = thousand_templates();
  std::size_t bytes = 0;
  for (auto _ : state) {
    Engine engine;
    if (!engine.load(text, "thousand.ir").ok()) {
      state.SkipWithError("load failed");
      return;
    }
    // The 1000 instances plus the one shared helper instance (clamp<i64>).
    bytes = engine.cache().stats().code_bytes;
  }
  spl::bench::report(state, static_cast<double>(bytes), "bytes");
}
BENCHMARK(code_bytes_1000)->Iterations(1)->Unit(benchmark::kMillisecond);

// The reference for pipeline cost: asmjit's own Compiler building 1000 loop functions of
// about 55 instructions each, straight from C++ with no IR in between.
void asmjit_raw_1000(benchmark::State& state) {
  using namespace asmjit;
  double best_ms = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    JitRuntime rt;
    for (int f = 0; f < 1000; ++f) {
      CodeHolder code;
      code.init(rt.environment());
      x86::Compiler cc(&code);
      FuncNode* fn = cc.addFunc(FuncSignatureT<std::int64_t, const std::int64_t*, std::int64_t>());
      x86::Gp p = cc.newIntPtr(), n = cc.newInt64(), i = cc.newInt64(), acc = cc.newInt64(), x = cc.newInt64(), t = cc.newInt64();
      fn->setArg(0, p);
      fn->setArg(1, n);
      Label loop = cc.newLabel(), done = cc.newLabel();
      cc.xor_(i, i);
      cc.mov(acc, f);
      cc.bind(loop);
      cc.cmp(i, n);
      cc.jge(done);
      for (int k = 0; k < 8; ++k) {  // 6 instructions per step, 48 in the loop body
        cc.mov(x, x86::qword_ptr(p, i, 3));
        cc.imul(x, x, 3 + k);
        cc.add(x, acc);
        cc.mov(t, x);
        cc.sar(t, 1);
        cc.xor_(acc, t);
      }
      cc.inc(i);
      cc.jmp(loop);
      cc.bind(done);
      cc.ret(acc);
      cc.endFunc();
      cc.finalize();
      void* out = nullptr;
      if (rt.add(&out, &code) != kErrorOk) {
        state.SkipWithError("asmjit failed");
        return;
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    best_ms = best_ms == 0 ? ms : std::min(best_ms, ms);
  }
  spl::bench::report(state, best_ms, "ms");
}
BENCHMARK(asmjit_raw_1000)->Iterations(3)->Unit(benchmark::kMillisecond);

void cache_lookup(benchmark::State& state) {
  Engine engine;
  if (!engine.load(thousand_templates(), "thousand.ir").ok()) {
    state.SkipWithError("load failed");
    return;
  }
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) names.push_back("k" + std::to_string(i));
  const Type args[] = {kI64};
  std::size_t i = 0;
  const auto start = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine.cache().find(names[i], args));
    i = i + 1 == names.size() ? 0 : i + 1;
  }
  spl::bench::report(state, spl::bench::ns_per(Clock::now() - start, state.iterations()), "ns/op");
}
BENCHMARK(cache_lookup);

extern "C" std::int64_t rt_bench_symbol(std::int64_t x) { return x; }

void symbol_resolve_cached(benchmark::State& state) {
  SymbolResolver symbols;
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    names.push_back("rt_bench_symbol_" + std::to_string(i));
    symbols.register_runtime(names.back(), reinterpret_cast<void*>(&rt_bench_symbol));
    symbols.resolve(names.back());
  }
  std::size_t i = 0;
  const auto start = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(symbols.resolve(names[i]));
    i = i + 1 == names.size() ? 0 : i + 1;
  }
  spl::bench::report(state, spl::bench::ns_per(Clock::now() - start, state.iterations()), "ns/op");
}
BENCHMARK(symbol_resolve_cached);

template <class Fn>
double seconds(Fn&& fn) {
  const auto start = Clock::now();
  fn();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void fib40(benchmark::State& state) {
  Engine engine;
  if (!engine.load(read_testdata("fib.ir"), "fib.ir").ok()) {
    state.SkipWithError("load failed");
    return;
  }
  auto fib = reinterpret_cast<std::int64_t (*)(std::int64_t)>(*engine.get("fib"));
  double best = 0;
  for (auto _ : state) {
    std::int64_t r = 0;
    const double s = seconds([&] { r = fib(40); });
    if (r != 102334155) state.SkipWithError("wrong fib(40)");
    best = best == 0 ? s : std::min(best, s);
  }
  spl::bench::report(state, best, "s");
}
BENCHMARK(fib40)->Iterations(1)->Unit(benchmark::kMillisecond);

void numeric_loop(benchmark::State& state) {
  Engine engine;
  if (!engine.load(read_testdata("numeric.ir"), "numeric.ir").ok()) {
    state.SkipWithError("load failed");
    return;
  }
  auto loop = reinterpret_cast<std::int64_t (*)(std::int64_t, std::int64_t)>(*engine.get("numeric_loop"));
  double best = 0;
  for (auto _ : state) {
    std::int64_t r = 0;
    const double s = seconds([&] { r = loop(50'000'000, 1'000'003); });
    benchmark::DoNotOptimize(r);
    state.counters["result"] = static_cast<double>(r);
    best = best == 0 ? s : std::min(best, s);
  }
  spl::bench::report(state, best, "s");
}
BENCHMARK(numeric_loop)->Iterations(1)->Unit(benchmark::kMillisecond);

void sort_1M(benchmark::State& state) {
  Engine engine;
  if (!engine.load(read_testdata("sort.ir"), "sort.ir").ok()) {
    state.SkipWithError("load failed");
    return;
  }
  auto sort = reinterpret_cast<void (*)(std::int64_t*, std::int64_t, std::int64_t)>(*engine.get("quicksort"));
  std::vector<std::int64_t> data(1'000'000);
  double best = 0;
  for (auto _ : state) {
    // The same sequence as the peers: a 64-bit LCG, top bits.
    std::uint64_t x = 42;
    for (auto& v : data) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      v = static_cast<std::int64_t>(x >> 33);
    }
    const double s = seconds([&] { sort(data.data(), 0, static_cast<std::int64_t>(data.size()) - 1); });
    if (!std::is_sorted(data.begin(), data.end())) state.SkipWithError("not sorted");
    best = best == 0 ? s : std::min(best, s);
  }
  spl::bench::report(state, best, "s");
}
BENCHMARK(sort_1M)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
