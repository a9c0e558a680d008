#include "spl/syntax/ast.hpp"

#include <fmt/core.h>

namespace spl::syntax {
namespace {

constexpr std::string_view kNames[] = {
#define SPL_SYNTAX_NODE_NAME(name) #name,
    SPL_SYNTAX_NODES(SPL_SYNTAX_NODE_NAME)
#undef SPL_SYNTAX_NODE_NAME
};

void dump(const Node* n, std::string_view source, const std::vector<Token>& tokens, int depth, std::string& out) {
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  if (n == nullptr) {
    out += "-\n";
    return;
  }
  out += fmt::format("{} [{},{})", node_kind_name(n->kind), n->begin, n->end);
  if (n->token != kNoToken && n->token < tokens.size()) {
    std::string_view text = tokens[n->token].text(source);
    if (text.size() > 40) text = text.substr(0, 40);
    out += fmt::format(" \"{}\"", text);
  }
  if (n->completeness == Completeness::Partial) out += " partial";
  if (n->completeness == Completeness::Placeholder) out += " placeholder";
  out += '\n';
  for (std::uint32_t i = 0; i < n->count; ++i) dump(n->kids[i], source, tokens, depth + 1, out);
}

}  // namespace

std::string_view node_kind_name(NodeKind kind) { return kNames[static_cast<std::size_t>(kind)]; }

std::string dump_tree(const Node* root, std::string_view source, const std::vector<Token>& tokens) {
  std::string out;
  dump(root, source, tokens, 0, out);
  return out;
}

}  // namespace spl::syntax
