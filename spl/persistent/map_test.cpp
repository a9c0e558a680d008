#include "spl/persistent/map.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "spl/persistent/alloc.hpp"
#include "spl/persistent/internal/test_support.hpp"

namespace spl::persistent {
namespace {

using Map = PersistentMap<std::uint64_t, std::uint64_t>;
using LocalMap = LocalPersistentMap<std::uint64_t, std::uint64_t>;

template <class M>
std::map<typename M::key_type, typename M::mapped_type> to_std(const M& m) {
  std::map<typename M::key_type, typename M::mapped_type> out;
  for (const auto& [k, v] : m) EXPECT_TRUE(out.emplace(k, v).second) << "key visited twice";
  return out;
}

TEST(PersistentMap, EmptyMap) {
  Map m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.find(1), nullptr);
  EXPECT_FALSE(m.contains(1));
  EXPECT_EQ(m.begin(), m.end());
  EXPECT_THROW((void)m.at(1), std::out_of_range);
  EXPECT_EQ(m.remove(1).size(), 0u);
  EXPECT_EQ(m, Map{});
}

TEST(PersistentMap, InsertKeepsOldVersion) {
  Map a;
  Map b = a.insert(1, 10);
  Map c = b.insert(2, 20);
  Map d = c.insert(1, 11);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(b.at(1), 10u);
  EXPECT_EQ(c.at(1), 10u);
  EXPECT_EQ(d.at(1), 11u);
  EXPECT_EQ(d.at(2), 20u);
  EXPECT_FALSE(b.contains(2));
}

TEST(PersistentMap, RemoveKeepsOldVersionAndAbsentKeyGivesEqualMap) {
  Map m = Map{{1, 10}, {2, 20}, {3, 30}};
  Map r = m.remove(2);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_FALSE(r.contains(2));
  EXPECT_TRUE(m.contains(2));
  Map same = r.remove(99);
  EXPECT_EQ(same, r);
  EXPECT_EQ(same.identity(), r.identity());
  EXPECT_EQ(r.remove(1).remove(3).size(), 0u);
  EXPECT_TRUE(r.remove(1).remove(3).empty());
}

TEST(PersistentMap, CloneIsConstantTimeAndShares) {
  Map m;
  for (std::uint64_t i = 0; i < 1000; ++i) m = std::move(m).insert(i, i * 2);
  Map copy = m;
  EXPECT_EQ(copy.identity(), m.identity());
  EXPECT_EQ(copy, m);
}

TEST(PersistentMap, EqualityIgnoresInsertionOrderAndHistory) {
  Map a, b;
  for (std::uint64_t i = 0; i < 500; ++i) a = a.insert(i, i);
  for (std::uint64_t i = 500; i-- > 0;) b = b.insert(i, i);
  EXPECT_EQ(a, b);
  // A removal brings the trie back to the canonical shape of the smaller content.
  Map c = a.insert(1000, 1).remove(1000);
  EXPECT_EQ(c, a);
  EXPECT_TRUE(c.is_canonical());
  EXPECT_EQ(c.node_count(), a.node_count());
  EXPECT_NE(a.insert(3, 4), a);
  EXPECT_NE(a.remove(3), a);
  // Same content gives the same iteration order.
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST(PersistentMap, RemovingEverythingKeepsCanonicalShape) {
  Map m;
  for (std::uint64_t i = 0; i < 3000; ++i) m = std::move(m).insert(i, i);
  for (std::uint64_t i = 0; i < 3000; i += 2) {
    m = m.remove(i);
    ASSERT_TRUE(m.is_canonical()) << i;
  }
  EXPECT_EQ(m.size(), 1500u);
  for (std::uint64_t i = 1; i < 3000; i += 2) m = std::move(m).remove(i);
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.node_count(), 0u);
}

TEST(PersistentMap, UpdateWith) {
  Map m{{1, 5}};
  auto add_one = [](const std::uint64_t* old) { return old ? *old + 1 : 100; };
  Map m2 = m.update_with(1, add_one).update_with(2, add_one);
  EXPECT_EQ(m.at(1), 5u);
  EXPECT_EQ(m2.at(1), 6u);
  EXPECT_EQ(m2.at(2), 100u);
  Map m3 = std::move(m2).update_with(2, add_one);
  EXPECT_EQ(m3.at(2), 101u);
}

TEST(PersistentMap, BulkBuildLaterDuplicatesWin) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> v{{1, 1}, {2, 2}, {1, 3}};
  Map m(v.begin(), v.end());
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at(1), 3u);
}

