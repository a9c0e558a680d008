#include "spl/syntax/c_api.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

extern "C" int spl_syntax_c_api_from_c(void);

namespace {

rt_syntax_check* check_text(const std::string& text, const char* path = "demo.spl") {
  return rt_syntax_check_source(path, text.data(), text.size());
}

TEST(SyntaxCApi, CallableFromC) { EXPECT_EQ(spl_syntax_c_api_from_c(), 1); }

TEST(SyntaxCApi, ValidSourceHasNoDiagnosticsAndIsLeftAsIs) {
  const std::string text = "fn add(a: i64, b: i64) -> i64:\n    a + b\n";
  rt_syntax_check* c = check_text(text);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(rt_syntax_diagnostic_count(c), 0);
  EXPECT_EQ(rt_syntax_error_count(c), 0);
  EXPECT_STREQ(rt_syntax_language(c), "");
  std::size_t len = 0;
  EXPECT_EQ(std::string(rt_syntax_fixed_source(c, &len)), text);
  EXPECT_EQ(len, text.size());
  EXPECT_EQ(rt_syntax_fixes_applied(c), 0);
  rt_syntax_check_free(c);
}

TEST(SyntaxCApi, ForeignCodeGetsLocatedDiagnosticsAndFixes) {
  const std::string rust = "fn main() {\n    let x = 5;\n    println!(\"{}\", x);\n}\n";
  rt_syntax_check* c = check_text(rust);
  ASSERT_NE(c, nullptr);
  ASSERT_GT(rt_syntax_diagnostic_count(c), 0);
  EXPECT_GT(rt_syntax_error_count(c), 0);
  EXPECT_STREQ(rt_syntax_language(c), "Rust");
  const std::string text = rt_syntax_diagnostic_text(c, 0);
  EXPECT_NE(text.find("demo.spl:1:"), std::string::npos) << text;
  EXPECT_NE(text.find('^'), std::string::npos) << text;
  const std::string json = rt_syntax_diagnostic_json(c, 0);
  EXPECT_EQ(json.front(), '{');
  EXPECT_NE(json.find("\"code\""), std::string::npos) << json;
  EXPECT_GT(rt_syntax_fixes_applied(c), 0);

  // The fixed source checks clean: the fix-its are the whole repair.
  rt_syntax_check* again = check_text(rt_syntax_fixed_source(c, nullptr));
  EXPECT_EQ(rt_syntax_error_count(again), 0) << rt_syntax_fixed_source(c, nullptr);
  rt_syntax_check_free(again);
  rt_syntax_check_free(c);
}

TEST(SyntaxCApi, BadArgumentsAreReportedNotCrashes) {
  EXPECT_EQ(rt_syntax_check_source("x.spl", nullptr, 3), nullptr);
  EXPECT_NE(rt_last_error()[0], '\0');
  EXPECT_EQ(rt_syntax_diagnostic_count(nullptr), -1);
  EXPECT_STREQ(rt_last_error(), "null handle");
  EXPECT_EQ(rt_syntax_fixed_source(nullptr, nullptr), nullptr);

  rt_syntax_check* empty = rt_syntax_check_source(nullptr, nullptr, 0);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(rt_syntax_diagnostic_count(empty), 0);
  EXPECT_EQ(rt_syntax_diagnostic_json(empty, 0), nullptr);
  EXPECT_STREQ(rt_last_error(), "diagnostic index out of range");
  EXPECT_EQ(rt_syntax_diagnostic_text(empty, -1), nullptr);
  rt_syntax_check_free(empty);
  rt_syntax_check_free(nullptr);
}

#ifndef NDEBUG
TEST(SyntaxCApi, DebugBuildsReportUseAfterFree) {
  rt_syntax_check* c = check_text("val x = 1\n");
  rt_syntax_check_free(c);
  EXPECT_EQ(rt_syntax_error_count(c), -1);
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
  rt_syntax_check_free(c);  // a second free is reported, not performed
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
}
#endif

RC_GTEST_PROP(SyntaxCApi, AnyBytesGiveConsistentResults, (const std::string& bytes)) {
  rt_syntax_check* c = check_text(bytes);
  const bool checked = c != nullptr;
  RC_ASSERT(checked);
  const std::int64_t n = rt_syntax_diagnostic_count(c);
  RC_ASSERT(n >= 0);
  RC_ASSERT(rt_syntax_error_count(c) <= n);
  for (std::int64_t i = 0; i < n; ++i) {
    RC_ASSERT(rt_syntax_diagnostic_json(c, i)[0] == '{');
    RC_ASSERT(std::string(rt_syntax_diagnostic_text(c, i)).find("demo.spl:") != std::string::npos);
  }
  RC_ASSERT(rt_syntax_diagnostic_json(c, n) == nullptr);
  rt_syntax_check_free(c);
}

}  // namespace
