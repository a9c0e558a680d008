// Runs the fuzz corpus (testdata/fuzz, the examples and the mistake files) through the same
// checks as the libFuzzer target, under the normal build: a CI-friendly fuzz regression.

#include <gtest/gtest.h>

#include <random>

#include "spl/syntax/files.hpp"
#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

void exercise(const std::string& source) {
  Arena arena;
  std::vector<Diagnostic> diags;
  ParseResult r = parse(source, arena, diags);
  ASSERT_NE(r.root, nullptr);
  SourceFile file("f.spl", source);
  for (const Diagnostic& d : diags) {
    EXPECT_LE(d.span.begin, d.span.end);
    EXPECT_LE(d.span.end, source.size());
    (void)render_text(file, d);
    (void)render_json(file, d);
  }
  FixResult fixed = apply_fixits(source, diags);
  Arena arena2;
  std::vector<Diagnostic> again;
  parse(fixed.text, arena2, again);
}

TEST(FuzzRegression, CorpusFiles) {
  std::vector<std::string> missing;
  auto files = collect_sources({std::string(SPL_SOURCE_DIR) + "/spl/syntax/testdata", std::string(SPL_SOURCE_DIR) + "/examples"},
                               missing);
  ASSERT_FALSE(files.empty());
  for (const std::string& f : files) exercise(read_file(f).value_or(""));
}

// Inputs rapidcheck or libFuzzer once found crashing (the first under ASan only).
TEST(FuzzRegression, FoundInputs) {
  // A `?:` conditional whose `?` is the first token of the file: its fix-it read the token
  // before the first one.
  exercise("? 1 : 2\n");
  exercise("?x:y");
}

// Byte-level damage to every corpus file: truncations and random byte flips.
TEST(FuzzRegression, DamagedCorpus) {
  std::vector<std::string> missing;
  auto files = collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing);
  std::mt19937_64 rng(7);
  for (const std::string& f : files) {
    std::string text = read_file(f).value_or("");
    for (int k = 0; k < 20 && !text.empty(); ++k) {
      std::string damaged = text;
      if (k % 2 == 0) {
        damaged.resize(rng() % damaged.size());
      } else {
        for (int flips = 0; flips < 3; ++flips) damaged[rng() % damaged.size()] = static_cast<char>(rng() % 256);
      }
      exercise(damaged);
    }
  }
}

}  // namespace
}  // namespace spl::syntax
