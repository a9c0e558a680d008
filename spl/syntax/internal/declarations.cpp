// Declarations: fn, val/var/const, struct/class/actor/enum/trait, impl, members, use/export/from.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

namespace spl::syntax::internal {

Node* Parser::declaration() {
  Mark m = mark();
  std::uint16_t flags = 0;
  while (at(Tok::At) || at(Tok::HashBracket)) {
    push(at(Tok::At) ? decorator() : attribute());
    eat(Tok::Newline);
  }
  while (true) {
    if (at(Tok::KwPub)) {
      flags |= kFlagPub;
      if (at(1) == Tok::LParen) {
        push(visibility());  // a trailing kid of the declaration, like its decorators
      } else {
        advance();
      }
    } else if (at_word("public") || at_word("private") || at_word("protected")) {
      bool pub = text() == "public";
      std::vector<TextEdit> edits{pub ? replace_tok(i_, "pub") : delete_tok(i_)};
      mistake("E0342", Severity::Error, cur(),
              pub ? "visibility is written `pub`" : "declarations are private to the file unless marked `pub` or exported",
              pub ? "write `pub`" : "not needed in Simple", std::move(edits));
      if (pub) flags |= kFlagPub;
      advance();
    } else if (at(Tok::KwStatic)) {
      flags |= kFlagStatic;
      advance();
    } else if (at(Tok::KwAsync)) {
      flags |= kFlagAsync;
      advance();
    } else if (at(Tok::KwExtern)) {
      flags |= kFlagExtern;
      advance();
    } else {
      break;
    }
  }
  Node* n = nullptr;
  switch (at()) {
    case Tok::KwFn:
    case Tok::KwMe: n = fn_decl(); break;
    case Tok::KwStruct: n = type_decl(NodeKind::Struct); break;
    case Tok::KwClass: n = type_decl(NodeKind::Class); break;
    case Tok::KwActor: n = type_decl(NodeKind::Actor); break;
    case Tok::KwEnum: n = type_decl(NodeKind::Enum); break;
    case Tok::KwTrait: n = type_decl(NodeKind::Trait); break;
    case Tok::KwImpl: n = impl_decl(); break;
    case Tok::KwVal:
    case Tok::KwVar: n = binding(0); break;
    case Tok::KwUse:
    case Tok::KwExport: n = use_decl(); break;
    case Tok::Ident: {
      std::string_view w = text();
      if (w == "def" || w == "function" || w == "func" || w == "fun") {
        const char* lang = w == "def" ? "Python's" : w == "function" ? "JavaScript's" : w == "func" ? "Go's and Swift's" : "Kotlin's";
        mistake(w == "def" ? "E0301" : "E0327", Severity::Error, cur(), fmt::format("functions are declared with `fn`, not {} `{}`", lang, w),
                "write `fn`", {replace_tok(i_, "fn")});
        n = fn_decl();
      } else if (at(1) == Tok::Ident && at(2) != Tok::LParen && (is_c_type(w) || (w[0] >= 'A' && w[0] <= 'Z'))) {
        n = c_declaration();  // `private String name;`
      } else if (at(1) == Tok::Ident && at(2) == Tok::LParen) {
        std::string_view mapped = simple_type_for(w);
        std::size_t type_tok = i_;
        std::vector<TextEdit> edits{replace_tok(type_tok, "fn")};
        n = nullptr;
        // The return type goes after the parameters: `int f(a)` -> `fn f(a) -> i64`.
        std::size_t close = matching_paren(i_ + 2);
        if (w != "void" && close != 0) {
          std::string ret = std::string(mapped.empty() ? w : mapped);
          edits.push_back({{toks_[close].end, toks_[close].end}, " -> " + ret});
        }
        mistake("E0343", Severity::Error, cur(), "functions are declared with `fn name(params) -> Type`, the return type last",
                "return type written before the name", std::move(edits));
        n = fn_decl();
      } else if (w == "interface" || w == "mixin") {
        if (w == "interface") {
          mistake("W0334", Severity::Warning, cur(), "an interface is a `trait` in Simple", "write `trait`",
                  {replace_tok(i_, "trait")});
        }
        n = type_decl(NodeKind::Trait);
      }
      break;
    }
    default: break;
  }
  if (n == nullptr) {
    error_here("E0205", fmt::format("expected a declaration after the modifiers, found {}", found()), "expected `fn`, `struct`, ...");
    return skip_statement(m);
  }
  n->flags |= flags;
  if (stack_.size() == m.stack) {
    n->begin = std::min(n->begin, toks_[m.tok].begin);
    return n;
  }
  // Decorators and attributes become the declaration's trailing kids.
  std::size_t count = stack_.size() - m.stack;
  Node** kids = arena_.make_array<Node*>(n->count + count);
  if (n->count) std::memcpy(kids, n->kids, n->count * sizeof(Node*));
  std::memcpy(kids + n->count, stack_.data() + m.stack, count * sizeof(Node*));
  stack_.resize(m.stack);
  n->kids = kids;
  n->count += static_cast<std::uint32_t>(count);
  n->begin = toks_[m.tok].begin;
  return n;
}

// `pub(friend)`, `pub(package)`: a Visibility node naming the scope.
Node* Parser::visibility() {
  Mark m = mark();
  advance();
  std::size_t scope = i_ + 1;
  skip_nested(Tok::LParen, Tok::RParen);
  bool named = toks_[scope].kind == Tok::Ident || is_keyword(toks_[scope].kind);
  return finish(NodeKind::Visibility, m, named ? static_cast<std::uint32_t>(scope) : kNoToken);
}

Node* Parser::decorator() {
  Mark m = mark();
  advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  Node* callee = name_or_missing();
  while (at(Tok::Dot) && at(1) == Tok::Ident) {  // @a.b: a field access, as in an expression
    std::uint32_t dot = static_cast<std::uint32_t>(i_);
    advance();
    callee = wrap(NodeKind::FieldAccess, callee, {take_leaf(NodeKind::Name)}, dot);
  }
  push(callee);
  if (at(Tok::LParen)) paren_arguments();
  return finish(NodeKind::Decorator, m, name);
}

Node* Parser::attribute() {
  Mark m = mark();
  advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  push(name_or_missing());
  if (at(Tok::LParen)) paren_arguments();
  expect(Tok::RBracket);
  return finish(NodeKind::Attribute, m, name);
}

Node* Parser::fn_decl() {
  Mark m = mark();
  std::uint16_t flags = 0;
  std::size_t kw = i_;
  if (at(Tok::KwMe)) flags |= kFlagMutating;
  advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  if (at(Tok::Ident) || (is_keyword(at()) && at(1) == Tok::LParen)) {
    push(take_leaf(NodeKind::Name));
  } else {
    push(name_or_missing());
    name = kNoToken;
  }
  push_slot(at(Tok::Lt) ? generic_params() : at(Tok::LBracket) ? bracket_generics() : nullptr);
  if (at(Tok::LParen)) {
    push(params(kw, flags));
  } else {
    expect(Tok::LParen);
    push(placeholder(NodeKind::Params));
  }
  if (at(Tok::KwAsync)) {
    flags |= kFlagAsync;
    advance();
  }
  Node* ret = nullptr;
  if (eat(Tok::Arrow)) {
    ret = type();
  } else if (at(Tok::Colon) && looks_like_ts_return_type()) {
    mistake("E0356", Severity::Error, cur(), "the return type follows `->`", "write `->`", {{cur(), " ->"}});
    advance();
    ret = type();
  }
  push_slot(ret);
  if (at(Tok::Colon) || at(Tok::LBrace) || (at(Tok::Newline) && at(1) == Tok::Indent)) {
    push(colon_block());
  } else if (at(Tok::FatArrow)) {
    mistake("E0330", Severity::Error, cur(), "a function body follows `:`; `=>` is not used", "write `:`", {{cur(), ":"}});
    advance();
    push(block_after_colon());
  } else if (at(Tok::Eq)) {
    advance();
    push(expression());  // fn alias: fn println = print
  } else {
    push_slot(nullptr);  // a signature (trait, extern)
  }
  Node* n = finish(NodeKind::Fn, m, name);
  n->flags |= flags;
  return n;
}

Node* Parser::generic_params() {
  Mark m = mark();
  advance();
  comma_list(Tok::Gt, ListEnd::kGenerics, [&] {
    if (at(Tok::Label)) {
      mistake("E0322", Severity::Error, cur(), "Simple has no lifetimes", "remove the lifetime", {delete_with_comma(i_)});
      advance();
      return;
    }
    Mark pm = mark();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    push(name_or_missing());
    if (eat(Tok::Colon)) push(type());
    push(finish(NodeKind::GenericParam, pm, name));
  });
  expect(Tok::Gt);
  return finish(NodeKind::GenericParams, m);
}

Node* Parser::params(std::size_t fn_kw, std::uint16_t& fn_flags) {
  Mark m = mark();
  advance();
  comma_list(Tok::RParen, ListEnd::kSignature, [&] { push(param(fn_kw, fn_flags)); },
             MissingComma::kBetweenParameters);
  expect(Tok::RParen);
  return finish(NodeKind::Params, m);
}

Node* Parser::param(std::size_t fn_kw, std::uint16_t& fn_flags) {
  Mark m = mark();
  // Receivers: `self` is implicit; `&mut self` makes a `me` method.
  if (at_word("self") || (at(Tok::Amp) && (at_word("self", 1) || (at_word("mut", 1) && at_word("self", 2))))) {
    std::size_t start = i_;
    bool amp = at(Tok::Amp);
    bool mut = amp && at_word("mut", 1);
    std::size_t self_tok = i_ + (amp ? (mut ? 2 : 1) : 0);
    std::size_t end_tok = self_tok;
    if (tok(end_tok - i_ + 1).kind == Tok::Colon) end_tok += 2;  // self: Self
    std::uint32_t del_end = toks_[end_tok + 1].kind == Tok::Comma ? toks_[end_tok + 2].begin : toks_[end_tok].end;
    std::vector<TextEdit> edits{{{toks_[start].begin, del_end}, ""}};
    if (mut && toks_[fn_kw].kind == Tok::KwFn) edits.push_back(replace_tok(fn_kw, "me"));
    if (mut) {
      fn_flags |= kFlagMutating;
      mistake("E0317", Severity::Error, {toks_[start].begin, toks_[self_tok].end},
              "a method that changes its receiver is declared with `me` and no receiver parameter",
              "write `me name(...)`", std::move(edits));
    } else {
      mistake(amp ? "E0317" : "W0303", amp ? Severity::Error : Severity::Warning, {toks_[start].begin, toks_[self_tok].end},
              "`self` is implicit in methods; do not list it as a parameter", "remove this parameter", std::move(edits));
    }
    while (i_ <= end_tok) advance();
    return finish(NodeKind::Param, m, static_cast<std::uint32_t>(self_tok));
  }
  if ((at(Tok::Star) || at(Tok::StarStar)) && at(1) == Tok::Ident) {
    std::size_t star = i_;
    std::string name(text(1));
    mistake("E0309", Severity::Error, {tok().begin, tok(1).end}, "variadic parameters are written `name...`",
            "write `name...`", {{{tok().begin, tok(1).end}, name + "..."}});
    advance();
    std::uint32_t n = static_cast<std::uint32_t>(i_);
    advance();
    (void)star;
    Node* p = finish(NodeKind::Param, m, n);
    p->flags |= kFlagVariadic;
    return p;
  }
  // `int a` / `String name`: C and Java put the type first.
  if (at(Tok::Ident) && at(1) == Tok::Ident && (at(2) == Tok::Comma || at(2) == Tok::RParen)) {
    std::string_view t = text();
    std::string_view mapped = simple_type_for(t);
    std::string type = std::string(mapped.empty() ? t : mapped);
    mistake("E0357", Severity::Error, {tok().begin, tok(1).end}, "parameters are written `name: Type`",
            "type written before the name", {{{tok().begin, tok(1).end}, fmt::format("{}: {}", text(1), type)}});
    std::size_t type_tok = i_;
    advance();
    std::uint32_t n = static_cast<std::uint32_t>(i_);
    advance();
    push(leaf(NodeKind::TypeName, static_cast<std::uint32_t>(type_tok)));
    return finish(NodeKind::Param, m, n);
  }
  if (at_word("mut")) advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  if (at(Tok::Ident) || (is_keyword(at()) && (at(1) == Tok::Colon || at(1) == Tok::Comma || at(1) == Tok::RParen))) {
    advance();
  } else {
    error_here("E0209", fmt::format("expected a parameter name, found {}", found()), "expected a parameter");
    name = kNoToken;
    if (!at(Tok::RParen) && !at(Tok::Comma)) advance();
  }
  std::uint16_t flags = 0;
  if (eat(Tok::Ellipsis)) flags |= kFlagVariadic;
  if (eat(Tok::Colon)) push(type());
  if (eat(Tok::Ellipsis)) flags |= kFlagVariadic;
  if (eat(Tok::Eq)) push(expression());
  Node* p = finish(NodeKind::Param, m, name);
  p->flags |= flags;
  return p;
}

Node* Parser::binding(std::uint16_t flags) {
  Mark m = mark();
  std::size_t kw = i_;
  if (at(Tok::KwVar)) {
    flags |= kFlagMutable;
  } else if (at_word("const")) {
    flags |= kFlagConst;
    std::string_view name = text(1);
    bool constant_case = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!constant_case && opts_.mistakes) {
      mistake("W0328", Severity::Warning, cur(), "`const` declares a compile-time constant; an ordinary binding is `val`",
              "write `val`", {replace_tok(kw, "val")});
    }
  } else if (at_word("lazy")) {
    flags |= kFlagLazy;
  } else if (at_word("let")) {
    bool mut = at_word("mut", 1);
    bool js = lang_ == Language::TypeScript;
    std::vector<TextEdit> edits;
    if (mut) {
      edits.push_back({{tok().begin, tok(1).end}, "var"});
      flags |= kFlagMutable;
    } else {
      edits.push_back(replace_tok(kw, js ? "var" : "val"));
      if (js) flags |= kFlagMutable;
    }
    mistake(mut ? "E0311" : "E0312", Severity::Error, mut ? Span{tok().begin, tok(1).end} : cur(),
            mut ? "mutable bindings are declared with `var`"
                : js ? "JavaScript's `let` is a mutable binding, `var` in Simple" : "immutable bindings are declared with `val`",
            mut ? "write `var`" : js ? "write `var`" : "write `val`", std::move(edits));
    if (mut) advance();
  }
  advance();
  if ((flags & kFlagLazy) != 0) {
    if (at(Tok::KwVal) || at(Tok::KwVar)) {
      advance();
    } else {  // simple-syntax.md 3.3: the form is `lazy val`
      error_at("E0201", {here(), here()}, fmt::format("expected `val` after `lazy`, found {}", found()),
               "a lazy binding is `lazy val`", {{{here(), here()}, "val "}}, "insert `val`");
    }
  }
  if (at_word("mut")) advance();
  std::uint32_t name = at(Tok::Ident) ? static_cast<std::uint32_t>(i_) : kNoToken;
  push(pattern());
  push_slot(eat(Tok::Colon) ? type() : nullptr);
  if (at(Tok::Eq) || at(Tok::ColonEq)) {
    advance();
    push_slot(expression());
  } else if (at(Tok::EqEq)) {
    error_at("E0201", cur(), "expected `=`, found `==`", "a binding takes `=`", {{cur(), "="}}, "write `=`");
    advance();
    push_slot(expression());
  } else {
    push_slot(nullptr);
  }
  // Refutable binding: `val Some(x) = opt else: return 0` (the else block must leave the scope).
  if (at(Tok::KwElse) && m.stack + 3 == stack_.size() && stack_.back() != nullptr) {
    advance();
    push(colon_block());
  }
  Node* n = finish(NodeKind::Binding, m, name);
  n->flags |= flags;
  return n;
}

