// spl::fmt: the layout rules on small inputs, refusal of broken input, and on every example and
// conformance program: comments kept, idempotent, same tree. A rapidcheck property perturbs the
// whitespace of valid programs and checks that formatting undoes it.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "spl/base/arena.hpp"
#include "spl/fmt/comments.hpp"
#include "spl/fmt/format.hpp"
#include "spl/fmt/tree_equal.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/parser.hpp"

namespace {

using spl::fmt::format;
using spl::fmt::Status;

std::string formatted(const std::string& source) {
  spl::fmt::Result r = format(source);
  EXPECT_TRUE(r.ok()) << r.reason << "\n" << source;
  EXPECT_FALSE(r.conservative) << source;
  return r.text;
}

// ---- rules ----------------------------------------------------------------------------------

TEST(Format, BlocksAreIndentedFourSpacesALevel) {
  EXPECT_EQ(formatted("fn f(x: i64) -> i64:\n  if x > 0:\n          return 1\n  x\n"),
            "fn f(x: i64) -> i64:\n    if x > 0:\n        return 1\n    x\n");
  EXPECT_EQ(formatted("fn f():\n\tprint 1\n"), "fn f():\n    print 1\n");
}

TEST(Format, OperatorsCommasAndColonsAreSpaced) {
  EXPECT_EQ(formatted("val x=1+2*3\n"), "val x = 1 + 2 * 3\n");
  EXPECT_EQ(formatted("val xs = [1,2 ,  3]\n"), "val xs = [1, 2, 3]\n");
  EXPECT_EQ(formatted("fn f(a:i64,b :i64)->i64: a-b\n"), "fn f(a: i64, b: i64) -> i64: a - b\n");
  EXPECT_EQ(formatted("val d = {  \"a\":1 }\n"), "val d = { \"a\": 1 }\n");
  EXPECT_EQ(formatted("val e = {\"a\": 1}\n"), "val e = {\"a\": 1}\n");
  EXPECT_EQ(formatted("x  +=  1\n"), "x += 1\n");
  EXPECT_EQ(formatted("val y = - x\n"), "val y = -x\n");
  EXPECT_EQ(formatted("val z = a  .b( 1 )\n"), "val z = a.b(1)\n");
  EXPECT_EQ(formatted("use .helpers.{a,b}\n"), "use .helpers.{a, b}\n");
}

TEST(Format, SpacingThatDecidesTheParseIsKept) {
  // `f (x)` and `f(x)`, `a [0]` and `a[0]` parse differently; so do `:sym` and `: sym`.
  EXPECT_EQ(formatted("print (1)\nprint(1)\n"), "print (1)\nprint(1)\n");
  EXPECT_EQ(formatted("val a = xs[0]\n"), "val a = xs[0]\n");
  EXPECT_EQ(formatted("val s = :name\n"), "val s = :name\n");
  EXPECT_EQ(formatted("val v = xs[1:2]\n"), "val v = xs[1:2]\n");
  EXPECT_EQ(formatted("val m = Map<text, i64>.new()\n"), "val m = Map<text, i64>.new()\n");
  EXPECT_EQ(formatted("val r = a>>b\n"), "val r = a >> b\n");
  EXPECT_EQ(formatted("val c = a<b\n"), "val c = a < b\n");
  // Written like a negative argument: kept, whatever the parser makes of it today.
  EXPECT_EQ(formatted("print -17\nprint x-1\n"), "print -17\nprint x - 1\n");
  EXPECT_EQ(formatted("val ys = xs.map(\\x: x*2)\n"), "val ys = xs.map(\\x: x * 2)\n");
}

TEST(Format, CommentsBlankLinesAndLineEnds) {
  EXPECT_EQ(formatted("\n\n# head   \nval x = 1 # one\n\n\n\n\nval y = 2"), "# head\nval x = 1  # one\n\n\nval y = 2\n");
  EXPECT_EQ(formatted("fn f():\n    val a = 1\n\n\n\n    a\n"), "fn f():\n    val a = 1\n\n    a\n");
  EXPECT_EQ(formatted("val x = 1\r\nval y = 2\r\n"), "val x = 1\nval y = 2\n");
  // A comment line follows the indentation of the code next to it.
  EXPECT_EQ(formatted("fn f():\n  # inside\n  1\n# outside\n"), "fn f():\n    # inside\n    1\n# outside\n");
  EXPECT_EQ(formatted(""), "");
}

// Found by fmt_fuzz when the lexer skipped a line whose indentation ended in a carriage return:
// a lone `\r` in the indentation is whitespace of no width, so the rest of the line is code.
TEST(Format, CarriageReturnInTheIndentationIsWhitespace) {
  EXPECT_EQ(formatted("\rZ\nval x=1\n"), "Z\nval x = 1\n");
  EXPECT_EQ(formatted("fn f():\n  1\n  \rhidden  \n"), "fn f():\n    1\n    hidden\n");
}

// Found by fmt_fuzz: removing a space must not change how the lexer splits what follows.
TEST(Format, TokensThatWouldLexDifferentlyWhenTouchingKeepTheirSpace) {
  EXPECT_EQ(formatted("val x =-- 3\n"), "val x = -- 3\n");
}

// Found by fmt_fuzz: an empty module spans its comments, whose trailing form feeds go.
TEST(Format, FileOfOnlyACommentWithTrailingFormFeeds) {
  EXPECT_EQ(formatted(";#\f\f\f"), ";  #\n");
}

TEST(Format, StringsAndContinuationLinesAreKept) {
  std::string doc = "val s = \"\"\"\n  keep   \n\tthis\n\"\"\"\n";
  EXPECT_EQ(formatted(doc), doc);
  // Lines inside brackets keep their offset from the statement's first line.
  EXPECT_EQ(formatted("fn f():\n  val xs = [\n      1,\n      2,\n  ]\n"), "fn f():\n    val xs = [\n        1,\n        2,\n    ]\n");
  EXPECT_EQ(formatted("val ok = a and\n    b\n"), "val ok = a and\n    b\n");
}

TEST(Format, BlockLambdaInsideACallIsReindented) {
  EXPECT_EQ(formatted("val n = xs.map(\\x:\n  match x:\n    case 1: \"one\"\n    case _: \"many\"\n)\n"),
            "val n = xs.map(\\x:\n    match x:\n        case 1: \"one\"\n        case _: \"many\"\n)\n");
}

TEST(Format, RefusesSourceWithSyntaxErrors) {
  spl::fmt::Result r = format("fn f(\n    1\nval = \n");
  EXPECT_EQ(r.status, Status::kSyntaxErrors);
  EXPECT_FALSE(r.diagnostics.empty());
  EXPECT_TRUE(r.text.empty());
  EXPECT_NE(r.reason.find("syntax error"), std::string::npos);
}

// ---- the corpus -----------------------------------------------------------------------------

struct Parsed {
  spl::Arena arena;
  spl::syntax::ParseResult result;
  std::size_t errors = 0;
  explicit Parsed(const std::string& source) {
    std::vector<spl::syntax::Diagnostic> diags;
    result = spl::syntax::parse(source, arena, diags);
    errors = spl::syntax::count_errors(diags);
  }
};

std::vector<std::string> corpus_files() {
  std::vector<std::string> missing;
  std::vector<std::string> files = spl::syntax::collect_sources(
      {std::string(SPL_SOURCE_DIR) + "/examples", std::string(SPL_SOURCE_DIR) + "/tests/conformance"}, missing);
  EXPECT_TRUE(missing.empty());
  return files;
}

TEST(FormatCorpus, KeepsCommentsIsIdempotentAndKeepsTheTree) {
  std::size_t checked = 0, refused = 0;
  for (const std::string& path : corpus_files()) {
    SCOPED_TRACE(path);
    std::string source = spl::syntax::read_file(path).value();
    Parsed before(source);
    spl::fmt::Result once = format(source);
    if (before.errors > 0) {  // some conformance programs are about syntax errors
      EXPECT_EQ(once.status, Status::kSyntaxErrors);
      ++refused;
      continue;
    }
    ASSERT_TRUE(once.ok()) << once.reason;
    EXPECT_FALSE(once.conservative);
    Parsed after(once.text);
    ASSERT_EQ(after.errors, 0u) << once.text;
    EXPECT_EQ(spl::fmt::comment_texts(source, before.result.tokens), spl::fmt::comment_texts(once.text, after.result.tokens));
    EXPECT_EQ(spl::fmt::tree_difference({before.result.root, source, before.result.tokens},
                                        {after.result.root, once.text, after.result.tokens}),
              "");
    spl::fmt::Result twice = format(once.text);
    ASSERT_TRUE(twice.ok()) << twice.reason;
    EXPECT_EQ(twice.text, once.text);
    ++checked;
  }
  EXPECT_GT(checked, 300u);
  EXPECT_LT(refused, 20u);
}

// A reused Formatter (spl fmt keeps one for all files) gives what a fresh one gives, large file
// after small and refusal after success included.
TEST(FormatCorpus, ReusedFormatterMatchesFreshOne) {
  spl::fmt::Formatter reused;
  std::vector<std::string> files = corpus_files();
  std::string big;
  for (std::size_t k = 0; k < 40 && k < files.size(); ++k) big += spl::syntax::read_file(files[k]).value() + "\n";
  std::vector<std::string> inputs = {"val x=1\n", big, "fn f(\n", "val y  =  2\n", big};
  for (const std::string& path : files) inputs.push_back(spl::syntax::read_file(path).value());
  for (const std::string& input : inputs) {
    spl::fmt::Result a = reused.format(input);
    spl::fmt::Result b = format(input);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.diagnostics.size(), b.diagnostics.size());
  }
}

