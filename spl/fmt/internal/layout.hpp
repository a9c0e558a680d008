#pragma once
// The layout engine behind spl::fmt::format: rebuilds a cleanly parsed file line by line from its
// tokens and the trivia between them (docs/fmt.md has the rules).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/fmt/format.hpp"
#include "spl/syntax/ast.hpp"
#include "spl/syntax/token.hpp"

namespace spl::fmt::internal {

enum class Mode {
  kFull,          // re-indent blocks, canonical spacing
  kConservative,  // keep every line's indentation and whether tokens touch; only tidy (the fallback)
};

enum class PieceKind : std::uint8_t { kToken, kLineComment, kBlockComment, kBackslash, kDirective };

// A token or a comment (or `\` join, directive) and the spaces before it on its output line.
struct Piece {
  PieceKind kind;
  std::uint8_t spaces;  // before it, when not first on its line
  std::uint32_t begin;
  std::uint32_t end;
};

// An output line: its pieces run from first_piece to the next line's first piece.
struct Line {
  std::uint32_t first_piece;
  std::uint32_t blank_before;
  int old_width;
  int new_width = 0;
  bool code = false;      // holds a token (its indentation is decided by the lexer's rules)
  bool top_level = true;  // outside every block and bracket
};

// Working memory of the layout, kept by a Formatter between files.
struct LayoutScratch {
  std::vector<std::uint8_t> roles;
  std::vector<Piece> pieces;
  std::vector<Line> lines;
};

// Lays out source into out (cleared first).
void layout(std::string_view source, const std::vector<syntax::Token>& tokens, const syntax::Node* root,
            const Options& options, Mode mode, LayoutScratch& scratch, std::string& out);

}  // namespace spl::fmt::internal