Node* Parser::type_alias() {
  Mark m = mark();
  advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  push(name_or_missing());
  push_slot(at(Tok::Lt) ? generic_params() : nullptr);
  expect(Tok::Eq);
  push(type());
  return finish(NodeKind::TypeAlias, m, name);
}

Node* Parser::type_decl(NodeKind kind) {
  Mark m = mark();
  advance();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  if (!at(Tok::Ident)) name = kNoToken;
  push(name_or_missing());
  push_slot(at(Tok::Lt) ? generic_params() : at(Tok::LBracket) ? bracket_generics() : nullptr);
  if (at(Tok::LParen) && kind != NodeKind::Enum) {
    std::size_t open = i_;
    std::size_t close = matching_paren(open);
    mistake("E0305", Severity::Error, {toks_[open].begin, close ? toks_[close].end : toks_[open].end},
            "Simple has no inheritance: compose a field, or implement a trait with `impl Trait for Type:`",
            "no base classes in Simple", {{{toks_[open].begin, close ? toks_[close].end : toks_[open].end}, ""}}, false);
    skip_nested(Tok::LParen, Tok::RParen);
  }
  if (at_word("extends") || at_word("implements")) {
    std::size_t k = i_;
    std::uint32_t b = toks_[k].begin;
    while (!at(Tok::Colon) && !at(Tok::LBrace) && !at_stmt_end()) advance();
    mistake("E0350", Severity::Error, {b, prev_end()},
            "Simple has no inheritance: implement traits with `impl Trait for Type:` and compose fields",
            "not Simple", {{{b, prev_end()}, ""}}, false);
  }
  if (eat(Tok::KwWith)) comma_sequence([&] { push(type()); });
  push(members(kind));
  return finish(kind, m, name);
}

