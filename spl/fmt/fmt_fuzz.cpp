// libFuzzer target: for any input that parses cleanly, the full layout (its own re-parse check
// switched off, so a slip is seen rather than caught by the fallback) must give a program with
// the same tree and comments, which formats to itself.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spl/base/arena.hpp"
#include "spl/fmt/comments.hpp"
#include "spl/fmt/format.hpp"
#include "spl/fmt/tree_equal.hpp"
#include "spl/syntax/parser.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& source, const std::string& formatted, const std::string& detail) {
  std::fprintf(stderr, "fmt_fuzz: %s: %s\n--- input\n%s\n--- formatted\n%s\n", what, detail.c_str(), source.c_str(),
               formatted.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  spl::fmt::Options options;
  options.verify = false;
  spl::fmt::Result once = spl::fmt::format(source, options);
  if (!once.ok()) return 0;  // syntax errors: refused, nothing to check

  spl::Arena a1, a2;
  std::vector<spl::syntax::Diagnostic> d1, d2;
  spl::syntax::ParseResult before = spl::syntax::parse(source, a1, d1);
  spl::syntax::ParseResult after = spl::syntax::parse(once.text, a2, d2);
  if (spl::syntax::count_errors(d2) != 0) fail("the result does not parse", source, once.text, d2.front().message);
  std::string diff = spl::fmt::tree_difference({before.root, source, before.tokens}, {after.root, once.text, after.tokens});
  if (!diff.empty()) fail("the tree changed", source, once.text, diff);
  if (spl::fmt::comment_texts(source, before.tokens) != spl::fmt::comment_texts(once.text, after.tokens)) {
    fail("a comment changed", source, once.text, "");
  }
  spl::fmt::Result twice = spl::fmt::format(once.text, options);
  if (!twice.ok() || twice.text != once.text) fail("not idempotent", source, once.text, twice.text);
  return 0;
}
