#include "spl/persistent/vector.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "spl/persistent/alloc.hpp"

namespace spl::persistent {
namespace {

using Vec = PersistentVector<std::uint64_t>;
using LocalVec = LocalPersistentVector<std::uint64_t>;

template <class V>
std::vector<typename V::value_type> to_std(const V& v) {
  return std::vector<typename V::value_type>(v.begin(), v.end());
}

std::vector<std::uint64_t> iota(std::uint64_t from, std::uint64_t n) {
  std::vector<std::uint64_t> out(n);
  for (std::uint64_t i = 0; i < n; ++i) out[i] = from + i;
  return out;
}

Vec build(std::uint64_t from, std::uint64_t n) {
  auto t = Vec().transient();
  for (std::uint64_t i = 0; i < n; ++i) t.push_back(from + i);
  return std::move(t).persistent();
}

TEST(PersistentVector, Empty) {
  Vec v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end());
  EXPECT_THROW((void)v.at(0), std::out_of_range);
  EXPECT_THROW((void)v.pop_back(), std::out_of_range);
  EXPECT_THROW((void)v.set(0, 1), std::out_of_range);
  EXPECT_TRUE(v.check_invariants());
  EXPECT_EQ(v.concat(v), v);
  EXPECT_EQ(v.slice(0, 0), v);
}

TEST(PersistentVector, PushGetSetPopAcrossLevels) {
  Vec v;
  std::vector<Vec> versions;
  const std::uint64_t n = 40000;  // three tree levels
  for (std::uint64_t i = 0; i < n; ++i) {
    v = (i % 3 == 0) ? v.push_back(i) : std::move(v).push_back(i);
    if (i % 1001 == 0) versions.push_back(v);
  }
  ASSERT_TRUE(v.check_invariants());
  EXPECT_EQ(v.size(), n);
  for (std::uint64_t i = 0; i < n; i += 7) ASSERT_EQ(v[i], i);
  Vec w = v.set(5, 555).set(n - 1, 777).set(20000, 2);
  EXPECT_EQ(w[5], 555u);
  EXPECT_EQ(w[n - 1], 777u);
  EXPECT_EQ(w[20000], 2u);
  EXPECT_EQ(v[5], 5u);
  EXPECT_EQ(v[20000], 20000u);
  for (std::size_t k = 0; k < versions.size(); ++k) {
    ASSERT_EQ(versions[k].size(), k * 1001 + 1);
    ASSERT_EQ(versions[k].back(), k * 1001);
    ASSERT_TRUE(versions[k].check_invariants());
  }
  Vec p = v;
  for (std::uint64_t i = 0; i < n - 10; ++i) p = (i % 2) ? p.pop_back() : std::move(p).pop_back();
  EXPECT_EQ(p.size(), 10u);
  EXPECT_EQ(to_std(p), iota(0, 10));
  EXPECT_TRUE(p.check_invariants());
  EXPECT_EQ(v.size(), n);
}

TEST(PersistentVector, ConcatLargeIsLogarithmicAndCorrect) {
  Vec a = build(0, 500000);
  Vec b = build(500000, 500000);
  CountingAllocator counter;
  Vec c;
  {
    ScopedNodeAllocator scope(counter);
    c = a.concat(b);
  }
  // A logarithmic concat makes a few nodes per level along the seam (height 4-5 here); a
  // rebuild would make one per 32 elements (over 31,000).
  EXPECT_LE(counter.total_allocations(), 200) << "concat copied far more than its seam";
  ASSERT_TRUE(c.check_invariants());
  ASSERT_EQ(c.size(), 1000000u);
  for (std::uint64_t i = 0; i < 1000000; ++i) ASSERT_EQ(c[i], i) << i;
  EXPECT_LE(c.height(), 5u);
  EXPECT_EQ(a.size(), 500000u);
  EXPECT_EQ(b[0], 500000u);
}

TEST(PersistentVector, ManySmallConcatsKeepHeightLogarithmic) {
  Vec v;
  std::vector<std::uint64_t> model;
  std::uint64_t next = 0;
  for (int round = 0; round < 1500; ++round) {
    const std::uint64_t len = 1 + (round * 37) % 70;
    Vec piece = build(next, len);
    for (std::uint64_t i = 0; i < len; ++i) model.push_back(next + i);
    next += len;
    v = (round % 2) ? v.concat(piece) : piece.concat(v.slice(0, v.size()));
    if (round % 2 == 0) {
      model.erase(model.end() - std::ptrdiff_t(len), model.end());
      std::vector<std::uint64_t> front = iota(next - len, len);
      model.insert(model.begin(), front.begin(), front.end());
    }
    ASSERT_TRUE(v.check_invariants()) << round;
  }
  EXPECT_EQ(to_std(v), model);
  EXPECT_LE(v.height(), 5u);
}

TEST(PersistentVector, SliceInsertErase) {
  Vec v = build(0, 5000);
  Vec mid = v.slice(1234, 4321);
  ASSERT_TRUE(mid.check_invariants());
  EXPECT_EQ(to_std(mid), iota(1234, 4321 - 1234));
  EXPECT_EQ(v.take(10).size(), 10u);
  EXPECT_EQ(to_std(v.drop(4990)), iota(4990, 10));
  EXPECT_THROW((void)v.slice(3, 2), std::out_of_range);
  EXPECT_THROW((void)v.slice(0, 5001), std::out_of_range);
  Vec ins = v.insert(100, 42);
  EXPECT_EQ(ins.size(), 5001u);
  EXPECT_EQ(ins[100], 42u);
  EXPECT_EQ(ins[101], 100u);
  EXPECT_EQ(ins.erase(100), v);
  EXPECT_EQ(v.insert(5000, 9).back(), 9u);
  EXPECT_THROW((void)v.insert(5001, 9), std::out_of_range);
  EXPECT_THROW((void)v.erase(5000), std::out_of_range);
}

TEST(PersistentVector, TransientDoesNotTouchSharedVersion) {
  Vec base = build(0, 3000);
  auto t = base.transient();
  for (std::uint64_t i = 0; i < 3000; i += 5) t.set(i, 0);
  for (int i = 0; i < 100; ++i) t.pop_back();
  t.push_back(7);
  Vec changed = std::move(t).persistent();
  EXPECT_EQ(to_std(base), iota(0, 3000));
  EXPECT_EQ(changed.size(), 2901u);
  EXPECT_EQ(changed[5], 0u);
  EXPECT_EQ(changed[6], 6u);
  EXPECT_EQ(changed.back(), 7u);
}

TEST(PersistentVector, RvalueUpdatesOfUniqueVectorAllocateNothing) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    LocalVec v;
    for (std::uint64_t i = 0; i < 5000; ++i) v = std::move(v).push_back(i);
    const auto before = counter.total_allocations();
    for (std::uint64_t i = 0; i < 5000; ++i) v = std::move(v).set(i, i * 2);
    EXPECT_EQ(counter.total_allocations(), before);
    EXPECT_EQ(v[4999], 9998u);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

TEST(PersistentVector, StringsAndNoLeaks) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    PersistentVector<std::string> v;
    for (int i = 0; i < 700; ++i) v = v.push_back("element number " + std::to_string(i));
    auto w = v.slice(13, 650).concat(v.slice(0, 200)).set(3, "changed").erase(10).insert(5, "new");
    EXPECT_EQ(w[5], "new");
    EXPECT_EQ(w[3], "changed");
    EXPECT_EQ(w.size(), 637u + 200u);
    EXPECT_EQ(v[3], "element number 3");
    while (!w.empty()) w = std::move(w).pop_back();
  }
  EXPECT_EQ(counter.live_nodes(), 0);
  EXPECT_EQ(counter.live_bytes(), 0);
}

