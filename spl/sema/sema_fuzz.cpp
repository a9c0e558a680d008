// libFuzzer target: sema must never crash, hang or trip a sanitizer on any tree the parser makes
// of any input, and its spans and fix-its must stay inside the source (they are rendered here).

#include <cstddef>
#include <cstdint>
#include <string>

#include "spl/sema/sema.hpp"
#include "spl/syntax/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  spl::Arena arena;
  std::vector<spl::syntax::Diagnostic> diags;
  spl::syntax::ParseResult r = spl::syntax::parse(source, arena, diags);
  spl::syntax::SourceFile file("fuzz.spl", source);
  // Both ways: as after the parse, and as if the file had parsed cleanly (every check on).
  for (bool quiet : {true, false}) {
    spl::sema::Options o = quiet ? spl::sema::options_after(diags) : spl::sema::Options{};
    for (const auto& d : spl::sema::analyze(r.root, source, r.tokens, o)) {
      (void)spl::syntax::render_text(file, d);
      (void)spl::syntax::render_json(file, d);
    }
  }
  return 0;
}