Node* Parser::impl_decl() {
  Mark m = mark();
  advance();
  push_slot(at(Tok::Lt) ? generic_params() : nullptr);
  push(type());
  if (eat(Tok::KwFor)) {
    push(type());
  }
  push(members(NodeKind::Impl));
  return finish(NodeKind::Impl, m);
}

Node* Parser::members(NodeKind owner) {
  Mark m = mark();
  auto item = [&] { return member(owner); };
  if (at(Tok::LBrace)) {
    brace_items("bodies are written with `:` and indentation, not braces", "braces do not make a body in Simple",
                [&] { return at(Tok::Newline) || at(Tok::Semi) || at(Tok::Indent) || at(Tok::Dedent); }, item);
    block_end_ = i_;
    if (at(Tok::Semi)) advance();
    return finish(NodeKind::Members, m);
  }
  if (!eat(Tok::Colon)) {
    if (at(Tok::Newline) && at(1) == Tok::Indent) {
      missing_colon_before_block();
    } else if (at_stmt_end()) {
      return finish(NodeKind::Members, m);  // `struct Empty` / a forward declaration
    } else if (!repaired_colon()) {
      skip_missing_body();
      Node* n = finish(NodeKind::Members, m);
      n->completeness = Completeness::Partial;
      return n;
    }
  }
  if (!at(Tok::Newline)) {  // one-line form: struct Point: x: i64; y: i64
    // A member ends its line (recovery may skip the rest of it): the list ends with the line,
    // and so does the declaration.
    while ((!at_stmt_end() || at(Tok::Semi)) && !line_start()) {
      std::size_t before = i_;
      if (at(Tok::Semi)) {
        advance();
        continue;
      }
      push(item());
      if (i_ == before) break;
    }
    if (line_start()) block_end_ = i_;
    return finish(NodeKind::Members, m);
  }
  bool indented = indented_items("expected an indented body", "this line should be indented",
                                 [&] { return at(Tok::Newline) || at(Tok::Semi); }, item);
  Node* n = finish(NodeKind::Members, m);
  if (!indented) n->completeness = Completeness::Partial;
  return n;
}

