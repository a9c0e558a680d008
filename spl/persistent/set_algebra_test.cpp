// Union, intersection and difference of PersistentMap / PersistentSet against std::map and
// std::set, including the reuse of shared subtrees.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "spl/persistent/alloc.hpp"
#include "spl/persistent/internal/test_support.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/set.hpp"

namespace spl::persistent {
namespace {

using Model = std::map<std::uint64_t, std::uint64_t>;

template <class M>
Model to_model(const M& m) {
  Model out;
  for (const auto& [k, v] : m) out.emplace(k, v);
  return out;
}

// Two maps that share structure: both start from `base`, then each gets its own edits.
struct Pair {
  Model base;
  std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>> edits_a, edits_b;
};

template <class M>
M apply(M m, const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits) {
  for (const auto& [add, k, v] : edits) m = add ? m.insert(k, v) : m.remove(k);
  return m;
}

template <class M>
void check_algebra(const std::vector<std::pair<std::uint8_t, std::uint8_t>>& base_entries,
                   const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits_a,
                   const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits_b, bool independent) {
  M base;
  for (const auto& [k, v] : base_entries) base = base.insert(k, v);
  const M a = apply(base, edits_a);
  const M b = apply(independent ? M{} : base, edits_b);
  const Model ma = to_model(a), mb = to_model(b);

  Model uni = ma, inter, diff_ab, merged = ma;
  for (const auto& [k, v] : mb) {
    uni.emplace(k, v);
    auto it = merged.find(k);
    if (it == merged.end()) {
      merged.emplace(k, v);
    } else {
      it->second = it->second * 3 + v + k;
    }
  }
  for (const auto& [k, v] : ma) {
    (mb.count(k) ? inter : diff_ab).emplace(k, v);
  }

  const M u = a.union_with(b);
  const M w = a.union_with(b, [](std::uint64_t k, std::uint64_t x, std::uint64_t y) { return x * 3 + y + k; });
  const M i = a.intersection(b);
  const M d = a.difference(b);
  RC_ASSERT(to_model(u) == uni);
  RC_ASSERT(to_model(w) == merged);
  RC_ASSERT(to_model(i) == inter);
  RC_ASSERT(to_model(d) == diff_ab);
  for (const M* r : {&u, &w, &i, &d}) {
    RC_ASSERT(r->is_canonical());
    RC_ASSERT(r->size() == static_cast<std::size_t>(std::distance(r->begin(), r->end())));
  }
  // Results equal (shape and all) a map built directly from the expected content.
  RC_ASSERT(u == M(uni.begin(), uni.end()));
  RC_ASSERT(i == M(inter.begin(), inter.end()));
  RC_ASSERT(d == M(diff_ab.begin(), diff_ab.end()));
  // The inputs are untouched.
  RC_ASSERT(to_model(a) == ma);
  RC_ASSERT(to_model(b) == mb);
}

using Entries = std::vector<std::pair<std::uint8_t, std::uint8_t>>;
using Edits = std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>;

RC_GTEST_PROP(PersistentMapAlgebra, MatchesStdMapOnRelatedMaps,
              (const Entries& base, const Edits& ea, const Edits& eb)) {
  check_algebra<PersistentMap<std::uint64_t, std::uint64_t>>(base, ea, eb, false);
}

RC_GTEST_PROP(PersistentMapAlgebra, MatchesStdMapOnIndependentMaps,
              (const Entries& base, const Edits& ea, const Edits& eb)) {
  check_algebra<LocalPersistentMap<std::uint64_t, std::uint64_t>>(base, ea, eb, true);
}

RC_GTEST_PROP(PersistentMapAlgebra, MatchesStdMapWithCollisions, (const Entries& base, const Edits& ea, const Edits& eb)) {
  const bool independent = *rc::gen::arbitrary<bool>();
  check_algebra<PersistentMap<std::uint64_t, std::uint64_t, test::CoarseHash>>(base, ea, eb, independent);
}

RC_GTEST_PROP(PersistentMapAlgebra, MatchesStdMapWithTopBitHashes, (const Entries& base, const Edits& ea, const Edits& eb)) {
  const bool independent = *rc::gen::arbitrary<bool>();
  check_algebra<PersistentMap<std::uint64_t, std::uint64_t, test::HighBitsHash>>(base, ea, eb, independent);
}

RC_GTEST_PROP(PersistentSetAlgebra, MatchesStdSet,
              (const std::vector<std::uint8_t>& base, const std::vector<std::pair<bool, std::uint8_t>>& ea,
               const std::vector<std::pair<bool, std::uint8_t>>& eb)) {
  using S = PersistentSet<std::uint64_t, test::CoarseHash>;
  S s0(base.begin(), base.end());
  S a = s0, b = *rc::gen::arbitrary<bool>() ? s0 : S{};
  for (const auto& [add, k] : ea) a = add ? a.insert(k) : a.remove(k);
  for (const auto& [add, k] : eb) b = add ? b.insert(k) : b.remove(k);
  const std::set<std::uint64_t> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::set<std::uint64_t> uni, inter, diff_ab;
  std::set_union(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(uni, uni.end()));
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(inter, inter.end()));
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(diff_ab, diff_ab.end()));
  const S u = a | b, i = a & b, d = a - b;
  RC_ASSERT(std::set<std::uint64_t>(u.begin(), u.end()) == uni);
  RC_ASSERT(std::set<std::uint64_t>(i.begin(), i.end()) == inter);
  RC_ASSERT(std::set<std::uint64_t>(d.begin(), d.end()) == diff_ab);
  RC_ASSERT(u.size() == uni.size() && i.size() == inter.size() && d.size() == diff_ab.size());
  RC_ASSERT(u == S(uni.begin(), uni.end()) && i == S(inter.begin(), inter.end()) && d == S(diff_ab.begin(), diff_ab.end()));
  RC_ASSERT(std::set<std::uint64_t>(a.begin(), a.end()) == sa && std::set<std::uint64_t>(b.begin(), b.end()) == sb);
}

