// Every operation that allocates, made to fail at each of its allocations in turn: the input
// must come through unchanged (persistent operations) or still whole (transients), and no node
// may leak.

#include <gtest/gtest.h>

#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "spl/persistent/internal/test_support.hpp"
#include "spl/persistent/map.hpp"

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

std::string text(std::uint64_t i) { return "a value long enough to live on the heap, number " + std::to_string(i); }

using SMap = PersistentMap<std::string, std::string>;

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
  for (std::uint64_t fail_at = 0; fail_at < 4; ++fail_at) {
    FailingAllocator alloc;
    {
      ScopedNodeAllocator guard(alloc);
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
    }
    ASSERT_EQ(alloc.live_nodes(), 0);
  }
}

}  // namespace
}  // namespace spl::persistent
