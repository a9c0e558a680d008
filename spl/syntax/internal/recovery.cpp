// Diagnostics and cascade suppression, one-token repairs, panic mode, and the error productions
// that parse foreign syntax (the mistake catalogue's constructs) as what the writer meant.

#include "spl/syntax/internal/parser.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace spl::syntax::internal {

bool is_c_type(std::string_view w) {
  static constexpr std::string_view kTypes[] = {"int", "long", "short", "double", "float", "char", "boolean",
                                                "String", "string", "auto", "unsigned", "size_t", "uint32_t",
                                                "int64_t", "Integer", "number", "let_mut"};
  for (auto t : kTypes) {
    if (t == w) return true;
  }
  return false;
}

// Simple spelling of a foreign type name, or empty when it is not foreign.
std::string_view simple_type_for(std::string_view w) {
  if (w == "int" || w == "integer" || w == "long" || w == "Integer" || w == "int64_t" || w == "size_t" || w == "short" ||
      w == "unsigned")
    return "i64";
  if (w == "uint32_t") return "u32";
  if (w == "double" || w == "float" || w == "number") return "f64";
  if (w == "boolean") return "bool";
  if (w == "string" || w == "String" || w == "char") return "text";
  if (w == "void") return "()";
  return {};
}

std::uint32_t Parser::line_of(std::uint32_t offset) {
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    for (std::uint32_t p = 0; p < src_.size(); ++p) {
      if (src_[p] == '\n') line_starts_.push_back(p + 1);
    }
  }
  return static_cast<std::uint32_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - line_starts_.begin());
}

void Parser::note_error_line(std::uint32_t line) { error_lines_.push_back(line); }

bool Parser::line_has_error(std::uint32_t line) const {
  return std::find(error_lines_.begin(), error_lines_.end(), line) != error_lines_.end();
}

// Generic syntax errors are suppressed as cascades: one per line, and none before the parser
// has consumed a token since the last one.
bool Parser::report(Diagnostic d, bool catalogue) {
  if (stop_) return false;
  if (d.severity == Severity::Error) {
    ++errors_;
    if (!opts_.recover) stop_ = true;
  }
  std::uint32_t line = line_of(d.span.begin);
  if (!catalogue && d.severity == Severity::Error) {
    if (line_has_error(line) || (last_error_tok_ == i_ && reported_any_)) return false;
  }
  if (reported_ >= opts_.max_errors) return false;
  if (d.severity == Severity::Error) {
    note_error_line(line);
    last_error_tok_ = i_;
    reported_any_ = true;
  }
  ++reported_;
  diags_.push_back(std::move(d));
  return true;
}

void Parser::error_at(const char* code, Span span, std::string message, std::string label,
                      std::vector<TextEdit> edits, std::string fix_message) {
  Diagnostic d;
  d.code = code;
  d.message = std::move(message);
  d.span = span;
  d.primary_label = std::move(label);
  if (!edits.empty()) d.fixits.push_back({std::move(fix_message), std::move(edits), true});
  report(std::move(d));
}

void Parser::error_here(const char* code, std::string message, std::string label) {
  error_at(code, {here(), tok().end}, std::move(message), std::move(label));
}

std::string Parser::found() const {
  Tok k = at();
  if (k == Tok::Ident || k == Tok::Int || k == Tok::Float) return fmt::format("`{}`", text());
  if (k == Tok::String || k == Tok::RawString) return "a string";
  if (spelling(k).empty()) return std::string(describe(k));
  return fmt::format("`{}`", spelling(k));
}

TextEdit Parser::replace_tok(std::size_t token_index, std::string with) const {
  return {span_of(token_index), std::move(with)};
}

// Deletes a token and the spaces after it.
TextEdit Parser::delete_tok(std::size_t token_index) const {
  std::uint32_t e = toks_[token_index].end;
  while (e < src_.size() && src_[e] == ' ') ++e;
  return {{toks_[token_index].begin, e}, ""};
}