TEST(PersistentMapAlgebra, EmptySidesAndSelf) {
  using M = PersistentMap<std::uint64_t, std::uint64_t>;
  const M a{{1, 10}, {2, 20}};
  const M none;
  EXPECT_EQ(a.union_with(none).identity(), a.identity());
  EXPECT_EQ(none.union_with(a).identity(), a.identity());
  EXPECT_TRUE(a.intersection(none).empty());
  EXPECT_EQ(a.difference(none).identity(), a.identity());
  EXPECT_EQ(a.union_with(a).identity(), a.identity());
  EXPECT_EQ(a.intersection(a).identity(), a.identity());
  EXPECT_TRUE(a.difference(a).empty());
  const M doubled = a.union_with(a, [](std::uint64_t, std::uint64_t x, std::uint64_t y) { return x + y; });
  EXPECT_EQ(doubled.at(1), 20u);
  EXPECT_EQ(doubled.at(2), 40u);
  EXPECT_EQ(a.at(1), 10u);
}

// Combining a large map with a small edit of itself allocates O(change), not O(n), and the
// results reuse the untouched parts of the inputs.
TEST(PersistentMapAlgebra, SharedSubtreesAreReusedNotCopied) {
  CountingAllocator counter;
  {
    ScopedNodeAllocator scope(counter);
    using M = PersistentMap<std::uint64_t, std::uint64_t>;
    M big;
    for (std::uint64_t i = 0; i < 100000; ++i) big = std::move(big).insert(i, i);
    const M edited = big.insert(5, 6).remove(7).insert(200000, 1);
    const std::int64_t nodes_before = counter.live_nodes();
    const std::int64_t allocations_before = counter.total_allocations();

    const M u = big.union_with(edited);
    const M i = big.intersection(edited);
    const M d = edited.difference(big);
    const M same = big.union_with(big.insert(5, 99));  // left wins everywhere: big itself
    const std::int64_t allocations = counter.total_allocations() - allocations_before;
    // Each result rebuilds at most the few paths touched by the edit (depth ~4 each).
    EXPECT_LT(allocations, 60);
    EXPECT_LT(counter.live_nodes() - nodes_before, 60);

    EXPECT_EQ(u.size(), 100001u);
    EXPECT_EQ(u.at(5), 5u);
    EXPECT_EQ(u.at(7), 7u);
    EXPECT_EQ(u.at(200000), 1u);
    EXPECT_EQ(i.size(), 99999u);
    EXPECT_FALSE(i.contains(7));
    EXPECT_EQ(i.at(5), 5u);
    EXPECT_EQ(d.size(), 1u);
    EXPECT_EQ(d.at(200000), 1u);
    EXPECT_EQ(same.identity(), big.identity());
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentSetAlgebra, SetDiffReportsAddedAndRemovedKeys) {
  using S = PersistentSet<std::uint64_t>;
  S big;
  for (std::uint64_t i = 0; i < 50000; ++i) big = std::move(big).insert(i);
  const S after = big.remove(10).insert(70000);
  std::map<std::uint64_t, bool> seen;
  diff(big, after, [&](std::uint64_t k, bool present) { seen.emplace(k, present); });
  EXPECT_EQ(seen, (std::map<std::uint64_t, bool>{{10, false}, {70000, true}}));
}

RC_GTEST_PROP(PersistentSetDiff, ReportsExactlyTheChangedKeys,
              (const std::vector<std::uint8_t>& base, const std::vector<std::pair<bool, std::uint8_t>>& edits)) {
  using S = PersistentSet<std::uint64_t, test::CoarseHash>;
  const S before(base.begin(), base.end());
  S after = before;
  for (const auto& [add, k] : edits) after = add ? after.insert(k) : after.remove(k);
  std::map<std::uint64_t, bool> expected, seen;
  for (std::uint64_t k = 0; k < 256; ++k) {
    if (before.contains(k) != after.contains(k)) expected[k] = after.contains(k);
  }
  diff(before, after, [&](std::uint64_t k, bool present) { RC_ASSERT(seen.emplace(k, present).second); });
  RC_ASSERT(seen == expected);
}

}  // namespace
}  // namespace spl::persistent
