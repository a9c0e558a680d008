// Expressions: the Pratt ladder, prefix and postfix forms, primaries, collections, lambdas and
// string interpolation.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

#include "spl/syntax/lexer.hpp"

namespace spl::syntax::internal {

Operator binary_operator(Tok k) {
  switch (k) {
    case Tok::PipeGt: return Operator::Pipe;
    case Tok::TildeGt: return Operator::Layer;
    case Tok::SlashSlash: return Operator::Parallel;
    case Tok::KwOr:
    case Tok::PipePipe: return Operator::Or;
    case Tok::QuestionQuestion: return Operator::Coalesce;
    case Tok::KwAnd:
    case Tok::AmpAmp: return Operator::And;
    case Tok::EqEq:
    case Tok::EqEqEq: return Operator::Eq;
    case Tok::NotEq:
    case Tok::NotEqEq: return Operator::Ne;
    case Tok::KwIs: return Operator::Is;
    case Tok::KwIn: return Operator::In;
    case Tok::KwNot: return Operator::NotIn;
    case Tok::Lt: return Operator::Lt;
    case Tok::LtEq: return Operator::Le;
    case Tok::Gt: return Operator::Gt;
    case Tok::GtEq: return Operator::Ge;
    case Tok::Pipe: return Operator::BitOr;
    case Tok::Caret:
    case Tok::KwXor: return Operator::BitXor;
    case Tok::Amp: return Operator::BitAnd;
    case Tok::Shl: return Operator::Shl;
    case Tok::At: return Operator::MatMul;
    case Tok::Plus: return Operator::Add;
    case Tok::Minus: return Operator::Sub;
    case Tok::Star: return Operator::Mul;
    case Tok::Slash: return Operator::Div;
    case Tok::Percent: return Operator::Mod;
    case Tok::StarStar: return Operator::Pow;
    default: return Operator::None;
  }
}

Operator unary_operator(Tok k) {
  switch (k) {
    case Tok::Minus: return Operator::Neg;
    case Tok::Plus: return Operator::Pos;
    case Tok::Tilde: return Operator::BitNot;
    case Tok::LeftArrow: return Operator::Receive;
    case Tok::Bang:
    case Tok::KwNot: return Operator::Not;
    case Tok::KwYield: return Operator::Yield;
    case Tok::PlusPlus: return Operator::Increment;
    case Tok::MinusMinus: return Operator::Decrement;
    default: return Operator::None;
  }
}

Operator assignment_operator(Tok k) {
  switch (k) {
    case Tok::PlusEq: return Operator::Add;
    case Tok::MinusEq: return Operator::Sub;
    case Tok::StarEq: return Operator::Mul;
    case Tok::SlashEq: return Operator::Div;
    case Tok::PercentEq: return Operator::Mod;
    case Tok::StarStarEq: return Operator::Pow;
    case Tok::PlusPlus: return Operator::Increment;
    case Tok::MinusMinus: return Operator::Decrement;
    default: return Operator::None;  // `=`, `:=`
  }
}

Node* Parser::argument() {
  if ((at(Tok::Ident) || is_keyword(at())) && at(1) == Tok::Colon && !(at(2) == Tok::Newline || at(2) == Tok::Indent)) {
    Mark m = mark();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    advance();
    advance();
    push(expression());
    return finish(NodeKind::NamedArg, m, name);
  }
  if (at(Tok::Ellipsis) || at(Tok::DotDot)) {
    Mark m = mark();
    advance();
    push(expression());
    return finish(NodeKind::Spread, m);
  }
  return expression();
}

Node* Parser::expression() {
  Node* e = binary(kPipe);
  if (at(Tok::Question) && ternary_follows()) return ternary(e);
  if (at(Tok::KwIf) && !line_start() && postfix_if_ahead()) return postfix_conditional(e);
  return e;
}

// `a if c else b`: the loosest form, only at the top of an expression. An If whose kids are the
// condition, the value when true and the value when false (which may chain another).
Node* Parser::postfix_conditional(Node* value) {
  std::uint32_t kw = static_cast<std::uint32_t>(i_);
  advance();
  Node* cond = binary(kPipe);
  expect(Tok::KwElse);
  Node* other = expression();
  Node* n = wrap(NodeKind::If, cond, {value, other}, kw);
  n->begin = value->begin;
  return n;
}

// An `else` (not `else:`) later on the line, outside brackets, before any `:`.
bool Parser::postfix_if_ahead() const {
  return scan_line(1, [&](std::size_t k, Tok t) {
    if (t == Tok::Colon) return 0;
    if (t == Tok::KwElse) return at(k + 1) != Tok::Colon ? 1 : 0;
    return -1;
  });
}

int Parser::infix_prec(bool& right_assoc) const {
  right_assoc = false;
  switch (at()) {
    case Tok::PipeGt: return kPipe;
    case Tok::TildeGt: return kLayer;
    case Tok::SlashSlash: return kParallel;
    case Tok::KwOr:
    case Tok::PipePipe: return kOr;
    case Tok::QuestionQuestion: return kCoalesce;
    case Tok::KwAnd:
    case Tok::AmpAmp: return kAnd;
    case Tok::EqEq:
    case Tok::NotEq:
    case Tok::EqEqEq:
    case Tok::NotEqEq:
    case Tok::KwIs:
    case Tok::KwIn: return kEquality;
    case Tok::KwNot: return at(1) == Tok::KwIn ? kEquality : kNone;
    case Tok::Lt:
    case Tok::LtEq:
    case Tok::GtEq: return kCompare;
    case Tok::Gt:
      // `>` `>` written together is a shift (the lexer keeps them apart for generics).
      if (at(1) == Tok::Gt && tok(1).begin == tok().end) return kShift;
      return kCompare;
    case Tok::DotDot:
    case Tok::DotDotEq: return kRange;
    case Tok::Pipe: return kBitOr;
    case Tok::Caret:
    case Tok::KwXor: return kBitXor;
    case Tok::Amp: return kBitAnd;
    case Tok::Shl: return kShift;
    case Tok::At: return line_start() ? kNone : kMatMul;
    case Tok::Plus:
    case Tok::Minus: return kAdd;
    case Tok::Star:
    case Tok::Slash:
    case Tok::Percent: return kMul;
    case Tok::StarStar: right_assoc = true; return kPow;
    default: return kNone;
  }
}

Node* Parser::binary(int min_prec) {
  NestingGuard nesting(*this);
  if (too_deep()) return placeholder(NodeKind::Missing);
  Node* lhs = unary();
  while (true) {
    if (brace_depth_ > 0 && line_start()) break;
    bool right = false;
    int prec = infix_prec(right);
    if (prec == kNone || prec < min_prec) break;
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    Tok k = at();
    if ((k == Tok::Minus || k == Tok::Plus) && signed_argument_follows(lhs)) break;
    operator_mistakes(k);
    if (k == Tok::KwNot) advance();  // not in
    if (k == Tok::Gt && prec == kShift) advance();
    if (k == Tok::SlashSlash && comment_like()) {
      comment_mistake();
      return lhs;
    }
    advance();
    if (prec == kRange && !starts_expression()) {  // open-ended a..
      lhs = wrap(NodeKind::Range, lhs, {nullptr}, op);
      if (k == Tok::DotDotEq) lhs->flags |= kFlagInclusive;
      continue;
    }
    Node* rhs = binary(right ? prec : prec + 1);
    if (prec == kRange) {
      Node* step = nullptr;
      if (at(Tok::Ident) && tok().text(src_) == "by") {  // 0..10 by 2
        advance();
        step = binary(kRange + 1);
      }
      lhs = step != nullptr ? wrap(NodeKind::Range, lhs, {rhs, step}, op) : wrap(NodeKind::Range, lhs, {rhs}, op);
      if (k == Tok::DotDotEq) lhs->flags |= kFlagInclusive;
      continue;
    }
    lhs = wrap(NodeKind::Binary, lhs, {rhs}, op);
    lhs->op = k == Tok::Gt && prec == kShift ? Operator::Shr : binary_operator(k);
  }
  return lhs;
}

bool Parser::starts_expression() const {
  switch (at()) {
    case Tok::Ident: case Tok::Int: case Tok::Float: case Tok::String: case Tok::RawString: case Tok::Atom:
    case Tok::Payload:
    case Tok::KwTrue: case Tok::KwFalse: case Tok::KwNil: case Tok::LParen: case Tok::LBracket: case Tok::LBrace:
    case Tok::Minus: case Tok::KwNot: case Tok::Bang: case Tok::Tilde: case Tok::Backslash: case Tok::KwIf:
    case Tok::KwMatch: case Tok::KwFn: case Tok::KwSpawn: case Tok::KwAwait: case Tok::KwMe:
      return !(brace_depth_ > 0 && line_start());
    default: return false;
  }
}

Node* Parser::unary() {
  Mark m = mark();
  std::uint32_t op = static_cast<std::uint32_t>(i_);
  switch (at()) {
    case Tok::Minus:
    case Tok::Plus:
    case Tok::Tilde:
    case Tok::LeftArrow:
      advance();
      push(binary(kPow));
      return unary_node(m, op);
    case Tok::Bang:
      if (opts_.mistakes) {
        std::uint32_t e = tok().end;
        mistake("W0340", Severity::Warning, cur(), "logical not is spelled `not`", "write `not`",
                {{{tok().begin, e}, "not "}});
      }
      advance();
      push(binary(kPow));
      return unary_node(m, op);
    case Tok::KwNot:
      advance();
      push(binary(kEquality));
      return unary_node(m, op);
    case Tok::KwAwait:
      advance();
      if (!at_stmt_end()) push(binary(kUnary));
      return finish(NodeKind::Await, m, op);
    case Tok::KwYield:
      advance();
      if (!at_stmt_end()) push(binary(kUnary));
      return unary_node(m, op);
    case Tok::KwSpawn:
      advance();
      push(binary(kUnary));
      return finish(NodeKind::Spawn, m, op);
    case Tok::DotDot:
    case Tok::DotDotEq: {
      advance();
      if (starts_expression()) push(binary(kRange + 1));
      Node* r = finish(NodeKind::Range, m, op);
      return r;
    }
    case Tok::Ellipsis:
      advance();
      push(binary(kUnary));
      return finish(NodeKind::Spread, m, op);
    case Tok::PlusPlus:
    case Tok::MinusMinus: {
      bool inc = at(Tok::PlusPlus);
      if (opts_.mistakes && at(1) == Tok::Ident) {
        std::string name(text(1));
        mistake("E0339", Severity::Error, {tok().begin, tok(1).end}, "Simple has no `++`/`--`: use `+= 1`/`-= 1`",
                fmt::format("no `{}` in Simple", text()), {{{tok().begin, tok(1).end}, fmt::format("{} {}= 1", name, inc ? '+' : '-')}});
      }
      advance();
      push(binary(kUnary));
      return unary_node(m, op);
    }
    default: break;
  }
  return postfix(primary());
}

Node* Parser::unary_node(const Mark& m, std::uint32_t op) {
  Node* n = finish(NodeKind::Unary, m, op);
  n->op = unary_operator(toks_[op].kind);
  return n;
}

Node* Parser::postfix(Node* e) {
  while (true) {
    Tok k = at();
    bool new_line = brace_depth_ > 0 && line_start();
    if (k == Tok::LParen && !new_line) {
      Mark m = mark();
      m.tok = static_cast<std::uint32_t>(token_index_of(e));
      push(e);
      paren_arguments();
      // `f(a) \x: ...`: a lambda after the parentheses is the call's last argument. Its body runs
      // to the end of the expression, so nothing can follow the call.
      bool trailing = at(Tok::Backslash) && !line_start();
      if (trailing) push(lambda());
      e = finish(NodeKind::Call, m);
      foreign_print(e);
      if (trailing) return e;
    } else if (k == Tok::Dot || k == Tok::QuestionDot) {
      std::uint32_t dot = static_cast<std::uint32_t>(i_);
      advance();
      if (at(Tok::Ident) || at(Tok::Int) || is_keyword(at())) {
        Node* member = take_leaf(NodeKind::Name);
        e = wrap(k == Tok::Dot ? NodeKind::FieldAccess : NodeKind::SafeField, e, {member}, dot);
      } else if (at(Tok::Star)) {
        advance();
        e = wrap(NodeKind::FieldAccess, e, {nullptr}, dot);
      } else if (at(Tok::LBracket) && k == Tok::QuestionDot) {
        e = safe_index(e);  // x?.[0], the same as x?[0]
      } else {
        std::uint32_t p = prev_end();
        error_at("E0209", {p, tok().end}, fmt::format("expected a field or method name after `.`, found {}", found()),
                 "expected a name");
        e = wrap(NodeKind::FieldAccess, e, {placeholder(NodeKind::Missing)}, dot);
      }
    } else if (k == Tok::Backslash && trailing_lambda_follows(e)) {
      // The lambda's body runs to the end of the expression, so nothing can follow the call.
      return trailing_lambda_call(e);
    } else if (k == Tok::DotQuestion) {
      std::uint32_t t = static_cast<std::uint32_t>(i_);
      advance();
      e = wrap(NodeKind::Exists, e, {}, t);
    } else if (k == Tok::Question && at(1) == Tok::LBracket && !tok().has(kSpaceBefore) &&
               !tok(1).has(kSpaceBefore)) {
      e = safe_index(e);
    } else if (k == Tok::Question && !tok().has(kSpaceBefore)) {
      if (ternary_follows()) return e;  // the whole expression is the condition
      std::uint32_t t = static_cast<std::uint32_t>(i_);
      advance();
      e = wrap(NodeKind::Propagate, e, {}, t);
    } else if (k == Tok::LBracket && !new_line && !tok().has(kSpaceBefore)) {
      e = index(e);
    } else if (k == Tok::KwAs) {
      std::uint32_t t = static_cast<std::uint32_t>(i_);
      advance();
      e = wrap(NodeKind::Cast, e, {type()}, t);
    } else if (k == Tok::Bang && (at(1) == Tok::LParen || at(1) == Tok::LBracket) && !tok().has(kSpaceBefore) &&
               e->kind == NodeKind::Name) {
      e = macro_call(e);
    } else if (k == Tok::ColonColon) {
      if (at(1) == Tok::Lt) {
        mistake("E0314", Severity::Error, cur(), "generic arguments follow the name directly: `f<T>(...)`, no `::`",
                "remove `::`", {{cur(), ""}});
        advance();
        e = generic_args(e);
      } else {
        path_separator_mistake();
        std::uint32_t dot = static_cast<std::uint32_t>(i_);
        advance();
        if (at(Tok::Ident) || is_keyword(at())) {
          Node* member = take_leaf(NodeKind::Name);
          e = wrap(NodeKind::FieldAccess, e, {member}, dot);
        }
      }
    } else if (k == Tok::Lt && !tok().has(kSpaceBefore) && (e->kind == NodeKind::Name || e->kind == NodeKind::FieldAccess) &&
               generic_args_ahead()) {
      e = generic_args(e);
    } else if (k == Tok::LBrace && !new_line && e->kind == NodeKind::Name && struct_literal_ahead(e)) {
      e = struct_literal(e);
    } else if (k == Tok::FatArrow && (e->kind == NodeKind::Name || e->kind == NodeKind::Tuple ||
                                      e->kind == NodeKind::Unit) && opts_.mistakes) {
      return arrow_function(e);
    } else {
      return e;
    }
  }
}

bool Parser::generic_args_ahead() const {
  int depth = 0;
  for (std::size_t k = 0; k < 64; ++k) {
    Tok t = tok(k).kind;
    switch (t) {
      case Tok::Lt: ++depth; break;
      case Tok::Gt:
        if (--depth == 0) {
          Tok after = tok(k + 1).kind;
          return (after == Tok::Dot || after == Tok::LParen) && tok(k + 1).begin == tok(k).end;
        }
        break;
      case Tok::Ident: case Tok::Comma: case Tok::LBracket: case Tok::RBracket: case Tok::LParen: case Tok::RParen:
      case Tok::Question: case Tok::Dot: case Tok::KwFn: case Tok::Arrow: case Tok::KwNil:
        break;
      default: return false;
    }
  }
  return false;
}

Node* Parser::generic_args(Node* e) {
  Mark m = mark();
  advance();
  comma_list(Tok::Gt, ListEnd::kLine, [&] { push(type()); });
  expect(Tok::Gt);
  Node* args = finish(NodeKind::GenericArgs, m);
  return wrap(NodeKind::GenericArgs, e, {args});
}

bool Parser::struct_literal_ahead(const Node* name) const {
  std::string_view n = src_.substr(name->begin, name->end - name->begin);
  if (n.empty() || n[0] < 'A' || n[0] > 'Z') return false;
  if (at(1) == Tok::RBrace) return true;
  return (at(1) == Tok::Ident && (at(2) == Tok::Colon || at(2) == Tok::Comma || at(2) == Tok::RBrace)) ||
         at(1) == Tok::DotDot;
}

Node* Parser::struct_literal(Node* name) {
  Mark m = mark();
  m.tok = static_cast<std::uint32_t>(token_index_of(name));
  push(name);
  advance();
  comma_list(Tok::RBrace, ListEnd::kBracket, [&] { push(argument()); });
  expect(Tok::RBrace);
  return finish(NodeKind::StructLit, m);
}

Node* Parser::index(Node* e) {
  Mark m = mark();
  m.tok = static_cast<std::uint32_t>(token_index_of(e));
  push(e);
  advance();
  bool slice = false;
  auto part = [&]() {
    if (at(Tok::Colon) || at(Tok::ColonColon) || at(Tok::RBracket)) {
      push_slot(nullptr);
    } else {
      push_slot(expression());
    }
  };
  part();
  while (at(Tok::Colon) || at(Tok::ColonColon)) {
    slice = true;
    if (at(Tok::ColonColon)) {  // xs[::2]: an empty stop
      advance();
      push_slot(nullptr);
      part();
      continue;
    }
    advance();
    part();
  }
  if (!slice) {
    while (eat(Tok::Comma)) push(expression());
  }
  expect(Tok::RBracket);
  return finish(slice ? NodeKind::Slice : NodeKind::Index, m);
}

// `xs?[i]` (or `xs?.[i]`): nil when xs is nil. The main token is the `?` (or `?.`); there is
// no safe slice.
Node* Parser::safe_index(Node* e) {
  Mark m = mark();
  m.tok = static_cast<std::uint32_t>(token_index_of(e));
  std::uint32_t question = static_cast<std::uint32_t>(i_ - (at(Tok::LBracket) ? 1 : 0));
  push(e);
  if (at(Tok::Question)) advance();
  advance();
  push(expression());
  expect(Tok::RBracket);
  return finish(NodeKind::SafeIndex, m, question);
}

// `val ys = xs.map \x: x * 10`: inside an expression, a name or field followed by a lambda on the
// same line is a no-paren call with the lambda as its argument. (At the head of a statement the
// no-paren call is made by the statement, with any arguments after the lambda.)
bool Parser::trailing_lambda_follows(const Node* callee) const {
  return (callee->kind == NodeKind::Name || callee->kind == NodeKind::FieldAccess) && tok().has(kSpaceBefore) &&
         !line_start() && !statement_head(callee);
}

Node* Parser::trailing_lambda_call(Node* callee) {
  Mark m = mark();
  m.tok = static_cast<std::uint32_t>(token_index_of(callee));
  push(callee);
  push(lambda());
  Node* call = finish(NodeKind::Call, m);
  call->flags |= kFlagNoParen;
  return call;
}

void Parser::paren_arguments() {
  advance();
  comma_list(Tok::RParen, ListEnd::kBracket, [&] { push(argument()); }, MissingComma::kBetweenArguments);
  expect(Tok::RParen);
}

Node* Parser::primary() {
  Mark m = mark();
  switch (at()) {
    case Tok::Int: return take_leaf(NodeKind::IntLit);
    case Tok::Float: return take_leaf(NodeKind::FloatLit);
    case Tok::String:
      if (tok().has(kInterpolated)) return interpolation();
      return take_leaf(NodeKind::StringLit);
    case Tok::RawString: return take_leaf(NodeKind::StringLit);
    case Tok::Atom: return take_leaf(NodeKind::Atom);
    case Tok::Payload: return take_leaf(NodeKind::Payload);
    case Tok::Label: return take_leaf(NodeKind::Label);
    case Tok::KwTrue:
    case Tok::KwFalse: return take_leaf(NodeKind::BoolLit);
    case Tok::KwNil: return take_leaf(NodeKind::NilLit);
    case Tok::KwMe: return take_leaf(NodeKind::Name);
    case Tok::Ident: return identifier();
    case Tok::LParen: return parenthesised();
    case Tok::LBracket: return array();
    case Tok::LBrace: return dict();
    case Tok::Backslash: return lambda();
    case Tok::Pipe:
    case Tok::PipePipe: return pipe_lambda();
    case Tok::KwFn:
      if (at(1) == Tok::LParen) return anonymous_fn();
      break;
    case Tok::KwIf: return if_expr();
    case Tok::KwMatch: return match_expr();
    case Tok::Colon:
      if (at(1) == Tok::Ident && tok(1).begin == tok().end) {
        advance();
        advance();
        return finish(NodeKind::Symbol, m);
      }
      break;
    case Tok::AmpColon:
      advance();
      push(name_or_missing());
      return finish(NodeKind::MethodRef, m);
    case Tok::Dollar:
      advance();
      return finish(NodeKind::Name, m);
    default: break;
  }
  if (is_keyword(at()) && at(1) == Tok::Dot) return take_leaf(NodeKind::Name);  // self-like keyword receivers
  if (at(Tok::Comma) && i_ > 0 && (prev().kind == Tok::Comma || prev().kind == Tok::LParen)) {
    // A doubled or leading `,` in a list: deleting it is the repair.
    error_at("E0202", {here(), tok().end}, "expected an expression, found a stray `,`", "expected an expression here",
             {{{here(), tok().end}, ""}}, "remove the stray `,`");
    return placeholder(NodeKind::Missing);
  }
  error_here("E0202", fmt::format("expected an expression, found {}", found()), "expected an expression here");
  return placeholder(NodeKind::Missing);
}

Node* Parser::identifier() {
  std::string_view w = text();
  if (opts_.mistakes) {
    if (w == "True" || w == "False") {
      mistake("E0302", Severity::Error, cur(), "booleans are lowercase: `true` and `false`",
              w == "True" ? "write `true`" : "write `false`", {replace_tok(i_, w == "True" ? "true" : "false")});
      return take_leaf(NodeKind::BoolLit);
    }
    if (w == "null" || w == "undefined" || w == "NULL" || w == "nullptr") {
      mistake("E0332", Severity::Error, cur(), "the absent value is `nil`", "write `nil`", {replace_tok(i_, "nil")});
      return take_leaf(NodeKind::NilLit);
    }
    if (w == "lambda" && (at(1) == Tok::Ident || at(1) == Tok::Colon)) return python_lambda();
    if (w == "new" && at(1) == Tok::Ident && tok(1).begin > tok().end) {
      mistake("E0341", Severity::Error, cur(), "objects are constructed by calling the type: `Point(x: 1)`",
              "no `new` in Simple", {delete_tok(i_)});
      advance();
      return identifier();
    }
    if (w == "this" && at(1) == Tok::Dot) {
      mistake("W0346", Severity::Warning, cur(), "the receiver is `self`", "write `self`", {replace_tok(i_, "self")});
    }
  }
  return take_leaf(NodeKind::Name);
}

Node* Parser::parenthesised() {
  Mark m = mark();
  advance();
  if (eat(Tok::RParen)) return finish(NodeKind::Unit, m);
  Node* first = argument();
  if (at(Tok::RParen) && first->kind != NodeKind::NamedArg) {
    advance();
    push(first);
    Node* inner = finish(NodeKind::Tuple, m);
    // A parenthesised expression keeps its span but is the inner node.
    if (inner->count == 1) {
      Node* e = inner->kids[0];
      if (at(Tok::FatArrow) && e->kind == NodeKind::Name) return inner;  // (x) => ...
      e->begin = inner->begin;
      e->end = inner->end;
      e->flags |= kFlagParenthesized;
      return e;
    }
    return inner;
  }
  push(first);
  if (at(Tok::KwFor)) return trailing_comprehension(m, Tok::RParen);  // a generator expression
  while (eat(Tok::Comma)) {
    if (at(Tok::RParen)) break;
    std::size_t before = i_;
    push(argument());
    if (i_ == before) break;
  }
  expect(Tok::RParen);
  return finish(NodeKind::Tuple, m);
}

void Parser::comprehension_tail() {
  while (eat(Tok::KwFor)) {
    push(for_pattern());
    expect(Tok::KwIn);
    push(binary(kOr));
    if (eat(Tok::KwIf)) push(binary(kOr));
  }
}

// The loops after the element, `for x in xs [if p]`..., and the closing bracket.
Node* Parser::trailing_comprehension(const Mark& m, Tok close) {
  comprehension_tail();
  expect(close);
  return finish(NodeKind::Comprehension, m);
}

// The short grammar `[for x in xs if p: e]` and `{for x in xs: (k, v)}`: the loop first, the
// element after the colon.
Node* Parser::leading_comprehension(const Mark& m, Tok close) {
  advance();
  push(for_pattern());
  expect(Tok::KwIn);
  push(binary(kOr));
  if (eat(Tok::KwIf)) push(binary(kOr));
  expect(Tok::Colon);
  push(expression());
  expect(close);
  return finish(NodeKind::Comprehension, m);
}

Node* Parser::array() {
  Mark m = mark();
  advance();
  if (at(Tok::KwFor)) return leading_comprehension(m, Tok::RBracket);
  comma_list(Tok::RBracket, ListEnd::kBracket, [&] { push(argument()); }, MissingComma::kBetweenElements);
  if (at(Tok::KwFor)) return trailing_comprehension(m, Tok::RBracket);  // [x * x for x in xs]
  expect(Tok::RBracket);
  return finish(NodeKind::Array, m);
}

Node* Parser::dict() {
  Mark m = mark();
  advance();
  bool set = false;
  if (at(Tok::KwFor)) return leading_comprehension(m, Tok::RBrace);
  comma_list(Tok::RBrace, ListEnd::kBracket, [&] {
    if (at(Tok::StarStar) || at(Tok::Ellipsis)) {
      Mark sm = mark();
      advance();
      push(expression());
      push(finish(NodeKind::Spread, sm));
      return;
    }
    Mark em = mark();
    Node* key = expression();
    if (eat(Tok::Colon)) {
      push(key);
      push(expression());
      push(finish(NodeKind::Entry, em));
    } else {
      set = true;
      push(key);
    }
  });
  if (at(Tok::KwFor)) return trailing_comprehension(m, Tok::RBrace);  // {k: v for k, v in items}
  expect(Tok::RBrace);
  return finish(set ? NodeKind::Set : NodeKind::Dict, m);
}

Node* Parser::lambda() {
  Mark m = mark();
  advance();
  Mark pm = mark();
  while (at(Tok::Ident) || at(Tok::LParen)) {
    if (at(Tok::LParen)) {
      push(pattern());
    } else {
      Mark one = mark();
      std::uint32_t name = static_cast<std::uint32_t>(i_);
      advance();
      // \s: text: body — a typed parameter.
      if (at(Tok::Colon) && at(1) == Tok::Ident && at(2) == Tok::Colon) {
        advance();
        push(type());
      }
      push(finish(NodeKind::Param, one, name));
    }
    if (!eat(Tok::Comma)) break;
  }
  push(finish(NodeKind::Params, pm));
  if (!expect(Tok::Colon)) {
    push(placeholder(NodeKind::Missing));
    return finish(NodeKind::Lambda, m);
  }
  push(lambda_body());
  return finish(NodeKind::Lambda, m);
}

Node* Parser::lambda_body() {
  if (at(Tok::Newline) && at(1) == Tok::Indent) {
    std::size_t saved = brace_depth_;
    brace_depth_ = 0;
    Node* b = block_after_colon();
    brace_depth_ = saved;
    return b;
  }
  return expression();
}

Node* Parser::pipe_lambda() {
  Mark m = mark();
  Mark pm = mark();
  if (eat(Tok::PipePipe)) {
    push(finish(NodeKind::Params, pm));
  } else {
    advance();
    while (at(Tok::Ident)) {
      Mark one = mark();
      std::uint32_t name = static_cast<std::uint32_t>(i_);
      advance();
      if (eat(Tok::Colon)) push(type_primary());  // |x: T|: the `|` after T closes the list, no union
      push(finish(NodeKind::Param, one, name));
      if (!eat(Tok::Comma)) break;
    }
    expect(Tok::Pipe);
    push(finish(NodeKind::Params, pm));
  }
  push(expression());
  return finish(NodeKind::Lambda, m);
}

Node* Parser::anonymous_fn() {
  Mark m = mark();
  std::size_t kw = i_;
  advance();
  std::uint16_t flags = 0;
  push(params(kw, flags));
  if (eat(Tok::Arrow)) push(type());
  if (at(Tok::Colon)) {
    advance();
    push(lambda_body());
  } else if (at(Tok::LBrace)) {
    push(brace_block());
  } else {
    expect(Tok::Colon);
  }
  return finish(NodeKind::Lambda, m);
}

Node* Parser::interpolation() {
  Mark m = mark();
  std::uint32_t t = static_cast<std::uint32_t>(i_);
  Token string_token = tok();
  advance();
  if (fragment_buffer_ == nullptr) return finish(NodeKind::Interp, m, t);
  std::vector<Span> holes;
  interpolation_holes(src_, string_token, holes);
  for (Span h : holes) {
    // A format spec after the last top-level `:` (`{x:>8}`, `{p:.2%}`) is not an expression.
    lex_fragment(src_, h.begin, format_spec_colon(src_, h), *fragment_buffer_, diags_);
    std::vector<Token> tokens = *fragment_buffer_;
    std::vector<Token> nested;
    Parser sub(src_, tokens, arena_, diags_, opts_, lang_, &nested);
    sub.error_lines_ = error_lines_;
    std::size_t errors_before = sub.errors_;
    Node* e = sub.fragment_expression();
    clear_tokens(e);
    push(e);
    if (sub.errors_ != errors_before) ++errors_;
  }
  return finish(NodeKind::Interp, m, t);
}

// Where the expression of an interpolation hole ends: at its last `:` outside brackets and
// quotes when what follows is a format spec (fill/align, sign, width, `.precision`, type), so
// the colons of `{if c: 'a' else: 'b'}` stay part of the expression.
std::uint32_t Parser::format_spec_colon(std::string_view src, Span hole) {
  std::uint32_t colon = hole.end;
  int depth = 0;
  for (std::uint32_t p = hole.begin; p < hole.end; ++p) {
    char c = src[p];
    if (c == '"' || c == '\'') {
      for (++p; p < hole.end && src[p] != c; ++p) {
        if (src[p] == '\\') ++p;
      }
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == ':' && depth == 0 && p > hole.begin) {
      colon = p;
    }
  }
  if (colon == hole.end || colon + 1 == hole.end) return hole.end;
  for (std::uint32_t p = colon + 1; p < hole.end; ++p) {
    char c = src[p];
    bool spec = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("<>^=+-#,_.%?*").find(c) != std::string_view::npos;
    if (!spec) return hole.end;
  }
  return colon;
}

// Fragment nodes index the fragment's own tokens: drop those indices (spans stay valid).
void Parser::clear_tokens(Node* n) {
  if (n == nullptr) return;
  n->token = kNoToken;
  for (std::uint32_t k = 0; k < n->count; ++k) clear_tokens(n->kids[k]);
}

}  // namespace spl::syntax::internal
