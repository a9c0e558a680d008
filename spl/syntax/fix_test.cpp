#include "spl/syntax/fix.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace spl::syntax {
namespace {

Diagnostic with_fix(std::vector<TextEdit> edits, bool applicable = true) {
  Diagnostic d;
  d.code = "E0000";
  d.fixits.push_back({"fix", std::move(edits), applicable});
  return d;
}

TEST(Fix, AppliesEditsInOrder) {
  std::vector<Diagnostic> diags{with_fix({{{4, 7}, "val"}}), with_fix({{{0, 3}, "xyz"}})};
  FixResult r = apply_fixits("abc let x", diags);
  EXPECT_EQ(r.text, "xyz val x");
  EXPECT_EQ(r.applied, 2u);
}

TEST(Fix, SkipsOverlapsAndNonApplicable) {
  std::vector<Diagnostic> diags{with_fix({{{0, 5}, "A"}}), with_fix({{{2, 4}, "B"}}), with_fix({{{6, 7}, "C"}}, false)};
  FixResult r = apply_fixits("0123456789", diags);
  EXPECT_EQ(r.text, "A56789");
  EXPECT_EQ(r.applied, 1u);
  EXPECT_EQ(r.skipped, 1u);
}

TEST(Fix, InsertionsAtTheSamePointBothApply) {
  std::vector<Diagnostic> diags{with_fix({{{3, 3}, "{"}, {{5, 5}, "}"}}), with_fix({{{5, 5}, ","}})};
  EXPECT_EQ(apply_fixits("ab cd ef", diags).text, "ab {cd}, ef");
}

TEST(Fix, UnifiedDiffShowsChangedLines) {
  std::string d = unified_diff("a.spl", "x\ny\nz\n", "x\nY\nz\n");
  EXPECT_EQ(d, "--- a.spl\n+++ a.spl (fixed)\n@@ -1,3 +1,3 @@\n x\n-y\n+Y\n z\n");
  EXPECT_EQ(unified_diff("a.spl", "same\n", "same\n"), "");
}

// Non-overlapping edits applied by apply_fixits equal a direct splice from the end (the model).
RC_GTEST_PROP(FixProperty, MatchesSpliceModel, (const std::string& text)) {
  const auto n = static_cast<std::uint32_t>(text.size());
  auto cuts = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::inRange<std::uint32_t>(0, n + 1));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Diagnostic> diags;
  std::vector<TextEdit> edits;
  for (std::size_t i = 0; i + 1 < cuts.size(); i += 2) {
    edits.push_back({{cuts[i], cuts[i + 1]}, std::to_string(i)});
    diags.push_back(with_fix({edits.back()}));
  }
  std::string model = text;
  for (auto it = edits.rbegin(); it != edits.rend(); ++it) {
    model.replace(it->span.begin, it->span.end - it->span.begin, it->replacement);
  }
  RC_ASSERT(apply_fixits(text, diags).text == model);
}

}  // namespace
}  // namespace spl::syntax
