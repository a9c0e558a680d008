#include "spl/jit/c_api.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

extern "C" int spl_jit_c_api_from_c(void);
extern "C" int64_t spl_jit_c_api_triple(int64_t x) { return 3 * x; }

namespace {

constexpr const char* kModule = R"(module capi
extern @host_triple(i64) -> i64

template @twice<T>(%x: T) -> T {
entry:
  %y = add T %x, %x
  ret %y
}

func @fib(%n: i64) -> i64 {
entry:
  %small = cmp lt i64 %n, 2
  br %small, base, rec
base:
  ret %n
rec:
  %n1 = sub i64 %n, 1
  %a = call i64 @fib(%n1)
  %n2 = sub i64 %n, 2
  %b = call i64 @fib(%n2)
  %s = add i64 %a, %b
  ret %s
}

func @sixfold(%x: i64) -> i64 {
entry:
  %t = call i64 @host_triple(%x)
  %s = call i64 @twice<i64>(%t)
  ret %s
}

func @scale(%x: f64) -> f64 {
entry:
  %y = add f64 %x, %x
  ret %y
}
)";

struct Jit {
  explicit Jit(int lazy) : jit(rt_jit_create(lazy)) {}
  ~Jit() { rt_jit_destroy(jit); }
  rt_jit* jit;
};

class JitCApi : public ::testing::TestWithParam<int> {};

TEST_P(JitCApi, LoadsCallsAndCountsInBothModes) {
  Jit j(GetParam());
  ASSERT_NE(j.jit, nullptr) << rt_last_error();
  ASSERT_EQ(rt_jit_register_symbol(j.jit, "host_triple", reinterpret_cast<void*>(&spl_jit_c_api_triple)), RT_JIT_OK);
  ASSERT_EQ(rt_jit_load(j.jit, "capi.ir", kModule, std::string(kModule).size()), RT_JIT_OK) << rt_last_error();

  std::int64_t out = 0;
  const std::int64_t twenty = 20;
  ASSERT_EQ(rt_jit_call_i64(j.jit, "fib", &twenty, 1, &out), RT_JIT_OK) << rt_last_error();
  EXPECT_EQ(out, 6765);
  const std::int64_t seven = 7;
  ASSERT_EQ(rt_jit_call_i64(j.jit, "sixfold", &seven, 1, &out), RT_JIT_OK) << rt_last_error();
  EXPECT_EQ(out, 42);

  auto twice = reinterpret_cast<std::int32_t (*)(std::int32_t)>(rt_jit_lookup(j.jit, "twice<i32>"));
  ASSERT_NE(twice, nullptr) << rt_last_error();
  EXPECT_EQ(twice(-21), -42);

  rt_jit_statistics stats{};
  ASSERT_EQ(rt_jit_stats(j.jit, &stats), RT_JIT_OK);
  EXPECT_GE(stats.instantiations, 4u);
  EXPECT_GT(stats.code_bytes, 0u);
  EXPECT_EQ(stats.failures, 0u);
  if (GetParam()) {
    EXPECT_GE(stats.lazy_compiles, 1u);
  }

  EXPECT_GE(rt_jit_invalidate(j.jit, "twice"), 2);  // both instances, and sixfold which calls one
  ASSERT_EQ(rt_jit_call_i64(j.jit, "sixfold", &seven, 1, &out), RT_JIT_OK) << rt_last_error();
  EXPECT_EQ(out, 42);
}

INSTANTIATE_TEST_SUITE_P(EagerAndLazy, JitCApi, ::testing::Values(0, 1));

TEST(JitCApiErrors, BadIrIsReportedWithItsPosition) {
  Jit j(0);
  const std::string bad = "module bad\nfunc @f() -> i64 {\nentry:\n  ret %nothing\n}\n";
  EXPECT_EQ(rt_jit_load(j.jit, "bad.ir", bad.data(), bad.size()), RT_JIT_INVALID);
  EXPECT_NE(std::string(rt_last_error()).find("bad.ir:4:"), std::string::npos) << rt_last_error();
}

TEST(JitCApiErrors, WrongCallsAreRefused) {
  Jit j(0);
  ASSERT_EQ(rt_jit_register_symbol(j.jit, "host_triple", reinterpret_cast<void*>(&spl_jit_c_api_triple)), RT_JIT_OK);
  ASSERT_EQ(rt_jit_load(j.jit, "capi.ir", kModule, std::string(kModule).size()), RT_JIT_OK) << rt_last_error();
  std::int64_t out = 0;
  const std::int64_t args[2] = {1, 2};
  EXPECT_EQ(rt_jit_call_i64(j.jit, "fib", args, 2, &out), RT_JIT_INVALID);
  EXPECT_EQ(rt_jit_call_i64(j.jit, "scale", args, 1, &out), RT_JIT_INVALID);
  EXPECT_EQ(rt_jit_call_i64(j.jit, "missing", args, 1, &out), RT_JIT_INVALID);
  EXPECT_EQ(rt_jit_lookup(j.jit, "twice<"), nullptr);
  EXPECT_EQ(rt_jit_lookup(j.jit, "twice"), nullptr);  // a template needs its type arguments
  EXPECT_EQ(rt_jit_register_symbol(j.jit, nullptr, nullptr), RT_JIT_INVALID);
  EXPECT_EQ(rt_jit_load(j.jit, "again.ir", kModule, std::string(kModule).size()), RT_JIT_INVALID);  // names clash
}

TEST(JitCApiErrors, NullAndDestroyedHandles) {
  std::int64_t out = 0;
  rt_jit_statistics stats{};
  EXPECT_EQ(rt_jit_load(nullptr, "x", "", 0), RT_JIT_NULL_HANDLE);
  EXPECT_EQ(rt_jit_lookup(nullptr, "f"), nullptr);
  EXPECT_EQ(rt_jit_call_i64(nullptr, "f", nullptr, 0, &out), RT_JIT_NULL_HANDLE);
  EXPECT_EQ(rt_jit_stats(nullptr, &stats), RT_JIT_NULL_HANDLE);
  EXPECT_STREQ(rt_last_error(), "null handle");
  rt_jit_destroy(nullptr);
#ifndef NDEBUG
  rt_jit* jit = rt_jit_create(0);
  rt_jit_destroy(jit);
  EXPECT_EQ(rt_jit_stats(jit, &stats), RT_JIT_BAD_HANDLE);
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
#endif
}

TEST(JitCApiErrors, CallableFromC) { EXPECT_EQ(spl_jit_c_api_from_c(), 1); }

}  // namespace