TEST(PersistentMap, StringKeysAndValues) {
  using SMap = PersistentMap<std::string, std::string>;
  SMap m;
  for (int i = 0; i < 300; ++i) m = m.insert("key number " + std::to_string(i), std::string(40, char('a' + i % 26)));
  SMap old = m;
  for (int i = 0; i < 300; i += 3) m = std::move(m).remove("key number " + std::to_string(i));
  EXPECT_EQ(m.size(), 200u);
  EXPECT_EQ(old.size(), 300u);
  EXPECT_EQ(*old.find("key number 3"), std::string(40, 'd'));
  EXPECT_EQ(m.find("key number 3"), nullptr);
  auto t = m.transient();
  t.insert("fresh", "value");
  t.update_with("fresh", [](const std::string* s) { return *s + "!"; });
  SMap sealed = std::move(t).persistent();
  EXPECT_EQ(sealed.at("fresh"), "value!");
  EXPECT_FALSE(m.contains("fresh"));
}

TEST(PersistentMap, RvalueInsertChangesUniqueMapInPlace) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    LocalMap m;
    for (std::uint64_t i = 0; i < 2000; ++i) m = std::move(m).insert(i, i);
    const auto before = counter.total_allocations();
    const void* root = m.identity();
    // Replacing values of a uniquely held map allocates nothing.
    for (std::uint64_t i = 0; i < 2000; ++i) m = std::move(m).insert(i, i + 1);
    EXPECT_EQ(counter.total_allocations(), before);
    EXPECT_EQ(m.identity(), root);
    EXPECT_EQ(m.at(7), 8u);
    // The same on a shared map copies, and leaves the other owner untouched.
    LocalMap keep = m;
    m = std::move(m).insert(7, 0);
    EXPECT_NE(m.identity(), keep.identity());
    EXPECT_EQ(keep.at(7), 8u);
    EXPECT_EQ(m.at(7), 0u);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
  EXPECT_EQ(counter.live_bytes(), 0);
}

TEST(PersistentMap, FindMutableChangesOnlyAnUnsharedPath) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    LocalMap m;
    for (std::uint64_t i = 0; i < 2000; ++i) m = std::move(m).insert(i, i);
    const auto before = counter.total_allocations();
    for (std::uint64_t i = 0; i < 2000; ++i) {
      std::uint64_t* v = m.find_mutable(i);
      ASSERT_NE(v, nullptr);
      *v += 1;
    }
    EXPECT_EQ(counter.total_allocations(), before);
    EXPECT_EQ(m.at(7), 8u);
    EXPECT_EQ(m.find_mutable(5000), nullptr);
    // Shared with another version: nothing is handed out, so that version cannot change.
    LocalMap keep = m;
    EXPECT_EQ(m.find_mutable(7), nullptr);
    // An update copies the path to 7; that path is then this map's alone, the rest still shared.
    m = std::move(m).insert(7, 100);
    ASSERT_NE(m.find_mutable(7), nullptr);
    *m.find_mutable(7) = 101;
    EXPECT_EQ(m.find_mutable(8), nullptr);
    EXPECT_EQ(keep.at(7), 8u);
    EXPECT_EQ(m.at(7), 101u);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentMap, TransientNeverTouchesSharedNodes) {
  Map base;
  for (std::uint64_t i = 0; i < 5000; ++i) base = std::move(base).insert(i, i);
  const auto base_copy = to_std(base);
  auto t = base.transient();
  for (std::uint64_t i = 0; i < 5000; i += 2) t.insert(i, 0);
  for (std::uint64_t i = 1; i < 5000; i += 4) EXPECT_TRUE(t.remove(i));
  EXPECT_FALSE(t.remove(1));
  for (std::uint64_t i = 5000; i < 6000; ++i) t.insert(i, i);
  Map changed = std::move(t).persistent();
  EXPECT_EQ(to_std(base), base_copy);
  EXPECT_EQ(changed.size(), 5000u - 1250u + 1000u);
  EXPECT_EQ(changed.at(2), 0u);
  EXPECT_FALSE(changed.contains(1));
  EXPECT_EQ(changed.at(3), 3u);
  EXPECT_TRUE(changed.is_canonical());
}

