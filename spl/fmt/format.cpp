#include "spl/fmt/format.hpp"

#include <fmt/core.h>

#include "spl/base/arena.hpp"
#include "spl/fmt/comments.hpp"
#include "spl/fmt/internal/layout.hpp"
#include "spl/fmt/tree_equal.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::fmt {

// A parse whose memory is kept: the arena's first chunk grows to the largest tree seen, since a
// reset arena keeps only its first chunk.
struct ParseBuffer {
  std::unique_ptr<Arena> arena = std::make_unique<Arena>();
  std::size_t first_chunk = 4096;
  std::vector<syntax::Token> tokens;
  std::vector<syntax::Diagnostic> diagnostics;
  syntax::Node* root = nullptr;

  void parse(std::string_view source) {
    arena->reset();
    diagnostics.clear();
    root = syntax::parse_into(source, *arena, tokens, diagnostics);
  }
  // Called once the tree is no longer needed.
  void fit() {
    if (arena->bytes_reserved() > first_chunk) {
      first_chunk = arena->bytes_reserved();
      arena = std::make_unique<Arena>(first_chunk);
    }
  }
  bool has_errors() const { return syntax::count_errors(diagnostics) > 0; }
};

struct Formatter::Buffers {
  ParseBuffer original;
  ParseBuffer again;
  internal::LayoutScratch scratch;
  std::string text;
};

namespace {

// Empty when formatted is the same program as the parsed original, with the same comments.
std::string difference(std::string_view source, const ParseBuffer& original, std::string_view formatted,
                       ParseBuffer& again) {
  again.parse(formatted);
  for (const syntax::Diagnostic& d : again.diagnostics) {
    if (d.severity == syntax::Severity::Error) return ::fmt::format("the result does not parse: {}", d.message);
  }
  std::string tree = tree_difference({original.root, source, original.tokens}, {again.root, formatted, again.tokens});
  if (!tree.empty()) return "the result parses differently: " + tree;
  if (comment_texts(source, original.tokens) != comment_texts(formatted, again.tokens)) return "a comment changed";
  return {};
}

}  // namespace

Formatter::Formatter() : buffers_(std::make_unique<Buffers>()) {}
Formatter::~Formatter() = default;

Result Formatter::format(std::string_view source, const Options& options) {
  Result result;
  if (source.size() >= 0xFFFFFFFFu) {
    result.status = Status::kInternal;
    result.reason = "not formatted: the file is larger than 4 GiB";
    return result;
  }
  Buffers& b = *buffers_;
  b.original.parse(source);
  if (b.original.has_errors()) {
    for (syntax::Diagnostic& d : b.original.diagnostics) {
      if (d.severity == syntax::Severity::Error) result.diagnostics.push_back(std::move(d));
    }
    result.status = Status::kSyntaxErrors;
    result.reason = ::fmt::format("not formatted: {} syntax error(s)", result.diagnostics.size());
    b.original.fit();
    return result;
  }
  // The full layout first; should the check ever find it changed the program, the conservative
  // one (indentation and token contacts as written) still tidies the file.
  std::string why;
  bool done = false;
  for (internal::Mode mode : {internal::Mode::kFull, internal::Mode::kConservative}) {
    internal::layout(source, b.original.tokens, b.original.root, options, mode, b.scratch, b.text);
    std::string d = options.verify ? difference(source, b.original, b.text, b.again) : std::string();
    if (d.empty()) {
      result.text = b.text;
      result.conservative = mode == internal::Mode::kConservative;
      done = true;
      break;
    }
    if (why.empty()) why = std::move(d);
  }
  b.original.fit();
  b.again.fit();
  if (!done) {
    result.status = Status::kInternal;
    result.reason = "not formatted: the formatter would change the program (" + why + "); please report it";
  }
  return result;
}

Result format(std::string_view source, const Options& options) { return Formatter().format(source, options); }

}  // namespace spl::fmt
