// Types: names with generic arguments, arrays, dicts, tuples, functions, optionals, unions.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

namespace spl::syntax::internal {

Node* Parser::type() {
  return alternatives(NodeKind::TypeUnion, [&] { return type_primary(); });
}

Node* Parser::type_primary() {
  NestingGuard nesting(*this);
  if (too_deep()) return placeholder(NodeKind::Missing);
  Mark m = mark();
  Node* t = nullptr;
  switch (at()) {
    case Tok::LBracket: {
      advance();
      push(type());
      if (eat(Tok::Semi)) push(expression());
      expect(Tok::RBracket);
      t = finish(NodeKind::TypeArray, m);
      break;
    }
    case Tok::LBrace: {
      advance();
      push(type());
      expect(Tok::Colon);
      push(type());
      expect(Tok::RBrace);
      t = finish(NodeKind::TypeDict, m);
      break;
    }
    case Tok::LParen: {
      advance();
      comma_list(Tok::RParen, ListEnd::kLine,
                      [&] { maybe_labelled(NodeKind::Field, [&] { return type(); }); });
      expect(Tok::RParen);
      t = finish(NodeKind::TypeTuple, m);
      break;
    }
    case Tok::KwFn: {
      advance();
      expect(Tok::LParen);
      comma_list(Tok::RParen, ListEnd::kLine, [&] {
        if (at(Tok::Ident) && at(1) == Tok::Colon) {
          advance();
          advance();
        }
        push(type());
      });
      expect(Tok::RParen);
      if (eat(Tok::Arrow)) push(type());
      t = finish(NodeKind::TypeFn, m);
      break;
    }
    case Tok::Amp: {
      // &str, &T, &mut T: Simple has no reference types.
      std::size_t amp = i_;
      std::uint32_t e = tok().end;
      bool mut = at_word("mut", 1);
      if (mut) e = tok(1).end + 1;
      std::vector<TextEdit> edits{{{tok().begin, e}, ""}};
      std::size_t name = i_ + (mut ? 2 : 1);
      if (toks_[name].text(src_) == "str") edits = {{{tok().begin, toks_[name].end}, "text"}};
      mistake("W0321", Severity::Warning, {toks_[amp].begin, toks_[name].end}, "Simple has no reference types; write the type itself",
              "no `&` in types", std::move(edits));
      advance();
      if (mut) advance();
      if (toks_[name].text(src_) == "str") {
        advance();
        return finish(NodeKind::TypeName, m, static_cast<std::uint32_t>(name));
      }
      return type_primary();
    }
    case Tok::Ident:
    case Tok::KwNil:
      t = named_type();
      break;
    default:
      if (is_keyword(at()) && at() != Tok::KwIf) {
        t = named_type();
        break;
      }
      error_here("E0207", fmt::format("expected a type, found {}", found()), "expected a type here");
      return placeholder(NodeKind::Missing);
  }
  while (at(Tok::Question) && !tok().has(kSpaceBefore)) {
    Mark om = mark();
    om.tok = static_cast<std::uint32_t>(token_index_of(t));
    push(t);
    advance();
    t = finish(NodeKind::TypeOptional, om);
  }
  return t;
}

Node* Parser::named_type() {
  Mark m = mark();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  std::string_view w = text();
  if (w == "dyn" && at(1) == Tok::Ident) {
    advance();
    name = static_cast<std::uint32_t>(i_);
    w = text();
  }
  std::string_view mapped = simple_type_for(w);
  if (!mapped.empty() && opts_.mistakes && !(at(1) == Tok::LBracket && at(2) == Tok::RBracket)) {
    mistake("W0335", Severity::Warning, cur(), fmt::format("Simple spells this type `{}`", mapped),
            fmt::format("write `{}`", mapped), {replace_tok(i_, std::string(mapped))});
  }
  advance();
  while ((at(Tok::Dot) || at(Tok::ColonColon)) && at(1) == Tok::Ident) {
    if (at(Tok::ColonColon)) path_separator_mistake();
    advance();
    name = static_cast<std::uint32_t>(i_);
    advance();
  }
  if (at(Tok::Lt)) {
    Mark gm = mark();
    advance();
    comma_list(Tok::Gt, ListEnd::kLine, [&] { push(type()); });
    expect(Tok::Gt);
    push(finish(NodeKind::GenericArgs, gm));
  } else if (at(Tok::LBracket) && !tok().has(kSpaceBefore) && at(1) != Tok::RBracket) {
    push(bracketed_generics(NodeKind::GenericArgs, ListEnd::kLine,
                            "generic arguments are written in angle brackets: `Name<T>`",
                            [&] { push(type()); }));
  } else if (at(Tok::LBracket) && at(1) == Tok::RBracket && !tok().has(kSpaceBefore)) {
    // Java/C# `String[]`: an array is `[T]`.
    std::uint32_t b = toks_[m.tok].begin;
    std::uint32_t e = tok(1).end;
    std::string inner(src_.substr(b, tok().begin - b));
    std::string_view inner_mapped = simple_type_for(inner);
    mistake("E0358", Severity::Error, {b, e}, "array types are written `[T]`", "write `[T]`",
            {{{b, e}, fmt::format("[{}]", inner_mapped.empty() ? std::string_view(inner) : inner_mapped)}});
    advance();
    advance();
  }
  return finish(NodeKind::TypeName, m, name);
}

}  // namespace spl::syntax::internal