TEST(PersistentMap, EveryNodeFreedWhenLastOwnerGoes) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    std::vector<Map> versions;
    Map m;
    for (std::uint64_t i = 0; i < 3000; ++i) {
      m = m.insert(i * 7919, i);
      if (i % 97 == 0) versions.push_back(m);
    }
    for (std::uint64_t i = 0; i < 3000; i += 3) {
      m = m.remove(i * 7919);
      if (i % 89 == 0) versions.push_back(m);
    }
    EXPECT_GT(counter.live_nodes(), 0);
    versions.clear();
  }
  EXPECT_EQ(counter.live_nodes(), 0);
  EXPECT_EQ(counter.live_bytes(), 0);
}

TEST(PersistentMap, NodesStayCompact) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  LocalMap copied;
  for (std::uint64_t i = 0; i < 100000; ++i) copied = copied.insert(i, i);
  // Path copies are exact: 16 bytes of payload per entry plus a header and a child pointer per node.
  const double exact = double(counter.live_bytes()) / double(copied.size());
  EXPECT_LT(exact, 30.0);
  EXPECT_GE(exact, 16.0);
  const std::int64_t before = counter.live_bytes();
  LocalMap grown;
  for (std::uint64_t i = 0; i < 100000; ++i) grown = std::move(grown).insert(i, i);
  // Nodes grown in place get room up to the next 64 bytes: at most 32 bytes per node on average.
  const double with_room = double(counter.live_bytes() - before) / double(grown.size());
  EXPECT_GE(with_room, exact);
  EXPECT_LT(with_room, exact * 1.3);
  EXPECT_EQ(grown, copied);
}

// Keys long enough to live on the heap: moving one leaves an empty string behind, so an entry
// shifted wrongly inside a node shows up as a lost or doubled key.
std::string long_key(std::uint64_t i) { return "a key that is well past the small-string buffer #" + std::to_string(i); }

template <class Hash>
void grow_in_place_with_strings(std::uint64_t n) {
  using SMap = PersistentMap<std::string, std::string, Hash>;
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    std::vector<SMap> snapshots;
    auto t = SMap().transient();
    for (std::uint64_t i = 0; i < n; ++i) {
      t.insert(long_key(i), long_key(i * 7));
      if (i % 97 == 0) {  // the snapshot shares every node, so the transient must copy before growing
        snapshots.push_back(std::move(t).persistent());
        t = snapshots.back().transient();
      }
    }
    const SMap m = std::move(t).persistent();
    ASSERT_EQ(m.size(), n);
    for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(m.at(long_key(i)), long_key(i * 7)) << i;
    for (std::size_t s = 0; s < snapshots.size(); ++s) {
      const std::uint64_t size = s * 97 + 1;
      ASSERT_EQ(snapshots[s].size(), size);
      for (std::uint64_t i = 0; i < size; ++i) ASSERT_EQ(snapshots[s].at(long_key(i)), long_key(i * 7));
      ASSERT_FALSE(snapshots[s].contains(long_key(size)));
    }
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

struct StringHash {
  std::uint64_t operator()(const std::string& s) const noexcept { return std::hash<std::string>{}(s) * 0x9e3779b97f4a7c15ULL; }
};
struct CoarseStringHash {
  std::uint64_t operator()(const std::string& s) const noexcept { return (std::hash<std::string>{}(s) % 13) << 59; }
};

TEST(PersistentMap, TransientGrowsNodesInPlaceWithStringEntries) { grow_in_place_with_strings<StringHash>(5000); }
TEST(PersistentMap, TransientGrowsNodesInPlaceWithFewDistinctHashes) {
  grow_in_place_with_strings<CoarseStringHash>(600);
}

TEST(PersistentMap, TransientRemovalEditsOwnedNodesInPlace) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    auto t = LocalMap().transient();
    for (std::uint64_t i = 0; i < 20000; ++i) t.insert(i, i);
    const std::int64_t before = counter.total_allocations();
    for (std::uint64_t i = 0; i < 20000; i += 2) ASSERT_TRUE(t.remove(i));
    // Entries leave their nodes in place; a lone entry pulled up into its parent needs a new
    // node only when the parent has no room for it (16-byte entries replacing 8-byte pointers).
    EXPECT_LT(counter.total_allocations() - before, 500);
    const LocalMap m = std::move(t).persistent();
    EXPECT_TRUE(m.is_canonical());
    ASSERT_EQ(m.size(), 10000u);
    for (std::uint64_t i = 0; i < 20000; ++i) ASSERT_EQ(m.contains(i), i % 2 == 1) << i;
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentMap, TransientRemovalWithStringEntriesKeepsSnapshots) {
  using SMap = PersistentMap<std::string, std::string, StringHash>;
  auto t = SMap().transient();
  for (std::uint64_t i = 0; i < 3000; ++i) t.insert(long_key(i), long_key(i + 1));
  const SMap full = std::move(t).persistent();
  t = full.transient();
  for (std::uint64_t i = 0; i < 3000; i += 3) ASSERT_TRUE(t.remove(long_key(i)));
  const SMap thinned = std::move(t).persistent();
  EXPECT_TRUE(thinned.is_canonical());
  ASSERT_EQ(thinned.size(), 2000u);
  ASSERT_EQ(full.size(), 3000u);
  for (std::uint64_t i = 0; i < 3000; ++i) {
    ASSERT_EQ(full.at(long_key(i)), long_key(i + 1));
    if (i % 3 == 0) {
      ASSERT_FALSE(thinned.contains(long_key(i)));
    } else {
      ASSERT_EQ(thinned.at(long_key(i)), long_key(i + 1));
    }
  }
}

