// The pointer-key C ABI (rt_persistent_pdict_* / rt_persistent_pset_*): versions, errors, and
// the retain/release protocol on real reference-counted objects (a missing retain is a use
// after free under ASan, a missing release a leak).

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>

#include "spl/persistent/c_api.h"

extern "C" int spl_persistent_ptr_api_from_c(void);

namespace {

// A heap object kept alive by the callbacks' counts plus the test's own reference.
struct Obj {
  std::atomic<int> refs{1};
  std::uint64_t id;
  explicit Obj(std::uint64_t i) : id(i) {}
};

struct Ledger {
  std::atomic<long> retains{0};
  std::atomic<long> releases{0};
};

rt_ptr_callbacks obj_callbacks(Ledger& ledger) {
  rt_ptr_callbacks cb{};
  cb.hash = [](const void* key, void*) -> std::uint64_t { return static_cast<const Obj*>(key)->id % 5; };
  cb.eq = [](const void* a, const void* b, void*) -> int {
    return static_cast<const Obj*>(a)->id == static_cast<const Obj*>(b)->id;
  };
  cb.retain = [](const void* item, void* context) {
    static_cast<Ledger*>(context)->retains.fetch_add(1);
    const_cast<Obj*>(static_cast<const Obj*>(item))->refs.fetch_add(1);
  };
  cb.release = [](const void* item, void* context) {
    static_cast<Ledger*>(context)->releases.fetch_add(1);
    Obj* o = const_cast<Obj*>(static_cast<const Obj*>(item));
    if (o->refs.fetch_sub(1) == 1) delete o;
  };
  cb.context = &ledger;
  return cb;
}

void drop(Obj* o) {
  if (o->refs.fetch_sub(1) == 1) delete o;
}

TEST(PersistentPtrCApi, CallableFromC) { EXPECT_EQ(spl_persistent_ptr_api_from_c(), 1); }

TEST(PersistentPtrCApi, VersionsKeepTheirItemsAlive) {
  Ledger ledger;
  const rt_ptr_callbacks cb = obj_callbacks(ledger);
  rt_pdict* d0 = rt_persistent_pdict_empty(&cb);
  Obj* k1 = new Obj(1);
  Obj* v1 = new Obj(100);
  Obj* v2 = new Obj(200);
  rt_pdict* d1 = rt_persistent_pdict_insert(d0, k1, v1);
  rt_pdict* d2 = rt_persistent_pdict_insert(d1, k1, v2);  // replaces the value in a new version
  drop(k1);
  drop(v1);
  drop(v2);  // only the versions hold them now
  Obj probe(1);
  const void* out = nullptr;
  ASSERT_EQ(rt_persistent_pdict_get(d1, &probe, &out), 1);
  EXPECT_EQ(static_cast<const Obj*>(out)->id, 100u);
  ASSERT_EQ(rt_persistent_pdict_get(d2, &probe, &out), 1);
  EXPECT_EQ(static_cast<const Obj*>(out)->id, 200u);
  rt_persistent_pdict_free(d1);
  ASSERT_EQ(rt_persistent_pdict_get(d2, &probe, &out), 1);  // still alive through d2
  EXPECT_EQ(static_cast<const Obj*>(out)->id, 200u);
  rt_pdict* d3 = rt_persistent_pdict_remove(d2, &probe);
  EXPECT_EQ(rt_persistent_pdict_len(d3), 0);
  EXPECT_EQ(rt_persistent_pdict_get(d3, &probe, &out), 0);
  for (rt_pdict* d : {d0, d2, d3}) rt_persistent_pdict_free(d);
  EXPECT_GT(ledger.retains.load(), 0);
  EXPECT_EQ(ledger.retains.load(), ledger.releases.load());
}

TEST(PersistentPtrCApi, ErrorsNotCrashes) {
  Ledger ledger;
  rt_ptr_callbacks cb = obj_callbacks(ledger);
  const void* out = nullptr;
  EXPECT_EQ(rt_persistent_pdict_empty(nullptr), nullptr);
  cb.hash = nullptr;
  EXPECT_EQ(rt_persistent_pdict_empty(&cb), nullptr);
  EXPECT_EQ(rt_persistent_pset_empty(&cb), nullptr);
  EXPECT_NE(std::string(rt_last_error()), "");
  EXPECT_EQ(rt_persistent_pdict_insert(nullptr, nullptr, nullptr), nullptr);
  EXPECT_EQ(rt_persistent_pdict_get(nullptr, nullptr, &out), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_pdict_len(nullptr), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_pset_contains(nullptr, nullptr), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_pset_len(nullptr), RT_ERR_NULL_HANDLE);
  EXPECT_EQ(rt_persistent_pset_clone(nullptr), nullptr);
  rt_persistent_pdict_free(nullptr);
  rt_persistent_pset_free(nullptr);
  // A handle of another kind is refused.
  rt_dict* ints = rt_persistent_dict_empty();
  EXPECT_EQ(rt_persistent_pdict_len(reinterpret_cast<rt_pdict*>(ints)), RT_ERR_BAD_HANDLE);
  rt_persistent_dict_free(ints);
#ifndef NDEBUG
  cb = obj_callbacks(ledger);
  rt_pset* s = rt_persistent_pset_empty(&cb);
  rt_persistent_pset_free(s);
  EXPECT_EQ(rt_persistent_pset_len(s), RT_ERR_BAD_HANDLE);  // freed: reported, not undefined
  rt_persistent_pset_free(s);                                 // double free: reported
#endif
}

// Random operations against std::map, keeping every version; at the end every retain has
// been matched by a release and every object has been freed (ASan would see a leak).
RC_GTEST_PROP(PersistentPtrCApi, MatchesStdMapAndBalancesRetains,
              (const std::vector<std::tuple<std::uint8_t, std::uint8_t, std::uint8_t>>& ops)) {
  Ledger ledger;
  const rt_ptr_callbacks cb = obj_callbacks(ledger);
  std::vector<std::pair<rt_pdict*, std::map<std::uint64_t, std::uint64_t>>> versions;
  std::vector<std::pair<rt_pset*, std::map<std::uint64_t, std::uint64_t>>> sets;
  versions.emplace_back(rt_persistent_pdict_empty(&cb), std::map<std::uint64_t, std::uint64_t>{});
  sets.emplace_back(rt_persistent_pset_empty(&cb), std::map<std::uint64_t, std::uint64_t>{});
  for (const auto& [op, key, value] : ops) {
    const auto& [from, model] = versions[op % versions.size()];
    const auto& [sfrom, smodel] = sets[op % sets.size()];
    Obj* k = new Obj(key % 40);
    Obj* v = new Obj(value);
    auto next = model;
    auto snext = smodel;
    if (op % 3 == 0) {
      versions.emplace_back(rt_persistent_pdict_remove(from, k), (next.erase(k->id), next));
      sets.emplace_back(rt_persistent_pset_remove(sfrom, k), (snext.erase(k->id), snext));
    } else {
      next[k->id] = value;
      snext[k->id] = 0;
      versions.emplace_back(rt_persistent_pdict_insert(from, k, v), next);
      sets.emplace_back(rt_persistent_pset_insert(sfrom, k), snext);
    }
    drop(k);
    drop(v);
  }
  for (const auto& [d, model] : versions) {
    RC_ASSERT(rt_persistent_pdict_len(d) == static_cast<std::int64_t>(model.size()));
    for (std::uint64_t id = 0; id < 40; ++id) {
      Obj probe(id);
      const void* out = nullptr;
      const int found = rt_persistent_pdict_get(d, &probe, &out);
      RC_ASSERT(found == (model.count(id) ? 1 : 0));
      if (found) RC_ASSERT(static_cast<const Obj*>(out)->id == model.at(id));
    }
  }
  for (const auto& [s, model] : sets) {
    RC_ASSERT(rt_persistent_pset_len(s) == static_cast<std::int64_t>(model.size()));
    for (std::uint64_t id = 0; id < 40; ++id) {
      Obj probe(id);
      RC_ASSERT(rt_persistent_pset_contains(s, &probe) == (model.count(id) ? 1 : 0));
    }
  }
  for (auto& [d, model] : versions) rt_persistent_pdict_free(d);
  for (auto& [s, model] : sets) rt_persistent_pset_free(s);
  RC_ASSERT(ledger.retains.load() == ledger.releases.load());
}

TEST(PersistentPtrCApi, HandlesShareAcrossThreads) {
  Ledger ledger;
  const rt_ptr_callbacks cb = obj_callbacks(ledger);
  rt_pdict* base = rt_persistent_pdict_empty(&cb);
  for (std::uint64_t i = 0; i < 200; ++i) {
    Obj* k = new Obj(i);
    rt_pdict* next = rt_persistent_pdict_insert(base, k, k);
    drop(k);
    rt_persistent_pdict_free(base);
    base = next;
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      rt_pdict* mine = rt_persistent_pdict_clone(base);
      for (std::uint64_t i = 0; i < 200; ++i) {
        Obj* k = new Obj(1000 + i + std::uint64_t(t) * 1000);
        rt_pdict* next = rt_persistent_pdict_insert(mine, k, k);
        drop(k);
        rt_persistent_pdict_free(mine);
        mine = next;
        Obj probe(i);
        if (rt_persistent_pdict_get(mine, &probe, nullptr) != 1) failures.fetch_add(1);
      }
      if (rt_persistent_pdict_len(mine) != 400) failures.fetch_add(1);
      rt_persistent_pdict_free(mine);
    });
  }
  for (auto& th : threads) th.join();
  rt_persistent_pdict_free(base);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ledger.retains.load(), ledger.releases.load());
}

