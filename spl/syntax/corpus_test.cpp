// Whole-file checks over the repository's example programs and the mistake files.

#include <gtest/gtest.h>

#include "spl/syntax/files.hpp"
#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

std::vector<std::string> sources(const std::string& folder) {
  std::vector<std::string> missing;
  return collect_sources({std::string(SPL_SOURCE_DIR) + "/" + folder}, missing);
}

bool all_complete(const Node* n) {
  if (n == nullptr) return true;
  if (n->completeness != Completeness::Complete) return false;
  for (std::uint32_t k = 0; k < n->count; ++k) {
    if (!all_complete(n->kids[k])) return false;
  }
  return true;
}

TEST(Corpus, ExamplesHaveNoDiagnosticsAndCompleteTrees) {
  auto files = sources("examples");
  ASSERT_GE(files.size(), 15u);
  for (const std::string& path : files) {
    auto text = read_file(path);
    ASSERT_TRUE(text.has_value()) << path;
    Arena arena;
    std::vector<Diagnostic> diags;
    ParseResult r = parse(*text, arena, diags);
    SourceFile file(path, *text);
    std::string rendered;
    for (const Diagnostic& d : diags) rendered += render_text(file, d);
    EXPECT_TRUE(diags.empty()) << rendered;
    EXPECT_TRUE(all_complete(r.root)) << path << "\n" << dump_tree(r.root, *text, r.tokens);
  }
}

TEST(Corpus, MistakeFilesAreDiagnosedAndMostlyFixable) {
  auto files = sources("spl/syntax/testdata/mistakes");
  ASSERT_GE(files.size(), 5u);
  for (const std::string& path : files) {
    auto text = read_file(path);
    ASSERT_TRUE(text.has_value());
    Arena arena;
    std::vector<Diagnostic> diags;
    parse(*text, arena, diags);
    std::size_t before = count_errors(diags);
    EXPECT_GT(before, 0u) << path;
    FixResult fixed = apply_fixits(*text, diags);
    EXPECT_GT(fixed.applied, 0u) << path;
    std::vector<Diagnostic> after;
    Arena arena2;
    parse(fixed.text, arena2, after);
    EXPECT_LT(count_errors(after), before) << path << "\n" << fixed.text;
  }
}

TEST(Files, AtomicWriteReplacesContents) {
  std::string path = ::testing::TempDir() + "spl_atomic_write.spl";
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, "val a = 1\n", error)) << error;
  ASSERT_TRUE(write_file_atomically(path, "val b = 2\n", error)) << error;
  EXPECT_EQ(read_file(path).value_or(""), "val b = 2\n");
  EXPECT_FALSE(write_file_atomically("/nonexistent-dir/x.spl", "x", error));
  EXPECT_FALSE(error.empty());
}

TEST(Files, CollectReportsMissingPaths) {
  std::vector<std::string> missing;
  auto found = collect_sources({"/nonexistent-spl-path"}, missing);
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(missing.size(), 1u);
}

}  // namespace
}  // namespace spl::syntax