// 16-byte aligned values: pushing an entry down may move the entries by 0 or 16 bytes.
struct alignas(16) Wide {
  std::uint64_t lo;
  std::uint64_t hi;
  friend bool operator==(const Wide&, const Wide&) = default;
};

TEST(PersistentMap, TransientGrowsNodesInPlaceWithOverAlignedValues) {
  using WMap = PersistentMap<std::uint64_t, Wide>;
  auto t = WMap().transient();
  std::unordered_map<std::uint64_t, Wide> model;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const std::uint64_t k = i * 0x9e3779b97f4a7c15ULL;
    t.insert(k, Wide{i, ~i});
    model[k] = Wide{i, ~i};
  }
  const WMap m = std::move(t).persistent();
  ASSERT_EQ(m.size(), model.size());
  for (const auto& [k, v] : model) ASSERT_EQ(m.at(k), v);
  EXPECT_TRUE(m.is_canonical());
}

template <class Hash>
void exercise_bad_hash() {
  using BadMap = PersistentMap<std::uint64_t, std::uint64_t, Hash>;
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    BadMap m;
    std::vector<BadMap> versions;
    for (std::uint64_t i = 0; i < 300; ++i) {
      m = (i % 2) ? m.insert(i, i) : std::move(m).insert(i, i);
      versions.push_back(m);
    }
    for (std::uint64_t i = 0; i < 300; ++i) {
      ASSERT_EQ(versions[i].size(), i + 1);
      ASSERT_EQ(versions[i].at(i), i);
      ASSERT_FALSE(versions[i].contains(i + 1));
    }
    BadMap reordered;
    for (std::uint64_t i = 300; i-- > 0;) reordered = reordered.insert(i, i);
    EXPECT_EQ(reordered, m);
    EXPECT_NE(reordered.insert(5, 6), m);
    for (std::uint64_t i = 0; i < 300; i += 2) m = (i % 4) ? m.remove(i) : std::move(m).remove(i);
    EXPECT_EQ(m.size(), 150u);
    EXPECT_TRUE(m.is_canonical());
    for (std::uint64_t i = 0; i < 300; ++i) ASSERT_EQ(m.contains(i), i % 2 == 1) << i;
    EXPECT_EQ(to_std(m).size(), 150u);
    for (std::uint64_t i = 1; i < 300; i += 2) m = m.remove(i);
    EXPECT_TRUE(m.empty());
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentMap, AllKeysCollide) { exercise_bad_hash<test::ConstantHash>(); }
TEST(PersistentMap, FewDistinctHashes) { exercise_bad_hash<test::CoarseHash>(); }
TEST(PersistentMap, HashesDifferingInTopBitsOnly) { exercise_bad_hash<test::HighBitsHash>(); }

