// The driver (a module, an interpolation hole), tree building, list endings and nesting.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

#include <cstring>

namespace spl::syntax::internal {

Parser::Parser(std::string_view src, const std::vector<Token>& toks, Arena& arena, std::vector<Diagnostic>& diags,
               const ParseOptions& opts, Language lang, std::vector<Token>* fragment_buffer)
    : src_(src), toks_(toks), arena_(arena), diags_(diags), opts_(opts), lang_(lang), fragment_buffer_(fragment_buffer) {
  for (const Diagnostic& d : diags_) {
    if (d.severity == Severity::Error) note_error_line(line_of(d.span.begin));
  }
  errors_ = count_errors(diags_);
  if (!opts_.recover && errors_ > 0) stop_ = true;
}

Node* Parser::module() {
  Mark m = mark();
  while (!at(Tok::Eof)) {
    std::size_t before = i_;
    if (at(Tok::Dedent) || at(Tok::RBrace) || at(Tok::RParen) || at(Tok::RBracket)) {
      ++i_;
      continue;
    }
    push(statement());
    if (i_ == before) ++i_;
  }
  Node* n = finish(NodeKind::Module, m);
  n->begin = 0;
  n->end = static_cast<std::uint32_t>(src_.size());
  return n;
}

Node* Parser::fragment_expression() {
  Node* e = expression();
  if (!at(Tok::Eof)) error_here("E0206", fmt::format("unexpected {} in interpolation", describe(at())), "");
  return e;
}

bool Parser::at_list_end(ListEnd end) const {
  switch (end) {
    case ListEnd::kLine:
      return at(Tok::Eof) || at(Tok::Newline);
    case ListEnd::kStatement:
      return at_stmt_end();
    case ListEnd::kSignature:
      return at(Tok::Eof) || at(Tok::Newline) || (at(Tok::Colon) && at(1) == Tok::Newline);
    case ListEnd::kGenerics:
      return at_stmt_end() || at(Tok::LParen);
    case ListEnd::kBracket:
      break;
  }
  return at(Tok::Eof);
}

// The `,` after a list item; false ends the list.
bool Parser::list_comma(MissingComma missing) {
  if (eat(Tok::Comma)) return true;
  std::string_view between;
  switch (missing) {
    case MissingComma::kEndsList:
      return false;
    case MissingComma::kBetweenParameters:
      if (!at(Tok::Ident)) return false;
      between = "parameters";
      break;
    case MissingComma::kBetweenArguments:
      if (!starts_expression()) return false;
      between = "arguments";
      break;
    case MissingComma::kBetweenElements:
      if (!starts_expression()) return false;
      between = "elements";
      break;
  }
  std::uint32_t p = prev_end();
  error_at("E0212", {p, p}, fmt::format("expected `,` between {}", between), "insert `,`", {{{p, p}, ","}},
           "insert `,`");
  return true;
}

Node* Parser::finish(NodeKind kind, const Mark& m, std::uint32_t token) {
  Node* n = arena_.make<Node>();
  n->kind = kind;
  n->token = token;
  std::size_t count = stack_.size() - m.stack;
  n->count = static_cast<std::uint32_t>(count);
  if (count > 0) {
    n->kids = arena_.make_array<Node*>(count);
    std::memcpy(n->kids, stack_.data() + m.stack, count * sizeof(Node*));
  }
  stack_.resize(m.stack);
  n->begin = m.tok < toks_.size() ? toks_[m.tok].begin : static_cast<std::uint32_t>(src_.size());
  n->end = std::max(n->begin, i_ > m.tok ? content_end(m.tok) : n->begin);
  bool partial = errors_ != m.errors;
  for (std::size_t k = 0; k < count && !partial; ++k) {
    if (n->kids[k] != nullptr && n->kids[k]->completeness != Completeness::Complete) partial = true;
  }
  if (partial) n->completeness = Completeness::Partial;
  return n;
}

// The end of the last consumed token that is not layout (a block ends at its last statement).
std::uint32_t Parser::content_end(std::size_t first) const {
  std::size_t j = i_;
  while (j > first + 1 && (toks_[j - 1].kind == Tok::Newline || toks_[j - 1].kind == Tok::Indent ||
                           toks_[j - 1].kind == Tok::Dedent))
    --j;
  return toks_[j - 1].end;
}

Node* Parser::leaf(NodeKind kind, std::uint32_t token_index) {
  Node* n = arena_.make<Node>();
  n->kind = kind;
  n->token = token_index;
  n->begin = toks_[token_index].begin;
  n->end = toks_[token_index].end;
  return n;
}

Node* Parser::take_leaf(NodeKind kind) {
  Node* n = leaf(kind, static_cast<std::uint32_t>(i_));
  advance();
  return n;
}

Node* Parser::placeholder(NodeKind kind) {
  Node* n = arena_.make<Node>();
  n->kind = kind;
  n->completeness = Completeness::Placeholder;
  n->begin = n->end = i_ > 0 ? prev_end() : here();
  return n;
}

// Wraps lhs into a node of kind with lhs as first kid (postfix and binary forms).
Node* Parser::wrap(NodeKind kind, Node* lhs, std::initializer_list<Node*> rest, std::uint32_t token) {
  std::size_t count = 1 + rest.size();
  Node* n = arena_.make<Node>();
  n->kind = kind;
  n->token = token;
  n->count = static_cast<std::uint32_t>(count);
  n->kids = arena_.make_array<Node*>(count);
  n->kids[0] = lhs;
  std::size_t k = 1;
  bool partial = lhs->completeness != Completeness::Complete;
  for (Node* r : rest) {
    n->kids[k++] = r;
    if (r != nullptr && r->completeness != Completeness::Complete) partial = true;
  }
  n->begin = lhs->begin;
  n->end = std::max(lhs->end, prev_end());
  if (partial) n->completeness = Completeness::Partial;
  return n;
}

// Past the limit: reports E0215 once and skips the rest of the line, so every enclosing level
// unwinds at once.
bool Parser::too_deep() {
  if (nesting_ <= kMaxNesting) return false;
  if (!reported_too_deep_) {
    reported_too_deep_ = true;
    Diagnostic d;
    d.code = "E0215";
    d.message = fmt::format("nesting deeper than {} levels", kMaxNesting);
    d.span = {here(), tok().end};
    d.primary_label = "too deeply nested";
    report(std::move(d), /*catalogue=*/true);  // not a cascade, whatever else the line has
  }
  while (!at(Tok::Newline) && !at(Tok::Eof)) advance();
  return true;
}

std::size_t Parser::matching_paren(std::size_t open) const {
  if (open >= toks_.size() || toks_[open].kind != Tok::LParen) return 0;
  int depth = 0;
  for (std::size_t j = open; j < toks_.size(); ++j) {
    if (toks_[j].kind == Tok::LParen) ++depth;
    if (toks_[j].kind == Tok::RParen && --depth == 0) return j;
    if (toks_[j].kind == Tok::Newline || toks_[j].kind == Tok::Eof) return 0;
  }
  return 0;
}

Node* Parser::name_or_missing() {
  if (at(Tok::Ident)) return take_leaf(NodeKind::Name);
  if (at(1) == Tok::Ident && !at_stmt_end() && !at(Tok::LParen) && !at(Tok::LBrace)) {
    // One stray token before the name: delete it.
    error_at("E0201", cur(), fmt::format("expected a name, found {}", found()), "unexpected token", {{cur(), ""}},
             "remove it");
    advance();
    return take_leaf(NodeKind::Name);
  }
  error_here("E0209", fmt::format("expected a name, found {}", found()), "expected a name here");
  return placeholder(NodeKind::Missing);
}

std::size_t Parser::token_index_of(const Node* n) const {
  // The token whose begin is the node's begin (nodes start on token boundaries).
  auto it = std::lower_bound(toks_.begin(), toks_.end(), n->begin, [](const Token& t, std::uint32_t b) { return t.begin < b; });
  return static_cast<std::size_t>(it - toks_.begin());
}

}  // namespace spl::syntax::internal
