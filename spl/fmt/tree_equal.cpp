#include "spl/fmt/tree_equal.hpp"

#include <fmt/core.h>

namespace spl::fmt {
namespace {

using syntax::kNoToken;
using syntax::Node;

// A node without a main token in the file (one inside an interpolation hole) is compared by its
// source text without whitespace when it is a leaf: holes are kept verbatim by the formatter.
std::string squeezed(std::string_view source, const Node* n) {
  std::string out;
  for (std::uint32_t p = n->begin; p < n->end && p < source.size(); ++p) {
    char c = source[p];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') out += c;
  }
  return out;
}

std::string_view token_text(const TreeSide& side, const Node* n) {
  if (n->token == kNoToken || n->token >= side.tokens.size()) return {};
  return side.tokens[n->token].text(side.source);
}

std::string compare(const TreeSide& a, const Node* x, const TreeSide& b, const Node* y) {
  if (x == nullptr || y == nullptr) {
    if (x == y) return {};
    return ::fmt::format("a {} where the other tree has nothing (byte {})", x != nullptr ? "node" : "gap",
                         x != nullptr ? x->begin : y->begin);
  }
  auto where = [&] {
    return ::fmt::format("{} at byte {} vs {} at byte {}", syntax::node_kind_name(x->kind), x->begin,
                         syntax::node_kind_name(y->kind), y->begin);
  };
  if (x->kind != y->kind) return where() + ": different kinds";
  if (x->flags != y->flags) return where() + ": different flags";
  if (x->op != y->op) return where() + ": different operators";
  if (x->completeness != y->completeness) return where() + ": different completeness";
  if (x->count != y->count) return where() + ": different numbers of children";
  if ((x->token == kNoToken) != (y->token == kNoToken)) return where() + ": one has a main token";
  if (token_text(a, x) != token_text(b, y)) return where() + ": different token text";
  // (An empty Module spans the file's comments; they are compared on their own.)
  if (x->token == kNoToken && x->count == 0 && x->kind != syntax::NodeKind::Module &&
      squeezed(a.source, x) != squeezed(b.source, y)) {
    return where() + ": different text";
  }
  for (std::uint32_t k = 0; k < x->count; ++k) {
    std::string d = compare(a, x->kids[k], b, y->kids[k]);
    if (!d.empty()) return d;
  }
  return {};
}

}  // namespace

std::string tree_difference(const TreeSide& a, const TreeSide& b) { return compare(a, a.root, b, b.root); }

}  // namespace spl::fmt
