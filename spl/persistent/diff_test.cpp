// diff(before, after) for PersistentVector, PersistentOrdMap and PersistentOrdSet against a
// plain model, and proof by counted comparisons that shared subtrees are skipped.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "spl/base/hash.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/ord_map.hpp"
#include "spl/persistent/ord_set.hpp"
#include "spl/persistent/vector.hpp"

namespace spl::persistent {
namespace {

// Counts every comparison made through it, so a test can bound the work a diff does.
std::uint64_t g_comparisons = 0;

struct Counted {
  std::uint64_t v = 0;
  explicit operator std::uint64_t() const noexcept { return v; }
  friend bool operator==(const Counted& a, const Counted& b) {
    ++g_comparisons;
    return a.v == b.v;
  }
};

struct CountingLess {
  bool operator()(std::uint64_t a, std::uint64_t b) const {
    ++g_comparisons;
    return a < b;
  }
};

struct CountingEq {
  bool operator()(std::uint64_t a, std::uint64_t b) const {
    ++g_comparisons;
    return a == b;
  }
};

using Change = std::tuple<std::size_t, std::optional<std::uint64_t>, std::optional<std::uint64_t>>;

template <class V>
std::vector<Change> vector_diff(const V& before, const V& after) {
  std::vector<Change> out;
  diff(before, after, [&](std::size_t i, const auto* b, const auto* a) {
    auto value = [](const auto* p) { return p ? std::optional<std::uint64_t>(std::uint64_t(*p)) : std::nullopt; };
    out.emplace_back(i, value(b), value(a));
  });
  return out;
}

std::vector<Change> expected_vector_diff(const std::vector<std::uint64_t>& b, const std::vector<std::uint64_t>& a) {
  std::vector<Change> out;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const auto x = i < b.size() ? std::optional(b[i]) : std::nullopt;
    const auto y = i < a.size() ? std::optional(a[i]) : std::nullopt;
    if (x != y) out.emplace_back(i, x, y);
  }
  return out;
}

// Operations: 0 set, 1 push_back, 2 pop_back, 3 slice off the front, 4 concat with the base.
RC_GTEST_PROP(PersistentVectorDiff, ReportsExactlyTheChangedIndices,
              (std::uint16_t base_size, const std::vector<std::tuple<std::uint8_t, std::uint16_t, std::uint8_t>>& ops)) {
  using V = PersistentVector<std::uint64_t>;
  std::vector<std::uint64_t> model;
  for (std::uint64_t i = 0; i < base_size % 3000; ++i) model.push_back(i);
  const V before(model.begin(), model.end());
  const std::vector<std::uint64_t> before_model = model;
  V after = before;
  for (const auto& [op, where, value] : ops) {
    switch (op % 5) {
      case 0:
        if (!model.empty()) {
          const std::size_t i = where % model.size();
          model[i] = value;
          after = after.set(i, value);
        }
        break;
      case 1:
        model.push_back(value);
        after = after.push_back(value);
        break;
      case 2:
        if (!model.empty()) {
          model.pop_back();
          after = after.pop_back();
        }
        break;
      case 3:
        if (!model.empty()) {
          const std::size_t n = where % model.size();
          model.erase(model.begin(), model.begin() + std::ptrdiff_t(n));
          after = after.drop(n);
        }
        break;
      default:
        model.insert(model.end(), before_model.begin(), before_model.end());
        after = after.concat(before);
        break;
    }
  }
  RC_ASSERT(vector_diff(before, after) == expected_vector_diff(before_model, model));
  RC_ASSERT(vector_diff(after, before) == expected_vector_diff(model, before_model));
  RC_ASSERT(std::vector<std::uint64_t>(before.begin(), before.end()) == before_model);
}

TEST(PersistentVectorDiff, SkipsSharedSubtrees) {
  using V = PersistentVector<Counted>;
  auto t = V().transient();
  for (std::uint64_t i = 0; i < 100000; ++i) t.push_back(Counted{i});
  const V big = std::move(t).persistent();
  const V edited = big.set(12345, Counted{1}).set(77777, Counted{2}).push_back(Counted{3});
  g_comparisons = 0;
  const auto changes = vector_diff(big, edited);
  EXPECT_EQ(changes.size(), 3u);
  // Two changed leaves of 32 elements and the tails; a walk would compare 100,000.
  EXPECT_LE(g_comparisons, 200u);
  g_comparisons = 0;
  EXPECT_TRUE(vector_diff(big, big).empty());
  EXPECT_EQ(g_comparisons, 0u);
  // A taller tree against a shorter one still lines up on the shared left part.
  const V grown = big.concat(big).concat(big).concat(big);
  g_comparisons = 0;
  EXPECT_EQ(vector_diff(big, grown).size(), 300000u);
}

using OrdEdits = std::vector<std::tuple<bool, std::uint16_t, std::uint8_t>>;

RC_GTEST_PROP(PersistentOrdMapDiff, ReportsExactlyTheChangedKeys, (std::uint16_t base_size, const OrdEdits& edits)) {
  using M = PersistentOrdMap<std::uint64_t, std::uint64_t>;
  std::map<std::uint64_t, std::uint64_t> model;
  M before;
  for (std::uint64_t i = 0; i < base_size % 2000; ++i) {
    before = std::move(before).insert(i * 2, i);
    model.emplace(i * 2, i);
  }
  const auto before_model = model;
  M after = before;
  for (const auto& [add, key, value] : edits) {
    const std::uint64_t k = key % 4100;
    if (add) {
      after = after.insert(k, value);
      model[k] = value;
    } else {
      after = after.remove(k);
      model.erase(k);
    }
  }
  std::vector<Change> expected, seen;
  for (std::uint64_t k = 0; k < 4100; ++k) {
    auto x = before_model.count(k) ? std::optional(before_model.at(k)) : std::nullopt;
    auto y = model.count(k) ? std::optional(model.at(k)) : std::nullopt;
    if (x != y) expected.emplace_back(k, x, y);
  }
  diff(before, after, [&](std::uint64_t k, const std::uint64_t* b, const std::uint64_t* a) {
    seen.emplace_back(k, b ? std::optional(*b) : std::nullopt, a ? std::optional(*a) : std::nullopt);
  });
  RC_ASSERT(seen == expected);
  const std::map<std::uint64_t, std::uint64_t> before_now(before.begin(), before.end());
  RC_ASSERT(before_now == before_model);
}

RC_GTEST_PROP(PersistentOrdSetDiff, ReportsExactlyTheChangedKeys,
              (const std::vector<std::uint16_t>& base, const std::vector<std::pair<bool, std::uint16_t>>& edits)) {
  using S = PersistentOrdSet<std::uint64_t>;
  const S before(base.begin(), base.end());
  S after = before;
  for (const auto& [add, k] : edits) after = add ? after.insert(k) : after.remove(k);
  std::vector<std::pair<std::uint64_t, bool>> expected, seen;
  const std::set<std::uint64_t> b(before.begin(), before.end()), a(after.begin(), after.end());
  for (std::uint64_t k : b) {
    if (!a.count(k)) expected.emplace_back(k, false);
  }
  for (std::uint64_t k : a) {
    if (!b.count(k)) expected.emplace_back(k, true);
  }
  std::sort(expected.begin(), expected.end());
  diff(before, after, [&](std::uint64_t k, bool present) { seen.emplace_back(k, present); });
  RC_ASSERT(seen == expected);
}

TEST(PersistentOrdMapDiff, SkipsSharedNodes) {
  using M = PersistentOrdMap<std::uint64_t, std::uint64_t, CountingLess>;
  M big;
  for (std::uint64_t i = 0; i < 100000; ++i) big = std::move(big).insert(i * 2, i);
  const M edited = big.insert(5, 1).remove(50000).insert(123456, 7).insert(150000, 0);
  g_comparisons = 0;
  std::vector<std::uint64_t> keys;
  diff(big, edited, [&](std::uint64_t k, const std::uint64_t*, const std::uint64_t*) { keys.push_back(k); });
  EXPECT_EQ(keys, (std::vector<std::uint64_t>{5, 50000, 123456, 150000}));
  // Four changed leaves (about 31 entries each, a few comparisons per entry); a walk of the
  // whole map would compare at least 100,000 times.
  EXPECT_LT(g_comparisons, 2000u);
}

TEST(PersistentMapDiff, ComparesOnlyAlongTheChangedPaths) {
  using M = PersistentMap<std::uint64_t, std::uint64_t, spl::Hash<std::uint64_t>, CountingEq>;
  M big;
  for (std::uint64_t i = 0; i < 100000; ++i) big = std::move(big).insert(i, i);
  const M edited = big.insert(5, 6).remove(7).insert(200000, 1);
  g_comparisons = 0;
  std::size_t changes = 0;
  diff(big, edited, [&](std::uint64_t, const std::uint64_t*, const std::uint64_t*) { ++changes; });
  EXPECT_EQ(changes, 3u);
  EXPECT_LT(g_comparisons, 200u);
}

}  // namespace
}  // namespace spl::persistent