// A token and the `, ` after it (or the `, ` before it when it is last).
TextEdit Parser::delete_with_comma(std::size_t t) const {
  if (toks_[t + 1].kind == Tok::Comma) return {{toks_[t].begin, toks_[t + 2].begin}, ""};
  if (t > 0 && toks_[t - 1].kind == Tok::Comma) return {{toks_[t - 1].begin, toks_[t].end}, ""};
  if (t > 0 && toks_[t - 1].kind == Tok::Lt && toks_[t + 1].kind == Tok::Gt) return {{toks_[t - 1].begin, toks_[t + 1].end}, ""};
  return {span_of(t), ""};
}

// Expects kind: on a miss tries one-token repairs (insertion when the token after the expected
// one is here, deletion when the expected one is next) before giving up.
bool Parser::expect(Tok kind, const char* what) {
  if (eat(kind)) return true;
  std::string expected = what ? std::string(what) : fmt::format("`{}`", spelling(kind));
  if (at(1) == kind && !at_stmt_end()) {
    error_at("E0201", cur(), fmt::format("expected {}, found {}", expected, found()), "unexpected token",
             {{cur(), ""}}, "remove it");
    advance();
    advance();
    return true;
  }
  std::uint32_t p = prev_end();
  error_at("E0201", {p, p}, fmt::format("expected {}, found {}", expected, found()), fmt::format("expected {} here", expected),
           {{{p, p}, std::string(spelling(kind))}}, fmt::format("insert `{}`", spelling(kind)));
  return false;
}

// E0210 at the end of the previous token, with the `:` as a machine-applicable fix.
void Parser::missing_colon_before_block() {
  std::uint32_t p = prev_end();
  Diagnostic d;
  d.code = "E0210";
  d.message = "missing `:` before the indented block";
  d.span = {p, p};
  d.primary_label = "expected `:` here";
  d.fixits.push_back({"insert `:`", {{{p, p}, ":"}}, true});
  report(std::move(d));
}

// The `:` a body needs, where neither it nor a newline and indent follows: repaired by deleting a
// stray token before it (`class C x:`), or reported missing with the rest of the header line
// skipped (`struct P!`). True when the body follows all the same, one-line or indented below.
bool Parser::repaired_colon() {
  if (expect(Tok::Colon)) return true;
  while (!at_stmt_end()) advance();
  return at(Tok::Newline) && at(1) == Tok::Indent;
}

// Skips to the end of the current statement (panic mode): the next line at this depth, a
// dedent, or the end; an indented block that starts on the way is skipped whole.
void Parser::sync_statement() {
  if (stop_) return;
  while (!at(Tok::Eof) && !at(Tok::Dedent)) {
    if (brace_depth_ > 0 && (at(Tok::RBrace) || line_start()) && i_ != last_error_tok_) return;
    if (at(Tok::Newline)) {
      advance();
      if (at(Tok::Indent)) skip_nested(Tok::Indent, Tok::Dedent);
      return;
    }
    if (at(Tok::Indent)) {
      skip_nested(Tok::Indent, Tok::Dedent);
      return;
    }
    advance();
  }
}

// Skips from an opening token to just past its matching closing token (or to the end).
void Parser::skip_nested(Tok open, Tok close) {
  int depth = 0;
  do {
    if (at(open)) ++depth;
    if (at(close)) --depth;
    advance();
  } while (depth > 0 && !at(Tok::Eof));
}

// Panic mode for a construct that cannot be parsed: the rest of the statement becomes an Error
// node starting at m.
Node* Parser::skip_statement(const Mark& m) {
  sync_statement();
  return finish(NodeKind::Error, m);
}

// Panic mode for a body whose `:` is missing: the rest of the statement, with any indented
// block, is skipped, and the statement ends there.
void Parser::skip_missing_body() {
  sync_statement();
  block_end_ = i_;
}

