// Every operation that allocates, made to fail at each of its allocations in turn: the input
// must come through unchanged (persistent operations) or still whole (transients), and no node
// may leak.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "spl/persistent/internal/test_support.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/ord_map.hpp"
#include "spl/persistent/set.hpp"
#include "spl/persistent/vector.hpp"

namespace spl::persistent {
namespace {

using test::FailingAllocator;

// Builds an input, runs `op` on it with allocation n failing for n = 0, 1, ... until `op`
// completes, and checks the input after every attempt and the result of the one that completes.
template <class Build, class Op, class CheckInput, class CheckResult>
void sweep(Build build, Op op, CheckInput check_input, CheckResult check_result) {
  for (std::int64_t fail_at = 0;; ++fail_at) {
    FailingAllocator alloc;
    bool completed = false;
    {
      ScopedNodeAllocator guard(alloc);
      auto input = build();
      alloc.arm(fail_at);
      try {
        auto result = op(input);
        alloc.disarm();
        check_result(result);
        completed = true;
      } catch (const std::bad_alloc&) {
        alloc.disarm();
      }
      check_input(input);
    }
    ASSERT_EQ(alloc.live_nodes(), 0) << "a node leaked when allocation " << fail_at << " failed";
    if (completed) return;
    ASSERT_LT(fail_at, 10000) << "the operation never completed";
  }
}

// Runs `body(alloc, fail_at)` under a fresh FailingAllocator for each fail_at below `limit`
// (the body arms it where it wants failures); every node the body made must be gone after it.
template <class Body>
void for_each_failure_point(std::int64_t limit, Body body) {
  for (std::int64_t fail_at = 0; fail_at < limit; ++fail_at) {
    FailingAllocator alloc;
    {
      ScopedNodeAllocator guard(alloc);
      body(alloc, fail_at);
    }
    ASSERT_EQ(alloc.live_nodes(), 0) << "a node leaked with allocation " << fail_at << " failing";
  }
}

std::string text(std::uint64_t i) { return "a value long enough to live on the heap, number " + std::to_string(i); }

using SMap = PersistentMap<std::string, std::string>;
using SVec = PersistentVector<std::string>;
using SOrd = PersistentOrdMap<std::int64_t, std::string>;

SMap string_map(std::uint64_t from, std::uint64_t to) {
  auto t = SMap().transient();
  for (std::uint64_t i = from; i < to; ++i) t.insert(text(i), text(i * 3));
  return std::move(t).persistent();
}

void expect_string_map(const SMap& m, std::uint64_t from, std::uint64_t to) {
  ASSERT_EQ(m.size(), to - from);
  for (std::uint64_t i = from; i < to; ++i) ASSERT_EQ(m.at(text(i)), text(i * 3));
}

TEST(AllocationFailure, MapInsertAndRemove) {
  sweep([] { return string_map(0, 3000); }, [](const SMap& m) { return m.insert(text(5000), "new"); },
        [](const SMap& m) { expect_string_map(m, 0, 3000); },
        [](const SMap& r) { EXPECT_EQ(r.size(), 3001u); });
  sweep([] { return string_map(0, 3000); }, [](const SMap& m) { return m.remove(text(17)); },
        [](const SMap& m) { expect_string_map(m, 0, 3000); },
        [](const SMap& r) { EXPECT_EQ(r.size(), 2999u); });
}

TEST(AllocationFailure, MapSetAlgebra) {
  auto both = [] { return std::make_pair(string_map(0, 400), string_map(200, 600)); };
  auto check = [](const std::pair<SMap, SMap>& p) {
    expect_string_map(p.first, 0, 400);
    expect_string_map(p.second, 200, 600);
  };
  sweep(both, [](const auto& p) { return p.first.union_with(p.second); }, check,
        [](const SMap& r) { EXPECT_EQ(r.size(), 600u); });
  sweep(both, [](const auto& p) { return p.first.intersection(p.second); }, check,
        [](const SMap& r) { EXPECT_EQ(r.size(), 200u); });
  sweep(both, [](const auto& p) { return p.first.difference(p.second); }, check,
        [](const SMap& r) { EXPECT_EQ(r.size(), 200u); });
}

// A failed transient insert leaves the transient as it was; the transient goes on working.
TEST(AllocationFailure, TransientMapInsert) {
  for_each_failure_point(4, [](FailingAllocator& alloc, std::int64_t fail_at) {
    const SMap shared = string_map(0, 2000);
    auto t = shared.transient();
    std::uint64_t next = 2000;
    for (int round = 0; round < 200; ++round, ++next) {
      alloc.arm(fail_at);
      try {
        t.insert(text(next), text(next * 3));
      } catch (const std::bad_alloc&) {
        ASSERT_FALSE(t.contains(text(next)));
        --next;
      }
      alloc.disarm();
      ASSERT_EQ(t.size(), next + 1);
    }
    const SMap m = std::move(t).persistent();
    expect_string_map(m, 0, next);
    expect_string_map(shared, 0, 2000);
  });
}

// A transient's reads are reads: with every allocation failing, an insert that cannot be done
// reports it itself, and size, find, contains and iteration neither allocate nor throw (inserts
// used to wait in a batch that the next read applied, so a read threw for an earlier insert).
TEST(AllocationFailure, TransientReadsNeverAllocate) {
  using UMap = PersistentMap<std::uint64_t, std::uint64_t>;
  FailingAllocator alloc;
  {
    ScopedNodeAllocator guard(alloc);
    auto t = UMap().transient();
    for (std::uint64_t i = 0; i < 1000; ++i) t.insert(i, i);
    const std::uint64_t* first = t.find(1);
    ASSERT_NE(first, nullptr);
    alloc.arm(0);
    EXPECT_THROW(t.insert(5000, 5), std::bad_alloc);  // a new key needs a node somewhere
    alloc.arm(0);
    std::size_t size = 0;
    std::uint64_t sum = 0;
    ASSERT_NO_THROW({
      size = t.size();
      for (const auto& [k, v] : t) sum += v;
      EXPECT_FALSE(t.contains(5000));
      EXPECT_EQ(t.find(1), first);  // an earlier find's pointer stays valid across reads
    });
    alloc.disarm();
    EXPECT_EQ(size, 1000u);
    EXPECT_EQ(sum, 999u * 1000u / 2);
  }
  EXPECT_EQ(alloc.live_nodes(), 0);
}

// A bulk insert (batched: see ChampRoot::insert_range_in_place) that fails part-way: the
// entries before the failing one are in, the rest are not, and the transient stays usable.
TEST(AllocationFailure, TransientMapInsertRange) {
  using UMap = PersistentMap<std::uint64_t, std::uint64_t>;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> input;
  for (std::uint64_t i = 0; i < 300; ++i) input.emplace_back((i * 7919) % 4000, i + 10000);
  for_each_failure_point(200, [&](FailingAllocator& alloc, std::int64_t fail_at) {
    const UMap shared = [] {
      auto b = UMap().transient();
      for (std::uint64_t i = 0; i < 3000; ++i) b.insert(i, i);
      return std::move(b).persistent();
    }();
    auto t = shared.transient();
    alloc.arm(fail_at);
    bool failed = false;
    try {
      t.insert_range(input.begin(), input.end());
    } catch (const std::bad_alloc&) {
      failed = true;
    }
    alloc.disarm();
    // The applied prefix is the longest one the map agrees with.
    std::map<std::uint64_t, std::uint64_t> model;
    for (std::uint64_t i = 0; i < 3000; ++i) model[i] = i;
    std::size_t applied = 0;
    while (applied < input.size()) {
      const auto* v = t.find(input[applied].first);
      if (!v || *v != input[applied].second) break;
      model[input[applied].first] = input[applied].second;
      ++applied;
    }
    EXPECT_EQ(applied == input.size(), !failed);
    ASSERT_EQ(t.size(), model.size());
    for (const auto& [k, v] : model) ASSERT_EQ(*t.find(k), v);
    t.insert(99999, 1);  // still usable
    const UMap m = std::move(t).persistent();
    ASSERT_EQ(m.size(), model.size() + 1);
    ASSERT_EQ(shared.size(), 3000u);
    for (std::uint64_t i = 0; i < 3000; ++i) ASSERT_EQ(shared.at(i), i);
  });
}

// Removals in a transient where every other one fails at its allocation `fail_at`: a child
// left with one entry hands it up to its parent, whose pull-up may need a new node (entries
// larger than a pointer). A failure there must leave the child, its entry and the parent as
// they were (it freed the child and lost the entry: use after free under ASan).
TEST(AllocationFailure, TransientMapRemove) {
  for_each_failure_point(2, [](FailingAllocator& alloc, std::int64_t fail_at) {
    std::uint64_t failures = 0;
    const SMap shared = string_map(0, 3000);
    auto t = shared.transient();
    std::map<std::string, std::string> model(shared.begin(), shared.end());
    for (std::uint64_t round = 0; round < 2800; ++round) {
      const std::string key = text(round * 7919 % 3000);
      const bool armed = round % 2 == 1;
      if (armed) alloc.arm(fail_at);
      try {
        if (t.remove(key)) model.erase(key);
      } catch (const std::bad_alloc&) {
        ++failures;
      }
      alloc.disarm();
      ASSERT_EQ(t.size(), model.size());
      const auto it = model.find(key);
      ASSERT_EQ(t.contains(key), it != model.end());
      if (it != model.end()) {
        ASSERT_EQ(*t.find(key), it->second);
      }
    }
    const SMap m = std::move(t).persistent();
    ASSERT_EQ(m.size(), model.size());
    for (const auto& [k, v] : model) ASSERT_EQ(m.at(k), v);
    EXPECT_TRUE(m.is_canonical());
    expect_string_map(shared, 0, 3000);
    EXPECT_GT(failures, 0u) << "allocation " << fail_at << " never failed";
  });
}

SVec string_vec(std::uint64_t n) {
  auto t = SVec().transient();
  for (std::uint64_t i = 0; i < n; ++i) t.push_back(text(i));
  return std::move(t).persistent();
}

void expect_string_vec(const SVec& v, std::uint64_t n) {
  ASSERT_EQ(v.size(), n);
  ASSERT_TRUE(v.check_invariants());
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(v[i], text(i));
}

TEST(AllocationFailure, VectorOperations) {
  constexpr std::uint64_t kN = 2000;  // two levels above the leaves, a partly full tail
  auto build = [] { return string_vec(kN); };
  auto intact = [](const SVec& v) { expect_string_vec(v, kN); };
  sweep(build, [](const SVec& v) { return v.push_back("x"); }, intact, [](const SVec& r) { EXPECT_EQ(r.size(), kN + 1); });
  sweep(build, [](const SVec& v) { return v.set(777, "x"); }, intact, [](const SVec& r) { EXPECT_EQ(r[777], "x"); });
  sweep(build, [](const SVec& v) { return v.pop_back(); }, intact, [](const SVec& r) { EXPECT_EQ(r.size(), kN - 1); });
  // A full tail goes into the tree (1056: the tree is full and grows a level), and a tail of
  // one element gives way to the tree's last leaf.
  for (std::uint64_t n : {std::uint64_t{1056}, std::uint64_t{2016}}) {
    sweep([n] { return string_vec(n); }, [](const SVec& v) { return v.push_back("x"); },
          [n](const SVec& v) { expect_string_vec(v, n); }, [n](const SVec& r) {
            ASSERT_EQ(r.size(), n + 1);
            EXPECT_TRUE(r.check_invariants());
            EXPECT_EQ(r[n], "x");
          });
  }
  sweep([] { return string_vec(2017); }, [](const SVec& v) { return v.pop_back(); },
        [](const SVec& v) { expect_string_vec(v, 2017); }, [](const SVec& r) { expect_string_vec(r, 2016); });
  sweep(build, [](const SVec& v) { return v.slice(333, 1555); }, intact, [](const SVec& r) {
    ASSERT_EQ(r.size(), 1555u - 333u);
    EXPECT_EQ(r[0], text(333));
  });
  sweep(build, [](const SVec& v) { return v.insert(1000, "x"); }, intact, [](const SVec& r) { EXPECT_EQ(r[1000], "x"); });
  sweep(build, [](const SVec& v) { return v.erase(1000); }, intact, [](const SVec& r) { EXPECT_EQ(r[1000], text(1001)); });
  // Concatenations of uneven pieces: relaxed nodes and rebalancing.
  sweep([] { return std::make_pair(string_vec(kN).slice(7, 1300), string_vec(kN).slice(5, 1900)); },
        [](const auto& p) { return p.first.concat(p.second).concat(p.first); },
        [](const auto& p) {
          ASSERT_EQ(p.first.size(), 1293u);
          ASSERT_EQ(p.second.size(), 1895u);
          EXPECT_EQ(p.first[0], text(7));
          EXPECT_EQ(p.second[0], text(5));
        },
        [](const SVec& r) {
          ASSERT_EQ(r.size(), 1293u * 2 + 1895u);
          EXPECT_TRUE(r.check_invariants());
          EXPECT_EQ(r[1293], text(5));
        });
}

SOrd string_ord(std::int64_t n) {
  auto t = SOrd().transient();
  for (std::int64_t i = 0; i < n; ++i) t.insert(i * 2, text(std::uint64_t(i)));
  return std::move(t).persistent();
}

void expect_string_ord(const SOrd& m, std::int64_t n) {
  ASSERT_EQ(m.size(), std::size_t(n));
  ASSERT_TRUE(m.check_invariants());
  std::int64_t i = 0;
  for (const auto& [k, v] : m) {
    ASSERT_EQ(k, i * 2);
    ASSERT_EQ(v, text(std::uint64_t(i)));
    ++i;
  }
}

TEST(AllocationFailure, OrdMapOperations) {
  constexpr std::int64_t kN = 3000;  // three levels
  auto build = [] { return string_ord(kN); };
  auto intact = [](const SOrd& m) { expect_string_ord(m, kN); };
  sweep(build, [](const SOrd& m) { return m.insert(1001, "x"); }, intact, [](const SOrd& r) { EXPECT_EQ(r.size(), kN + 1u); });
  sweep(build, [](const SOrd& m) { return m.remove(1000); }, intact, [](const SOrd& r) { EXPECT_EQ(r.size(), kN - 1u); });
  for (std::int64_t at : {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{2345}, 2 * kN - 2}) {
    sweep(build, [at](const SOrd& m) { return m.split(at); }, intact, [at](const auto& halves) {
      EXPECT_TRUE(halves.first.check_invariants() && halves.second.check_invariants());
      EXPECT_EQ(halves.first.size(), std::size_t((at + 1) / 2));
      EXPECT_EQ(halves.first.size() + halves.second.size(), std::size_t(kN));
    });
  }
}

void expect_ord_model(const SOrd& m, const std::map<std::int64_t, std::string>& model) {
  EXPECT_TRUE(m.check_invariants());
  const std::vector<std::pair<std::int64_t, std::string>> got(m.begin(), m.end());
  const std::vector<std::pair<std::int64_t, std::string>> expected(model.begin(), model.end());
  EXPECT_EQ(got, expected);
}

// Removals that borrow and merge in a transient: a failure leaves a whole, usable map.
TEST(AllocationFailure, TransientOrdMapRemove) {
  for_each_failure_point(6, [](FailingAllocator& alloc, std::int64_t fail_at) {
    const SOrd shared = string_ord(3000);
    auto t = shared.transient();
    std::map<std::int64_t, std::string> model(shared.begin(), shared.end());
    for (std::int64_t k = 0; k < 6000; k += 6) {
      alloc.arm(fail_at);
      try {
        if (t.remove(k)) model.erase(k);
      } catch (const std::bad_alloc&) {
      }
      alloc.disarm();
      ASSERT_EQ(t.size(), model.size());
    }
    expect_ord_model(std::move(t).persistent(), model);
    expect_string_ord(shared, 3000);
  });
}

// Updates of a vector handle held alone (`std::move(v).push_back(...)`, which reuses its box)
// that fail: the vector keeps its content, an empty one stays empty, nothing leaks.
TEST(AllocationFailure, UniqueVectorUpdates) {
  for (std::uint64_t n : {std::uint64_t{0}, std::uint64_t{32}, std::uint64_t{100}}) {
    for_each_failure_point(3, [n](FailingAllocator& alloc, std::int64_t fail_at) {
      SVec v = string_vec(n);
      alloc.arm(fail_at);
      try {
        v = std::move(v).push_back("x");
        alloc.disarm();
        ASSERT_EQ(v.size(), n + 1);
        EXPECT_EQ(v[n], "x");
      } catch (const std::bad_alloc&) {
        alloc.disarm();
        EXPECT_EQ(v.empty(), n == 0);
        expect_string_vec(v, n);
      }
    });
  }
}

// Transient vector updates where every other one fails at its allocation `fail_at`: a failed
// update changes nothing, the vector stays whole and usable, and nothing leaks.
TEST(AllocationFailure, TransientVectorUpdates) {
  for_each_failure_point(2, [](FailingAllocator& alloc, std::int64_t fail_at) {
    std::uint64_t failures = 0;
    const SVec shared = string_vec(1000);
    auto t = shared.transient();
    std::vector<std::string> model(shared.begin(), shared.end());
    for (std::uint64_t round = 0; round < 1500; ++round) {
      const bool armed = round % 2 == 1;
      if (armed) alloc.arm(fail_at);
      const std::uint64_t at = round * 7919 % model.size();
      try {
        if (round < 700) {  // grows past 1024: the tree gains a level
          t.push_back(text(round + 5000));
          model.push_back(text(round + 5000));
        } else if (round % 3 == 0) {
          t.pop_back();
          model.pop_back();
        } else {
          t.set(at, text(round));
          model[at] = text(round);
        }
      } catch (const std::bad_alloc&) {
        ++failures;
      }
      alloc.disarm();
      ASSERT_EQ(t.size(), model.size());
      ASSERT_EQ(t[at], model[at]);
      ASSERT_EQ(t[model.size() - 1], model.back());
    }
    const SVec v = std::move(t).persistent();
    ASSERT_TRUE(v.check_invariants());
    EXPECT_EQ(std::vector<std::string>(v.begin(), v.end()), model);
    expect_string_vec(shared, 1000);
    EXPECT_GT(failures, 0u) << "allocation " << fail_at << " never failed";
  });
}

// Transient inserts (splits in place) and removals (borrowing and merging in place) where
// every third one fails at its allocation `fail_at`: as for vectors.
TEST(AllocationFailure, TransientOrdMapUpdates) {
  for_each_failure_point(2, [](FailingAllocator& alloc, std::int64_t fail_at) {
    std::uint64_t failures = 0;
    const SOrd shared = string_ord(3000);
    auto t = shared.transient();
    std::map<std::int64_t, std::string> model(shared.begin(), shared.end());
    for (std::int64_t round = 0; round < 3000; ++round) {
      const bool armed = round % 3 == 1;  // keys of both parities (odd ones are the inserted ones)
      if (armed) alloc.arm(fail_at);
      // Updates crowd into the low keys, so that leaves the transient already owns fill up and
      // split, or run short beside shared siblings.
      const std::int64_t key = round < 1200 ? round * 7919 % 600 * 2 + 1 : round * 7919 % 2400;
      bool failed = false;
      try {
        if (round < 1200) {  // new keys, then replacements
          t.insert(key, text(std::uint64_t(round)));
          model[key] = text(std::uint64_t(round));
        } else if (t.remove(key)) {
          model.erase(key);
        }
      } catch (const std::bad_alloc&) {
        failed = true;
        ++failures;
      }
      alloc.disarm();
      ASSERT_EQ(t.size(), model.size());
      const auto it = model.find(key);
      ASSERT_EQ(t.contains(key), it != model.end());
      if (it != model.end()) {
        ASSERT_EQ(*t.find(key), it->second);
      }
      if (failed || round % 64 == 0) {  // the snapshot goes before the next update: t's nodes stay its own
        const SOrd snapshot = std::move(t).persistent();
        ASSERT_TRUE(snapshot.check_invariants());
        t = snapshot.transient();
      }
    }
    expect_ord_model(std::move(t).persistent(), model);
    expect_string_ord(shared, 3000);
    EXPECT_GT(failures, 0u) << "allocation " << fail_at << " never failed";
  });
}

}  // namespace
}  // namespace spl::persistent
