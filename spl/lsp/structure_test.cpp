// Outline, folding, selection and semantic tokens on parsed files.
#include <gtest/gtest.h>

#include "spl/lsp/analysis.hpp"
#include "spl/lsp/outline.hpp"
#include "spl/lsp/semantic_tokens.hpp"
#include "spl/lsp/structure.hpp"

namespace spl::lsp {
namespace {

constexpr std::string_view kShapes = R"(# Shapes
# and more
use std.text

struct Point:
    x: i64
    y: i64

    fn len() -> i64:
        return self.x + self.y

impl Show for Point:
    fn show() -> str:
        "p"

enum Color:
    Red
    Green(v: i64)

trait Show:
    fn show() -> str

class Box:
    var size: i64 = 0

actor Counter:
    var total: i64 = 0

val limit = 10

fn add(a: i64, b: i64) -> i64:
    val s = a + b
    s
)";

const OutlineSymbol* find(const std::vector<OutlineSymbol>& symbols, std::string_view name) {
  for (const OutlineSymbol& s : symbols)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(Outline, DeclarationsAndMembers) {
  Analysis a(std::string(kShapes), "");
  std::vector<OutlineSymbol> symbols = outline(a.root(), a.text(), a.tokens());
  std::vector<std::string> names;
  for (const OutlineSymbol& s : symbols) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Point", "impl Show for Point", "Color", "Show", "Box", "Counter", "limit", "add"}));

  const OutlineSymbol* point = find(symbols, "Point");
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->kind, SymbolKind::Struct);
  ASSERT_EQ(point->children.size(), 3u);
  EXPECT_EQ(point->children[0].name, "x");
  EXPECT_EQ(point->children[0].kind, SymbolKind::Field);
  EXPECT_EQ(point->children[2].name, "len");
  EXPECT_EQ(point->children[2].kind, SymbolKind::Method);
  EXPECT_EQ(point->children[2].detail, "() -> i64");
  EXPECT_EQ(a.text().substr(point->name_span.begin, point->name_span.end - point->name_span.begin), "Point");

  const OutlineSymbol* impl = find(symbols, "impl Show for Point");
  ASSERT_NE(impl, nullptr);
  EXPECT_EQ(impl->kind, SymbolKind::Object);
  ASSERT_EQ(impl->children.size(), 1u);
  EXPECT_EQ(impl->children[0].name, "show");

  const OutlineSymbol* color = find(symbols, "Color");
  ASSERT_NE(color, nullptr);
  EXPECT_EQ(color->kind, SymbolKind::Enum);
  ASSERT_EQ(color->children.size(), 2u);
  EXPECT_EQ(color->children[1].name, "Green");
  EXPECT_EQ(color->children[1].kind, SymbolKind::EnumMember);

  EXPECT_EQ(find(symbols, "Show")->kind, SymbolKind::Interface);
  EXPECT_EQ(find(symbols, "Box")->kind, SymbolKind::Class);
  const OutlineSymbol* counter = find(symbols, "Counter");
  EXPECT_EQ(counter->kind, SymbolKind::Class);
  ASSERT_EQ(counter->children.size(), 1u);
  EXPECT_EQ(counter->children[0].name, "total");
  EXPECT_EQ(counter->children[0].kind, SymbolKind::Field);
  EXPECT_EQ(find(symbols, "limit")->kind, SymbolKind::Constant);
  const OutlineSymbol* add = find(symbols, "add");
  EXPECT_EQ(add->kind, SymbolKind::Function);
  EXPECT_EQ(add->detail, "(a: i64, b: i64) -> i64");
  EXPECT_TRUE(add->children.empty());  // locals are not in the outline
}

TEST(Outline, PartialTreeKeepsTheRest) {
  Analysis a("fn broken(:\n    return\n\nstruct Ok:\n    x: i64\n\nfn fine():\n    pass\n", "");
  ASSERT_FALSE(a.diagnostics().empty());
  std::vector<OutlineSymbol> symbols = outline(a.root(), a.text(), a.tokens());
  EXPECT_NE(find(symbols, "Ok"), nullptr);
  EXPECT_NE(find(symbols, "fine"), nullptr);
}

TEST(Folding, BodiesCommentsAndImports) {
  Analysis a(std::string(kShapes), "");
  std::vector<Fold> folds = folding_ranges(a.root(), a.text(), a.lines());
  auto has = [&](std::uint32_t start, std::uint32_t end, std::string kind) {
    for (const Fold& f : folds)
      if (f.start_line == start && f.end_line == end && f.kind == kind) return true;
    return false;
  };
  EXPECT_TRUE(has(0, 1, "comment"));
  EXPECT_TRUE(has(4, 9, ""));   // struct Point
  EXPECT_TRUE(has(8, 9, ""));   // fn len
  EXPECT_TRUE(has(15, 17, ""));  // enum Color
  EXPECT_TRUE(has(30, 32, ""));  // fn add
  for (const Fold& f : folds) EXPECT_LT(f.start_line, f.end_line);
}

TEST(Folding, UseRuns) {
  Analysis a("use a.b\nuse c\nuse d.e\n\nfn f():\n    pass\n", "");
  std::vector<Fold> folds = folding_ranges(a.root(), a.text(), a.lines());
  ASSERT_FALSE(folds.empty());
  EXPECT_EQ(folds[0], (Fold{0, 2, "imports"}));
}

TEST(Selection, GrowsFromTokenToFile) {
  Analysis a(std::string(kShapes), "");
  std::uint32_t offset = static_cast<std::uint32_t>(a.text().find("a + b")) + 4;  // on `b`
  std::vector<syntax::Span> spans = selection_spans(a.root(), a.tokens(), offset);
  ASSERT_GE(spans.size(), 4u);
  auto text = [&](syntax::Span s) { return a.text().substr(s.begin, s.end - s.begin); };
  EXPECT_EQ(text(spans[0]), "b");
  EXPECT_EQ(text(spans[1]), "a + b");
  EXPECT_EQ(spans.back().begin, 0u);
  for (std::size_t i = 1; i < spans.size(); ++i) {
    EXPECT_LE(spans[i].begin, spans[i - 1].begin);
    EXPECT_GE(spans[i].end, spans[i - 1].end);
    EXPECT_TRUE(spans[i].begin != spans[i - 1].begin || spans[i].end != spans[i - 1].end);
  }
}

struct Decoded {
  std::uint32_t line, character, length;
  std::string_view type;
};

std::vector<Decoded> decode(const std::vector<std::uint32_t>& data) {
  std::vector<Decoded> out;
  std::uint32_t line = 0, character = 0;
  for (std::size_t i = 0; i + 5 <= data.size(); i += 5) {
    if (data[i] != 0) character = 0;
    line += data[i];
    character += data[i + 1];
    out.push_back({line, character, data[i + 2], semantic_token_types()[data[i + 3]]});
  }
  return out;
}

TEST(SemanticTokens, KindsFromLexerAndTree) {
  Analysis a("# hi\nfn add(a: i64) -> i64:\n    return a + 1  # end\nval s = \"é\"\n", "");
  std::vector<Decoded> t = decode(semantic_tokens(a.root(), a.text(), a.tokens(), a.lines(), Encoding::Utf16));
  auto at = [&](std::uint32_t line, std::uint32_t character) -> std::string_view {
    for (const Decoded& d : t)
      if (d.line == line && d.character == character) return d.type;
    return "";
  };
  EXPECT_EQ(at(0, 0), "comment");
  EXPECT_EQ(at(1, 0), "keyword");
  EXPECT_EQ(at(1, 3), "function");
  EXPECT_EQ(at(1, 7), "parameter");
  EXPECT_EQ(at(1, 10), "type");
  EXPECT_EQ(at(2, 4), "keyword");
  EXPECT_EQ(at(2, 11), "variable");
  EXPECT_EQ(at(2, 15), "number");
  EXPECT_EQ(at(2, 18), "comment");
  EXPECT_EQ(at(3, 4), "variable");
  EXPECT_EQ(at(3, 8), "string");
  for (const Decoded& d : t) {
    if (d.line == 3 && d.character == 8) {
      EXPECT_EQ(d.length, 3u);  // "é" is 3 UTF-16 units
    }
  }
}

TEST(SemanticTokens, MultiLineStringsAreSplitPerLine) {
  Analysis a("val s = \"\"\"one\ntwo\"\"\"\n", "");
  std::vector<Decoded> t = decode(semantic_tokens(a.root(), a.text(), a.tokens(), a.lines(), Encoding::Utf8));
  int strings = 0;
  for (const Decoded& d : t) strings += d.type == "string";
  EXPECT_EQ(strings, 2);
}


// The leaves `use a.b as c` and `pub(scope)` add: the alias is a declared name, the scope a modifier.
TEST(SemanticTokens, AliasAndVisibility) {
  Analysis a("use a.b as c\nuse m.{Point as P}\npub(friend) fn f(): 1\n", "");
  std::vector<Decoded> t = decode(semantic_tokens(a.root(), a.text(), a.tokens(), a.lines(), Encoding::Utf8));
  auto at = [&](std::uint32_t line, std::uint32_t character) -> std::string_view {
    for (const Decoded& d : t)
      if (d.line == line && d.character == character) return d.type;
    return "";
  };
  EXPECT_EQ(at(0, 11), "namespace");
  EXPECT_EQ(at(1, 16), "type");
  EXPECT_EQ(at(2, 4), "modifier");
}
}  // namespace
}  // namespace spl::lsp
