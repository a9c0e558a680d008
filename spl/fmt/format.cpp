#include "spl/fmt/format.hpp"

#include <fmt/core.h>

#include "spl/base/arena.hpp"
#include "spl/fmt/comments.hpp"
#include "spl/fmt/internal/layout.hpp"
#include "spl/fmt/tree_equal.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::fmt {
namespace {

// Empty when formatted is the same program as the parsed original, with the same comments.
std::string difference(std::string_view source, const syntax::ParseResult& original, std::string_view formatted) {
  Arena arena(formatted.size() * 2 + 4096);
  std::vector<syntax::Diagnostic> diags;
  syntax::ParseResult again = syntax::parse(formatted, arena, diags);
  for (const syntax::Diagnostic& d : diags) {
    if (d.severity == syntax::Severity::Error) return ::fmt::format("the result does not parse: {}", d.message);
  }
  std::string tree = tree_difference({original.root, source, original.tokens}, {again.root, formatted, again.tokens});
  if (!tree.empty()) return "the result parses differently: " + tree;
  if (comment_texts(source, original.tokens) != comment_texts(formatted, again.tokens)) return "a comment changed";
  return {};
}

}  // namespace

Result format(std::string_view source, const Options& options) {
  Result result;
  if (source.size() >= 0xFFFFFFFFu) {
    result.status = Status::kInternal;
    result.reason = "the file is larger than 4 GiB";
    return result;
  }
  Arena arena(source.size() * 2 + 4096);
  std::vector<syntax::Diagnostic> diags;
  syntax::ParseResult parsed = syntax::parse(source, arena, diags);
  for (syntax::Diagnostic& d : diags) {
    if (d.severity == syntax::Severity::Error) result.diagnostics.push_back(std::move(d));
  }
  if (!result.diagnostics.empty()) {
    result.status = Status::kSyntaxErrors;
    result.reason = ::fmt::format("not formatted: {} syntax error(s)", result.diagnostics.size());
    return result;
  }
  // The full layout first; should the check ever find it changed the program, the conservative
  // one (indentation and token contacts as written) still tidies the file.
  std::string why;
  for (internal::Mode mode : {internal::Mode::kFull, internal::Mode::kConservative}) {
    std::string text = internal::layout(source, parsed.tokens, parsed.root, options, mode);
    if (!options.verify) {
      result.text = std::move(text);
      return result;
    }
    std::string d = difference(source, parsed, text);
    if (d.empty()) {
      result.text = std::move(text);
      result.conservative = mode == internal::Mode::kConservative;
      return result;
    }
    if (why.empty()) why = std::move(d);
  }
  result.status = Status::kInternal;
  result.reason = "not formatted: the formatter would change the program (" + why + "); please report it";
  return result;
}

}  // namespace spl::fmt