// Random operation sequences against std::unordered_map; every earlier version is kept and
// checked at the end against the model's snapshot.
template <class M>
void check_against_model(const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    M m;
    std::unordered_map<std::uint64_t, std::uint64_t> model;
    std::vector<std::pair<M, std::unordered_map<std::uint64_t, std::uint64_t>>> history;
    std::optional<typename M::transient_type> transient;
    for (const auto& [op, key8, value] : ops) {
      const std::uint64_t key = key8;
      switch (op % 6) {
        case 0:
          m = m.insert(key, value);
          model[key] = value;
          break;
        case 1:
          m = std::move(m).insert(key, value);
          model[key] = value;
          break;
        case 2:
          m = m.remove(key);
          model.erase(key);
          break;
        case 3:
          m = std::move(m).remove(key);
          model.erase(key);
          break;
        case 4: {
          auto t = m.transient();
          t.insert(key, value);
          t.remove(key + 1);
          m = std::move(t).persistent();
          model[key] = value;
          model.erase(key + 1);
          break;
        }
        default:
          m = m.update_with(key, [&](const std::uint64_t* old) { return old ? *old + value : value; });
          model[key] = model.count(key) ? model[key] + value : value;
          break;
      }
      RC_ASSERT(m.size() == model.size());
      const std::uint64_t probe = key;
      RC_ASSERT(m.contains(probe) == (model.count(probe) == 1));
      history.emplace_back(m, model);
    }
    for (const auto& [version, snapshot] : history) {
      RC_ASSERT(version.size() == snapshot.size());
      RC_ASSERT(version.is_canonical());
      std::size_t seen = 0;
      for (const auto& [k, v] : version) {
        auto it = snapshot.find(k);
        RC_ASSERT(it != snapshot.end());
        RC_ASSERT(it->second == v);
        ++seen;
      }
      RC_ASSERT(seen == snapshot.size());
      for (const auto& [k, v] : snapshot) RC_ASSERT(*version.find(k) == v);
    }
    for (std::size_t i = 1; i < history.size(); ++i) {
      RC_ASSERT((history[i].first == history[i - 1].first) == (history[i].second == history[i - 1].second));
    }
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

// find_mutable against a model, with snapshots taken and dropped along the way: it finds every
// present key while nothing else shares the map, and a change through it never reaches a snapshot.
template <class M>
void check_find_mutable_against_model(const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    using Model = std::unordered_map<std::uint64_t, std::uint64_t>;
    M m;
    Model model;
    std::vector<std::pair<M, Model>> snapshots;
    for (const auto& [op, key8, value] : ops) {
      const std::uint64_t key = key8;
      switch (op % 5) {
        case 0:
        case 1:
          m = std::move(m).insert(key, value);
          model[key] = value;
          break;
        case 2:
          if (std::uint64_t* v = m.find_mutable(key)) {
            RC_ASSERT(model.count(key) == 1u);
            RC_ASSERT(*v == model[key]);
            *v = value;
            model[key] = value;
          } else {
            RC_ASSERT(model.count(key) == 0u || !snapshots.empty());
          }
          break;
        case 3: snapshots.emplace_back(m, model); break;
        default:
          if (!snapshots.empty()) snapshots.erase(snapshots.begin());
          break;
      }
      RC_ASSERT(m.size() == model.size());
      for (const auto& [k, v] : model) RC_ASSERT(*m.find(k) == v);
    }
    for (const auto& [version, snapshot] : snapshots) {
      RC_ASSERT(version.size() == snapshot.size());
      for (const auto& [k, v] : snapshot) RC_ASSERT(*version.find(k) == v);
    }
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

RC_GTEST_PROP(PersistentMapProperty, FindMutableMatchesModelLocal,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_find_mutable_against_model<LocalMap>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, FindMutableMatchesModelAtomic,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_find_mutable_against_model<Map>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, FindMutableMatchesModelWithCollidingHash,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_find_mutable_against_model<PersistentMap<std::uint64_t, std::uint64_t, test::ConstantHash>>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, MatchesUnorderedMapAtomic,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_against_model<Map>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, MatchesUnorderedMapLocal,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_against_model<LocalMap>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, MatchesUnorderedMapWithCollidingHash,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_against_model<PersistentMap<std::uint64_t, std::uint64_t, test::CoarseHash>>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, MatchesUnorderedMapWithTopBitHash,
              (const std::vector<std::tuple<int, std::uint8_t, std::uint64_t>>& ops)) {
  check_against_model<PersistentMap<std::uint64_t, std::uint64_t, test::HighBitsHash>>(ops);
}

// A long-lived transient under a random mix of operations, bulk inserts (batched inside
// insert_range) among them: every operation sees every insert that returned, in order (keys
// repeat within a range, removes and lookups follow inserts of the same key), and copies and
// sealed versions stay independent.
template <class M>
void check_transient_against_model(const std::vector<std::tuple<std::uint8_t, std::uint16_t, std::uint64_t>>& ops) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    std::unordered_map<std::uint64_t, std::uint64_t> model;
    std::vector<std::pair<M, std::unordered_map<std::uint64_t, std::uint64_t>>> sealed;
    auto t = M().transient();
    for (const auto& [op, key16, value] : ops) {
      const std::uint64_t key = key16 % 300;
      switch (op % 11) {
        case 0:
        case 1:
        case 2:
        case 3:
          t.insert(key, value);
          model[key] = value;
          break;
        case 4:
          RC_ASSERT(t.remove(key) == (model.erase(key) == 1));
          break;
        case 5: {
          const std::uint64_t* found = t.find(key);
          const auto it = model.find(key);
          RC_ASSERT((found != nullptr) == (it != model.end()));
          if (found) RC_ASSERT(*found == it->second);
          break;
        }
        case 6:
          t.update_with(key, [&](const std::uint64_t* old) { return old ? *old + value : value; });
          model[key] = model.count(key) ? model[key] + value : value;
          break;
        case 7:
          RC_ASSERT(t.size() == model.size());
          break;
        case 8: {
          auto copy = t;
          copy.insert(key + 1000, value);
          sealed.emplace_back(std::move(copy).persistent(), model);
          sealed.back().second[key + 1000] = value;
          break;
        }
        case 9: {
          const std::pair<std::uint64_t, std::uint64_t> range[] = {
              {key, value}, {(key + 7) % 300, value + 1}, {key, value + 2}};
          t.insert_range(std::begin(range), std::end(range));
          model[(key + 7) % 300] = value + 1;
          model[key] = value + 2;
          break;
        }
        default: {
          auto moved = std::move(t);
          RC_ASSERT(t.empty());
          t = std::move(moved);
          break;
        }
      }
      RC_ASSERT(t.empty() == model.empty());
    }
    std::size_t seen = 0;
    for (const auto& [k, v] : t) {
      RC_ASSERT(model.count(k) == 1);
      RC_ASSERT(model.at(k) == v);
      ++seen;
    }
    RC_ASSERT(seen == model.size());
    sealed.emplace_back(std::move(t).persistent(), model);
    for (const auto& [version, snapshot] : sealed) {
      RC_ASSERT(version.size() == snapshot.size());
      RC_ASSERT(version.is_canonical());
      for (const auto& [k, v] : snapshot) RC_ASSERT(version.find(k) && *version.find(k) == v);
    }
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

RC_GTEST_PROP(PersistentMapProperty, TransientMatchesUnorderedMapAtomic,
              (const std::vector<std::tuple<std::uint8_t, std::uint16_t, std::uint64_t>>& ops)) {
  check_transient_against_model<Map>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, TransientMatchesUnorderedMapLocal,
              (const std::vector<std::tuple<std::uint8_t, std::uint16_t, std::uint64_t>>& ops)) {
  check_transient_against_model<LocalMap>(ops);
}

RC_GTEST_PROP(PersistentMapProperty, TransientMatchesUnorderedMapWithCollidingHash,
              (const std::vector<std::tuple<std::uint8_t, std::uint16_t, std::uint64_t>>& ops)) {
  check_transient_against_model<PersistentMap<std::uint64_t, std::uint64_t, test::CoarseHash>>(ops);
}

// insert_range applies in order (a later duplicate wins) across batch boundaries, and agrees
// with one insert at a time.
TEST(PersistentMap, TransientInsertRangeMatchesSingleInserts) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> input;
  for (std::uint64_t i = 0; i < 5000; ++i) input.emplace_back(i * 2654435761u % 3000, i);
  auto bulk = Map().transient();
  bulk.insert_range(input.begin(), input.end());
  auto single = Map().transient();
  for (const auto& [k, v] : input) single.insert(k, v);
  EXPECT_EQ(bulk.size(), single.size());
  const Map a = std::move(bulk).persistent();
  const Map b = std::move(single).persistent();
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.is_canonical());
  EXPECT_EQ(Map(input.begin(), input.end()), a);
}

