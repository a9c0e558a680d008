#include "spl/sema/internal/edit_distance.hpp"

#include <gtest/gtest.h>

namespace spl::sema::internal {
namespace {

TEST(EditDistance, DamerauLevenshtein) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("count", "count"), 0u);
  EXPECT_EQ(edit_distance("count", "cuont"), 1u);  // transposition
  EXPECT_EQ(edit_distance("count", "conut"), 1u);
  EXPECT_EQ(edit_distance("count", "coun"), 1u);
  EXPECT_EQ(edit_distance("count", "counts"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(EditDistance, Closest) {
  EXPECT_EQ(closest("cuont", {"count", "total", "print"}), (std::vector<std::string_view>{"count"}));
  EXPECT_TRUE(closest("xy", {"xz"}).empty());  // too short to guess
  EXPECT_TRUE(closest("zebra", {"count"}).empty());
  EXPECT_EQ(closest("abcf", {"abcd", "abce", "zzzz"}), (std::vector<std::string_view>{"abcd", "abce"}));
  EXPECT_EQ(typo_limit("abcdefghi"), 3u);
}

}  // namespace
}  // namespace spl::sema::internal