TEST(PersistentVector, AtomicVectorSharedAcrossThreads) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    Vec base = build(0, 20000);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        Vec mine = base;
        for (int round = 0; round < 3; ++round) {
          Vec local = base.set(std::size_t(t) * 100, 1).push_back(std::uint64_t(t));
          local = local.concat(base.slice(100, 5000)).slice(50, 15000);
          if (local[0] != 50 || (round > 0 && mine.size() != 14950) || base[t * 100] != std::uint64_t(t) * 100) failures.fetch_add(1);
          mine = std::move(local);
        }
        std::uint64_t sum = 0;
        for (std::uint64_t x : base) sum += x;
        if (sum != 20000ull * 19999 / 2) failures.fetch_add(1);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
  }
  EXPECT_EQ(counter.live_nodes(), 0);
}

// Vectors change hands between threads (see PersistentMap.AtomicMapsMoveBetweenThreads): the
// receiving thread may not treat the sender's nodes as its own, and every node is still freed.
TEST(PersistentVector, AtomicVectorsMoveBetweenThreads) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  std::atomic<int> failures{0};
  {
    Vec made_here = build(0, 5000);
    Vec made_there;
    std::thread([&] {
      Vec mine = std::move(made_here);
      auto t = std::move(mine).transient();
      for (std::size_t i = 0; i < 5000; i += 7) t.set(i, 1);
      t.push_back(5000);
      Vec done = std::move(t).persistent();
      if (done.size() != 5001 || done[7] != 1 || done[8] != 8 || done[5000] != 5000) failures.fetch_add(1);
      made_there = build(0, 3000);
    }).join();
    for (std::size_t i = 0; i < 3000; i += 100) {
      if (made_there[i] != i) failures.fetch_add(1);
    }
    std::thread([&] {
      Vec v = std::move(made_there);
      v = std::move(v).set(5, 0).push_back(1);
      if (v.size() != 3001 || v[5] != 0) failures.fetch_add(1);
    }).join();
  }
  EXPECT_GT(counter.live_nodes(), 0);  // this thread's nodes that other threads dropped wait for it
  drain_deferred_releases();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(counter.live_nodes(), 0);
}

