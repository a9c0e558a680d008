// Statements, blocks, control flow (if, for, while, match, receive) and no-paren calls.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

namespace spl::syntax::internal {

Node* Parser::statement() {
  NestingGuard nesting(*this);
  if (too_deep()) return placeholder(NodeKind::Missing);
  Tok k = at();
  switch (k) {
    case Tok::Newline:
    case Tok::Semi:
      advance();
      return nullptr;
    case Tok::Indent: return unexpected_indent();
    case Tok::HashBracket:
      if (inner_attribute_ahead()) return finish_statement(attribute());
      return finish_statement(declaration());
    case Tok::At:
    case Tok::KwPub:
    case Tok::KwFn:
    case Tok::KwMe:
    case Tok::KwStatic:
    case Tok::KwExtern:
    case Tok::KwStruct:
    case Tok::KwClass:
    case Tok::KwEnum:
    case Tok::KwTrait:
    case Tok::KwImpl:
    case Tok::KwActor:
      return finish_statement(declaration());
    case Tok::KwAsync:
      if (at(1) == Tok::KwFn) return finish_statement(declaration());
      break;
    case Tok::KwVal:
    case Tok::KwVar: return finish_statement(binding(0));
    case Tok::KwUse:
    case Tok::KwExport:
    case Tok::KwImport: return finish_statement(use_decl());
    case Tok::KwIf: return finish_statement(if_expr());
    case Tok::KwFor: return finish_statement(for_stmt());
    case Tok::KwWhile: return finish_statement(while_stmt());
    case Tok::KwLoop:
      return finish_statement(keyword_block(NodeKind::Loop));
    case Tok::KwMatch: return finish_statement(match_expr());
    case Tok::KwReceive: return finish_statement(receive_stmt());
    case Tok::KwReturn: return finish_statement(jump(NodeKind::Return));
    case Tok::KwBreak: return finish_statement(jump(NodeKind::Break));
    case Tok::KwContinue: return finish_statement(jump(NodeKind::Continue));
    case Tok::KwPass:
      if (at(1) == Tok::Dot) break;  // `pass.with_tag("x")`: `pass` is the receiver
      return finish_statement(pass_stmt());
    case Tok::KwDefer: return finish_statement(defer_stmt());
    case Tok::KwWith: return finish_statement(with_stmt());
    case Tok::KwElif:
    case Tok::KwElse: {
      error_here("E0214", fmt::format("`{}` without a matching `if`", text()), "no `if` before this");
      return skip_statement(mark());
    }
    case Tok::KwCase: {
      error_here("E0205", "`case` outside a `match`", "expected a statement");
      return skip_statement(mark());
    }
    case Tok::Ident: {
      if (Node* n = contextual_statement()) return n;
      break;
    }
    default: break;
  }
  return finish_statement(expression_statement());
}

// `#[runtime_intrinsics]` alone on its line before something that is not a declaration (a
// module docstring, a statement): an attribute of the enclosing module.
bool Parser::inner_attribute_ahead() const {
  std::size_t k = 1;
  int depth = 1;
  for (; depth > 0; ++k) {
    Tok t = at(k);
    if (t == Tok::Eof || t == Tok::Newline) return false;
    if (t == Tok::LBracket || t == Tok::HashBracket) ++depth;
    if (t == Tok::RBracket) --depth;
  }
  if (at(k) != Tok::Newline) return false;
  switch (at(k + 1)) {
    case Tok::String:
    case Tok::RawString:
    case Tok::Eof:
      return true;
    default:
      return false;
  }
}

Node* Parser::unexpected_indent() {
  error_here("E0204", "unexpected indentation", "this line is indented more than the block it is in");
  Mark m = mark();
  indented_block(no_separator, [&] { return statement(); });
  Node* n = finish(NodeKind::Block, m);
  n->completeness = Completeness::Partial;
  return n;
}

// Ends a simple statement; a statement that ended with an indented block has nothing to end.
Node* Parser::finish_statement(Node* n) {
  if (n == nullptr || stop_) return n;
  if (i_ == block_end_ || (i_ == comment_end_ && line_start())) return n;
  if (at(Tok::Newline)) {
    advance();
    return n;
  }
  if (at(Tok::Semi)) {
    std::size_t semi = i_;
    advance();
    if (at_stmt_end() && !at(Tok::Semi)) {
      mistake("W0318", Severity::Warning, span_of(semi), "statements end at the line break; `;` is not needed",
              "unnecessary `;`", {{span_of(semi), ""}});
      eat(Tok::Newline);
    }
    return n;
  }
  if (at(Tok::Dedent) || at(Tok::Eof)) return n;
  if (brace_depth_ > 0 && (at(Tok::RBrace) || line_start())) return n;
  error_here("E0206", fmt::format("expected the end of the statement, found {}", found()),
             "the statement should end before this");
  sync_statement();
  if (n->completeness == Completeness::Complete) n->completeness = Completeness::Partial;
  return n;
}

Node* Parser::contextual_statement() {
  std::string_view w = text();
  Tok next = at(1);
  if (w == "type" && next == Tok::Ident && (at(2) == Tok::Eq || at(2) == Tok::Lt)) return finish_statement(type_alias());
  if (w == "alias" && next == Tok::Ident && at(2) == Tok::Eq) return finish_statement(type_alias());
  if ((w == "const" || w == "lazy") && (next == Tok::Ident || next == Tok::KwVal)) return finish_statement(binding(0));
  bool relative = (next == Tok::Dot || next == Tok::DotDot) && tok(1).has(kSpaceBefore);  // not `from.x`
  if (w == "from" && (next == Tok::Ident || relative)) return finish_statement(from_import());
  if (w == "unsafe" && next == Tok::Colon) return finish_statement(keyword_block(NodeKind::Unsafe));
  if (w == "asm" && asm_follows()) return finish_statement(asm_stmt());
  if ((w == "feature" || w == "scenario" || w == "given" || w == "when" || w == "then" || w == "and_then" ||
       w == "examples") &&
      gherkin_ahead())
    return finish_statement(gherkin());
  if (w == "errdefer" && next != Tok::Eq && next != Tok::Dot && next != Tok::LParen && next != Tok::Newline)
    return finish_statement(defer_stmt());
  if (w == "assert" && next != Tok::LParen && next != Tok::Newline && next != Tok::Eq && next != Tok::Dot)
    return finish_statement(assert_stmt());
  if ((w == "mixin" || w == "interface") && next == Tok::Ident) return finish_statement(declaration());
  if (!opts_.mistakes) return nullptr;
  if ((w == "def" || w == "function" || w == "func" || w == "fun") && next == Tok::Ident)
    return finish_statement(declaration());
  if (w == "let" && (next == Tok::Ident || next == Tok::LParen)) return finish_statement(binding(0));
  if ((w == "public" || w == "private" || w == "protected" || w == "void") && (next == Tok::Ident || is_keyword(next)))
    return finish_statement(declaration());
  if ((w == "try" || w == "except" || w == "catch" || w == "finally") && (next == Tok::Colon || next == Tok::LBrace ||
                                                                           next == Tok::LParen || next == Tok::Ident))
    return finish_statement(exception_block());
  if ((w == "throw" || w == "raise") && next != Tok::Newline && next != Tok::LParen && next != Tok::Eq) {
    std::size_t t = i_;
    mistake("E0306", Severity::Error, span_of(t), "Simple has no exceptions: return a `Result` (`Err(...)`) and propagate it with `?`",
            "no `throw` in Simple", {}, false);
    advance();
    Mark m = mark();
    push(expression());
    return finish_statement(finish(NodeKind::Return, m));
  }
  if (w == "switch") return finish_statement(match_expr());
  if ((w == "elseif" || w == "elsif") && next != Tok::Eq) {
    mistake("E0351", Severity::Error, cur(), "the else-if keyword is `elif`", "write `elif`", {replace_tok(i_, "elif")});
    Mark m = mark();
    advance();
    push(expression());
    push(colon_block());
    return finish_statement(finish(NodeKind::If, m));
  }
  if ((is_c_type(w) || (next == Tok::Ident && at(2) == Tok::Eq && !w.empty() && w[0] >= 'A' && w[0] <= 'Z')) &&
      next == Tok::Ident && (at(2) == Tok::Eq || at(2) == Tok::Semi || at(2) == Tok::Newline || at(2) == Tok::LParen))
    return finish_statement(at(2) == Tok::LParen ? declaration() : c_declaration());
  if (w == "default" && next == Tok::Colon) {
    mistake("E0348", Severity::Error, cur(), "the catch-all arm of a `match` is `case _:`", "write `case _`",
            {replace_tok(i_, "case _")});
    advance();
    Mark m = mark();
    push(leaf(NodeKind::PatWild, static_cast<std::uint32_t>(i_ - 1)));
    advance();
    push(block_after_colon());
    return finish_statement(finish(NodeKind::Arm, m));
  }
  return nullptr;
}

Node* Parser::expression_statement() {
  Mark m = mark();
  std::size_t start = i_;
  std::size_t outer_head = statement_head_;
  statement_head_ = start;
  Node* e = expression();
  statement_head_ = outer_head;
  if (e->completeness == Completeness::Placeholder && i_ == start) return skip_statement(m);
  if (is_assign_op(at())) {
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    advance();
    push(e);
    push(expression());
    Node* n = finish(NodeKind::Assign, m, op);
    n->op = assignment_operator(toks_[op].kind);
    return n;
  }
  if (at(Tok::PlusPlus) || at(Tok::MinusMinus)) {
    bool inc = at(Tok::PlusPlus);
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    mistake("E0339", Severity::Error, cur(), "Simple has no `++`/`--`: add or subtract with `+=`/`-=`",
            fmt::format("no `{}` in Simple", text()), {{cur(), inc ? " += 1" : " -= 1"}});
    advance();
    push(e);
    Node* n = finish(NodeKind::Assign, m, op);
    n->op = assignment_operator(toks_[op].kind);
    return n;
  }
  while (at(Tok::Arrow) && at(1) == Tok::Ident) {  // functional update: data->normalize()
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    advance();
    Node* rhs = postfix(take_leaf(NodeKind::Name));
    e = wrap(NodeKind::Binary, e, {rhs}, op);
    e->op = Operator::Update;
  }
  bool callee = e->kind == NodeKind::Name || e->kind == NodeKind::FieldAccess;
  if (callee && noparen_arg_start()) {
    push(e);
    call_arguments_noparen();
    if (at(Tok::Backslash) && !line_start()) push(lambda());  // `show 21 \x: ...`: the last argument
    e = finish(NodeKind::Call, m);
    e->flags |= kFlagNoParen;
  }
  // `xs[0] \x: ...`: a call of what the expression gives (a call's own lambda is its argument).
  if (at(Tok::Backslash) && !line_start()) {
    push(e);
    push(lambda());
    e = finish(NodeKind::Call, m);
  }
  if (at(Tok::Colon) && (e->kind == NodeKind::Call || e->kind == NodeKind::Name) && block_follows_colon()) {
    push(e);
    Node* block = colon_block();
    block->flags |= kFlagBlockArg;
    push(block);
    e = finish(NodeKind::Call, m);
  }
  push(e);
  return finish(NodeKind::ExprStmt, m);
}

// A colon after a call statement opens its trailing block (`describe "x":`, `it "y": expr`).
bool Parser::block_follows_colon() const { return at(Tok::Colon); }

// Whether n is the name or field an expression statement starts with: the callee of a no-paren
// call, which takes all the arguments that follow (`print -17`, `show \x: x * 2, 21`).
bool Parser::statement_head(const Node* n) const {
  return (n->kind == NodeKind::Name || n->kind == NodeKind::FieldAccess) && statement_head_ < toks_.size() &&
         toks_[statement_head_].kind == Tok::Ident && n->begin == toks_[statement_head_].begin;
}

// `print -17`: at the head of a statement, a name followed by a space and then a sign glued to
// its operand is a no-paren call with a signed argument, as Ruby reads it. `a - 1` and `a-1`
// subtract, and so does `a -1` anywhere else (`val b = a -1`, `(a -1)`).
bool Parser::signed_argument_follows(const Node* lhs) const {
  return statement_head(lhs) && tok().has(kSpaceBefore) && sign_glued_to_operand();
}

// The `-`/`+` here touches the token after it, which is on the same line.
bool Parser::sign_glued_to_operand() const {
  Tok next = at(1);
  return tok(1).begin == tok().end && next != Tok::Newline && next != Tok::Indent && next != Tok::Dedent &&
         next != Tok::Eof;
}

bool Parser::noparen_arg_start() const {
  if (at_stmt_end() || !tok().has(kSpaceBefore)) return false;
  switch (at()) {
    case Tok::String:
    case Tok::RawString:
    case Tok::Payload:
    case Tok::Int:
    case Tok::Float:
    case Tok::KwTrue:
    case Tok::KwFalse:
    case Tok::KwNil:
    case Tok::KwNot:
    case Tok::LBracket:
    case Tok::Tilde:
    case Tok::Backslash:
    case Tok::Atom:
    case Tok::KwSpawn:
    case Tok::KwIf:
    case Tok::Ident:
      return true;
    case Tok::Minus:
    case Tok::Plus:
      return sign_glued_to_operand();  // `print -17`; see signed_argument_follows
    case Tok::LBrace:
      return !tok(1).has(kLineStart);  // `print {"a": 1}`, not a `{` opening a block by mistake
    case Tok::Colon:
      return at(1) == Tok::Ident && tok(1).begin == tok().end;  // :symbol
    default:
      return false;
  }
}

void Parser::call_arguments_noparen() {
  comma_sequence([&] { push(argument()); });
}

Node* Parser::jump(NodeKind kind) {
  Mark m = mark();
  std::uint32_t t = static_cast<std::uint32_t>(i_);
  advance();
  if (kind != NodeKind::Return && (at(Tok::Label) || at(Tok::Ident)) && !at_stmt_end()) {
    push(take_leaf(NodeKind::Label));
  } else if (kind == NodeKind::Return && !at_stmt_end() && !at(Tok::KwElse) && !at(Tok::KwElif)) {
    push(expression());
  }
  return finish(kind, m, t);
}

// Gherkin system tests: `feature Calculator:`, `scenario outline Add <a> and <b>:`,
// `given a fresh calculator:` (a step may have no body), `examples sums:`. The description is
// free words (names, numbers, strings, keywords, `<placeholders>`) up to a `:` ending the line.
bool Parser::gherkin_ahead() const {
  std::size_t k = 1;
  for (;; ++k) {
    Tok t = at(k);
    if (t == Tok::Colon) break;
    if (t == Tok::Lt && at(k + 1) == Tok::Ident && at(k + 2) == Tok::Gt) {
      k += 2;
      continue;
    }
    bool word = t == Tok::Ident || t == Tok::Int || t == Tok::String || t == Tok::RawString || is_keyword(t);
    if (!word) return false;
  }
  Tok after = at(k + 1);
  return k > 1 && (after == Tok::Newline || after == Tok::Eof);
}

Node* Parser::gherkin() {
  Mark m = mark();
  std::uint32_t kw = static_cast<std::uint32_t>(i_);
  bool step = !at_word("feature") && !at_word("scenario") && !at_word("examples");
  advance();
  Mark dm = mark();
  while (!at(Tok::Colon) && !at(Tok::Eof)) advance();
  push(finish(NodeKind::StringLit, dm));
  if (step && at(1) == Tok::Newline && at(2) != Tok::Indent) {
    advance();  // a step with no body refers to a step defined elsewhere
  } else {
    push(colon_block());
  }
  return finish(NodeKind::Gherkin, m, kw);
}

bool Parser::asm_follows() const {
  std::size_t k = at_word("volatile", 1) ? 2 : 1;
  switch (at(k)) {
    case Tok::String:
    case Tok::RawString:
    case Tok::Colon:
    case Tok::LParen:
    case Tok::LBrace: return true;
    case Tok::KwMatch: return k == 1;
    default: return false;
  }
}

// Inline assembly: `asm "nop"`, `asm volatile("mv a0, {v}", in(reg) v)`, `asm volatile:` with one
// template or operand per line, `asm volatile { raw }`, and `asm match:` arms keyed by target.
Node* Parser::asm_stmt() {
  Mark m = mark();
  std::uint32_t kw = static_cast<std::uint32_t>(i_);
  advance();
  bool is_volatile = at_word("volatile");
  if (is_volatile) advance();
  if (at(Tok::KwMatch)) {
    advance();
    arms(NodeKind::Match);
  } else if (at(Tok::LBrace)) {
    skip_nested(Tok::LBrace, Tok::RBrace);  // raw instructions, not Simple tokens
  } else if (at(Tok::LParen)) {
    advance();
    comma_list(Tok::RParen, ListEnd::kStatement, [&] { push(asm_operand()); });
    expect(Tok::RParen);
  } else if (at(Tok::Colon)) {
    advance();
    indented_items("expected indented instructions after `asm:`", "the instructions should be indented below",
                   no_separator, [&] { return finish_statement(asm_operand()); });
  } else {
    comma_sequence([&] { push(asm_operand()); });
  }
  Node* n = finish(NodeKind::Asm, m, kw);
  if (is_volatile) n->flags |= kFlagVolatile;
  return n;
}

// `in(reg) x`, `dst = out(reg) dst`: a register operand (main token: its direction); anything
// else (templates, `options(nostack)`) is an expression.
Node* Parser::asm_operand() {
  std::size_t k = at(Tok::Ident) && at(1) == Tok::Eq ? 2 : 0;
  Tok after = at(k + 4);
  std::string_view d = text(k);
  bool known = at(k) == Tok::KwIn ||
               (at(k) == Tok::Ident && (d == "out" || d == "inout" || d == "lateout" || d == "inlateout" || d == "sym"));
  bool direction = known && at(k + 1) == Tok::LParen && at(k + 2) == Tok::Ident &&
                   at(k + 3) == Tok::RParen && after != Tok::Newline && after != Tok::Semi && after != Tok::Dedent &&
                   after != Tok::Eof && after != Tok::Comma && after != Tok::RParen;
  if (!direction) return expression();
  Mark m = mark();
  if (k == 2) {
    push(take_leaf(NodeKind::Name));
    advance();
  }
  std::uint32_t dir = static_cast<std::uint32_t>(i_);
  advance();
  advance();
  push(take_leaf(NodeKind::Name));
  advance();
  push(expression());
  return finish(NodeKind::AsmOperand, m, dir);
}

// `pass` or `pass("why")`: the message documents the no-op.
Node* Parser::pass_stmt() {
  Mark m = mark();
  std::uint32_t t = static_cast<std::uint32_t>(i_);
  advance();
  if (at(Tok::LParen) && !tok().has(kSpaceBefore)) {
    advance();
    if (!at(Tok::RParen)) push(expression());
    expect(Tok::RParen);
  }
  return finish(NodeKind::Pass, m, t);
}

// `defer` and `errdefer` (main token tells which): an expression or assignment, or a block.
Node* Parser::defer_stmt() {
  Mark m = mark();
  std::uint32_t kw = static_cast<std::uint32_t>(i_);
  advance();
  if (at(Tok::Colon)) {
    push(colon_block());
  } else {
    push(expression_statement());  // defer print "done": a no-paren call is allowed
  }
  return finish(NodeKind::Defer, m, kw);
}

Node* Parser::with_stmt() {
  Mark m = mark();
  advance();
  comma_sequence([&] {
    push(expression());
    if (eat(Tok::KwAs)) push(pattern());
  });
  push(colon_block());
  return finish(NodeKind::With, m);
}

// `loop:` and `unsafe:`: a keyword and its block.
Node* Parser::keyword_block(NodeKind kind) {
  Mark m = mark();
  advance();
  push(colon_block());
  return finish(kind, m);
}

Node* Parser::assert_stmt() {
  Mark m = mark();
  advance();
  push(expression());
  if (eat(Tok::Comma)) push(expression());
  return finish(NodeKind::Assert, m);
}

// Expects the `:` that opens a block and parses the block. Repairs a missing `:` before an
// indented block and diagnoses `{ ... }` blocks.
Node* Parser::colon_block() {
  if (eat(Tok::Colon)) return block_after_colon();
  if (at(Tok::LBrace)) return brace_block();
  if (at_word("then")) {
    advance();
    return block_after_colon();
  }
  if (at(Tok::Newline) && at(1) == Tok::Indent) {
    missing_colon_before_block();
    return block_after_colon();
  }
  if (!repaired_colon()) {
    Mark m = mark();
    skip_missing_body();
    Node* n = finish(NodeKind::Block, m);
    n->completeness = Completeness::Partial;
    return n;
  }
  return block_after_colon();
}

Node* Parser::block_after_colon() {
  Mark m = mark();
  if (at(Tok::Newline)) {
    bool indented = indented_items("expected an indented block after `:`", "this line should be indented", no_separator,
                                   [&] { return statement(); });
    Node* n = finish(NodeKind::Block, m);
    if (!indented) n->completeness = Completeness::Partial;
    return n;
  }
  if (at(Tok::Eof) || at(Tok::Dedent)) {
    error_here("E0203", "expected a block after `:`", "the block is missing");
    Node* n = finish(NodeKind::Block, m);
    n->completeness = Completeness::Partial;
    return n;
  }
  // Inline block: simple statements on the same line, separated by `;`.
  while (true) {
    push(simple_statement());
    if (at(Tok::Semi) && !(at(1) == Tok::Newline || at(1) == Tok::Eof)) {
      advance();
      continue;
    }
    break;
  }
  return finish(NodeKind::Block, m);
}

// A statement that fits on one line after `:` (no statement-end handling).
Node* Parser::simple_statement() {
  switch (at()) {
    case Tok::KwReturn: return jump(NodeKind::Return);
    case Tok::KwBreak: return jump(NodeKind::Break);
    case Tok::KwContinue: return jump(NodeKind::Continue);
    case Tok::KwPass: return take_leaf(NodeKind::Pass);
    case Tok::KwVal:
    case Tok::KwVar: return binding(0);
    case Tok::KwIf: return if_expr();
    case Tok::KwFor: return for_stmt();
    case Tok::KwWhile: return while_stmt();
    case Tok::KwMatch: return match_expr();
    default: break;
  }
  if (at_word("assert") && at(1) != Tok::LParen) return assert_stmt();
  return expression_statement();
}

Node* Parser::if_expr() {
  Mark m = mark();
  advance();
  NodeKind kind = NodeKind::If;
  if (at(Tok::KwVal) || at(Tok::KwVar) || at_word("let")) {
    if (at_word("let")) {
      mistake("E0325", Severity::Error, cur(), "pattern-binding `if` is written `if val`", "write `val`",
              {replace_tok(i_, "val")});
    }
    kind = NodeKind::IfVal;
    advance();
    push(pattern());
    expect(Tok::Eq);
  }
  push(condition());
  push(colon_block());
  while (true) {
    if (at(Tok::Newline) && (at(1) == Tok::KwElif || at(1) == Tok::KwElse) && i_ != block_end_) advance();
    if (at(Tok::KwElif) || (at(Tok::KwElse) && at(1) == Tok::KwIf)) {
      Mark em = mark();
      if (at(Tok::KwElse)) advance();
      advance();
      NodeKind elif_kind = NodeKind::If;
      if (at(Tok::KwVal) || at(Tok::KwVar)) {  // elif val Some(x) = e:
        elif_kind = NodeKind::IfVal;
        advance();
        push(pattern());
        expect(Tok::Eq);
      }
      push(condition());
      push(colon_block());
      push(finish(elif_kind, em));
      continue;
    }
    if ((at_word("elseif") || at_word("elsif")) && i_ == block_end_) {
      mistake("E0351", Severity::Error, cur(), "the else-if keyword is `elif`", "write `elif`", {replace_tok(i_, "elif")});
      Mark em = mark();
      advance();
      push(condition());
      push(colon_block());
      push(finish(NodeKind::If, em));
      continue;
    }
    if (at(Tok::KwElse)) {
      advance();
      push(colon_block());
    }
    break;
  }
  return finish(kind, m);
}

// A condition; `if x = 1:` is repaired to `==`.
Node* Parser::condition() {
  Node* c = expression();
  if (at(Tok::Eq) && !at_stmt_end()) {
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    error_at("E0211", cur(), "`=` assigns; a condition compares with `==`", "did you mean `==`?", {{cur(), "=="}}, "write `==`");
    advance();
    Node* rhs = expression();
    Node* n = wrap(NodeKind::Binary, c, {rhs}, op);
    n->op = Operator::Eq;  // as repaired
    return n;
  }
  return c;
}

Node* Parser::for_stmt() {
  Mark m = mark();
  std::size_t kw = i_;
  advance();
  if (at(Tok::LParen) && opts_.mistakes && c_style_head()) return c_for(m, kw);
  push(for_pattern());
  if (at_word("of")) {
    mistake("E0336", Severity::Error, cur(), "loops iterate with `for x in items`", "write `in`", {replace_tok(i_, "in")});
    advance();
  } else {
    expect(Tok::KwIn);
  }
  push(expression());
  push(colon_block());
  return finish(NodeKind::For, m);
}

Node* Parser::for_pattern() {
  Mark m = mark();
  Node* first = pattern();
  if (!at(Tok::Comma)) return first;
  push(first);
  while (eat(Tok::Comma)) push(pattern());
  return finish(NodeKind::PatTuple, m);
}

Node* Parser::while_stmt() {
  Mark m = mark();
  advance();
  if (at(Tok::KwVal) || at_word("let")) {
    if (at_word("let")) {
      mistake("E0325", Severity::Error, cur(), "pattern-binding loops are written `while val`", "write `val`",
              {replace_tok(i_, "val")});
    }
    advance();
    push(pattern());
    expect(Tok::Eq);
  }
  push(condition());
  push(colon_block());
  return finish(NodeKind::While, m);
}

Node* Parser::match_expr() {
  Mark m = mark();
  if (at_word("switch")) {
    mistake("E0347", Severity::Error, cur(), "Simple's `switch` is `match` with `case` arms", "write `match`",
            {replace_tok(i_, "match")});
  }
  advance();
  push(expression());
  arms(NodeKind::Match);
  return finish(NodeKind::Match, m);
}

Node* Parser::receive_stmt() {
  Mark m = mark();
  advance();
  arms(NodeKind::Receive);
  return finish(NodeKind::Receive, m);
}

void Parser::arms(NodeKind owner) {
  auto is_separator = [&] { return at(Tok::Newline) || at(Tok::Semi) || at(Tok::Comma); };
  auto item = [&] { return arm(owner); };
  if (at(Tok::LBrace)) {
    brace_items("the arms of a `match` follow `:` on indented lines, not braces", "braces do not make a block in Simple",
                is_separator, item);
    block_end_ = i_;
    return;
  }
  if (!eat(Tok::Colon)) {
    if (at(Tok::Newline) && at(1) == Tok::Indent) {
      missing_colon_before_block();
    } else if (!repaired_colon()) {
      skip_missing_body();
      return;
    }
  }
  indented_items("expected indented `case` arms", "the arms should be indented below", is_separator, item);
}

Node* Parser::arm(NodeKind owner) {
  Mark m = mark();
  if (owner == NodeKind::Receive && at_word("after")) {
    advance();
    push(expression());
    push(colon_block());
    return finish_arm(finish(NodeKind::After, m));
  }
  if (eat(Tok::KwCase)) {
    comma_sequence([&] { push(pattern()); });
  } else if (eat(Tok::Pipe)) {
    push(pattern());
  } else if (at_word("default") && at(1) == Tok::Colon) {
    mistake("E0348", Severity::Error, cur(), "the catch-all arm of a `match` is `case _:`", "write `case _`",
            {replace_tok(i_, "case _")});
    push(take_leaf(NodeKind::PatWild));
  } else if (at(Tok::KwElse)) {
    push(take_leaf(NodeKind::PatWild));
  } else if (caseless_arm_ahead()) {  // `Ok(v): v` / `None:` + block: real code leaves out `case`
    comma_sequence([&] { push(pattern()); });
  } else {
    error_here("E0208", fmt::format("expected a `case` arm, found {}", found()), "arms start with `case` or `|`");
    return skip_statement(m);
  }
  if (at(Tok::KwIf)) {
    advance();
    push(expression());
  }
  if (at(Tok::Arrow) || at(Tok::FatArrow)) {
    advance();
    if (at(Tok::Newline) && at(1) == Tok::Indent) {
      push(block_after_colon());
    } else {
      Mark bm = mark();
      push(simple_statement());
      push(finish(NodeKind::Block, bm));
    }
  } else {
    push(colon_block());
  }
  return finish_arm(finish(NodeKind::Arm, m));
}

// An arm written without `case`: a pattern (and optional `if` guard) up to a `:` on the same
// line. Only the colon form is taken, so `1 -> 2` (a missing `case`) is still reported.
bool Parser::caseless_arm_ahead() const {
  if (!literal_or_name(at()) && !at(Tok::LParen) && !at(Tok::LBracket)) return false;
  bool guard = false;
  return scan_line(0, [&](std::size_t k, Tok t) {
    if (t == Tok::Colon) return k > 0 ? 1 : 0;
    if (guard) return is_assign_op(t) ? 0 : -1;
    if (t == Tok::KwIf) {
      guard = true;
      return -1;
    }
    bool pattern = literal_or_name(t) || t == Tok::Dot || t == Tok::Pipe || t == Tok::Comma || t == Tok::DotDot ||
                   t == Tok::DotDotEq;
    return pattern ? -1 : 0;
  });
}

Node* Parser::finish_arm(Node* n) {
  if (brace_depth_ > 0 && at(Tok::Comma)) advance();
  return finish_statement(n);
}

}  // namespace spl::syntax::internal
