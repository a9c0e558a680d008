#include "spl/syntax/mistakes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

struct Outcome {
  bool code_found = false;
  bool fix_right = false;
  std::string fixed;
  std::string diags;
};

Outcome check_case(const MistakeCase& c) {
  Outcome o;
  Arena arena;
  std::vector<Diagnostic> diags;
  parse(c.bad, arena, diags);
  for (const Diagnostic& d : diags) {
    o.diags += d.code + " " + d.message + "\n";
    if (d.code == c.code) o.code_found = true;
  }
  if (c.good.empty()) {
    o.fix_right = o.code_found;  // not machine-applicable: the right diagnosis is the suggestion
    return o;
  }
  o.fixed = apply_fixits(c.bad, diags).text;
  std::vector<Diagnostic> after;
  Arena arena2;
  parse(o.fixed, arena2, after);
  o.fix_right = o.code_found && o.fixed == c.good && count_errors(after) == 0;
  return o;
}

TEST(MistakeCatalogue, HasAtLeastFortyEntriesCoveringEveryLanguage) {
  auto cat = mistake_catalogue();
  EXPECT_GE(cat.size(), 40u);
  std::set<Language> langs;
  std::set<std::string_view> codes;
  for (const MistakeCase& c : cat) {
    langs.insert(c.language);
    codes.insert(c.code);
  }
  for (Language l : {Language::Python, Language::Rust, Language::TypeScript, Language::Java, Language::C}) {
    EXPECT_TRUE(langs.count(l)) << language_name(l);
  }
  EXPECT_GE(codes.size(), 40u);
}

// The target: the catalogue's suggestion is the right fix for at least 90% of its own cases.
TEST(MistakeCatalogue, SuggestionIsRightForAtLeastNinetyPercent) {
  std::size_t right = 0;
  std::string failures;
  for (const MistakeCase& c : mistake_catalogue()) {
    Outcome o = check_case(c);
    if (o.fix_right) {
      ++right;
    } else {
      failures += std::string(c.code) + " (" + std::string(c.title) + ")\n  fixed: " + o.fixed + "\n  diags: " + o.diags + "\n";
    }
  }
  double ratio = double(right) / double(mistake_catalogue().size());
  RecordProperty("right_ratio", std::to_string(ratio));
  std::printf("catalogue: %zu of %zu suggestions right (%.1f%%)\n", right, mistake_catalogue().size(), ratio * 100);
  EXPECT_GE(ratio, 0.90) << failures;
  if (!failures.empty()) std::printf("cases not right:\n%s", failures.c_str());
}

TEST(MistakeCatalogue, EveryCaseGetsItsCode) {
  for (const MistakeCase& c : mistake_catalogue()) {
    EXPECT_TRUE(check_case(c).code_found) << c.code << " " << c.title << "\n" << check_case(c).diags;
  }
}

TEST(LanguageDetection, ScoresTheWritersLanguage) {
  auto guess = [](std::string src) {
    std::vector<Token> toks;
    std::vector<Diagnostic> d;
    Arena a;
    Language l;
    parse_into(src, a, toks, d, {}, &l);
    return l;
  };
  EXPECT_EQ(guess("def f(self, x):\n    return True\n"), Language::Python);
  EXPECT_EQ(guess("let mut x = 1;\nprintln!(\"{}\", x);\n"), Language::Rust);
  EXPECT_EQ(guess("function f(x) {\n  if (x === 1) { console.log(x) }\n}\n"), Language::TypeScript);
  EXPECT_EQ(guess("public class A {\n  public void run() {\n    System.out.println(1);\n  }\n}\n"), Language::Java);
  EXPECT_EQ(guess("int main() {\n  int x = 0;\n  x++;\n  printf(\"%d\", x);\n}\n"), Language::C);
  EXPECT_EQ(guess("fn f(x: i64) -> i64:\n    x + 1\n"), Language::Unknown);
}

TEST(LanguageDetection, PhrasesTheMessage) {
  Arena arena;
  std::vector<Diagnostic> diags;
  parse("let mut x = 1\n", arena, diags);
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].message, "this looks like Rust: in Simple, `let mut x = 1` is written `var x = 1`");
}

TEST(LanguageDetection, JavaScriptLetBecomesVar) {
  Arena arena;
  std::vector<Diagnostic> diags;
  std::string src = "let count = 0\nif (count === 0) {\n    count = 1\n}\n";
  parse(src, arena, diags);
  std::string fixed = apply_fixits(src, diags).text;
  EXPECT_EQ(fixed, "var count = 0\nif (count == 0):\n    count = 1\n");
}

}  // namespace
}  // namespace spl::syntax