Node* Parser::member(NodeKind owner) {
  Node* n = member_inner(owner);
  if (n == nullptr || stop_ || n->kind == NodeKind::Error) return n;
  if (at(Tok::Comma)) {
    if (owner == NodeKind::Enum) {
      advance();
      return n;
    }
    mistake("W0326", Severity::Warning, cur(), "members are separated by line breaks; the `,` is not needed",
            "unnecessary `,`", {{cur(), ""}});
    advance();
    if (line_start() || at(Tok::Dedent) || at(Tok::RBrace)) return n;  // the lexer joined the lines after `,`
  }
  return finish_statement(n);
}

Node* Parser::member_inner(NodeKind owner) {
  Tok k = at();
  if (k == Tok::String || k == Tok::RawString) {
    Node* d = take_leaf(NodeKind::Docstring);
    return d;
  }
  if (k == Tok::KwPass) return take_leaf(NodeKind::Pass);
  if (k == Tok::Indent) return unexpected_indent();
  if (k == Tok::KwFn || k == Tok::KwMe || k == Tok::KwStatic || k == Tok::KwPub || k == Tok::At || k == Tok::HashBracket ||
      k == Tok::KwAsync || k == Tok::KwExtern || (k == Tok::Ident && (text() == "def" || text() == "function" ||
                                                                        text() == "public" || text() == "private" ||
                                                                        text() == "void"))) {
    if (k == Tok::Ident && (text() == "public" || text() == "private") && at(1) == Tok::Ident && at(2) == Tok::Colon) {
      // `private x: i64`: a field with a foreign modifier.
      bool pub = text() == "public";
      mistake("E0342", Severity::Error, cur(),
              pub ? "visibility is written `pub`" : "members are private unless marked `pub`",
              pub ? "write `pub`" : "not needed in Simple", {pub ? replace_tok(i_, "pub") : delete_tok(i_)});
      advance();
      return field();
    }
    if (k == Tok::KwPub && at(1) == Tok::Ident && at(2) == Tok::Colon) {
      advance();
      Node* f = field();
      f->flags |= kFlagPub;
      return f;
    }
    if (k == Tok::KwPub && at(1) == Tok::LParen) {  // `pub(friend) x: i64`
      std::size_t close = matching_paren(i_ + 1);
      if (close != 0 && toks_[close + 1].kind == Tok::Ident && toks_[close + 2].kind == Tok::Colon)
        return field(visibility());
    }
    return declaration();
  }
  if (k == Tok::KwVal || k == Tok::KwVar) return binding(0);
  if (k == Tok::KwCase && owner == NodeKind::Enum) advance();
  if (k == Tok::Ident && text() == "alias" && at(1) == Tok::Ident) return type_alias();
  if (k == Tok::Ident || is_keyword(k)) {
    if (owner == NodeKind::Enum && at(1) != Tok::Colon) return variant();
    if (at(1) == Tok::Colon) return field();
    if ((at(1) == Tok::Ident || at(1) == Tok::LBracket) && !is_c_type(text()) &&
        (at(2) == Tok::Newline || at(2) == Tok::Eq || at(2) == Tok::Lt || at(2) == Tok::Question || at(2) == Tok::Dedent))
      return field();  // `x i64`: the `:` is repaired by insertion
    if (at(1) == Tok::Ident && (is_c_type(text()) || (text()[0] >= 'A' && text()[0] <= 'Z')) &&
        (at(2) == Tok::Semi || at(2) == Tok::Newline || at(2) == Tok::Eq || at(2) == Tok::Comma || at(2) == Tok::RBrace)) {
      std::string_view t = text();
      std::string_view mapped = simple_type_for(t);
      std::string type = std::string(mapped.empty() ? t : mapped);
      mistake("E0357", Severity::Error, {tok().begin, tok(1).end}, "fields are written `name: Type`",
              "type written before the name", {{{tok().begin, tok(1).end}, fmt::format("{}: {}", text(1), type)}});
      Mark m = mark();
      std::size_t type_tok = i_;
      advance();
      std::uint32_t name = static_cast<std::uint32_t>(i_);
      advance();
      push(leaf(NodeKind::TypeName, static_cast<std::uint32_t>(type_tok)));
      if (eat(Tok::Eq)) push(expression());
      return finish(NodeKind::Field, m, name);
    }
  }
  error_here("E0205", fmt::format("expected a member (a field `name: Type`, a method, ...), found {}", found()),
             "not a member");
  return skip_statement(mark());
}