// A transient handed to another thread: the nodes its first thread made are not that thread's
// to change in place (their biased counts are unreadable there), so the first write to each is
// a copy, and the copies belong to the new thread: writing the same keys again allocates
// nothing, rather than copying the path on every edit.
TEST(PersistentMap, TransientMovedToAnotherThreadCopiesEachNodeOnce) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    auto t = Map().transient();
    for (std::uint64_t i = 0; i < 20000; ++i) t.insert(i, i);
    std::int64_t first_pass = 0, second_pass = 0;
    std::thread([&] {
      auto mine = std::move(t);
      std::int64_t before = counter.total_allocations();
      for (std::uint64_t i = 0; i < 100; ++i) mine.insert(i, i + 1);
      first_pass = counter.total_allocations() - before;
      before = counter.total_allocations();
      for (std::uint64_t i = 0; i < 100; ++i) mine.insert(i, i + 2);
      second_pass = counter.total_allocations() - before;
      for (std::uint64_t i = 0; i < 50; ++i) EXPECT_TRUE(mine.remove(i));
      EXPECT_EQ(mine.size(), 19950u);
      EXPECT_EQ(*mine.find(60), 62u);
      t = std::move(mine);
    }).join();
    EXPECT_GT(first_pass, 0);
    EXPECT_EQ(second_pass, 0);
    const Map m = std::move(t).persistent();
    EXPECT_EQ(m.size(), 19950u);
  }
  spl::drain_deferred_releases();
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentMap, TransientSeesEveryInsert) {
  auto t = Map().transient();
  EXPECT_TRUE(t.empty());
  t.insert(1, 10);
  EXPECT_FALSE(t.empty());
  t.insert(1, 11);
  t.insert(2, 20);
  ASSERT_NE(t.find(1), nullptr);
  EXPECT_EQ(*t.find(1), 11u);
  EXPECT_EQ(t.size(), 2u);
  t.insert(3, 30);
  EXPECT_TRUE(t.remove(3));
  EXPECT_FALSE(t.contains(3));
  t.insert(4, 40);
  std::map<std::uint64_t, std::uint64_t> seen(t.begin(), t.end());
  EXPECT_EQ(seen, (std::map<std::uint64_t, std::uint64_t>{{1, 11}, {2, 20}, {4, 40}}));
  t.insert(5, 50);
  const Map m = std::move(t).persistent();
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m.at(5), 50u);
}

