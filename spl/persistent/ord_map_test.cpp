#include "spl/persistent/ord_map.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "spl/persistent/alloc.hpp"
#include "spl/persistent/ord_set.hpp"

namespace spl::persistent {
namespace {

using OMap = PersistentOrdMap<std::int64_t, std::int64_t>;

template <class M>
std::vector<std::pair<std::int64_t, std::int64_t>> items(const M& m) {
  return {m.begin(), m.end()};
}

TEST(PersistentOrdMap, OrderedQueries) {
  OMap m;
  for (std::int64_t i = 0; i < 2000; ++i) m = std::move(m).insert((i * 7919) % 2000 * 2, i);
  ASSERT_TRUE(m.check_invariants());
  EXPECT_EQ(m.size(), 2000u);
  EXPECT_EQ(m.first()->first, 0);
  EXPECT_EQ(m.last()->first, 3998);
  EXPECT_EQ(m.lower_bound(11)->first, 12);
  EXPECT_EQ(m.lower_bound(12)->first, 12);
  EXPECT_EQ(m.upper_bound(12)->first, 14);
  EXPECT_EQ(m.lower_bound(3999), m.end());
  std::vector<std::int64_t> keys;
  for (const auto& [k, v] : m.range(100, 110)) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::int64_t>{100, 102, 104, 106, 108}));
  EXPECT_EQ(m.range(10, 5).begin(), m.end());
  auto [lo, hi] = m.split(1001);
  EXPECT_EQ(lo.size(), 501u);
  EXPECT_EQ(hi.size(), 1499u);
  EXPECT_EQ(lo.last()->first, 1000);
  EXPECT_EQ(hi.first()->first, 1002);
  EXPECT_TRUE(lo.check_invariants());
  EXPECT_TRUE(hi.check_invariants());
  OMap empty;
  EXPECT_EQ(empty.first(), nullptr);
  EXPECT_EQ(empty.last(), nullptr);
  EXPECT_EQ(empty.begin(), empty.end());
}

TEST(PersistentOrdMap, VersionsAndNoLeaks) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    PersistentOrdMap<std::string, int> m;
    std::vector<PersistentOrdMap<std::string, int>> versions;
    for (int i = 0; i < 1500; ++i) {
      m = m.insert("k" + std::to_string(i), i);
      if (i % 100 == 0) versions.push_back(m);
    }
    for (int i = 0; i < 1500; i += 2) m = m.remove("k" + std::to_string(i));
    EXPECT_EQ(m.size(), 750u);
    EXPECT_TRUE(m.check_invariants());
    for (std::size_t k = 0; k < versions.size(); ++k) {
      ASSERT_EQ(versions[k].size(), k * 100 + 1);
      ASSERT_TRUE(versions[k].check_invariants());
    }
    auto t = m.transient();
    t.insert("zz", 1);
    EXPECT_TRUE(t.remove("k1"));
    EXPECT_FALSE(t.remove("k0"));
    auto sealed = std::move(t).persistent();
    EXPECT_TRUE(m.contains("k1"));
    EXPECT_FALSE(sealed.contains("k1"));
    EXPECT_EQ(sealed.at("zz"), 1);
    EXPECT_EQ(m.update_with("k1", [](const int* v) { return *v * 10; }).at("k1"), 10);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

RC_GTEST_PROP(PersistentOrdMapProperty, MatchesStdMap,
              (const std::vector<std::tuple<int, std::int16_t, std::int64_t>>& ops)) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    using LMap = PersistentOrdMap<std::int64_t, std::int64_t, std::less<std::int64_t>, spl::Local>;
    LMap m;
    std::map<std::int64_t, std::int64_t> model;
    std::vector<std::pair<LMap, std::map<std::int64_t, std::int64_t>>> history;
    for (const auto& [op, key16, value] : ops) {
      const std::int64_t key = key16 % 700;
      switch (op % 6) {
        case 0:
          m = m.insert(key, value);
          model[key] = value;
          break;
        case 1:  // a burst of in-place inserts, to reach several levels
          for (std::int64_t k = key; k < key + 60; ++k) {
            m = std::move(m).insert(k, value);
            model[k] = value;
          }
          break;
        case 2:
          m = m.remove(key);
          model.erase(key);
          break;
        case 3:  // a burst of removals, to exercise borrowing and merging
          for (std::int64_t k = key; k < key + 40; ++k) {
            m = m.remove(k);
            model.erase(k);
          }
          break;
        case 4: {  // a transient sharing nodes with the history: removals copy, then edit in place
          auto t = m.transient();
          for (std::int64_t k = key; k < key + 50; ++k) {
            RC_ASSERT(t.remove(k) == (model.erase(k) == 1));
            if (k % 7 == 0) {
              t.insert(k + 1000, value);
              model[k + 1000] = value;
            }
          }
          m = std::move(t).persistent();
          break;
        }
        default: {
          auto lb = m.lower_bound(key);
          auto mlb = model.lower_bound(key);
          RC_ASSERT((lb == m.end()) == (mlb == model.end()));
          if (mlb != model.end()) RC_ASSERT(lb->first == mlb->first);
          auto ub = m.upper_bound(key);
          auto mub = model.upper_bound(key);
          RC_ASSERT((ub == m.end()) == (mub == model.end()));
          if (mub != model.end()) RC_ASSERT(ub->first == mub->first);
          auto [lo, hi] = m.split(key);
          RC_ASSERT(lo.size() == std::size_t(std::distance(model.begin(), mlb)));
          RC_ASSERT(lo.size() + hi.size() == model.size());
          break;
        }
      }
      RC_ASSERT(m.check_invariants());
      history.emplace_back(m, model);
    }
    for (const auto& [version, snapshot] : history) {
      RC_ASSERT(version.size() == snapshot.size());
      const std::vector<std::pair<std::int64_t, std::int64_t>> expected(snapshot.begin(), snapshot.end());
      RC_ASSERT(items(version) == expected);
      if (!snapshot.empty()) {
        RC_ASSERT(version.first()->first == snapshot.begin()->first);
        RC_ASSERT(version.last()->first == snapshot.rbegin()->first);
      }
    }
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