// `name: Type [= default]`. With a `pub(scope)` before it, the field is pub and its kids are the
// type, the default or null, and the Visibility, so that the default is always the second kid.
Node* Parser::field(Node* visibility) {
  Mark m = mark();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  advance();
  expect(Tok::Colon);
  push(type());
  Node* value = eat(Tok::Eq) ? expression() : nullptr;
  if (visibility == nullptr) {
    push(value);
    return finish(NodeKind::Field, m, name);
  }
  push_slot(value);
  push(visibility);
  Node* n = finish(NodeKind::Field, m, name);
  n->begin = visibility->begin;
  n->flags |= kFlagPub;
  return n;
}

Node* Parser::variant() {
  Mark m = mark();
  std::uint32_t name = static_cast<std::uint32_t>(i_);
  advance();
  if (at(Tok::LParen)) {
    Mark pm = mark();
    advance();
    comma_list(Tok::RParen, ListEnd::kLine,
                    [&] { maybe_labelled(NodeKind::Field, [&] { return type(); }); });
    expect(Tok::RParen);
    push(finish(NodeKind::Params, pm));
  }
  if (eat(Tok::Eq)) push(expression());
  return finish(NodeKind::Variant, m, name);
}

Node* Parser::use_decl() {
  Mark m = mark();
  std::uint16_t flags = 0;
  if (at(Tok::KwImport)) {
    mistake("W0307", Severity::Warning, cur(), "modules are imported with `use`; `import` is deprecated",
            "write `use`", {replace_tok(i_, "use")});
    advance();
  } else if (at(Tok::KwExport)) {
    advance();
    if (at(Tok::KwUse)) {
      advance();
    } else if (at(Tok::KwFn) || at(Tok::KwStruct) || at(Tok::KwClass) || at(Tok::KwEnum) || at(Tok::KwTrait) ||
               at(Tok::KwVal) || at(Tok::KwVar)) {
      push(declaration());
      return finish(NodeKind::Export, m);
    } else {
      while (true) {
        push(name_or_missing());
        while (at(Tok::Dot) && (at(1) == Tok::Ident || at(1) == Tok::LBrace)) {
          advance();
          if (at(Tok::LBrace)) {
            use_items();
            break;
          }
          push(take_leaf(NodeKind::Name));
        }
        if (!eat(Tok::Comma)) break;
      }
      return finish(NodeKind::Export, m);
    }
  } else {
    advance();
  }
  use_path(flags);
  if (eat(Tok::KwAs)) push(alias());
  Node* n = finish(NodeKind::Use, m);
  n->flags |= flags;
  return n;
}