// The formatter's own check is what stops a wrong layout: without it a changed program would be
// returned. Here the tree comparison must see a change of operator and of a name.
TEST(TreeEqual, SeesChangedOperatorsNamesAndShapes) {
  auto diff = [](const std::string& a, const std::string& b) {
    Parsed x(a), y(b);
    return spl::fmt::tree_difference({x.result.root, a, x.result.tokens}, {y.result.root, b, y.result.tokens});
  };
  EXPECT_EQ(diff("val x = 1 + 2\n", "val  x=1+2\n"), "");
  EXPECT_NE(diff("val x = 1 + 2\n", "val x = 1 - 2\n"), "");
  EXPECT_NE(diff("val x = a\n", "val x = b\n"), "");
  EXPECT_NE(diff("a [0]\n", "a[0]\n"), "");
  EXPECT_NE(diff("val s = \"{a}\"\n", "val s = \"{b}\"\n"), "");
}

// ---- property: formatting undoes whitespace and comment-spacing perturbations --------------------------------------

// Gap-level line starts and token gaps of a source, for perturbing only what is not inside a token.
struct Shape {
  std::vector<std::uint32_t> line_starts;  // offsets just after a '\n' that is not inside a token
  std::vector<std::pair<std::uint32_t, std::uint32_t>> gaps;  // [end of a token, start of the next) on one line
  std::vector<std::uint32_t> trailing_comments;  // offsets of comments that follow code on their line
};

