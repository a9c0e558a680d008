// Patterns: bindings, literals, variants, tuples, arrays, structs, ranges, alternatives.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

namespace spl::syntax::internal {

// A literal or name token, as patterns start and continue with.
bool Parser::literal_or_name(Tok t) {
  switch (t) {
    case Tok::Ident:
    case Tok::Int:
    case Tok::Float:
    case Tok::String:
    case Tok::RawString:
    case Tok::KwTrue:
    case Tok::KwFalse:
    case Tok::KwNil:
    case Tok::Minus: return true;
    default: return false;
  }
}

Node* Parser::pattern() {
  return alternatives(NodeKind::PatOr, [&] { return pattern_primary(); });
}

Node* Parser::pattern_primary() {
  NestingGuard nesting(*this);
  if (too_deep()) return placeholder(NodeKind::Missing);
  Mark m = mark();
  switch (at()) {
    case Tok::Ident: {
      if (text() == "_") {
        advance();
        if (at(Tok::LParen)) skip_nested(Tok::LParen, Tok::RParen);  // _("reason")
        return finish(NodeKind::PatWild, m);
      }
      if (text() == "mut" && at(1) == Tok::Ident) {
        advance();
        Node* b = take_leaf(NodeKind::PatBind);
        b->flags |= kFlagMutable;
        return b;
      }
      std::uint32_t name = static_cast<std::uint32_t>(i_);
      advance();
      while (at(Tok::Dot) && at(1) == Tok::Ident) {
        advance();
        name = static_cast<std::uint32_t>(i_);
        advance();
      }
      if (at(Tok::ColonColon) && at(1) == Tok::Ident) {
        path_separator_mistake();
        advance();
        name = static_cast<std::uint32_t>(i_);
        advance();
      }
      if (at(Tok::LParen)) {
        advance();
        comma_list(Tok::RParen, ListEnd::kStatement,
                        [&] { maybe_labelled(NodeKind::PatField, [&] { return pattern(); }); });
        expect(Tok::RParen);
        return finish(NodeKind::PatVariant, m, name);
      }
      if (at(Tok::LBrace) && !line_start()) {
        struct_pattern_fields();
        return finish(NodeKind::PatStruct, m, name);
      }
      if (at(Tok::DotDot) || at(Tok::DotDotEq)) {
        advance();
        push(pattern_primary());
        return finish(NodeKind::PatRange, m);
      }
      return finish(NodeKind::PatBind, m, name);
    }
    case Tok::LParen: {
      advance();
      comma_list(Tok::RParen, ListEnd::kStatement, [&] { push(pattern()); });
      expect(Tok::RParen);
      return finish(NodeKind::PatTuple, m);
    }
    case Tok::LBracket: {
      advance();
      comma_list(Tok::RBracket, ListEnd::kStatement, [&] { push(pattern()); });
      expect(Tok::RBracket);
      return finish(NodeKind::PatArray, m);
    }
    case Tok::LBrace:
      struct_pattern_fields();
      return finish(NodeKind::PatStruct, m);
    case Tok::Ellipsis:
    case Tok::DotDot: {
      advance();
      if (at(Tok::Ident)) advance();
      return finish(NodeKind::PatRest, m);
    }
    default:
      if (literal_or_name(at())) {  // a literal (names have their own case above)
        std::uint32_t t = static_cast<std::uint32_t>(i_);
        if (at(Tok::Minus)) advance();
        advance();
        if (at(Tok::DotDot) || at(Tok::DotDotEq)) {
          advance();
          push(pattern_primary());
          return finish(NodeKind::PatRange, m, t);
        }
        return finish(NodeKind::PatLit, m, t);
      }
      break;
  }
  error_here("E0208", fmt::format("expected a pattern, found {}", found()), "expected a pattern here");
  return placeholder(NodeKind::Missing);
}

void Parser::struct_pattern_fields() {
  advance();
  comma_list(Tok::RBrace, ListEnd::kBracket,
                  [&] { maybe_labelled(NodeKind::PatField, [&] { return pattern(); }); });
  expect(Tok::RBrace);
}

}  // namespace spl::syntax::internal
