#pragma once
// Tree equality modulo layout: two syntax trees are the same program when their nodes match in
// kind, flags, operator, completeness and children, and the main tokens' texts (names, literals,
// operators) are equal. Spans, whitespace and comments are ignored. The formatter checks its
// output with this, and its tests and fuzz target use it.

#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/ast.hpp"
#include "spl/syntax/token.hpp"

namespace spl::fmt {

struct TreeSide {
  const syntax::Node* root;
  std::string_view source;
  const std::vector<syntax::Token>& tokens;
};

// Empty when equal; otherwise where they first differ ("Binary at byte 12 vs 14: ...").
std::string tree_difference(const TreeSide& a, const TreeSide& b);

inline bool trees_equal(const TreeSide& a, const TreeSide& b) { return tree_difference(a, b).empty(); }

}  // namespace spl::fmt
