#include "spl/syntax/lexer.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace spl::syntax {
namespace {

struct Lexed {
  std::string source;
  std::vector<Token> tokens;
  std::vector<Diagnostic> diags;
};

Lexed run(std::string source) {
  Lexed l{std::move(source), {}, {}};
  lex(l.source, l.tokens, l.diags);
  return l;
}

std::vector<Tok> kinds(const Lexed& l) {
  std::vector<Tok> out;
  for (const Token& t : l.tokens) out.push_back(t.kind);
  return out;
}

// Compact rendering: token text, or a layout marker.
std::string shape(const Lexed& l) {
  std::string out;
  for (const Token& t : l.tokens) {
    if (!out.empty()) out += ' ';
    switch (t.kind) {
      case Tok::Newline: out += "NL"; break;
      case Tok::Indent: out += "IN"; break;
      case Tok::Dedent: out += "DE"; break;
      case Tok::Eof: out += "EOF"; break;
      default:
        if (t.has(kSynthetic)) {
          out += std::string(spelling(t.kind)) + "<synthetic>";
        } else {
          out += t.text(l.source);
        }
    }
  }
  return out;
}

TEST(Lexer, IndentationProducesIndentAndDedent) {
  auto l = run("fn f():\n    a\n    b\nc\n");
  EXPECT_EQ(shape(l), "fn f ( ) : NL IN a NL b NL DE c NL EOF");
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, TabCountsAsFour) {
  auto l = run("if x:\n\ta\n    b\n");
  EXPECT_EQ(shape(l), "if x : NL IN a NL b NL DE EOF");
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, BlankAndCommentLinesMakeNoLayout) {
  auto l = run("a\n\n   # comment\n        \nb # trailing\n");
  EXPECT_EQ(shape(l), "a NL b NL EOF");
}

TEST(Lexer, ConditionalDirectiveLinesAreLayout) {
  auto l = run("@when(linux and x86_64):\nval a = 1\n@elif(macos)\nval a = 2\n@else:\n    @end\nb\n");
  EXPECT_EQ(shape(l), "val a = 1 NL val a = 2 NL b NL EOF");
  EXPECT_TRUE(l.diags.empty());
  // Without an open `@when`, `@end` is an ordinary decorator.
  EXPECT_EQ(shape(run("@end\nfn f(): 1\n")), "@ end NL fn f ( ) : 1 NL EOF");
}

TEST(Lexer, CustomBlocksKeepTheirTextRaw) {
  auto l = run("val y = m{ x^2 + frac(1, {n}) }\nsh{ ls -l # not a comment\n  | wc }\n");
  EXPECT_EQ(shape(l), "val y = m{ x^2 + frac(1, {n}) } NL sh{ ls -l # not a comment\n  | wc } NL EOF");
  EXPECT_EQ(kinds(l)[3], Tok::Payload);
  EXPECT_TRUE(l.diags.empty());
  // Another name, a space, or no closing brace: ordinary tokens.
  EXPECT_EQ(shape(run("p{x: 1}\n")), "p { x : 1 } NL EOF");
  EXPECT_EQ(shape(run("m {x}\n")), "m { x } NL EOF");
  EXPECT_NE(shape(run("val a = sql{ select\nval b = 2\n")).find("sql {"), std::string::npos);
}

TEST(Lexer, SuspensionForms) {
  auto l = run("if~ ready() and~ ok:\n    x ~= fetch()\n    n ~+= 1\nval y = ~z\n");
  EXPECT_EQ(shape(l), "if~ ready ( ) and~ ok : NL IN x ~= fetch ( ) NL n ~+= 1 NL DE val y = ~ z NL EOF");
  EXPECT_EQ(kinds(l)[0], Tok::KwIf);
  EXPECT_TRUE(l.tokens[0].has(kSuspend));
  EXPECT_EQ(kinds(l)[10], Tok::Eq);
  EXPECT_TRUE(l.tokens[10].has(kSuspend));
  EXPECT_EQ(kinds(l)[16], Tok::PlusEq);
  EXPECT_FALSE(l.tokens[1].has(kSuspend));
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, NewlinesSuppressedInsideBrackets) {
  auto l = run("f(a,\n        b,\n  c)\nx\n");
  EXPECT_EQ(shape(l), "f ( a , b , c ) NL x NL EOF");
}

TEST(Lexer, BlockLambdaInsideCallForcesIndentation) {
  auto l = run("d.update(k, \\v:\n    match v:\n        case Some(n): n + 1\n        case None: 0\n)\nnext\n");
  EXPECT_EQ(shape(l),
            "d . update ( k , \\ v : NL IN match v : NL IN case Some ( n ) : n + 1 NL case None : 0 NL DE DE ) NL next NL EOF");
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, BlockLambdaClosedOnSameLine) {
  auto l = run("run(\\:\n    a\n    b)\nc\n");
  EXPECT_EQ(shape(l), "run ( \\ : NL IN a NL b NL DE ) NL c NL EOF");
}

TEST(Lexer, TrailingOperatorContinuesLine) {
  auto l = run("val x = a +\n    b\nval ok = p and\n    q\n");
  EXPECT_EQ(shape(l), "val x = a + b NL val ok = p and q NL EOF");
}

TEST(Lexer, LeadingOperatorContinuesLine) {
  auto l = run("if first\n    and second:\n    go\nval r = xs\n    .map(f)\n    |> g\n");
  EXPECT_EQ(shape(l), "if first and second : NL IN go NL DE val r = xs . map ( f ) |> g NL EOF");
}

TEST(Lexer, UseWildcardDoesNotContinue) {
  auto l = run("use a.b.*\nval x = 1\n");
  EXPECT_EQ(shape(l), "use a . b . * NL val x = 1 NL EOF");
}

TEST(Lexer, SlashSlashIsAnOperator) {
  auto l = run("val r = f // g\n");
  EXPECT_EQ(kinds(l)[4], Tok::SlashSlash);
}

TEST(Lexer, InterpolatedString) {
  auto l = run("\"key_{i} and {xs.join(\"-\")} {{literal}}\"\n");
  ASSERT_EQ(l.tokens[0].kind, Tok::String);
  EXPECT_TRUE(l.tokens[0].has(kInterpolated));
  EXPECT_EQ(l.tokens[0].end, l.source.size() - 1);
  std::vector<Span> holes;
  interpolation_holes(l.source, l.tokens[0], holes);
  ASSERT_EQ(holes.size(), 2u);
  EXPECT_EQ(l.source.substr(holes[0].begin, holes[0].end - holes[0].begin), "i");
  EXPECT_EQ(l.source.substr(holes[1].begin, holes[1].end - holes[1].begin), "xs.join(\"-\")");
}

TEST(Lexer, BraceBeforeQuoteIsLiteral) {
  auto l = run("\"{\\\"a\\\": 1}\"\n");
  EXPECT_FALSE(l.tokens[0].has(kInterpolated));
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, RawAndTripleStrings) {
  auto l = run("'a{b}' r\"c\\d\" \"\"\"doc\n{x}\n\"\"\" f\"\"\"v{y}\"\"\"\n");
  EXPECT_EQ(kinds(l)[0], Tok::RawString);
  EXPECT_EQ(kinds(l)[1], Tok::RawString);
  EXPECT_EQ(kinds(l)[2], Tok::RawString);
  EXPECT_TRUE(l.tokens[2].has(kTriple));
  EXPECT_EQ(kinds(l)[3], Tok::String);
  EXPECT_TRUE(l.tokens[3].has(kInterpolated));
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, LabelAndAtom) {
  auto l = run("break 'outer `ok`\n");
  EXPECT_EQ(kinds(l)[1], Tok::Label);
  EXPECT_EQ(kinds(l)[2], Tok::Atom);
}

TEST(Lexer, UnterminatedStringStopsAtLineEnd) {
  auto l = run("val s = \"abc\nval t = 1\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0101");
  EXPECT_EQ(shape(l), "val s = \"abc NL val t = 1 NL EOF");
}

TEST(Lexer, Numbers) {
  auto l = run("1_000_000 0xFF_FF 0b1010 0o17 3.14 6.022e23 1.5e-10 42i32 100u64 2.5f32 100_km 1..2 pair.0 t.0.1\n");
  std::vector<Tok> k = kinds(l);
  EXPECT_EQ(k[0], Tok::Int);
  EXPECT_EQ(k[1], Tok::Int);
  EXPECT_EQ(k[2], Tok::Int);
  EXPECT_EQ(k[3], Tok::Int);
  EXPECT_EQ(k[4], Tok::Float);
  EXPECT_EQ(k[5], Tok::Float);
  EXPECT_EQ(k[6], Tok::Float);
  EXPECT_EQ(k[7], Tok::Int);
  EXPECT_TRUE(l.tokens[7].has(kSuffixed));
  EXPECT_EQ(k[8], Tok::Int);
  EXPECT_EQ(k[9], Tok::Float);
  EXPECT_EQ(k[10], Tok::Int);
  EXPECT_EQ(l.tokens[10].text(l.source), "100_km");
  EXPECT_EQ(shape(l).substr(shape(l).find("1 .. 2")), "1 .. 2 pair . 0 t . 0 . 1 NL EOF");
  EXPECT_TRUE(l.diags.empty());
}

TEST(Lexer, IntegerRange) {
  auto l = run("9223372036854775808 9223372036854775809\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0107");
  EXPECT_EQ(l.diags[0].span.begin, 20u);
}

TEST(Lexer, BadSuffixAndEmptyBase) {
  auto l = run("12abc 0x\n");
  ASSERT_EQ(l.diags.size(), 2u);
  EXPECT_EQ(l.diags[0].code, "E0106");
  EXPECT_EQ(l.diags[1].code, "E0106");
}

TEST(Lexer, Operators) {
  auto l = run("a ?. b ?? c .? d..=e ... -> => <- |> ~> &:len :: === !== ** **= += != <= >= << && || ++ --\n");
  std::string s = shape(l);
  EXPECT_EQ(s, "a ?. b ?? c .? d ..= e ... -> => <- |> ~> &: len :: === !== ** **= += != <= >= << && || ++ -- NL EOF");
}

TEST(Lexer, ShiftRightStaysTwoTokens) {
  auto l = run("Map<text, List<i64>>\n");
  EXPECT_EQ(shape(l), "Map < text , List < i64 > > NL EOF");
}

TEST(Lexer, Keywords) {
  auto l = run("fn val var me actor spawn receive xor foo\n");
  std::vector<Tok> k = kinds(l);
  EXPECT_EQ(k[0], Tok::KwFn);
  EXPECT_EQ(k[3], Tok::KwMe);
  EXPECT_EQ(k[4], Tok::KwActor);
  EXPECT_EQ(k[7], Tok::KwXor);
  EXPECT_EQ(k[8], Tok::Ident);
}

TEST(Lexer, AttributeAndComments) {
  auto l = run("#[strong]\n#!/usr/bin/env simple\n/* a /* nested */ b */ x\n");
  EXPECT_EQ(shape(l), "#[ strong ] NL x NL EOF");
}

TEST(Lexer, InconsistentDedentIsReportedOnce) {
  auto l = run("fn f():\n        a\n    b\nc\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0103");
  EXPECT_EQ(shape(l), "fn f ( ) : NL IN a NL DE b NL c NL EOF");
}

TEST(Lexer, UnclosedBracketClosedBeforeNextStatement) {
  auto l = run("val xs = [1, 2\nval y = 3\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0104");
  EXPECT_EQ(shape(l), "val xs = [ 1 , 2 ]<synthetic> NL val y = 3 NL EOF");
}

TEST(Lexer, StrayCloserDropped) {
  auto l = run("val x = 1)\nval y = 2\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0105");
  EXPECT_EQ(shape(l), "val x = 1 NL val y = 2 NL EOF");
}

TEST(Lexer, InvalidCharacter) {
  auto l = run("val y = 1 \x01\x01 2\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_EQ(l.diags[0].code, "E0102");
  EXPECT_EQ(shape(l), "val y = 1 2 NL EOF");
}

// A backslash as the last byte of an unterminated string: the token used to end one byte past
// the text (found by the StreamIsWellFormed property).
TEST(Lexer, EscapeAtEndOfTextStaysInsideTheText) {
  for (const char* text : {"\"\\", "f\"ab\\", "x = \"\\"}) {
    auto l = run(text);
    ASSERT_FALSE(l.diags.empty()) << text;
    EXPECT_EQ(l.diags[0].code, "E0101") << text;
    for (const auto& t : l.tokens) EXPECT_LE(t.end, l.source.size()) << text;
    EXPECT_LE(l.diags[0].span.end, l.source.size()) << text;
  }
}

TEST(Lexer, ByteOffsetsCoverTheText) {
  auto l = run("val answer = 42\n");
  EXPECT_EQ(l.tokens[1].begin, 4u);
  EXPECT_EQ(l.tokens[1].end, 10u);
  EXPECT_EQ(l.tokens[3].text(l.source), "42");
}

// Any input: the lexer ends with Eof, INDENT/DEDENT balance, offsets are ordered and in range.
RC_GTEST_PROP(LexerProperty, StreamIsWellFormed, (const std::string& input)) {
  std::vector<Token> tokens;
  std::vector<Diagnostic> diags;
  lex(input, tokens, diags);
  RC_ASSERT(!tokens.empty());
  RC_ASSERT(tokens.back().kind == Tok::Eof);
  int depth = 0;
  std::uint32_t last = 0;
  for (const Token& t : tokens) {
    if (t.kind == Tok::Indent) ++depth;
    if (t.kind == Tok::Dedent) --depth;
    RC_ASSERT(depth >= 0);
    RC_ASSERT(t.begin <= t.end);
    RC_ASSERT(t.end <= input.size());
    RC_ASSERT(t.begin >= last || t.kind == Tok::Newline || t.kind == Tok::Dedent || t.has(kSynthetic));
    last = std::max(last, t.begin);
  }
  RC_ASSERT(depth == 0);
}


// `\r\n` ends a line like `\n`; a lone `\r` in the indentation is whitespace: no line is lost.
TEST(Lexer, CarriageReturnsNeverDropALine) {
  auto l = run("fn f():\r\n    a\r\n\r\n    b\r\nc\r\n");
  EXPECT_EQ(shape(l), "fn f ( ) : NL IN a NL b NL DE c NL EOF");
  EXPECT_TRUE(l.diags.empty());
  auto m = run("a = 1\n\rb = 2\n    \r\nc\n");
  EXPECT_EQ(shape(m), "a = 1 NL b = 2 NL c NL EOF");
  EXPECT_TRUE(m.diags.empty());
}
}  // namespace
}  // namespace spl::syntax
