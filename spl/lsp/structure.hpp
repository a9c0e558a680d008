#pragma once
// Structure an editor shows from the tree: folding ranges (bodies, comment runs, `use` runs) and
// selection ranges (the nested spans around a position, innermost first).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/lsp/position.hpp"
#include "spl/syntax/ast.hpp"
#include "spl/syntax/diagnostic.hpp"

namespace spl::lsp {

struct Fold {
  std::uint32_t start_line = 0;  // 0-based
  std::uint32_t end_line = 0;
  std::string kind;  // "comment", "imports" or empty (a region of code)
  friend bool operator==(const Fold&, const Fold&) = default;
};

// Sorted by start line; each spans at least two lines.
std::vector<Fold> folding_ranges(const syntax::Node* root, std::string_view text, const LineIndex& lines);

// The spans that contain offset, from the innermost (a token) outwards, each strictly inside the
// next.
std::vector<syntax::Span> selection_spans(const syntax::Node* root, const std::vector<syntax::Token>& tokens,
                                          std::uint32_t offset);

}  // namespace spl::lsp