// Random operation sequences against std::vector; every version is kept and checked at the end.
template <class V>
void check_vector_ops(const std::vector<std::tuple<int, std::uint16_t, std::uint16_t>>& ops) {
  CountingAllocator counter;
  ScopedNodeAllocator guard(counter);
  {
    V v;
    std::vector<std::uint64_t> model;
    std::vector<std::pair<V, std::vector<std::uint64_t>>> history;
    std::uint64_t next = 1;
    for (const auto& [kind, a, b] : ops) {
      switch (kind % 9) {
        case 0:
        case 1: {  // a run of pushes, big enough to grow the tree
          const unsigned n = a % 300;
          for (unsigned i = 0; i < n; ++i) {
            v = (i % 2) ? v.push_back(next) : std::move(v).push_back(next);
            model.push_back(next++);
          }
          break;
        }
        case 2:
          if (!model.empty()) {
            const unsigned n = 1 + a % std::min<std::size_t>(model.size(), 40);
            for (unsigned i = 0; i < n; ++i) {
              v = v.pop_back();
              model.pop_back();
            }
          }
          break;
        case 3:
          if (!model.empty()) {
            const std::size_t i = a % model.size();
            v = (b % 2) ? v.set(i, next) : std::move(v).set(i, next);
            model[i] = next++;
          }
          break;
        case 4: {  // concat with a fresh or an earlier version
          if (!history.empty() && b % 2) {
            const auto& [old, old_model] = history[a % history.size()];
            v = v.concat(old);
            model.insert(model.end(), old_model.begin(), old_model.end());
          } else {
            V other;
            for (unsigned i = 0; i < a % 200; ++i) {
              other = std::move(other).push_back(next);
              model.push_back(next++);
            }
            v = (b % 4 == 0) ? other.concat(v) : v.concat(other);
            if (b % 4 == 0) std::rotate(model.begin(), model.end() - std::ptrdiff_t(other.size()), model.end());
          }
          break;
        }
        case 5:
          if (!model.empty()) {
            std::size_t lo = a % (model.size() + 1);
            std::size_t hi = b % (model.size() + 1);
            if (lo > hi) std::swap(lo, hi);
            v = v.slice(lo, hi);
            model = std::vector<std::uint64_t>(model.begin() + std::ptrdiff_t(lo), model.begin() + std::ptrdiff_t(hi));
          }
          break;
        case 6: {
          const std::size_t i = a % (model.size() + 1);
          v = v.insert(i, next);
          model.insert(model.begin() + std::ptrdiff_t(i), next++);
          break;
        }
        case 7:
          if (!model.empty()) {
            const std::size_t i = a % model.size();
            v = v.erase(i);
            model.erase(model.begin() + std::ptrdiff_t(i));
          }
          break;
        default: {
          auto t = v.transient();
          t.push_back(next);
          model.push_back(next++);
          if (model.size() > 1) {
            t.set(b % model.size(), next);
            model[b % model.size()] = next++;
          }
          v = std::move(t).persistent();
          break;
        }
      }
      RC_ASSERT(v.check_invariants());
      RC_ASSERT(v.size() == model.size());
      history.emplace_back(v, model);
    }
    for (const auto& [version, snapshot] : history) {
      RC_ASSERT(version.check_invariants());
      RC_ASSERT(to_std(version) == snapshot);
      for (std::size_t i = 0; i < snapshot.size(); i += 1 + snapshot.size() / 50) RC_ASSERT(version[i] == snapshot[i]);
    }
    for (std::size_t i = 1; i < history.size(); ++i) {
      RC_ASSERT((history[i].first == history[i - 1].first) == (history[i].second == history[i - 1].second));
    }
  }
  RC_ASSERT(counter.live_nodes() == 0);
}

