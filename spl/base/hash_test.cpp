#include "spl/base/hash.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cmath>
#include <string>
#include <unordered_set>

namespace spl {
namespace {

// For every input bit, flipping it should flip each output bit about half the time. A trie
// reads 5 bits at a time from the hash, so a biased bit skews node occupancy.
template <class HashOne>
double worst_avalanche_bias(HashOne&& hash_one, int input_bits, int samples) {
  std::uint64_t state = 0x243f6a8885a308d3ULL;
  double worst = 0;
  for (int in = 0; in < input_bits; ++in) {
    int flips[64] = {};
    for (int s = 0; s < samples; ++s) {
      state = hash_u64(state + 1);
      std::uint64_t diff = hash_one(state) ^ hash_one(state ^ (std::uint64_t{1} << in));
      for (int out = 0; out < 64; ++out) flips[out] += (diff >> out) & 1;
    }
    for (int out = 0; out < 64; ++out) worst = std::max(worst, std::abs(flips[out] / double(samples) - 0.5));
  }
  return worst;
}

TEST(Hash, IntegerHashAvalanches) {
  EXPECT_LT(worst_avalanche_bias([](std::uint64_t x) { return hash_u64(x); }, 64, 4000), 0.05);
}

TEST(Hash, ByteHashAvalanches) {
  auto over_bytes = [](std::uint64_t x) { return hash_bytes(&x, sizeof x); };
  EXPECT_LT(worst_avalanche_bias(over_bytes, 64, 4000), 0.05);
}

TEST(Hash, SmallIntegersSpreadOverTopLevelSlots) {
  // The low five bits pick a CHAMP root slot: consecutive keys must fill all 32 evenly.
  int slots[32] = {};
  for (std::uint64_t k = 0; k < 32 * 1000; ++k) ++slots[Hash<std::uint64_t>{}(k) & 31];
  for (int count : slots) {
    EXPECT_GT(count, 850);
    EXPECT_LT(count, 1150);
  }
}

TEST(Hash, IntegerHashIsABijectionOnASample) {
  std::unordered_set<std::uint64_t> seen;
  for (std::uint64_t k = 0; k < 100000; ++k) EXPECT_TRUE(seen.insert(hash_u64(k)).second);
}

TEST(Hash, StringAndViewAgreeAndDiffer) {
  std::string s = "persistent";
  EXPECT_EQ(Hash<std::string>{}(s), Hash<std::string_view>{}(std::string_view(s)));
  EXPECT_EQ(hash_string(s), hash_bytes(s.data(), s.size()));
  EXPECT_NE(hash_string("abc"), hash_string("abd"));
  EXPECT_NE(hash_string(""), 0u);
  EXPECT_NE(hash_string("a"), hash_string(std::string_view("a\0", 2)));
}

TEST(Hash, SignedZeroHashesEqual) { EXPECT_EQ(Hash<double>{}(0.0), Hash<double>{}(-0.0)); }

TEST(Hash, CombineIsOrderSensitive) {
  EXPECT_NE(hash_combine(hash_combine(0, 1), 2), hash_combine(hash_combine(0, 2), 1));
}

RC_GTEST_PROP(HashProperty, EqualBytesHashEqual, (const std::string& s)) {
  std::string copy = s;
  RC_ASSERT(hash_string(s) == hash_string(copy));
}

RC_GTEST_PROP(HashProperty, DistinctIntegersNeverCollide, (std::uint64_t a, std::uint64_t b)) {
  RC_PRE(a != b);
  RC_ASSERT(hash_u64(a) != hash_u64(b));
}

}  // namespace
}  // namespace spl