// "in Simple, `<line>` is written `<line with the edits>`" over the source line of span.
std::string Parser::written(Span span, const std::vector<TextEdit>& edits) {
  std::uint32_t line = line_of(span.begin);
  std::uint32_t b = line_starts_[line - 1];
  std::uint32_t e = b;
  while (e < src_.size() && src_[e] != '\n') ++e;
  while (b < e && (src_[b] == ' ' || src_[b] == '\t')) ++b;
  std::string before(src_.substr(b, e - b));
  std::string after;
  std::uint32_t p = b;
  std::vector<TextEdit> sorted;
  for (const TextEdit& t : edits) {
    if (t.span.begin >= b && t.span.end <= e) sorted.push_back(t);
  }
  std::sort(sorted.begin(), sorted.end(), [](const TextEdit& x, const TextEdit& y) { return x.span.begin < y.span.begin; });
  for (const TextEdit& t : sorted) {
    if (t.span.begin < p) continue;
    after.append(src_.substr(p, t.span.begin - p));
    after += t.replacement;
    p = t.span.end;
  }
  after.append(src_.substr(p, e - p));
  while (!after.empty() && (after.back() == ' ' || after.back() == '\n')) after.pop_back();
  while (!after.empty() && after.front() == ' ') after.erase(after.begin());
  if (before.size() > 70 || after.size() > 70) return "in Simple this is written differently";
  return fmt::format("in Simple, `{}` is written `{}`", before, after);
}

// A catalogue hit: a foreign habit recognised with confidence. Never suppressed as a cascade.
void Parser::mistake(const char* code, Severity severity, Span span, std::string what, std::string label,
                     std::vector<TextEdit> edits, bool applicable, std::string note) {
  if (!opts_.mistakes) {
    error_at("E0205", span, fmt::format("unexpected {}", std::string(src_.substr(span.begin, span.end - span.begin))), "");
    return;
  }
  Diagnostic d;
  d.code = code;
  d.severity = severity;
  std::string phrase = edits.empty() ? std::string() : written(span, edits);
  std::string prefix = lang_ != Language::Unknown ? fmt::format("this looks like {}: ", language_name(lang_)) : "";
  d.message = what;
  if (!phrase.empty()) d.message = fmt::format("{}{}", prefix, phrase);
  if (phrase.empty() && !prefix.empty()) d.message = prefix + what;
  d.span = span;
  d.primary_label = std::move(label);
  if (!what.empty() && !phrase.empty()) d.notes.push_back(std::move(what));
  if (!note.empty()) d.notes.push_back(std::move(note));
  if (!edits.empty()) d.fixits.push_back({"rewrite it the Simple way", std::move(edits), applicable});
  if (severity == Severity::Error) {
    // A confident diagnosis replaces any generic error already reported on this line.
    std::uint32_t line = line_of(span.begin);
    if (line_has_error(line)) {
      diags_.erase(std::remove_if(diags_.begin(), diags_.end(),
                                  [&](const Diagnostic& x) {
                                    return x.code.size() == 5 && x.code[0] == 'E' && x.code[1] == '0' && x.code[2] == '2' &&
                                           line_of(x.span.begin) == line;
                                  }),
                   diags_.end());
    }
  }
  report(std::move(d), true);
}

// A brace diagnosed as a foreign block needs no "unclosed `{`" report as well: one mistake.
void Parser::forget_unclosed(std::size_t open) {
  std::uint32_t at = toks_[open].begin;
  diags_.erase(std::remove_if(diags_.begin(), diags_.end(),
                              [&](const Diagnostic& d) { return d.code == "E0104" && d.span.begin == at; }),
               diags_.end());
}

