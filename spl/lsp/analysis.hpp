#pragma once
// One analysed version of a document: its own copy of the text, the (possibly partial) tree and
// tokens, the syntax and sema diagnostics (the pipeline of `spl check`), sema's symbol index (from
// the same walk) and the line table.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spl/base/arena.hpp"
#include "spl/lsp/position.hpp"
#include "spl/sema/index.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::lsp {

class Analysis {
 public:
  // path may be empty (an unsaved buffer); it lets sema find the modules a wildcard `use` names.
  Analysis(std::string text, const std::string& path);
  Analysis(const Analysis&) = delete;
  Analysis& operator=(const Analysis&) = delete;

  std::string_view text() const { return text_; }
  const syntax::Node* root() const { return parsed_.root; }
  const std::vector<syntax::Token>& tokens() const { return parsed_.tokens; }
  const std::vector<syntax::Diagnostic>& diagnostics() const { return diagnostics_; }
  const LineIndex& lines() const { return lines_; }
  const sema::Index& index() const { return index_; }
  // The identifier token at offset (its end counts, for a cursor right after a name).
  std::optional<syntax::Span> identifier_at(std::uint32_t offset) const;
  Range range(syntax::Span span, Encoding enc) const {
    return {lines_.position(span.begin, enc), lines_.position(span.end, enc)};
  }

 private:
  std::string text_;
  Arena arena_;
  syntax::ParseResult parsed_;
  std::vector<syntax::Diagnostic> diagnostics_;
  LineIndex lines_;
  sema::Index index_;
};

}  // namespace spl::lsp
