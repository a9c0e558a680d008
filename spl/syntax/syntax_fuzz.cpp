// libFuzzer target: lexer, parser (with recovery and mistake productions), fix-it application and
// rendering must never crash, hang or trip a sanitizer on any input.

#include <cstddef>
#include <cstdint>
#include <string>

#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  spl::Arena arena;
  std::vector<spl::syntax::Diagnostic> diags;
  spl::syntax::ParseResult r = spl::syntax::parse(source, arena, diags);
  spl::syntax::SourceFile file("fuzz.spl", source);
  for (const auto& d : diags) {
    (void)spl::syntax::render_text(file, d);
    (void)spl::syntax::render_json(file, d);
  }
  (void)spl::syntax::dump_tree(r.root, source, r.tokens);
  spl::syntax::FixResult fixed = spl::syntax::apply_fixits(source, diags);
  std::vector<spl::syntax::Diagnostic> again;
  spl::Arena arena2;
  spl::syntax::parse(fixed.text, arena2, again);
  return 0;
}