// Deletes a closing brace: the whole line when it stands alone, otherwise the brace and the
// spaces after it (`} else {` -> `else:`).
TextEdit Parser::delete_closing_brace(std::size_t close) {
  std::uint32_t b = toks_[close].begin, e = toks_[close].end;
  if (toks_[close].has(kSynthetic)) return {{b, b}, ""};  // never written: nothing to delete
  std::uint32_t ls = b;
  while (ls > 0 && (src_[ls - 1] == ' ' || src_[ls - 1] == '\t')) --ls;
  std::uint32_t le = e;
  while (le < src_.size() && (src_[le] == ' ' || src_[le] == '\t' || src_[le] == ';')) ++le;
  bool alone_start = ls == 0 || src_[ls - 1] == '\n';
  bool alone_end = le >= src_.size() || src_[le] == '\n' || src_[le] == '\r';
  if (alone_start && alone_end) {
    if (le < src_.size()) ++le;
    return {{ls, le}, ""};
  }
  if (alone_end) {
    // `x }` at the end of a line: keep the line, drop the brace.
    while (b > 0 && src_[b - 1] == ' ') --b;
    return {{b, le}, ""};
  }
  while (e < src_.size() && src_[e] == ' ') ++e;
  return {{b, e}, ""};
}

// `{ ... }` where Simple wants `:` and an indented block (Rust, JavaScript, Java, C habit).
Node* Parser::brace_block() {
  Mark m = mark();
  brace_items("blocks are written with `:` and indentation, not braces", "braces do not make a block in Simple",
              no_separator, [&] { return statement(); });
  Node* n = finish(NodeKind::Block, m);
  n->completeness = Completeness::Complete;
  // A following `else`/`;` on the same line belongs to the construct; a new line starts anew.
  if (at(Tok::Semi) && !line_start()) {
    mistake("W0318", Severity::Warning, cur(), "`;` after a block is not needed", "unnecessary `;`", {{cur(), ""}});
    advance();
  }
  block_end_ = i_;
  return n;
}

// `int x = 0` / `String name = "a"`: a typed C/Java declaration.
Node* Parser::c_declaration() {
  std::size_t type_tok = i_;
  std::size_t name_tok = i_ + 1;
  std::string_view t = text();
  std::string_view mapped = simple_type_for(t);
  std::string type = std::string(mapped.empty() ? t : mapped);
  std::string replacement = t == "auto" ? "var " + std::string(text(1)) : fmt::format("var {}: {}", text(1), type);
  mistake("E0344", Severity::Error, {tok().begin, tok(1).end}, "Simple declares variables with `var` (or `val`), the type after the name",
          "type written before the name", {{{tok().begin, tok(1).end}, replacement}});
  Mark m = mark();
  advance();
  push(leaf(NodeKind::PatBind, static_cast<std::uint32_t>(name_tok)));
  advance();
  push_slot(leaf(NodeKind::TypeName, static_cast<std::uint32_t>(type_tok)));
  if (eat(Tok::Eq)) {
    push_slot(expression());
  } else {
    push_slot(nullptr);
  }
  Node* n = finish(NodeKind::Binding, m);
  n->flags |= kFlagMutable;
  return n;
}

Node* Parser::exception_block() {
  std::size_t t = i_;
  std::string_view w = text();
  if (w == "try") {
    mistake("E0306", Severity::Error, span_of(t), "Simple has no exceptions: return a `Result` and propagate errors with `?`",
            "no `try` in Simple", {}, false);
  } else {
    mistake("E0306", Severity::Error, span_of(t),
            fmt::format("Simple has no exceptions, so there is no `{}`: match on the `Result` instead", w),
            "no exception handlers in Simple", {}, false);
  }
  Mark m = mark();
  advance();
  // `except ValueError as e:` / `catch (e) {`: skip the clause head up to its block.
  while (!at(Tok::Colon) && !at(Tok::LBrace) && !at_stmt_end()) advance();
  push(colon_block());
  return finish(NodeKind::Block, m);
}

// `for (` followed by `;`, `of` or `in` before its `)`: a C or JavaScript loop head.
bool Parser::c_style_head() const {
  int depth = 0;
  for (std::size_t k = 0; k < 256; ++k) {
    const Token& t = tok(k);
    if (t.kind == Tok::LParen) ++depth;
    if (t.kind == Tok::RParen && --depth == 0) return false;
    if (t.kind == Tok::Eof || t.kind == Tok::Newline) return false;
    if (depth == 1 && (t.kind == Tok::Semi || t.kind == Tok::KwIn || (t.kind == Tok::Ident && t.text(src_) == "of")))
      return true;
  }
  return false;
}

