#include <gtest/gtest.h>


#include "spl/jit/printer.hpp"
#include "spl/jit/reader.hpp"
#include "spl/jit/verifier.hpp"
#include "spl/jit/internal/testdata.hpp"

namespace spl::jit {
namespace {

std::string error_of(std::string_view text) {
  auto m = read_module(text, "t.ir");
  if (!m) return m.error().message;
  auto v = verify_module(*m, "t.ir");
  if (!v) return v.error().message;
  return "";
}

TEST(IrReader, RoundTripIsStable) {
  for (const char* file : {"fib.ir", "generic.ir", "sort.ir", "mixed.ir"}) {
    SCOPED_TRACE(file);
    const std::string text = read_testdata(file);
    ASSERT_FALSE(text.empty());
    auto m = read_module(text, file);
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_TRUE(verify_module(*m).ok()) << verify_module(*m).error().message;
    const std::string printed = print_module(*m);
    auto again = read_module(printed, "printed");
    ASSERT_TRUE(again.ok()) << again.error().message << "\n" << printed;
    EXPECT_TRUE(verify_module(*again).ok());
    EXPECT_EQ(print_module(*again), printed);
  }
}

TEST(IrReader, ParsesStructure) {
  auto m = read_module(read_testdata("generic.ir"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->name, "generic");
  ASSERT_EQ(m->externs.size(), 1u);
  ASSERT_EQ(m->needs.size(), 2u);
  EXPECT_EQ(mangle(m->needs[1].name, m->needs[1].type_args), "sum<f64>");
  const Function* sum = m->find_function("sum");
  ASSERT_NE(sum, nullptr);
  EXPECT_TRUE(sum->is_template());
  EXPECT_EQ(sum->blocks.size(), 4u);
  EXPECT_EQ(sum->blocks[1].params.size(), 2u);
  EXPECT_EQ(sum->ret, Type::parameter(0));
}

TEST(IrReader, LiteralsRoundTrip) {
  auto m = read_module(
      "func @f(%x: f64) -> f64 {\nentry:\n  %a = add f64 %x, 0.1\n  %b = mul f64 %a, -2.5e-300\n  %c = add f64 %b, 3\n  ret %c\n}\n"
      "func @g() -> i64 {\nentry:\n  %a = add i64 0x10, -9223372036854775808\n  ret %a\n}\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(verify_module(*m).ok());
  const auto& b = m->functions[0].blocks[0].instrs[1];
  EXPECT_EQ(b.args[1].float_imm, -2.5e-300);
  EXPECT_EQ(m->functions[1].blocks[0].instrs[0].args[0].int_imm, 16);
  auto again = read_module(print_module(*m));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->functions[0].blocks[0].instrs[0].args[1].float_imm, 0.1);
  EXPECT_EQ(print_module(*again), print_module(*m));
}

struct BadCase {
  const char* text;
  const char* expected;  // substring of the error, which also starts with "t.ir:LINE:COL"
};

TEST(IrReader, ReportsLineAndColumn) {
  const BadCase cases[] = {
      {"func @f() {\nentry:\n  %x = frob i64 1, 2\n  ret\n}", "t.ir:3:8: unknown instruction 'frob'"},
      {"func @f() {\nentry:\n  ret %y\n}", "t.ir:3:7: value '%y' is never defined"},
      {"func @f() {\nentry:\n  jmp nowhere\n}", "t.ir:3:7: block 'nowhere' is never defined"},
      {"func @f() -> i65 {", "t.ir:1:14: unknown type 'i65'"},
      {"func @f() {\nentry:\n  %x = add i64 1, 2\n  %x = add i64 1, 2\n  ret\n}", "t.ir:4:3: value '%x' is defined twice"},
      {"func @f() {\nentry:\n  ret\n", "unexpected end of input"},
      {"func @f() {\nentry:\n  %a = add i64 99999999999999999999, 1\n  ret\n}", "t.ir:3:16: bad integer literal"},
      {"func @f() {\nentry:\n  %a = add f64 1e999, 1\n  ret\n}", "t.ir:3:16: float literal out of range"},
      {"func @f() {\nentry:\n  %a = add i64 12ab, 1\n  ret\n}", "t.ir:3:18: bad number literal"},
      {"template @f<i64>() {\nentry:\n  ret\n}", "t.ir:1:13: type parameter 'i64' shadows a built-in type"},
      {"bogus", "t.ir:1:1: expected 'func', 'template', 'extern', 'need' or 'module'"},
      {"func @f() {\nentry:\n  store i64 1, 2\n  %q = store i64 1, 2\n}", "t.ir:4:3: 'store' produces no value"},
      {"func @f() {\nentry:\n  add i64 1, 2\n}", "t.ir:3:3: 'add' produces a value"},
      {"func @f() { entry: ret } $", "t.ir:1:26: unexpected character '$'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto m = read_module(c.text, "t.ir");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find(c.expected), std::string::npos) << m.error().message;
  }
}

TEST(IrVerifier, RejectsBadPrograms) {
  const BadCase cases[] = {
      {"func @f() -> i64 {\nentry:\n  %a = add i64 1, 2\n}", "t.ir:3:3: in '@f': block 'entry' must end with jmp, br or ret"},
      {"func @f() {\nentry:\n  ret\n  ret\n}", "t.ir:3:3: in '@f': 'ret' must end its block"},
      {"func @f(%x: i32) -> i64 {\nentry:\n  ret %x\n}", "returned value '%x' has type 'i32', expected 'i64'"},
      {"func @f(%x: f64) -> f64 {\nentry:\n  %r = rem f64 %x, 2\n  ret %r\n}", "'rem' needs an integer type, not 'f64'"},
      {"func @f(%x: f64) -> i1 {\nentry:\n  %r = cmp ult f64 %x, 2.0\n  ret %r\n}", "unsigned comparison 'ult' on 'f64'"},
      {"func @f(%x: i8) -> i8 {\nentry:\n  %r = add i8 %x, 300\n  ret %r\n}", "literal 300 does not fit 'i8'"},
      {"func @f(%x: i64) -> i64 {\nentry:\n  %r = add i64 %x, 1.5\n  ret %r\n}", "a float literal cannot have type 'i64'"},
      {"func @f() {\nentry:\n  ret\nloose:\n  ret\n}", "t.ir:4:1: in '@f': block 'loose' is unreachable"},
      {"func @f(%c: i1) -> i64 {\nentry:\n  br %c, a, b\na:\n  %x = add i64 1, 2\n  jmp b\nb:\n  ret %x\n}",
       "'%x' is used where its definition does not dominate the use"},
      {"func @f() -> i64 {\nentry:\n  %y = add i64 %x, 1\n  %x = add i64 1, 1\n  ret %y\n}", "does not dominate"},
      {"func @f() {\nentry:\n  jmp entry\n}", "branch to the entry block"},
      {"func @f() {\nentry:\n  jmp next(1)\nnext:\n  ret\n}", "block 'next' takes 0 arguments, given 1"},
      {"func @f() {\nentry:\n  call @g(1)\n  ret\n}", "call to unknown function '@g'"},
      {"extern @g(i64) -> i64\nfunc @f() {\nentry:\n  %r = call i32 @g(1)\n  ret\n}", "'@g' returns 'i64', not 'i32'"},
      {"extern @g(i64)\nfunc @f() {\nentry:\n  call @g(1, 2)\n  ret\n}", "'@g' takes 1 arguments, given 2"},
      {"template @t<T>(%x: T) -> T {\nentry:\n  ret %x\n}\nfunc @f() {\nentry:\n  %r = call i64 @t(1)\n  ret\n}",
       "template '@t' takes 1 type arguments, given 0"},
      {"func @g() {\nentry:\n  ret\n}\nfunc @f() {\nentry:\n  call @g<i64>()\n  ret\n}", "'@g' is not a template"},
      {"func @f() {\nentry:\n  ret\n}\nfunc @f() {\nentry:\n  ret\n}", "t.ir:5:1: '@f' is defined twice"},
      {"need @nothing<i64>", "names no template of this module"},
      {"template @t<T>(%x: T) -> T {\nentry:\n  ret %x\n}\nneed @t<i64, f64>", "takes 1 type arguments, given 2"},
      {"func @f(%p: i64) -> i64 {\nentry:\n  %r = load i64 %p\n  ret %r\n}", "address '%p' has type 'i64', expected 'ptr'"},
      {"func @f(%x: i64) -> i1 {\nentry:\n  %r = add i1 %x, 1\n  ret %r\n}", "only and, or and xor apply to 'i1'"},
      {"func @f(%x: f64) -> ptr {\nentry:\n  %r = conv f64 %x to ptr\n  ret %r\n}", "cannot conv 'f64' to 'ptr'"},
      {"func @f(%x: i64) -> i32 {\nentry:\n  %r = zext i64 %x to i32\n  ret %r\n}", "cannot zext 'i64' to 'i32'"},
      {"func @f(%x: i64) -> i64 {\nentry:\n  %c = cmp lt i64 %x, 1\n  br %x, a, a\na:\n  ret %x\n}", "branch condition '%x' has type 'i64', expected 'i1'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string error = error_of(c.text);
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
}

TEST(IrVerifier, ChecksInstancesConcretely) {
  auto m = read_module("template @r<T>(%x: T) -> T {\nentry:\n  %y = rem T %x, 3\n  ret %y\n}");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(verify_module(*m).ok());
  const Type i64[] = {Type::of(TypeKind::kI64)};
  const Type f64[] = {Type::of(TypeKind::kF64)};
  EXPECT_TRUE(verify_function(substitute(m->functions[0], i64), *m).ok());
  auto bad = verify_function(substitute(m->functions[0], f64), *m, "t.ir");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("t.ir:3:3: in '@r<f64>': 'rem' needs an integer type"), std::string::npos) << bad.error().message;
}

TEST(IrVerifier, BadInputCorpusIsRejectedCleanly) {
  // Every file of the fuzz corpus of bad inputs must be rejected with a located error.
  for (const char* file : {"bad_unterminated.ir", "bad_types.ir", "bad_dominance.ir", "bad_garbage.ir"}) {
    SCOPED_TRACE(file);
    const std::string text = read_testdata(file);
    ASSERT_FALSE(text.empty());
    const std::string error = error_of(text);
    EXPECT_NE(error.find("t.ir:"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace spl::jit