RC_GTEST_PROP(PersistentOrdMapProperty, SplitMatchesStdMapPartition,
              (std::uint16_t size, const std::vector<std::uint16_t>& removed, std::int32_t at)) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    OMap m;
    std::map<std::int64_t, std::int64_t> model;
    for (std::int64_t k = 0; k < size % 6000; ++k) {
      m = std::move(m).insert(k * 3, k);
      model.emplace(k * 3, k);
    }
    for (std::uint16_t r : removed) {
      m = m.remove(r);
      model.erase(r);
    }
    const std::int64_t key = at % 20000;
    auto [lo, hi] = m.split(key);
    RC_ASSERT(lo.check_invariants());
    RC_ASSERT(hi.check_invariants());
    const auto cut = model.lower_bound(key);
    const std::vector<std::pair<std::int64_t, std::int64_t>> expect_lo(model.begin(), cut), expect_hi(cut, model.end());
    RC_ASSERT(items(lo) == expect_lo);
    RC_ASSERT(items(hi) == expect_hi);
    RC_ASSERT(lo.size() == expect_lo.size() && hi.size() == expect_hi.size());
    // The source is untouched and the halves are ordinary maps.
    const std::vector<std::pair<std::int64_t, std::int64_t>> expect_all(model.begin(), model.end());
    RC_ASSERT(items(m) == expect_all);
    RC_ASSERT(m.check_invariants());
    const OMap lo2 = lo.insert(key - 1, 7).remove(0);
    const OMap hi2 = hi.insert(key, 8);
    RC_ASSERT(lo2.check_invariants() && hi2.check_invariants());
    RC_ASSERT(*hi2.find(key) == 8);
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

TEST(PersistentOrdMap, SplitIsLogarithmicAndAbsentRemoveAllocatesNothing) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    OMap m;
    for (std::int64_t k = 0; k < 200000; ++k) m = std::move(m).insert(k * 2, k);
    const std::int64_t before = counter.total_allocations();
    auto [lo, hi] = m.split(123457);
    // A copied path and a few joined nodes per level (4 levels); a rebuild would allocate
    // thousands of nodes.
    EXPECT_LT(counter.total_allocations() - before, 60);
    EXPECT_EQ(lo.size(), 61729u);
    EXPECT_EQ(hi.size(), 200000u - 61729u);
    EXPECT_TRUE(lo.check_invariants() && hi.check_invariants());

    const std::int64_t before_remove = counter.total_allocations();
    const OMap same = m.remove(7);  // odd keys are absent
    EXPECT_EQ(counter.total_allocations(), before_remove);
    EXPECT_EQ(same.identity(), m.identity());
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentOrdMap, TransientRemovalEditsItsOwnNodesInPlace) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    auto t = OMap().transient();
    for (std::int64_t k = 0; k < 20000; ++k) t.insert(k, -k);
    const OMap snapshot = std::move(t).persistent();
    t = snapshot.transient();
    const std::int64_t first_removal = counter.total_allocations();
    ASSERT_TRUE(t.remove(0));
    // The first removal copies the shared path (and the siblings it borrows from or merges with).
    EXPECT_LT(counter.total_allocations() - first_removal, 12);
    for (std::int64_t k = 1; k < 20000; k += 2) ASSERT_TRUE(t.remove(k));
    const std::int64_t after = counter.total_allocations();
    for (std::int64_t k = 2; k < 20000; k += 4) ASSERT_TRUE(t.remove(k));
    ASSERT_FALSE(t.remove(2));
    // Nodes the transient copied or owns are edited, borrowed from and merged in place; only
    // still-shared siblings are copied.
    EXPECT_LT(counter.total_allocations() - after, 400);
    const OMap m = std::move(t).persistent();
    EXPECT_TRUE(m.check_invariants());
    ASSERT_EQ(m.size(), 4999u);  // the multiples of 4 but 0
    std::int64_t expect = 4;
    for (const auto& [k, v] : m) {
      ASSERT_EQ(k, expect);
      ASSERT_EQ(v, -k);
      expect += 4;
    }
    ASSERT_EQ(snapshot.size(), 20000u);
    EXPECT_TRUE(snapshot.check_invariants());
    std::int64_t k = 0;
    for (const auto& [key, value] : snapshot) {
      ASSERT_EQ(key, k);
      ASSERT_EQ(value, -k);
      ++k;
    }
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentOrdSet, Basics) {
  PersistentOrdSet<int> s{5, 1, 3};
  auto t = s.insert(4).remove(1);
  EXPECT_EQ(std::vector<int>(s.begin(), s.end()), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(std::vector<int>(t.begin(), t.end()), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(*t.first(), 3);
  EXPECT_EQ(*t.last(), 5);
  EXPECT_EQ(*t.lower_bound(4), 4);
  EXPECT_EQ(*t.upper_bound(4), 5);
  auto [lo, hi] = t.split(4);
  EXPECT_EQ(lo, PersistentOrdSet<int>{3});
  EXPECT_EQ(hi, (PersistentOrdSet<int>{4, 5}));
  int n = 0;
  for (int k : t.range(3, 5)) n += k;
  EXPECT_EQ(n, 7);
}

}  // namespace
}  // namespace spl::persistent