// `for (int i = 0; i < n; i++)` and `for (const x of xs)`.
Node* Parser::c_for(Mark m, std::size_t kw) {
  std::size_t open = i_;
  std::size_t close = open;
  int depth = 0;
  bool semis = false;
  for (std::size_t j = open; j < toks_.size(); ++j) {
    Tok k = toks_[j].kind;
    if (k == Tok::LParen) ++depth;
    if (k == Tok::RParen && --depth == 0) {
      close = j;
      break;
    }
    if (k == Tok::Semi && depth == 1) semis = true;
    if (k == Tok::Eof) break;
  }
  if (close == open) {
    push(for_pattern());
    expect(Tok::KwIn);
    push(expression());
    push(colon_block());
    return finish(NodeKind::For, m);
  }
  auto word = [&](std::size_t j) { return toks_[j].text(src_); };
  Span head{toks_[kw].begin, toks_[close].end};
  std::size_t j = open + 1;
  if (toks_[j].kind == Tok::KwVar || toks_[j].kind == Tok::KwVal ||
      (toks_[j].kind == Tok::Ident && toks_[j + 1].kind == Tok::Ident && (is_c_type(word(j)) || word(j) == "let" ||
                                                                           word(j) == "const")))
    ++j;
  std::string replacement;
  if (semis) {
    // for (i = A; i < B; i++) -> for i in A..B
    std::string_view var = word(j);
    std::size_t a = j + 2;
    std::size_t semi1 = a;
    while (semi1 < close && toks_[semi1].kind != Tok::Semi) ++semi1;
    std::size_t cmp = semi1 + 2;
    std::size_t semi2 = cmp;
    while (semi2 < close && toks_[semi2].kind != Tok::Semi) ++semi2;
    bool simple = toks_[j].kind == Tok::Ident && toks_[j + 1].kind == Tok::Eq && semi1 < close &&
                  word(semi1 + 1) == var && (toks_[semi1 + 2].kind == Tok::Lt || toks_[semi1 + 2].kind == Tok::LtEq) &&
                  semi2 < close;
    if (simple) {
      std::string_view from = src_.substr(toks_[a].begin, toks_[semi1 - 1].end - toks_[a].begin);
      std::string_view to = src_.substr(toks_[cmp + 1].begin, toks_[semi2 - 1].end - toks_[cmp + 1].begin);
      replacement = fmt::format("for {} in {}{}{}", var, from, toks_[semi1 + 2].kind == Tok::LtEq ? "..=" : "..", to);
    }
    mistake("E0337", Severity::Error, head, "Simple has no C-style `for`: loop over a range with `for i in a..b`",
            "C-style loop header", replacement.empty() ? std::vector<TextEdit>{} : std::vector<TextEdit>{{head, replacement}},
            !replacement.empty());
  } else {
    std::size_t in = j + 1;
    if (toks_[j].kind == Tok::Ident && (word(in) == "of" || toks_[in].kind == Tok::KwIn)) {
      replacement = fmt::format("for {} in {}", word(j), src_.substr(toks_[in + 1].begin, toks_[close - 1].end - toks_[in + 1].begin));
    }
    mistake("E0336", Severity::Error, head, "loops iterate with `for x in items`, without parentheses", "write `for x in items`",
            replacement.empty() ? std::vector<TextEdit>{} : std::vector<TextEdit>{{head, replacement}}, !replacement.empty());
  }
  i_ = close + 1;
  Node* n = placeholder(NodeKind::Error);
  push(n);
  push(colon_block());
  Node* f = finish(NodeKind::For, m);
  return f;
}

