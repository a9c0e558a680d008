#include "spl/syntax/mutate.hpp"

#include <gtest/gtest.h>

#include "spl/syntax/files.hpp"

namespace spl::syntax {
namespace {

std::vector<NamedSource> examples() {
  std::vector<std::string> missing;
  std::vector<NamedSource> out;
  for (const std::string& f : collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing)) {
    out.push_back({f, read_file(f).value_or("")});
  }
  return out;
}

TEST(Mutate, MutationsChangeTheSourceDeterministically) {
  std::string src = "fn f(x: i64) -> i64:\n    x + 1\n";
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Mutation a = mutate(src, seed);
    Mutation b = mutate(src, seed);
    EXPECT_EQ(a.text, b.text);
    EXPECT_NE(a.text, src) << a.what;
    EXPECT_GE(a.line, 1u);
    EXPECT_LE(a.line, 2u);
  }
}

TEST(Mutate, StatsAreConsistent) {
  MutationStats s = run_mutations(examples(), 20, 3);
  EXPECT_EQ(s.mutations, s.still_valid + s.diagnosed);
  EXPECT_LE(s.near, s.diagnosed);
  EXPECT_GE(s.diagnostics, s.diagnosed);
  std::size_t kinds = 0;
  for (std::size_t k : s.per_kind_diagnosed) kinds += k;
  EXPECT_EQ(kinds, s.diagnosed);
}

// The recovery targets, measured on the examples with a fixed seed (a regression guard; the
// figures for the report come from `spl mutate examples/`).
TEST(Mutate, RecoveryTargetsOnExamples) {
  MutationStats s = run_mutations(examples(), 60, 11);
  EXPECT_GE(s.near_ratio(), 0.95);
  EXPECT_LE(s.diagnostics_per_mutation(), 1.2);
}

}  // namespace
}  // namespace spl::syntax
