#include "spl/base/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace spl {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return make_error(ErrorCode::kParse, std::string("not a digit: ") + c);
  return c - '0';
}

Result<int> sum_digits(char a, char b) {
  auto x = parse_digit(a);
  SPL_TRY(x);
  auto y = parse_digit(b);
  SPL_TRY(y);
  return *x + *y;
}

TEST(Result, HoldsValueOrError) {
  auto ok = parse_digit('7');
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  auto bad = parse_digit('x');
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kParse);
  EXPECT_EQ(bad.error().to_string(), "parse error: not a digit: x");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(*sum_digits('2', '3'), 5);
  auto r = sum_digits('2', 'q');
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "not a digit: q");
}

TEST(Result, MapTransformsOnlyValues) {
  auto doubled = parse_digit('4').map([](int v) { return v * 2.5; });
  EXPECT_DOUBLE_EQ(*doubled, 10.0);
  auto still_error = parse_digit('z').map([](int v) { return v * 2.5; });
  EXPECT_EQ(still_error.error().code, ErrorCode::kParse);
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(9);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 9);
}

TEST(Result, VoidResult) {
  Result<void> fine;
  EXPECT_TRUE(fine.ok());
  Result<void> failed = make_error(ErrorCode::kClosed, "mailbox closed");
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kClosed);
  EXPECT_EQ(error_code_name(ErrorCode::kTimeout), "timeout");
}

}  // namespace
}  // namespace spl