bool Parser::looks_like_ts_return_type() const {
  // `): number {` or `): T {`: a type then a brace.
  std::size_t k = 1;
  if (tok(k).kind != Tok::Ident) return false;
  ++k;
  if (tok(k).kind == Tok::Lt) {
    int depth = 0;
    for (; k < 32; ++k) {
      if (tok(k).kind == Tok::Lt) ++depth;
      if (tok(k).kind == Tok::Gt && --depth == 0) break;
      if (tok(k).kind == Tok::Newline || tok(k).kind == Tok::Eof) return false;
    }
    ++k;
  }
  while (tok(k).kind == Tok::LBracket && tok(k + 1).kind == Tok::RBracket) k += 2;
  return tok(k).kind == Tok::LBrace;
}

// `fn f[T](...)`: generics written with brackets.
Node* Parser::bracket_generics() {
  return bracketed_generics(NodeKind::GenericParams, ListEnd::kStatement,
                            "generic parameters are written in angle brackets `<T>`",
                            [&] { push(name_or_missing()); });
}

void Parser::path_separator_mistake() {
  mistake("E0313", Severity::Error, cur(), "paths and associated functions use `.`, not `::`", "write `.`",
          {replace_tok(i_, ".")});
}

void Parser::operator_mistakes(Tok k) {
  if (!opts_.mistakes) return;
  if (k == Tok::EqEqEq || k == Tok::NotEqEq) {
    bool eq = k == Tok::EqEqEq;
    mistake("E0329", Severity::Error, cur(), "Simple's equality is always strict: `==` and `!=`",
            eq ? "write `==`" : "write `!=`", {{cur(), eq ? "==" : "!="}});
  } else if (k == Tok::AmpAmp || k == Tok::PipePipe) {
    bool a = k == Tok::AmpAmp;
    mistake("W0340", Severity::Warning, cur(), a ? "logical and is spelled `and`" : "logical or is spelled `or`",
            a ? "write `and`" : "write `or`", {{cur(), a ? "and" : "or"}});
  }
}

// `// text` where an operand cannot follow: a C-style comment.
bool Parser::comment_like() const {
  if (!opts_.mistakes) return false;
  const Token& next = tok(1);
  if (next.kind == Tok::Newline || next.kind == Tok::Eof || next.kind == Tok::Dedent) return true;
  return next.kind == Tok::Ident && tok(2).kind == Tok::Ident && tok(2).begin > next.end;
}

void Parser::comment_mistake() {
  std::uint32_t b = here();
  std::size_t j = i_;
  while (toks_[j + 1].kind != Tok::Newline && toks_[j + 1].kind != Tok::Eof && toks_[j + 1].kind != Tok::Dedent &&
         !(toks_[j + 1].has(kLineStart)))
    ++j;
  // Keep the space before the comment: `x = 1 // c` -> `x = 1 # c`.
  mistake("E0331", Severity::Error, {b, b + 2}, "comments start with `#`; `//` is the parallel operator",
          "write `#`", {{{b, b + 2}, "#"}});
  i_ = j + 1;
  comment_end_ = i_;
}

// `console.log(x)` and `System.out.println(x)`.
void Parser::foreign_print(Node* call) {
  if (!opts_.mistakes) return;
  Node* callee = call->kid(0);
  std::string_view s = src_.substr(callee->begin, callee->end - callee->begin);
  if (s == "console.log" || s == "System.out.println" || s == "System.out.print" || s == "console.error") {
    mistake(s[0] == 'c' ? "W0333" : "W0345", Severity::Warning, {callee->begin, callee->end},
            "Simple prints with `print`", "write `print`", {{{callee->begin, callee->end}, "print"}});
  }
}

bool Parser::ternary_follows() const {
  if (!opts_.mistakes) return false;
  const Token& n = tok(1);
  if (n.has(kLineStart) && brace_depth_ > 0) return false;
  switch (n.kind) {
    case Tok::Ident: case Tok::Int: case Tok::Float: case Tok::String: case Tok::RawString: case Tok::KwTrue:
    case Tok::KwFalse: case Tok::KwNil: case Tok::LParen: case Tok::Minus: case Tok::LBracket:
      break;
    default: return false;
  }
  // Needs a `:` later on the same logical line.
  for (std::size_t k = 2; k < 64; ++k) {
    Tok t = tok(k).kind;
    if (t == Tok::Colon) return true;
    if (t == Tok::Newline || t == Tok::Eof || t == Tok::Indent || t == Tok::Dedent) return false;
  }
  return false;
}