// Threads share one Atomic map, each deriving and dropping its own versions (run under TSan).
TEST(PersistentMap, AtomicVersionsSharedAcrossThreads) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    Map base;
    for (std::uint64_t i = 0; i < 4000; ++i) base = std::move(base).insert(i, i);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        Map mine = base;
        for (std::uint64_t round = 0; round < 3; ++round) {
          Map local = mine;
          for (std::uint64_t i = 0; i < 4000; i += 7) local = std::move(local).insert(i, i + 1 + t);
          for (std::uint64_t i = 1; i < 4000; i += 11) {
            if (i % 7 != 0) local = local.remove(i);
          }
          for (std::uint64_t i = 0; i < 4000; i += 7) {
            if (local.at(i) != i + 1 + t) failures.fetch_add(1);
          }
          if (base.size() != 4000 || base.at(14) != 14) failures.fetch_add(1);
          mine = local.insert(100000 + round, 0);
        }
        std::uint64_t sum = 0;
        for (const auto& [k, v] : base) sum += v - k;
        if (sum != 0) failures.fetch_add(1);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    for (std::uint64_t i = 0; i < 4000; ++i) ASSERT_EQ(base.at(i), i);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

// A node's size is kept in one byte: every size rounds up to one the byte holds exactly, by at
// most an eighth (8 bytes below 1 KiB).
TEST(ChampNodeBytes, RoundsUpToSizesTheByteHolds) {
  using internal::NodeBytes;
  for (std::size_t bytes = 1; bytes <= NodeBytes::kMax; bytes = bytes < 4096 ? bytes + 1 : bytes + bytes / 97) {
    const std::size_t r = NodeBytes::round_up(bytes);
    ASSERT_GE(r, bytes);
    ASSERT_LE(r, std::max(bytes + 7, bytes + bytes / 8)) << bytes;
    ASSERT_EQ(NodeBytes::decode(NodeBytes::encode(r)), r) << bytes;
  }
  EXPECT_THROW(NodeBytes::round_up(NodeBytes::kMax + 1), std::length_error);
}

// Collision nodes past 1 KiB use the coarser sizes; what is freed must match what was allocated.
TEST(PersistentMap, LargeCollisionNodesFreeWhatTheyAllocated) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    using Colliding = PersistentMap<std::uint64_t, std::uint64_t, test::ConstantHash>;
    Colliding m;
    std::vector<Colliding> versions;
    for (std::uint64_t i = 0; i < 300; ++i) {
      m = m.insert(i, i);
      if (i % 50 == 0) versions.push_back(m);
    }
    auto t = m.transient();
    for (std::uint64_t i = 0; i < 300; i += 2) t.remove(i);
    m = std::move(t).persistent();
    EXPECT_EQ(m.size(), 150u);
    EXPECT_EQ(versions.back().size(), 251u);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
  EXPECT_EQ(counter.live_bytes(), 0);
}