// The leading dots of a relative path (`use .utils`, `use ..parent.x`, `from .a import {x}`): a
// Relative node spanning them, whose dots count the levels (one: the importing file's folder).
void Parser::relative_dots() {
  if (!at(Tok::Dot) && !at(Tok::DotDot)) return;
  Mark m = mark();
  std::uint32_t first = static_cast<std::uint32_t>(i_);
  while (at(Tok::Dot) || at(Tok::DotDot)) advance();
  push(finish(NodeKind::Relative, m, first));
}

void Parser::use_path(std::uint16_t& flags) {
  relative_dots();
  while (true) {
    if (at(Tok::Ident) || at(Tok::Int) || (is_keyword(at()) && at(1) != Tok::Newline)) {
      push(take_leaf(NodeKind::Name));
    } else if (at(Tok::LBrace)) {
      use_items();
      return;
    } else if (at(Tok::Star)) {
      flags |= kFlagWildcard;
      advance();
      return;
    } else {
      error_here("E0209", fmt::format("expected a module path, found {}", found()), "expected a name");
      return;
    }
    if (at(Tok::Dot)) {
      advance();
    } else if (at(Tok::ColonColon)) {
      path_separator_mistake();
      advance();
    } else {
      break;
    }
  }
  if (at(Tok::LParen) && tok().has(kSpaceBefore)) {
    Mark m = mark();
    advance();
    comma_list(Tok::RParen, ListEnd::kBracket, [&] { push(name_or_missing()); });
    expect(Tok::RParen);
    push(finish(NodeKind::UseItem, m));
  }
}

