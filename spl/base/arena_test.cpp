#include "spl/base/arena.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace spl {
namespace {

struct Node {
  int value;
  Node* left;
  Node* right;
};

TEST(Arena, AllocatesAlignedDistinctMemory) {
  Arena arena(64);
  std::vector<void*> blocks;
  for (std::size_t align : {1u, 2u, 4u, 8u, 16u, 64u}) {
    for (int i = 0; i < 50; ++i) {
      void* p = arena.allocate(3 + i, align);
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u);
      std::memset(p, 0xab, 3 + i);  // ASan reports any overlap or overrun
      blocks.push_back(p);
    }
  }
  EXPECT_GE(arena.bytes_reserved(), arena.bytes_allocated());
}

TEST(Arena, BuildsTrees) {
  Arena arena;
  Node* root = arena.make<Node>(Node{0, nullptr, nullptr});
  Node* cur = root;
  for (int i = 1; i < 10000; ++i) {
    cur->left = arena.make<Node>(Node{i, nullptr, nullptr});
    cur = cur->left;
  }
  int count = 0;
  for (Node* n = root; n; n = n->left) EXPECT_EQ(n->value, count++);
  EXPECT_EQ(count, 10000);
}

TEST(Arena, RunsDestructorsInReverseOrderOnReset) {
  std::vector<int> order;
  struct Tracker {
    Tracker(std::vector<int>* o, int i) : order(o), id(i) {}
    ~Tracker() { order->push_back(id); }
    std::vector<int>* order;
    int id;
  };
  Arena arena;
  arena.make<Tracker>(&order, 1);
  arena.make<Tracker>(&order, 2);
  arena.make<std::string>(1000, 'x');  // owns heap memory; LeakSanitizer checks it is freed
  arena.reset();
  EXPECT_EQ(order, (std::vector<int>{2, 1}));
  EXPECT_EQ(arena.bytes_allocated(), 0u);
  arena.make<Tracker>(&order, 3);
}

TEST(Arena, LargeRequestsAndStrings) {
  Arena arena(32);
  auto* big = arena.make_array<std::uint64_t>(1 << 18);
  big[(1 << 18) - 1] = 7;
  EXPECT_EQ(arena.copy_string("hello"), "hello");
  EXPECT_EQ(arena.copy_string(""), "");
}

TEST(Arena, MoveTransfersOwnership) {
  Arena a;
  int* x = a.make<int>(42);
  Arena b = std::move(a);
  EXPECT_EQ(*x, 42);
  EXPECT_EQ(a.bytes_allocated(), 0u);
  EXPECT_GT(b.bytes_allocated(), 0u);
}

RC_GTEST_PROP(ArenaProperty, AllocationsNeverOverlap, (const std::vector<std::uint8_t>& sizes)) {
  Arena arena(16);
  std::vector<std::pair<std::uintptr_t, std::size_t>> spans;
  for (auto s : sizes) {
    std::size_t size = s + 1;
    auto p = reinterpret_cast<std::uintptr_t>(arena.allocate(size, 8));
    RC_ASSERT(p % 8 == 0);
    spans.emplace_back(p, size);
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) RC_ASSERT(spans[i - 1].first + spans[i - 1].second <= spans[i].first);
}

}  // namespace
}  // namespace spl
