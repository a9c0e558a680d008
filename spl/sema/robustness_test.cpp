// Sema on damaged trees: every mutation the syntax mutation harness makes of the examples must
// analyse without a crash (run under the asan preset too), with spans inside the source, and
// must add few diagnostics of its own on top of the syntax errors (no cascades).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spl/sema/sema.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/mutate.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::sema {
namespace {

using syntax::Diagnostic;

std::vector<syntax::NamedSource> examples() {
  std::vector<std::string> missing;
  std::vector<syntax::NamedSource> out;
  for (const std::string& f : syntax::collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing))
    out.push_back({f, syntax::read_file(f).value_or("")});
  return out;
}

void expect_well_formed(const std::vector<Diagnostic>& diags, const std::string& text,
                        const std::string& what) {
  for (const Diagnostic& d : diags) {
    EXPECT_LE(d.span.begin, d.span.end) << what;
    EXPECT_LE(d.span.end, text.size()) << what;
    for (const syntax::FixIt& f : d.fixits)
      for (const syntax::TextEdit& e : f.edits) EXPECT_LE(e.span.end, text.size()) << what;
  }
}

// The same mutations as `spl mutate examples/` (200 per file, seed 1) and Mutate's targets.
TEST(Robustness, EveryMutationOfTheExamples) {
  std::size_t mutations = 0, with_syntax_errors = 0, sema_added = 0, sema_errors_added = 0,
              valid_diagnosed = 0;
  std::vector<std::string> cascades;
  for (std::uint64_t seed : {1u, 11u}) {
    std::uint64_t n = 0;
    for (const syntax::NamedSource& src : examples()) {
      for (std::size_t k = 0; k < 200; ++k) {
        syntax::Mutation m = syntax::mutate(src.text, seed * 1'000'003 + (n++));
        Arena arena;
        std::vector<Diagnostic> diags;
        syntax::ParseResult r = syntax::parse(m.text, arena, diags);
        Options o = options_after(diags);
        std::vector<Diagnostic> sema = analyze(r.root, m.text, r.tokens, o);
        expect_well_formed(sema, m.text, src.name + ": " + m.what);
        ++mutations;
        if (!o.syntax_errors) {
          // Still valid syntax: sema may well find what the mutation broke (`total` -> `tota`).
          if (!sema.empty()) ++valid_diagnosed;
          continue;
        }
        ++with_syntax_errors;
        if (!sema.empty()) {
          ++sema_added;
          if (cascades.size() < 20)
            cascades.push_back(src.name + ":" + std::to_string(m.line) + " " + m.what + " -> " +
                               sema[0].code + " " + sema[0].message);
        }
        if (syntax::count_errors(sema) > 0) ++sema_errors_added;
        // No warnings ever come on top of syntax errors.
        for (const Diagnostic& d : sema) EXPECT_EQ(d.severity, syntax::Severity::Error) << d.code;
      }
    }
  }
  std::string list;
  for (const std::string& c : cascades) list += "  " + c + "\n";
  std::printf(
      "mutations %zu, with syntax errors %zu, sema added diagnostics to %zu (%.1f%%); "
      "sema diagnosed %zu of the %zu still-valid mutations\n%s",
      mutations, with_syntax_errors, sema_added,
      100.0 * double(sema_added) / double(with_syntax_errors ? with_syntax_errors : 1), valid_diagnosed,
      mutations - with_syntax_errors, list.c_str());
  EXPECT_GT(with_syntax_errors, mutations / 2);
  // A sema diagnostic on top of a syntax error is allowed (a mutation can also make a name
  // undefined: `val total` -> `val tota`), but must stay rare.
  EXPECT_LE(double(sema_added), 0.05 * double(with_syntax_errors));
}

TEST(Robustness, EmptyAndDegenerateTrees) {
  for (std::string src : {"",
                          "\n",
                          "fn",
                          "fn (",
                          "match",
                          "match x:\n",
                          "case",
                          "val",
                          "use",
                          "use .",
                          "from import",
                          "enum",
                          "enum E:\n",
                          "impl",
                          "class C(",
                          "\\",
                          "|x|",
                          "f(",
                          "describe \"x\":",
                          "for in:",
                          "return",
                          "break",
                          "@when(x)\nfn f(",
                          "val x: = ",
                          "x +=",
                          "match x:\n    case Some(:\n"}) {
    Arena arena;
    std::vector<Diagnostic> diags;
    syntax::ParseResult r = syntax::parse(src, arena, diags);
    Options o = options_after(diags);
    auto d = analyze(r.root, src, r.tokens, o);
    expect_well_formed(d, src, src);
  }
  EXPECT_TRUE(analyze(nullptr, "", {}, {}).empty());
}

}  // namespace
}  // namespace spl::sema