// The name after `as` in `use a.b as c` and `use a.{b as c}`: an Alias leaf, so that it is not
// read as one more segment of the path.
Node* Parser::alias() {
  Node* n = name_or_missing();
  if (n->kind == NodeKind::Name) n->kind = NodeKind::Alias;
  return n;
}

void Parser::use_items() {
  Mark m = mark();
  advance();
  comma_list(Tok::RBrace, ListEnd::kBracket, [&] {
    if (at(Tok::Star)) {  // `use a.{*}`: the wildcard written as an item
      Node* all = take_leaf(NodeKind::UseItem);
      all->flags |= kFlagWildcard;
      push(all);
      return;
    }
    Mark im = mark();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    push(name_or_missing());
    if (eat(Tok::KwAs)) push(alias());
    push(finish(NodeKind::UseItem, im, name));
  });
  expect(Tok::RBrace);
  push(finish(NodeKind::UseItem, m));
}

Node* Parser::from_import() {
  Mark m = mark();
  advance();
  std::uint16_t flags = 0;
  relative_dots();
  while (at(Tok::Ident) || at(Tok::Int) || at(Tok::Dot)) {
    if (at(Tok::Dot)) {
      advance();
      continue;
    }
    push(take_leaf(NodeKind::Name));
  }
  expect(Tok::KwImport);
  if (at(Tok::LBrace)) {
    use_items();
  } else if (at(Tok::Star)) {
    flags |= kFlagWildcard;
    advance();
  } else {
    std::uint32_t b = here();
    Mark im = mark();
    while (at(Tok::Ident)) {
      push(take_leaf(NodeKind::Name));
      if (!eat(Tok::Comma)) break;
    }
    push(finish(NodeKind::UseItem, im));
    std::uint32_t e = prev_end();
    mistake("E0308", Severity::Error, {b, e}, "the imported names go in braces: `from a import {x, y}`",
            "write `{...}`", {{{b, b}, "{"}, {{e, e}, "}"}});
  }
  Node* n = finish(NodeKind::Use, m);
  n->flags |= flags;
  return n;
}

}  // namespace spl::syntax::internal