// Maps change hands between threads: built on one, updated (in place where it may be) and
// dropped on another, including after the thread that built them has exited. Reference counts
// are biased to the thread that made each node; every node must still be freed, once the
// threads that own nodes dropped elsewhere have drained their queues.
TEST(PersistentMap, AtomicMapsMoveBetweenThreads) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  std::atomic<int> failures{0};
  auto check = [&](const Map& m, std::uint64_t n, std::uint64_t delta) {
    if (m.size() != n) failures.fetch_add(1);
    for (std::uint64_t i = 0; i < n; i += 13) {
      if (m.at(i) != i + delta) failures.fetch_add(1);
    }
  };
  {
    Map made_here;
    for (std::uint64_t i = 0; i < 3000; ++i) made_here = std::move(made_here).insert(i, i);
    Map made_there;
    std::thread([&] {
      Map mine = std::move(made_here);  // the last reference, dropped on this thread
      auto t = std::move(mine).transient();
      for (std::uint64_t i = 0; i < 3000; ++i) t.insert(i, i + 1);
      check(std::move(t).persistent(), 3000, 1);
      for (std::uint64_t i = 0; i < 3000; ++i) made_there = std::move(made_there).insert(i, i + 2);
    }).join();
    // The builder has exited: its nodes are merged by the threads that drop them.
    check(made_there, 3000, 2);
    Map shared = made_there;
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        Map local = shared;
        for (std::uint64_t i = 0; i < 3000; i += 3) local = std::move(local).insert(i, i + 2);
        for (std::uint64_t i = 1; i < 3000; i += 3) local = local.insert(i, i + 2);
        check(local, 3000, 2);
        if (t == 0) made_there = Map();
      });
    }
    for (auto& th : threads) th.join();
    check(shared, 3000, 2);
  }
  EXPECT_GT(counter.live_nodes(), 0);  // this thread's nodes that other threads dropped wait for it
  drain_deferred_releases();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(counter.live_nodes(), 0);
}

}  // namespace
}  // namespace spl::persistent

namespace spl::persistent {
namespace {

template <class M>
std::map<std::uint64_t, std::pair<std::optional<std::uint64_t>, std::optional<std::uint64_t>>> collect_diff(
    const M& before, const M& after) {
  std::map<std::uint64_t, std::pair<std::optional<std::uint64_t>, std::optional<std::uint64_t>>> out;
  diff(before, after, [&](const std::uint64_t& k, const std::uint64_t* b, const std::uint64_t* a) {
    EXPECT_TRUE(out.emplace(k, std::make_pair(b ? std::optional(*b) : std::nullopt, a ? std::optional(*a) : std::nullopt))
                    .second);
  });
  return out;
}

template <class M>
void check_diff(const std::vector<std::pair<std::uint8_t, std::uint8_t>>& base_keys,
                const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits) {
  M before;
  for (const auto& [k, v] : base_keys) before = before.insert(k, v);
  M after = before;
  for (const auto& [add, k, v] : edits) after = add ? after.insert(k, v) : after.remove(k);
  std::map<std::uint64_t, std::pair<std::optional<std::uint64_t>, std::optional<std::uint64_t>>> expected;
  for (std::uint64_t k = 0; k < 256; ++k) {
    const std::uint64_t* b = before.find(k);
    const std::uint64_t* a = after.find(k);
    if ((b == nullptr) != (a == nullptr) || (b && *b != *a)) {
      expected[k] = {b ? std::optional(*b) : std::nullopt, a ? std::optional(*a) : std::nullopt};
    }
  }
  RC_ASSERT(collect_diff(before, after) == expected);
}

RC_GTEST_PROP(PersistentMapDiff, ReportsExactlyTheChangedKeys,
              (const std::vector<std::pair<std::uint8_t, std::uint8_t>>& base,
               const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits)) {
  check_diff<Map>(base, edits);
}

RC_GTEST_PROP(PersistentMapDiff, ReportsExactlyTheChangedKeysWithCollisions,
              (const std::vector<std::pair<std::uint8_t, std::uint8_t>>& base,
               const std::vector<std::tuple<bool, std::uint8_t, std::uint8_t>>& edits)) {
  check_diff<PersistentMap<std::uint64_t, std::uint64_t, test::CoarseHash>>(base, edits);
}

TEST(PersistentMapDiff, VisitsOnlyTheChangedPath) {
  Map big;
  for (std::uint64_t i = 0; i < 100000; ++i) big = std::move(big).insert(i, i);
  Map changed = big.insert(5, 6).remove(7).insert(200000, 1);
  EXPECT_EQ(collect_diff(big, changed).size(), 3u);
  EXPECT_TRUE(collect_diff(big, big).empty());
}

}  // namespace
}  // namespace spl::persistent