// `c ? a : b` -> `if c: a else: b`.
Node* Parser::ternary(Node* cond) {
  std::size_t q = i_;
  advance();
  Node* a = binary(kOr);
  std::size_t colon = i_;
  bool has_colon = eat(Tok::Colon);
  Node* b = has_colon ? binary(kOr) : placeholder(NodeKind::Missing);
  // The `?` becomes `:` together with the space before it; a `?` that opens the file has none.
  const std::uint32_t question_from = q > 0 ? toks_[q - 1].end : toks_[q].begin;
  std::vector<TextEdit> edits{{{cond->begin, cond->begin}, "if "}, {{question_from, toks_[q].end}, ":"}};
  if (has_colon) edits.push_back({{toks_[colon - 1].end, toks_[colon].end}, " else:"});
  mistake("E0338", Severity::Error, span_of(q), "Simple has no `?:`; `if` is an expression: `if c: a else: b`",
          "conditional written with `?:`", std::move(edits));
  Node* n = wrap(NodeKind::If, cond, {a, b});
  return n;
}

// `println!(...)`, `vec![...]`, `format!(...)`: Rust macros.
Node* Parser::macro_call(Node* name) {
  std::string_view n = src_.substr(name->begin, name->end - name->begin);
  std::size_t bang = i_;
  std::vector<TextEdit> edits;
  if (n == "println" || n == "print" || n == "eprintln") {
    edits.push_back({{name->begin, toks_[bang].end}, "print"});
  } else if (n == "vec" && at(1) == Tok::LBracket) {
    edits.push_back({{name->begin, toks_[bang].end}, ""});
  } else {
    edits.push_back({span_of(bang), ""});
  }
  mistake("E0315", Severity::Error, {name->begin, toks_[bang].end},
          n == "vec" ? "an array literal is just `[...]`" : "Simple has no `name!` macros; call the function (decorators are `@name`)",
          "macro call", std::move(edits));
  advance();
  if (at(Tok::LBracket)) return primary();
  Mark m = mark();
  m.tok = static_cast<std::uint32_t>(token_index_of(name));
  push(name);
  paren_arguments();
  return finish(NodeKind::Call, m);
}

// `x => x + 1` and `(a, b) => a + b`: JavaScript arrow functions.
Node* Parser::arrow_function(Node* params) {
  std::size_t arrow = i_;
  std::string names;
  if (params->kind == NodeKind::Name) {
    names = std::string(src_.substr(params->begin, params->end - params->begin));
  } else {
    for (std::uint32_t k = 0; k < params->count; ++k) {
      Node* p = params->kids[k];
      if (k) names += ", ";
      names += std::string(src_.substr(p->begin, p->end - p->begin));
    }
  }
  std::vector<TextEdit> edits{{{params->begin, toks_[arrow].end}, names.empty() ? "\\:" : "\\" + names + ":"}};
  mistake("E0330", Severity::Error, span_of(arrow), "a lambda is written `\\x: expr`", "arrow function", std::move(edits));
  advance();
  Node* body;
  if (at(Tok::LBrace)) {
    body = brace_block();
  } else {
    body = expression();
  }
  return wrap(NodeKind::Lambda, params, {body});
}

Node* Parser::python_lambda() {
  std::size_t kw = i_;
  mistake("E0304", Severity::Error, cur(), "a lambda is written `\\x: expr`", "write `\\`",
          {{{toks_[kw].begin, toks_[kw + 1].begin}, "\\"}});
  Mark m = mark();
  advance();
  Mark pm = mark();
  while (at(Tok::Ident)) {
    push(take_leaf(NodeKind::Param));
    if (!eat(Tok::Comma)) break;
  }
  push(finish(NodeKind::Params, pm));
  expect(Tok::Colon);
  push(expression());
  return finish(NodeKind::Lambda, m);
}

}  // namespace spl::syntax::internal
