#include "spl/persistent/c_api.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "spl/persistent/alloc.hpp"

extern "C" int spl_persistent_c_api_from_c(void);

namespace {

TEST(PersistentCApi, CallableFromC) { EXPECT_EQ(spl_persistent_c_api_from_c(), 1); }

TEST(PersistentCApi, DictVersionsAreIndependent) {
  rt_dict* d0 = rt_persistent_dict_empty();
  ASSERT_NE(d0, nullptr);
  rt_dict* d1 = rt_persistent_dict_insert(d0, 1, 10);
  rt_dict* d2 = rt_persistent_dict_insert(d1, 2, 20);
  rt_dict* d3 = rt_persistent_dict_remove(d2, 1);
  rt_dict* d4 = rt_persistent_dict_remove(d3, 99);  // absent: an equal new version
  rt_dict* c = rt_persistent_dict_clone(d2);
  std::int64_t v = 0;
  EXPECT_EQ(rt_persistent_dict_len(d0), 0);
  EXPECT_EQ(rt_persistent_dict_len(d2), 2);
  EXPECT_EQ(rt_persistent_dict_len(d3), 1);
  EXPECT_EQ(rt_persistent_dict_len(d4), 1);
  EXPECT_NE(d4, d3);
  EXPECT_EQ(rt_persistent_dict_get(d1, 1, &v), 1);
  EXPECT_EQ(v, 10);
  EXPECT_EQ(rt_persistent_dict_get(d3, 1, &v), 0);
  EXPECT_EQ(rt_persistent_dict_get(c, 2, &v), 1);
  EXPECT_EQ(v, 20);
  for (rt_dict* d : {d0, d1, d2, d3, d4, c}) rt_persistent_dict_free(d);
}

TEST(PersistentCApi, NullHandlesAreErrorsNotCrashes) {
  std::int64_t v = 0;
  EXPECT_EQ(rt_persistent_dict_insert(nullptr, 1, 1), nullptr);
  EXPECT_STREQ(rt_last_error(), "null handle");
  EXPECT_EQ(rt_persistent_dict_remove(nullptr, 1), nullptr);
  EXPECT_EQ(rt_persistent_dict_get(nullptr, 1, &v), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_dict_len(nullptr), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_dict_clone(nullptr), nullptr);
  rt_persistent_dict_free(nullptr);
  EXPECT_EQ(rt_persistent_vec_push(nullptr, 1), nullptr);
  EXPECT_EQ(rt_persistent_vec_pop(nullptr), nullptr);
  EXPECT_EQ(rt_persistent_vec_set(nullptr, 0, 1), nullptr);
  EXPECT_EQ(rt_persistent_vec_get(nullptr, 0, &v), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_vec_concat(nullptr, nullptr), nullptr);
  EXPECT_EQ(rt_persistent_vec_slice(nullptr, 0, 0), nullptr);
  EXPECT_EQ(rt_persistent_vec_len(nullptr), RT_ERR_NULL_HANDLE);
  rt_persistent_vec_free(nullptr);
  EXPECT_EQ(rt_persistent_set_insert(nullptr, 1), nullptr);
  EXPECT_EQ(rt_persistent_set_remove(nullptr, 1), nullptr);
  EXPECT_EQ(rt_persistent_set_contains(nullptr, 1), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_set_len(nullptr), RT_ERR_NULL_HANDLE);
  rt_persistent_set_free(nullptr);
}

TEST(PersistentCApi, WrongKindOfHandleIsRejected) {
  rt_vec* v = rt_persistent_vec_empty();
  const auto* as_dict = reinterpret_cast<const rt_dict*>(v);
  EXPECT_EQ(rt_persistent_dict_len(as_dict), RT_ERR_BAD_HANDLE);
  EXPECT_STREQ(rt_last_error(), "not a live handle of this kind");
  rt_persistent_vec_free(v);
}

#ifndef NDEBUG
TEST(PersistentCApi, DebugBuildsDetectDoubleFreeAndUseAfterFree) {
  rt_dict* empty = rt_persistent_dict_empty();
  rt_dict* d = rt_persistent_dict_insert(empty, 1, 2);
  rt_persistent_dict_free(empty);
  rt_persistent_dict_free(d);
  rt_persistent_dict_free(d);
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
  EXPECT_EQ(rt_persistent_dict_len(d), RT_ERR_BAD_HANDLE);
  EXPECT_EQ(rt_persistent_dict_insert(d, 1, 1), nullptr);
  rt_vec* v = rt_persistent_vec_empty();
  rt_persistent_vec_free(v);
  rt_persistent_vec_free(v);
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
  rt_set* s = rt_persistent_set_empty();
  rt_persistent_set_free(s);
  EXPECT_EQ(rt_persistent_set_contains(s, 1), RT_ERR_BAD_HANDLE);
}
#endif

TEST(PersistentCApi, VectorOperations) {
  rt_vec* v = rt_persistent_vec_empty();
  for (std::int64_t i = 0; i < 1000; ++i) {
    rt_vec* next = rt_persistent_vec_push(v, i);
    rt_persistent_vec_free(v);
    v = next;
  }
  std::int64_t x = 0;
  EXPECT_EQ(rt_persistent_vec_len(v), 1000);
  EXPECT_EQ(rt_persistent_vec_get(v, 999, &x), 1);
  EXPECT_EQ(x, 999);
  EXPECT_EQ(rt_persistent_vec_get(v, 1000, &x), 0);
  EXPECT_EQ(rt_persistent_vec_get(v, -1, &x), 0);
  rt_vec* s = rt_persistent_vec_set(v, 10, -5);
  EXPECT_EQ(rt_persistent_vec_get(s, 10, &x), 1);
  EXPECT_EQ(x, -5);
  EXPECT_EQ(rt_persistent_vec_get(v, 10, &x), 1);
  EXPECT_EQ(x, 10);
  EXPECT_EQ(rt_persistent_vec_set(v, 1000, 1), nullptr);
  EXPECT_STREQ(rt_last_error(), "vector index out of range");
  rt_vec* cat = rt_persistent_vec_concat(v, s);
  EXPECT_EQ(rt_persistent_vec_len(cat), 2000);
  EXPECT_EQ(rt_persistent_vec_get(cat, 1010, &x), 1);
  EXPECT_EQ(x, -5);
  rt_vec* sl = rt_persistent_vec_slice(cat, 995, 1015);
  EXPECT_EQ(rt_persistent_vec_len(sl), 20);
  EXPECT_EQ(rt_persistent_vec_get(sl, 0, &x), 1);
  EXPECT_EQ(x, 995);
  EXPECT_EQ(rt_persistent_vec_slice(cat, 5, 4), nullptr);
  EXPECT_EQ(rt_persistent_vec_slice(cat, -1, 4), nullptr);
  EXPECT_EQ(rt_persistent_vec_slice(cat, 0, 2001), nullptr);
  rt_vec* e = rt_persistent_vec_empty();
  EXPECT_EQ(rt_persistent_vec_pop(e), nullptr);
  EXPECT_STREQ(rt_last_error(), "pop from an empty vector");
  rt_vec* p = rt_persistent_vec_pop(v);
  EXPECT_EQ(rt_persistent_vec_len(p), 999);
  rt_vec* c = rt_persistent_vec_clone(p);
  EXPECT_EQ(rt_persistent_vec_len(c), 999);
  for (rt_vec* h : {v, s, cat, sl, e, p, c}) rt_persistent_vec_free(h);
}

TEST(PersistentCApi, SetOperations) {
  rt_set* s0 = rt_persistent_set_empty();
  rt_set* s1 = rt_persistent_set_insert(s0, 3);
  rt_set* s2 = rt_persistent_set_insert(s1, 4);
  rt_set* s3 = rt_persistent_set_remove(s2, 3);
  EXPECT_EQ(rt_persistent_set_contains(s2, 3), 1);
  EXPECT_EQ(rt_persistent_set_contains(s3, 3), 0);
  EXPECT_EQ(rt_persistent_set_len(s3), 1);
  rt_set* c = rt_persistent_set_clone(s3);
  EXPECT_EQ(rt_persistent_set_contains(c, 4), 1);
  for (rt_set* h : {s0, s1, s2, s3, c}) rt_persistent_set_free(h);
}

// A version built here and freed on another thread: its nodes wait for this thread, which gets
// them back with rt_persistent_reclaim().
TEST(PersistentCApi, ReclaimFreesNodesOtherThreadsLetGo) {
  spl::persistent::CountingAllocator counter;
  spl::persistent::ScopedNodeAllocator guard(counter);
  rt_vec* v = rt_persistent_vec_empty();
  for (std::int64_t i = 0; i < 1000; ++i) {
    rt_vec* next = rt_persistent_vec_push(v, i);
    rt_persistent_vec_free(v);
    v = next;
  }
  std::thread([v] {
    std::int64_t x = 0;
    EXPECT_EQ(rt_persistent_vec_get(v, 999, &x), 1);
    EXPECT_EQ(x, 999);
    rt_persistent_vec_free(v);
  }).join();
  EXPECT_GT(counter.live_nodes(), 0);
  rt_persistent_reclaim();
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentCApi, HandlesShareAcrossThreads) {
  rt_dict* base = rt_persistent_dict_empty();
  for (std::int64_t i = 0; i < 2000; ++i) {
    rt_dict* next = rt_persistent_dict_insert(base, i, i);
    rt_persistent_dict_free(base);
    base = next;
  }
  std::vector<std::thread> threads;
  std::vector<int> ok(3, 0);
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      rt_dict* mine = rt_persistent_dict_clone(base);
      for (std::int64_t i = 0; i < 500; ++i) {
        rt_dict* next = rt_persistent_dict_insert(mine, i, -t);
        rt_persistent_dict_free(mine);
        mine = next;
      }
      std::int64_t v = 0;
      ok[t] = rt_persistent_dict_get(mine, 10, &v) == 1 && v == -t && rt_persistent_dict_get(base, 10, &v) == 1 &&
              v == 10 && rt_persistent_dict_len(mine) == 2000;
      rt_persistent_dict_free(mine);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(3, 1));
  rt_persistent_dict_free(base);
}

}  // namespace
