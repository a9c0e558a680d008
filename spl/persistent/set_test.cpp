#include "spl/persistent/set.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "spl/persistent/alloc.hpp"
#include "spl/persistent/internal/test_support.hpp"

namespace spl::persistent {
namespace {

using Set = PersistentSet<std::uint64_t>;

TEST(PersistentSet, InsertRemoveContains) {
  Set s{1, 2, 3};
  Set t = s.insert(4).remove(1);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.contains(1));
  EXPECT_FALSE(s.contains(4));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_FALSE(t.contains(1));
  EXPECT_TRUE(t.contains(4));
  EXPECT_EQ(t.remove(99), t);
  EXPECT_EQ(Set({3, 2, 4}), t);
  EXPECT_NE(s, t);
}

TEST(PersistentSet, TransientAndRvalueUpdates) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    Set s;
    for (std::uint64_t i = 0; i < 1000; ++i) s = std::move(s).insert(i);
    auto t = s.transient();
    for (std::uint64_t i = 0; i < 1000; i += 2) EXPECT_TRUE(t.remove(i));
    Set odd = std::move(t).persistent();
    EXPECT_EQ(s.size(), 1000u);
    EXPECT_EQ(odd.size(), 500u);
    std::uint64_t sum = 0;
    for (std::uint64_t k : odd) sum += k;
    EXPECT_EQ(sum, 500u * 500u);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

// Inserts of u64 keys wait in a batch; reads, removes and sealing see them all.
TEST(PersistentSet, TransientSeesInsertsBeforeTheyAreApplied) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    const Set base{1, 2, 3};
    auto t = base.transient();
    std::set<std::uint64_t> model{1, 2, 3};
    for (std::uint64_t i = 0; i < 100; ++i) {
      t.insert(i * 3);
      model.insert(i * 3);
      if (i % 7 == 0) {
        EXPECT_TRUE(t.contains(i * 3));
        EXPECT_EQ(t.size(), model.size());
      }
      if (i % 11 == 0) {
        EXPECT_TRUE(t.remove(i * 3));
        model.erase(i * 3);
      }
    }
    EXPECT_EQ(std::set<std::uint64_t>(t.begin(), t.end()), model);
    t.insert(1000);
    model.insert(1000);
    const Set s = std::move(t).persistent();
    EXPECT_EQ(std::set<std::uint64_t>(s.begin(), s.end()), model);
    EXPECT_EQ(std::set<std::uint64_t>(base.begin(), base.end()), (std::set<std::uint64_t>{1, 2, 3}));
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

RC_GTEST_PROP(PersistentSetProperty, MatchesStdSetWithCollisions,
              (const std::vector<std::pair<bool, std::uint8_t>>& ops)) {
  using BadSet = PersistentSet<std::uint64_t, test::CoarseHash, std::equal_to<std::uint64_t>, spl::Local>;
  BadSet s;
  std::set<std::uint64_t> model;
  std::vector<std::pair<BadSet, std::set<std::uint64_t>>> history;
  for (const auto& [add, key] : ops) {
    if (add) {
      s = s.insert(key);
      model.insert(key);
    } else {
      s = std::move(s).remove(key);
      model.erase(key);
    }
    history.emplace_back(s, model);
  }
  for (const auto& [version, snapshot] : history) {
    RC_ASSERT(version.size() == snapshot.size());
    std::set<std::uint64_t> seen(version.begin(), version.end());
    RC_ASSERT(seen == snapshot);
  }
}

}  // namespace
}  // namespace spl::persistent