RC_GTEST_PROP(PersistentVectorProperty, MatchesStdVectorAtomic,
              (const std::vector<std::tuple<int, std::uint16_t, std::uint16_t>>& ops)) {
  check_vector_ops<Vec>(ops);
}

RC_GTEST_PROP(PersistentVectorProperty, MatchesStdVectorLocal,
              (const std::vector<std::tuple<int, std::uint16_t, std::uint16_t>>& ops)) {
  check_vector_ops<LocalVec>(ops);
}

// Trees made of many relaxed seams: random concatenations of random slices.
RC_GTEST_PROP(PersistentVectorProperty, ConcatAndSliceOnRelaxedTrees,
              (const std::vector<std::tuple<std::uint16_t, std::uint16_t, std::uint16_t>>& steps)) {
  std::vector<std::uint64_t> model = iota(0, 2000);
  LocalVec v(model.begin(), model.end());
  for (const auto& [x, y, z] : steps) {
    const std::size_t n = model.size();
    std::size_t lo = x % (n + 1), hi = y % (n + 1);
    if (lo > hi) std::swap(lo, hi);
    LocalVec piece = v.slice(lo, hi);
    std::vector<std::uint64_t> piece_model(model.begin() + std::ptrdiff_t(lo), model.begin() + std::ptrdiff_t(hi));
    if (z % 2) {
      v = v.concat(piece);
      model.insert(model.end(), piece_model.begin(), piece_model.end());
    } else {
      v = piece.concat(v);
      model.insert(model.begin(), piece_model.begin(), piece_model.end());
    }
    if (model.size() > 60000) {
      v = v.slice(model.size() - 20000, model.size());
      model.erase(model.begin(), model.end() - 20000);
    }
    RC_ASSERT(v.check_invariants());
    RC_ASSERT(v.height() <= 6u);
  }
  RC_ASSERT(to_std(v) == model);
  for (std::size_t i = 0; i < model.size(); i += 1 + model.size() / 100) RC_ASSERT(v[i] == model[i]);
}

}  // namespace
}  // namespace spl::persistent
