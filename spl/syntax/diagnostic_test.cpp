// Golden tests of rendered diagnostics (text and JSON).

#include "spl/syntax/diagnostic.hpp"

#include <gtest/gtest.h>

#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

std::string render_all(const std::string& path, const std::string& source, bool json = false) {
  SourceFile file(path, source);
  Arena arena;
  std::vector<Diagnostic> diags;
  parse(file.text(), arena, diags);
  std::string out;
  for (const Diagnostic& d : diags) out += json ? render_json(file, d) + "\n" : render_text(file, d);
  return out;
}

TEST(Golden, MissingColon) {
  EXPECT_EQ(render_all("m.spl", "fn main()\n    print(1)\n"),
            "error[E0210]: missing `:` before the indented block\n"
            " --> m.spl:1:10\n"
            "  |\n"
            "1 | fn main()\n"
            "  |          ^ expected `:` here\n"
            "  = help: insert `:` (insert `:`)\n");
}

TEST(Golden, RustLetMut) {
  EXPECT_EQ(render_all("r.spl", "let mut count = 0\n"),
            "error[E0311]: this looks like Rust: in Simple, `let mut count = 0` is written `var count = 0`\n"
            " --> r.spl:1:1\n"
            "  |\n"
            "1 | let mut count = 0\n"
            "  | ^^^^^^^ write `var`\n"
            "  = note: mutable bindings are declared with `var`\n"
            "  = help: rewrite it the Simple way (`let mut` -> `var`)\n");
}

TEST(Golden, UnclosedBracketPointsAtOpener) {
  EXPECT_EQ(render_all("u.spl", "val xs = [1, 2\nval y = 3\n"),
            "error[E0104]: unclosed `[`\n"
            " --> u.spl:1:10\n"
            "  |\n"
            "1 | val xs = [1, 2\n"
            "  |          ^ opened here and never closed\n"
            "  = help: close it with `]` (insert `]`)\n");
}

TEST(Golden, WarningForSemicolon) {
  EXPECT_EQ(render_all("s.spl", "val x = 1;\n"),
            "warning[W0318]: in Simple, `val x = 1;` is written `val x = 1`\n"
            " --> s.spl:1:10\n"
            "  |\n"
            "1 | val x = 1;\n"
            "  |          ^ unnecessary `;`\n"
            "  = note: statements end at the line break; `;` is not needed\n"
            "  = help: rewrite it the Simple way (remove `;`)\n");
}

TEST(Golden, TabsAreExpandedUnderTheCaret) {
  std::string out = render_all("t.spl", "if a:\n\tval x = \n");
  EXPECT_NE(out.find("2 |     val x = \n  |            ^"), std::string::npos) << out;
}

TEST(Golden, Json) {
  EXPECT_EQ(render_all("j.spl", "val ok = True\n", true),
            R"({"code":"E0302","severity":"error","message":"this looks like Python: in Simple, `val ok = True` is written `val ok = true`","file":"j.spl","span":{"begin":9,"end":13,"line":1,"column":10,"end_line":1,"end_column":14},"label":"write `true`","labels":[],"notes":["booleans are lowercase: `true` and `false`"],"fixits":[{"message":"rewrite it the Simple way","machine_applicable":true,"edits":[{"span":{"begin":9,"end":13,"line":1,"column":10,"end_line":1,"end_column":14},"replacement":"true"}]}]})"
            "\n");
}

TEST(Golden, ColourOnlyWhenAsked) {
  SourceFile file("c.spl", "val x = \n");
  Diagnostic d;
  d.code = "E0202";
  d.message = "expected an expression";
  d.span = {8, 9};
  EXPECT_EQ(render_text(file, d).find("\x1b["), std::string::npos);
  RenderOptions colour;
  colour.colour = true;
  EXPECT_NE(render_text(file, d, colour).find("\x1b[1;31m"), std::string::npos);
}

TEST(Golden, SecondaryLabelsOnOtherLines) {
  SourceFile file("l.spl", "fn f(\n    a\nb\n");
  Diagnostic d;
  d.code = "E0201";
  d.message = "expected `)`";
  d.span = {12, 13};
  d.primary_label = "here";
  d.labels.push_back({{4, 5}, "opened here"});
  std::string out = render_text(file, d);
  EXPECT_EQ(out,
            "error[E0201]: expected `)`\n"
            " --> l.spl:3:1\n"
            "  |\n"
            "1 | fn f(\n"
            "  |     - opened here\n"
            " ...\n"
            "3 | b\n"
            "  | ^ here\n");
}

TEST(Codes, EveryDocumentedCodeIsTriggeredByItsExample) {
  for (const CodeInfo& c : diagnostic_codes()) {
    Arena arena;
    std::vector<Diagnostic> diags;
    parse(c.example, arena, diags);
    bool found = false;
    for (const Diagnostic& d : diags) found = found || d.code == c.code;
    EXPECT_TRUE(found) << c.code << " not produced by its example:\n" << c.example;
  }
}

}  // namespace
}  // namespace spl::syntax
