#pragma once
// Hashers for tests that force the trie into its rare shapes, and an allocator that fails on
// request.

#include <cstdint>
#include <new>

#include "spl/persistent/alloc.hpp"

namespace spl::persistent::test {

// Every key collides: the trie goes straight to a collision node.
struct ConstantHash {
  std::uint64_t operator()(std::uint64_t) const noexcept { return 42; }
};

// Few distinct hashes: long shared prefixes, collision nodes holding many keys, and ordinary
// entries beside them.
struct CoarseHash {
  std::uint64_t operator()(std::uint64_t k) const noexcept { return (k % 7) * 0x9e3779b97f4a7c15ULL; }
};

// Hashes that differ only in the top bits: the deepest ordinary levels get used.
struct HighBitsHash {
  std::uint64_t operator()(std::uint64_t k) const noexcept { return (k % 64) << 58; }
};

// Counts live nodes (through CountingAllocator) and, once armed, throws std::bad_alloc at the
// n-th allocation from then on, so that each allocation of an operation can be made to fail in
// turn. Arming is for one thread.
class FailingAllocator final : public NodeAllocator {
 public:
  void arm(std::int64_t fail_at) noexcept { remaining_ = fail_at; }
  void disarm() noexcept { remaining_ = -1; }
  void* allocate(std::size_t bytes) override {
    if (remaining_ == 0) {
      remaining_ = -1;
      throw std::bad_alloc();
    }
    if (remaining_ > 0) --remaining_;
    return counter_.allocate(bytes);
  }
  void deallocate(void* p, std::size_t bytes) noexcept override { counter_.deallocate(p, bytes); }
  std::int64_t live_nodes() const noexcept { return counter_.live_nodes(); }

 private:
  std::int64_t remaining_ = -1;
  CountingAllocator counter_;
};

}  // namespace spl::persistent::test
