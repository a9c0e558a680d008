#include "spl/lsp/navigation.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace spl::lsp {
namespace {

constexpr std::string_view kProgram = R"(# A point.
struct Point:
    x: i64
    y: i64

    fn scaled(k: i64) -> Point:
        Point(self.x * k, self.y * k)

## Adds.
fn add(a: i64, b: i64) -> i64:
    a + b

fn main():
    val p = Point(1, 2)
    val total = add(p.x, 2)
    print(total)
)";

std::uint32_t at(const Analysis& a, std::string_view needle, std::size_t skip = 0) {
  std::size_t pos = a.text().find(needle);
  for (std::size_t i = 0; i < skip; ++i) pos = a.text().find(needle, pos + 1);
  EXPECT_NE(pos, std::string_view::npos) << needle;
  return static_cast<std::uint32_t>(pos);
}

std::vector<std::string> labels(const std::vector<CompletionItem>& items) {
  std::vector<std::string> out;
  for (const CompletionItem& i : items) out.push_back(i.label);
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(Hover, SignatureKindAndDoc) {
  Analysis a(std::string(kProgram), "");
  std::optional<HoverInfo> h = hover(a, at(a, "add(p.x") + 1);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->markdown, "```simple\nfn add(a: i64, b: i64) -> i64\n```\nfunction\n\n---\n\nAdds.");
  EXPECT_EQ(a.text().substr(h->span.begin, h->span.end - h->span.begin), "add");
  h = hover(a, at(a, "p.x") + 2);  // the field through a typed name
  ASSERT_TRUE(h);
  EXPECT_EQ(h->markdown, "```simple\nx: i64\n```\nfield of `Point`");
  h = hover(a, at(a, "Point(1"));
  ASSERT_TRUE(h);
  EXPECT_NE(h->markdown.find("A point."), std::string::npos);
  EXPECT_FALSE(hover(a, at(a, "print")));  // a prelude function has no definition here
}

TEST(Rename, PlansAndRefusals) {
  Analysis a(std::string(kProgram), "");
  RenamePlan plan = plan_rename(a, at(a, "total ="), "sum");
  EXPECT_TRUE(plan.error.empty()) << plan.error;
  EXPECT_EQ(plan.spans.size(), 2u);
  EXPECT_NE(plan_rename(a, at(a, "total ="), "2x").error, "");
  EXPECT_NE(plan_rename(a, at(a, "total ="), "match").error.find("keyword"), std::string::npos);
  EXPECT_NE(plan_rename(a, at(a, "total ="), "p").error.find("already defined"), std::string::npos);
  EXPECT_NE(plan_rename(a, at(a, "total ="), "add").error.find("already defined"), std::string::npos);
  EXPECT_NE(plan_rename(a, at(a, "x: i64"), "y").error.find("already has"), std::string::npos);
  plan = plan_rename(a, at(a, "x: i64"), "px");
  EXPECT_TRUE(plan.error.empty()) << plan.error;
  EXPECT_EQ(plan.spans.size(), 3u);  // x:, self.x, p.x
  EXPECT_NE(plan_rename(a, at(a, "print"), "show").error, "");
}

TEST(SignatureHelp, ActiveParameter) {
  Analysis a(std::string(kProgram), "");
  std::optional<SignatureInfo> s = signature_help(a, at(a, "2)\n    print"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->label, "fn add(a: i64, b: i64) -> i64");
  EXPECT_EQ(s->parameters, (std::vector<std::string>{"a: i64", "b: i64"}));
  EXPECT_EQ(s->active, 1u);
  EXPECT_EQ(s->doc, "Adds.");
  s = signature_help(a, at(a, "1, 2)"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->label, "Point(x: i64, y: i64)");
  EXPECT_EQ(s->active, 0u);
  EXPECT_FALSE(signature_help(a, at(a, "val p")));
}

TEST(Completion, NamesKeywordsSnippetsAndMembers) {
  Analysis a(std::string(kProgram), "");
  std::vector<std::string> names = labels(complete(a, at(a, "print(total)")));
  EXPECT_TRUE(has(names, "total"));
  EXPECT_TRUE(has(names, "p"));
  EXPECT_TRUE(has(names, "add"));
  EXPECT_TRUE(has(names, "Point"));
  EXPECT_TRUE(has(names, "print"));
  EXPECT_TRUE(has(names, "while"));
  EXPECT_TRUE(has(names, "describe"));
  EXPECT_FALSE(has(names, "a"));  // add's parameter
  EXPECT_FALSE(has(names, "x"));  // a field
  std::vector<std::string> members = labels(complete(a, at(a, "p.x") + 2));
  EXPECT_EQ(members, (std::vector<std::string>{"x", "y", "scaled"}));
  std::vector<std::string> self = labels(complete(a, at(a, "self.x") + 5));
  EXPECT_EQ(self, (std::vector<std::string>{"x", "y", "scaled"}));
}

TEST(Completion, AtAnIncompleteLine) {
  Analysis a("struct Point:\n    x: i64\n    y: i64\n\nfn main():\n    val p = Point(1, 2)\n    val q = p.\n", "");
  EXPECT_FALSE(a.diagnostics().empty());
  std::uint32_t dot = static_cast<std::uint32_t>(a.text().find("p.\n")) + 2;
  EXPECT_EQ(labels(complete(a, dot)), (std::vector<std::string>{"x", "y"}));
  Analysis b("fn helper(count: i64) -> i64:\n    count\n\nfn main():\n    val v = hel\n", "");
  std::vector<std::string> names = labels(complete(b, static_cast<std::uint32_t>(b.text().find("hel\n")) + 3));
  EXPECT_TRUE(has(names, "helper"));
  EXPECT_FALSE(has(names, "v"));  // being declared
}

}  // namespace
}  // namespace spl::lsp