// Freeing the last handle on a thread other than the one that built the version still ends
// every hold at once: after it, the caller may free `context`, and the building thread's later
// allocations and reclaim must not reach the callbacks (heap-use-after-free under ASan before).
TEST(PersistentPtrCApi, LastFreeOnAnotherThreadReleasesEverythingAtOnce) {
  auto ledger = std::make_unique<Ledger>();
  const rt_ptr_callbacks cb = obj_callbacks(*ledger);
  std::vector<rt_pdict*> dicts;
  std::vector<rt_pset*> sets;
  rt_pdict* d = rt_persistent_pdict_empty(&cb);
  rt_pset* s = rt_persistent_pset_empty(&cb);
  for (std::uint64_t i = 0; i < 100; ++i) {
    Obj* k = new Obj(i);
    dicts.push_back(d);
    sets.push_back(s);
    d = rt_persistent_pdict_insert(d, k, k);
    s = rt_persistent_pset_insert(s, k);
    drop(k);
  }
  dicts.push_back(d);
  sets.push_back(s);
  std::thread([&] {
    for (rt_pdict* x : dicts) rt_persistent_pdict_free(x);
    for (rt_pset* x : sets) rt_persistent_pset_free(x);
  }).join();
  EXPECT_EQ(ledger->retains.load(), ledger->releases.load());
  ledger.reset();  // the context may go once every handle is freed
  rt_dict* empty = rt_persistent_dict_empty();
  rt_dict* unrelated = rt_persistent_dict_insert(empty, 1, 2);  // a new node drains this thread's queue
  rt_persistent_reclaim();
  EXPECT_EQ(rt_persistent_dict_len(unrelated), 1);
  rt_persistent_dict_free(unrelated);
  rt_persistent_dict_free(empty);
}

}  // namespace
