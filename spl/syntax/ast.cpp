#include "spl/syntax/ast.hpp"

#include <fmt/core.h>

#include <utility>

namespace spl::syntax {
namespace {

constexpr std::string_view kNames[] = {
#define SPL_SYNTAX_NODE_NAME(name) #name,
    SPL_SYNTAX_NODES(SPL_SYNTAX_NODE_NAME)
#undef SPL_SYNTAX_NODE_NAME
};

constexpr std::pair<std::uint16_t, std::string_view> kFlagNames[] = {
    {kFlagPub, "pub"},           {kFlagStatic, "static"},     {kFlagMutating, "me"},        {kFlagExtern, "extern"},
    {kFlagAsync, "async"},       {kFlagMutable, "mutable"},   {kFlagNoParen, "noparen"},    {kFlagInclusive, "inclusive"},
    {kFlagVariadic, "variadic"}, {kFlagWildcard, "wildcard"}, {kFlagConst, "const"},        {kFlagBlockArg, "blockarg"},
    {kFlagVolatile, "volatile"}, {kFlagLazy, "lazy"},            {kFlagParenthesized, "parenthesized"},
};

constexpr std::string_view kOperatorSpellings[] = {
#define SPL_SYNTAX_OPERATOR_SPELLING(name, spelling) spelling,
    SPL_SYNTAX_OPERATORS(SPL_SYNTAX_OPERATOR_SPELLING)
#undef SPL_SYNTAX_OPERATOR_SPELLING
};

void dump_details(const Node* n, std::string& out) {
  if (n->flags != 0) {
    out += " flags=";
    std::string_view sep;
    for (auto [flag, name] : kFlagNames) {
      if (!n->has(flag)) continue;
      out += sep;
      out += name;
      sep = "|";
    }
  }
  if (n->op != Operator::None) out += fmt::format(" op={}", operator_spelling(n->op));
}

void dump(const Node* n, std::string_view source, const std::vector<Token>& tokens, bool details, int depth,
          std::string& out) {
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
  if (details) dump_details(n, out);
  out += '\n';
  for (std::uint32_t i = 0; i < n->count; ++i) dump(n->kids[i], source, tokens, details, depth + 1, out);
}

}  // namespace

std::string_view node_kind_name(NodeKind kind) { return kNames[static_cast<std::size_t>(kind)]; }

std::string_view operator_spelling(Operator op) { return kOperatorSpellings[static_cast<std::size_t>(op)]; }

std::uint32_t number_nodes(Node* root) {
  // Iterative: a long chain of binary operators makes a tree as deep as the chain is long.
  std::uint32_t next = 0;
  std::vector<std::pair<Node*, std::uint32_t>> stack;  // a node and its next kid
  if (root != nullptr) stack.emplace_back(root, 0);
  while (!stack.empty()) {
    auto& [n, k] = stack.back();
    if (k < n->count) {
      Node* kid = n->kids[k++];
      if (kid != nullptr) stack.emplace_back(kid, 0);
      continue;
    }
    n->id = next++;
    stack.pop_back();
  }
  return next;
}

std::string dump_tree(const Node* root, std::string_view source, const std::vector<Token>& tokens, bool details) {
  std::string out;
  dump(root, source, tokens, details, 0, out);
  return out;
}

}  // namespace spl::syntax
