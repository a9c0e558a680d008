#pragma once
// Hashers for tests that force the trie into its rare shapes.

#include <cstdint>

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

}  // namespace spl::persistent::test
