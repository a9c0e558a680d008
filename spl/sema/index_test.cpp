#include "spl/sema/index.hpp"

#include <gtest/gtest.h>

#include <string>

#include "spl/sema/sema.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::sema {
namespace {

struct Indexed {
  std::string src;
  Arena arena;
  Index index;
  std::vector<syntax::Diagnostic> diagnostics;
  std::size_t syntax_errors = 0;

  explicit Indexed(std::string text) : src(std::move(text)) {
    std::vector<syntax::Diagnostic> parse_diags;
    syntax::ParseResult r = syntax::parse(src, arena, parse_diags);
    syntax_errors = parse_diags.size();
    diagnostics = analyze(r.root, src, r.tokens, options_after(parse_diags), index);
  }
  std::uint32_t at(std::string_view needle, std::size_t skip = 0) const {
    std::size_t pos = src.find(needle);
    for (std::size_t i = 0; i < skip; ++i) pos = src.find(needle, pos + 1);
    EXPECT_NE(pos, std::string::npos) << needle;
    return static_cast<std::uint32_t>(pos);
  }
  std::string_view text(syntax::Span s) const { return std::string_view(src).substr(s.begin, s.end - s.begin); }
  const Definition& def_at(std::string_view needle, std::size_t skip = 0) const {
    std::optional<std::uint32_t> d = index.definition_at(at(needle, skip));
    EXPECT_TRUE(d.has_value()) << needle;
    static const Definition none;
    return d ? index.definitions[*d] : none;
  }
};

constexpr std::string_view kProgram = R"(# A point in the plane.
# Integer coordinates.
struct Point:
    x: i64
    y: i64

    fn norm() -> i64:
        return self.x * self.x + self.y * self.y

enum Color:
    Red
    Green

## Adds two numbers.
fn add(a: i64, b: i64) -> i64:
    val total = a + b
    total

fn main():
    val p = Point(1, 2)
    var n = add(p.x, 3)
    val c = Color.Red
    n = n + p.norm()
    print(n)
)";

TEST(Index, DefinitionsWithSignatureAndDoc) {
  Indexed ix{std::string(kProgram)};
  const Definition& point = ix.def_at("Point:");
  EXPECT_EQ(point.name, "Point");
  EXPECT_EQ(point.kind, DefKind::Type);
  EXPECT_EQ(point.signature, "struct Point");
  EXPECT_EQ(point.doc, "A point in the plane.\nInteger coordinates.");
  const Definition& add = ix.def_at("add(a");
  EXPECT_EQ(add.kind, DefKind::Function);
  EXPECT_EQ(add.signature, "fn add(a: i64, b: i64) -> i64");
  EXPECT_EQ(add.doc, "Adds two numbers.");
  const Definition& a = ix.def_at("a: i64");
  EXPECT_EQ(a.kind, DefKind::Param);
  EXPECT_EQ(a.signature, "a: i64");
  const Definition& total = ix.def_at("total =");
  EXPECT_EQ(total.signature, "val total");
  const Definition& p = ix.def_at("p = Point");
  EXPECT_EQ(p.type, "Point");
  EXPECT_EQ(p.signature, "val p: Point");
  EXPECT_EQ(ix.def_at("n = add").signature, "var n");
}

TEST(Index, UsesResolveToTheirDefinitions) {
  Indexed ix{std::string(kProgram)};
  std::optional<std::uint32_t> total = ix.index.definition_at(ix.at("total =") + 1);
  ASSERT_TRUE(total);
  std::vector<syntax::Span> refs = ix.index.references(*total);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[1].begin, ix.at("total\n"));
  // A use resolves to the same definition as its declaration.
  EXPECT_EQ(ix.index.definition_at(ix.at("add(p.x")), ix.index.definition_at(ix.at("add(a")));
  EXPECT_EQ(ix.index.definition_at(ix.at("Point(1")), ix.index.definition_at(ix.at("Point:")));
  EXPECT_EQ(ix.index.references(*ix.index.definition_at(ix.at("n = add"))).size(), 4u);  // var n, n =, n +, print(n)
}

TEST(Index, MembersThroughSelfTypedNamesAndTypes) {
  Indexed ix{std::string(kProgram)};
  const Definition& x = ix.def_at("x: i64");
  EXPECT_EQ(x.kind, DefKind::Field);
  EXPECT_EQ(x.owner, "Point");
  // self.x inside a method, p.x where p = Point(...), Color.Red.
  EXPECT_EQ(ix.index.definition_at(ix.at("x * self")), ix.index.definition_at(ix.at("x: i64")));
  EXPECT_EQ(ix.index.definition_at(ix.at("x, 3)")), ix.index.definition_at(ix.at("x: i64")));
  EXPECT_EQ(ix.def_at("norm()", 1).kind, DefKind::Method);
  EXPECT_EQ(ix.def_at("Red", 1).kind, DefKind::Variant);
  std::vector<std::string> members;
  for (std::uint32_t m : ix.index.members_of("Point")) members.push_back(ix.index.definitions[m].name);
  EXPECT_EQ(members, (std::vector<std::string>{"x", "y", "norm"}));
  EXPECT_EQ(ix.index.references(*ix.index.definition_at(ix.at("x: i64"))).size(), 4u);
}

TEST(Index, ScopesAndVisibility) {
  Indexed ix{std::string(kProgram)};
  auto names = [&](std::uint32_t offset) {
    std::vector<std::string> out;
    for (std::uint32_t d : ix.index.visible_at(offset)) out.push_back(ix.index.definitions[d].name);
    return out;
  };
  auto has = [](const std::vector<std::string>& v, std::string_view n) { return std::find(v.begin(), v.end(), n) != v.end(); };
  std::vector<std::string> in_add = names(ix.at("total\n"));
  EXPECT_TRUE(has(in_add, "a"));
  EXPECT_TRUE(has(in_add, "total"));
  EXPECT_TRUE(has(in_add, "main"));
  EXPECT_TRUE(has(in_add, "Point"));
  EXPECT_FALSE(has(in_add, "p"));
  EXPECT_FALSE(has(in_add, "x"));  // a field is not a name in scope
  std::vector<std::string> early = names(ix.at("val p"));
  EXPECT_FALSE(has(early, "c"));  // declared later in the body
  EXPECT_FALSE(has(early, "total"));
}

TEST(Index, WorksOnAFileWithSyntaxErrors) {
  Indexed ix{"fn helper(count: i64) -> i64:\n    count * 2\n\nfn main():\n    val v = helper(\n    print(v.\n"};
  EXPECT_GT(ix.syntax_errors, 0u);
  EXPECT_EQ(ix.def_at("helper(count").signature, "fn helper(count: i64) -> i64");
  EXPECT_EQ(ix.index.definition_at(ix.at("helper(\n")), ix.index.definition_at(ix.at("helper(count")));
}

TEST(Index, AnalyzeGivesTheSameDiagnosticsWithOrWithoutAnIndex) {
  std::string src = "fn main():\n    val x = 1\n    x = 2\n    print(y)\n";
  Indexed ix{src};
  Arena arena;
  std::vector<syntax::Diagnostic> parse_diags;
  syntax::ParseResult r = syntax::parse(src, arena, parse_diags);
  std::vector<syntax::Diagnostic> plain = analyze(r.root, src, r.tokens, options_after(parse_diags));
  ASSERT_EQ(plain.size(), ix.diagnostics.size());
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(plain[i].code, ix.diagnostics[i].code);
}

}  // namespace
}  // namespace spl::sema