Shape shape_of(const std::string& source, const std::vector<spl::syntax::Token>& tokens) {
  Shape s;
  s.line_starts.push_back(0);
  std::uint32_t pos = 0;
  const spl::syntax::Token* prev = nullptr;
  for (const spl::syntax::Token& t : tokens) {
    if (t.begin == t.end && t.kind != spl::syntax::Tok::Eof) continue;
    bool newline = false;
    for (std::uint32_t p = pos; p < t.begin; ++p) {
      if (source[p] == '#') break;  // the rest of this gap's line is a comment
      if (source[p] == '\n') newline = true;
    }
    for (std::uint32_t p = pos; p < t.begin; ++p) {
      if (source[p] == '\n') s.line_starts.push_back(p + 1);
    }
    if (prev != nullptr && !newline && t.kind != spl::syntax::Tok::Eof) s.gaps.push_back({prev->end, t.begin});
    pos = t.end;
    prev = &t;
  }
  for (std::string_view c : spl::fmt::comment_texts(source, tokens)) {
    auto at = static_cast<std::uint32_t>(c.data() - source.data());
    std::uint32_t p = at;
    while (p > 0 && (source[p - 1] == ' ' || source[p - 1] == '\t')) --p;
    if (p > 0 && source[p - 1] != '\n') s.trailing_comments.push_back(at);
  }
  return s;
}

std::string perturb(const std::string& source, const Shape& shape, int seed) {
  // Edits sorted by offset, applied from the back so offsets stay valid.
  std::vector<std::pair<std::uint32_t, std::string>> inserts;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  int shift = static_cast<int>(next() % 3);  // the whole file moved right keeps its meaning
  for (std::uint32_t at : shape.line_starts) {
    if (at < source.size() && source[at] != '\n') inserts.push_back({at, std::string(static_cast<std::size_t>(shift), ' ')});
    if (at > 0 && next() % 3 == 0) inserts.push_back({at - 1, next() % 2 ? "  " : "\t"});  // trailing whitespace
  }
  for (auto [b, e] : shape.gaps) {
    char before = source[b - 1], after = source[e];
    bool spaced = e > b;
    if (spaced && next() % 2 == 0) inserts.push_back({b, next() % 2 ? " " : "\t "});
    if (!spaced && (before == '(' || before == '[' || after == ')' || after == ']' || after == ',') && next() % 2 == 0) {
      inserts.push_back({b, " "});
    }
  }
  for (std::uint32_t at : shape.trailing_comments) {
    if (next() % 2 == 0) inserts.push_back({at, next() % 2 ? "   " : "\t"});
  }
  std::sort(inserts.begin(), inserts.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::string out = source;
  for (const auto& [at, text] : inserts) out.insert(at, text);
  return out;
}

RC_GTEST_PROP(FormatProperty, FormattingUndoesWhitespacePerturbations, ()) {
  static const std::vector<std::string> sources = [] {
    std::vector<std::string> out;
    for (const std::string& path : corpus_files()) {
      std::string text = spl::syntax::read_file(path).value();
      if (Parsed(text).errors == 0) out.push_back(text);
    }
    return out;
  }();
  RC_ASSERT(!sources.empty());
  const std::string& original = sources[*rc::gen::inRange<std::size_t>(0, sources.size())];
  spl::fmt::Result canonical = format(original);
  RC_ASSERT(canonical.ok());
  Parsed parsed(canonical.text);
  std::string perturbed = perturb(canonical.text, shape_of(canonical.text, parsed.result.tokens), *rc::gen::arbitrary<int>());
  Parsed again(perturbed);
  // Only perturbations that keep the program count (an added space can make `f(x)` the call `f (x)`).
  RC_PRE(again.errors == 0u);
  RC_PRE(spl::fmt::trees_equal({parsed.result.root, canonical.text, parsed.result.tokens},
                               {again.result.root, perturbed, again.result.tokens}));
  spl::fmt::Result r = format(perturbed);
  RC_ASSERT(r.ok());
  RC_ASSERT(r.text == canonical.text);
}

}  // namespace
