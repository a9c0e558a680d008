#include "spl/syntax/parser.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "spl/syntax/lexer.hpp"

namespace spl::syntax {
namespace {

// Binding powers, loosest first (simple-syntax.md 5.1, seed ladder; `??` between `or` and `and`,
// `not` below comparison as in Python).
enum Prec : int {
  kNone = 0,
  kPipe,
  kLayer,
  kParallel,
  kOr,
  kCoalesce,
  kAnd,
  kNot,
  kEquality,
  kCompare,
  kRange,
  kBitOr,
  kBitXor,
  kBitAnd,
  kShift,
  kMatMul,
  kAdd,
  kMul,
  kPow,
  kUnary,
};

bool is_assign_op(Tok k) {
  return k == Tok::Eq || k == Tok::PlusEq || k == Tok::MinusEq || k == Tok::StarEq || k == Tok::SlashEq ||
         k == Tok::PercentEq || k == Tok::StarStarEq || k == Tok::ColonEq;
}

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

class Parser {
 public:
  Parser(std::string_view src, const std::vector<Token>& toks, Arena& arena, std::vector<Diagnostic>& diags,
         const ParseOptions& opts, Language lang, std::vector<Token>* fragment_buffer)
      : src_(src), toks_(toks), arena_(arena), diags_(diags), opts_(opts), lang_(lang), fragment_buffer_(fragment_buffer) {
    for (const Diagnostic& d : diags_) {
      if (d.severity == Severity::Error) note_error_line(line_of(d.span.begin));
    }
    errors_ = count_errors(diags_);
    if (!opts_.recover && errors_ > 0) stop_ = true;
  }

  Node* module() {
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

  Node* fragment_expression() {
    Node* e = expression();
    if (!at(Tok::Eof)) error_here("E0206", fmt::format("unexpected {} in interpolation", describe(at())), "");
    return e;
  }

 private:
  struct Mark {
    std::size_t stack;
    std::uint32_t tok;
    std::size_t errors;
  };

  // ---- token access -------------------------------------------------------------------------
  const Token& tok(std::size_t k = 0) const {
    std::size_t j = std::min(i_ + k, toks_.size() - 1);
    return toks_[j];
  }
  Tok at(std::size_t k = 0) const { return stop_ ? Tok::Eof : tok(k).kind; }
  bool at(Tok kind) const { return at() == kind; }
  std::string_view text(std::size_t k = 0) const { return tok(k).text(src_); }
  bool at_word(std::string_view w, std::size_t k = 0) const { return at(k) == Tok::Ident && text(k) == w; }
  const Token& prev() const { return toks_[i_ == 0 ? 0 : i_ - 1]; }
  std::uint32_t here() const { return tok().begin; }
  std::uint32_t prev_end() const { return i_ == 0 ? 0 : toks_[i_ - 1].end; }
  void advance() {
    if (i_ < toks_.size() - 1) ++i_;
  }
  bool eat(Tok kind) {
    if (!at(kind)) return false;
    advance();
    return true;
  }
  bool line_start() const { return tok().has(kLineStart); }
  // In a brace block (written by mistake) statements end where a new source line starts.
  bool at_stmt_end() const {
    Tok k = at();
    if (k == Tok::Newline || k == Tok::Semi || k == Tok::Dedent || k == Tok::Eof) return true;
    return brace_depth_ > 0 && (k == Tok::RBrace || line_start());
  }

  // ---- lists and bodies ----------------------------------------------------------------------
  // Where a comma-separated list ends when its closing token is missing.
  enum class ListEnd : std::uint8_t {
    kLine,       // at the end of the line
    kStatement,  // at the end of the statement
    kSignature,  // at the end of the line or at a `:` ending it (parameters whose `)` is missing)
    kGenerics,   // at the end of the statement or at the `(` of the parameters
    kBracket,    // at the end of the file: inside brackets, where the newlines and indentation of
                 // a block lambda between items are skipped
  };

  // What a missing `,` after a list item means.
  enum class MissingComma : std::uint8_t {
    kEndsList,
    // E0212, with a fix-it inserting it, when another parameter (a name), argument or element (an
    // expression) follows; the list goes on as if it were there.
    kBetweenParameters,
    kBetweenArguments,
    kBetweenElements,
  };

  // Parses `item`s separated by commas up to `close` (left for the caller to expect). A missing
  // `,` is repaired only after an item that consumed something, so a stray token can never loop
  // forever; an item that consumed nothing (it reported why) is passed over when a `,` follows.
  template <class Item>
  void comma_list(Tok close, ListEnd end, Item&& item, MissingComma missing = MissingComma::kEndsList) {
    while (!at(close) && !at_list_end(end)) {
      std::size_t before = i_;
      if (end == ListEnd::kBracket && (at(Tok::Newline) || at(Tok::Indent) || at(Tok::Dedent))) {
        advance();
        continue;
      }
      item();
      if (i_ == before ? !eat(Tok::Comma) : !list_comma(missing)) break;
    }
  }

  // `a, b, c` with no brackets around it: one item or more.
  template <class Item>
  void comma_sequence(Item&& item) {
    do {
      item();
    } while (eat(Tok::Comma));
  }

  bool at_list_end(ListEnd end) const {
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
  bool list_comma(MissingComma missing) {
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

  // Items of a body up to `close` (left for the caller), skipping the separator tokens between
  // them; a token no item can start is skipped so the loop always advances.
  template <class Separator, class Item>
  void body_items(Tok close, Separator&& is_separator, Item&& item) {
    while (!at(close) && !at(Tok::Eof)) {
      std::size_t before = i_;
      if (is_separator()) {
        advance();
        continue;
      }
      push(item());
      if (i_ == before) advance();
    }
  }

  static bool no_separator() { return false; }

  // The indented lines of a body after its `:`: a newline, an indent, then items up to the
  // matching dedent. Without the indent, reports E0203 (`missing`, `label`) and returns false.
  // Either way the statement ends with the body.
  template <class Separator, class Item>
  bool indented_items(const char* missing, const char* label, Separator&& is_separator, Item&& item) {
    eat(Tok::Newline);
    if (!at(Tok::Indent)) {
      error_here("E0203", missing, label);
      block_end_ = i_;
      return false;
    }
    indented_block(is_separator, item);
    return true;
  }

  // From an indent to its dedent; the statement ends with the block.
  template <class Separator, class Item>
  void indented_block(Separator&& is_separator, Item&& item) {
    advance();
    body_items(Tok::Dedent, is_separator, item);
    eat(Tok::Dedent);
    block_end_ = i_;
  }

  // A body written in braces where Simple wants `:` and indentation (a Rust, JavaScript, Java or
  // C habit): its items are parsed as if indented, and the braces are one diagnostic (E0316)
  // whose fix replaces the `{` (and the space before it) with `:` and deletes the `}`.
  template <class Separator, class Item>
  void brace_items(const char* message, const char* label, Separator&& is_separator, Item&& item) {
    std::size_t open = i_;
    std::uint32_t b = tok().begin;
    while (b > 0 && src_[b - 1] == ' ') --b;
    std::vector<TextEdit> edits{{{b, tok().end}, ":"}};
    advance();
    ++brace_depth_;
    body_items(Tok::RBrace, is_separator, item);
    --brace_depth_;
    if (at(Tok::RBrace)) {
      edits.push_back(delete_closing_brace(i_));
      advance();
    }
    forget_unclosed(open);
    mistake("E0316", Severity::Error, span_of(open), message, label, std::move(edits));
  }

  // Panic mode for a body whose `:` is missing: the rest of the statement, with any indented
  // block, is skipped, and the statement ends there.
  void skip_missing_body() {
    sync_statement();
    block_end_ = i_;
  }

  // Panic mode for a construct that cannot be parsed: the rest of the statement becomes an Error
  // node starting at m.
  Node* skip_statement(const Mark& m) {
    sync_statement();
    return finish(NodeKind::Error, m);
  }

  // `name: inner` becomes a `labelled` node holding inner; anything else is just inner.
  template <class Inner>
  void maybe_labelled(NodeKind labelled, Inner&& inner) {
    if (!(at(Tok::Ident) && at(1) == Tok::Colon)) {
      push(inner());
      return;
    }
    Mark m = mark();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    advance();
    advance();
    push(inner());
    push(finish(labelled, m, name));
  }

  // ---- tree building -------------------------------------------------------------------------
  Mark mark() const { return {stack_.size(), static_cast<std::uint32_t>(i_), errors_}; }
  void push(Node* n) {
    if (n != nullptr) stack_.push_back(n);
  }
  void push_slot(Node* n) { stack_.push_back(n); }  // keeps null: an optional part that is absent
  Node* finish(NodeKind kind, const Mark& m, std::uint32_t token = kNoToken) {
    Node* n = arena_.make<Node>();
    n->kind = kind;
    n->token = token;
    if (token != kNoToken) n->op = toks_[token].kind;
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
  std::uint32_t content_end(std::size_t first) const {
    std::size_t j = i_;
    while (j > first + 1 && (toks_[j - 1].kind == Tok::Newline || toks_[j - 1].kind == Tok::Indent ||
                             toks_[j - 1].kind == Tok::Dedent))
      --j;
    return toks_[j - 1].end;
  }
  Node* leaf(NodeKind kind, std::uint32_t token_index) {
    Node* n = arena_.make<Node>();
    n->kind = kind;
    n->token = token_index;
    n->op = toks_[token_index].kind;
    n->begin = toks_[token_index].begin;
    n->end = toks_[token_index].end;
    return n;
  }
  Node* take_leaf(NodeKind kind) {
    Node* n = leaf(kind, static_cast<std::uint32_t>(i_));
    advance();
    return n;
  }
  Node* placeholder(NodeKind kind) {
    Node* n = arena_.make<Node>();
    n->kind = kind;
    n->completeness = Completeness::Placeholder;
    n->begin = n->end = i_ > 0 ? prev_end() : here();
    return n;
  }
  // Wraps lhs into a node of kind with lhs as first kid (postfix and binary forms).
  Node* wrap(NodeKind kind, Node* lhs, std::initializer_list<Node*> rest, std::uint32_t token = kNoToken) {
    std::size_t count = 1 + rest.size();
    Node* n = arena_.make<Node>();
    n->kind = kind;
    n->token = token;
    if (token != kNoToken) n->op = toks_[token].kind;
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

  // ---- diagnostics ---------------------------------------------------------------------------
  std::uint32_t line_of(std::uint32_t offset) {
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (std::uint32_t p = 0; p < src_.size(); ++p) {
        if (src_[p] == '\n') line_starts_.push_back(p + 1);
      }
    }
    return static_cast<std::uint32_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - line_starts_.begin());
  }
  void note_error_line(std::uint32_t line) { error_lines_.push_back(line); }
  bool line_has_error(std::uint32_t line) const {
    return std::find(error_lines_.begin(), error_lines_.end(), line) != error_lines_.end();
  }

  // Generic syntax errors are suppressed as cascades: one per line, and none before the parser
  // has consumed a token since the last one.
  bool report(Diagnostic d, bool catalogue = false) {
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
  void error_at(const char* code, Span span, std::string message, std::string label, std::vector<TextEdit> edits = {},
                std::string fix_message = {}) {
    Diagnostic d;
    d.code = code;
    d.message = std::move(message);
    d.span = span;
    d.primary_label = std::move(label);
    if (!edits.empty()) d.fixits.push_back({std::move(fix_message), std::move(edits), true});
    report(std::move(d));
  }
  void error_here(const char* code, std::string message, std::string label) {
    error_at(code, {here(), tok().end}, std::move(message), std::move(label));
  }
  std::string found() const {
    Tok k = at();
    if (k == Tok::Ident || k == Tok::Int || k == Tok::Float) return fmt::format("`{}`", text());
    if (k == Tok::String || k == Tok::RawString) return "a string";
    if (spelling(k).empty()) return std::string(describe(k));
    return fmt::format("`{}`", spelling(k));
  }

  // "in Simple, `<line>` is written `<line with the edits>`" over the source line of span.
  std::string written(Span span, const std::vector<TextEdit>& edits) {
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
  void mistake(const char* code, Severity severity, Span span, std::string what, std::string label,
               std::vector<TextEdit> edits, bool applicable = true, std::string note = {}) {
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
  Span span_of(std::size_t token_index) const { return {toks_[token_index].begin, toks_[token_index].end}; }
  Span cur() const { return {here(), tok().end}; }
  TextEdit replace_tok(std::size_t token_index, std::string with) const { return {span_of(token_index), std::move(with)}; }
  // Deletes a token and the spaces after it.
  TextEdit delete_tok(std::size_t token_index) const {
    std::uint32_t e = toks_[token_index].end;
    while (e < src_.size() && src_[e] == ' ') ++e;
    return {{toks_[token_index].begin, e}, ""};
  }

  // Expects kind: on a miss tries one-token repairs (insertion when the token after the expected
  // one is here, deletion when the expected one is next) before giving up.
  bool expect(Tok kind, const char* what = nullptr) {
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

  // Skips to the end of the current statement (panic mode): the next line at this depth, a
  // dedent, or the end; an indented block that starts on the way is skipped whole.
  void sync_statement() {
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
  void skip_nested(Tok open, Tok close) {
    int depth = 0;
    do {
      if (at(open)) ++depth;
      if (at(close)) --depth;
      advance();
    } while (depth > 0 && !at(Tok::Eof));
  }

  // ---- statements ----------------------------------------------------------------------------
  Node* statement() {
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
  bool inner_attribute_ahead() const {
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

  Node* unexpected_indent() {
    error_here("E0204", "unexpected indentation", "this line is indented more than the block it is in");
    Mark m = mark();
    indented_block(no_separator, [&] { return statement(); });
    Node* n = finish(NodeKind::Block, m);
    n->completeness = Completeness::Partial;
    return n;
  }

  // Ends a simple statement; a statement that ended with an indented block has nothing to end.
  Node* finish_statement(Node* n) {
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

  Node* contextual_statement() {
    std::string_view w = text();
    Tok next = at(1);
    if (w == "type" && next == Tok::Ident && (at(2) == Tok::Eq || at(2) == Tok::Lt)) return finish_statement(type_alias());
    if (w == "alias" && next == Tok::Ident && at(2) == Tok::Eq) return finish_statement(type_alias());
    if ((w == "const" || w == "lazy") && (next == Tok::Ident || next == Tok::KwVal)) return finish_statement(binding(0));
    if (w == "from" && next == Tok::Ident) return finish_statement(from_import());
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

  // `int x = 0` / `String name = "a"`: a typed C/Java declaration.
  Node* c_declaration() {
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

  Node* exception_block() {
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

  Node* expression_statement() {
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
      return finish(NodeKind::Assign, m, op);
    }
    if (at(Tok::PlusPlus) || at(Tok::MinusMinus)) {
      bool inc = at(Tok::PlusPlus);
      std::uint32_t op = static_cast<std::uint32_t>(i_);
      mistake("E0339", Severity::Error, cur(), "Simple has no `++`/`--`: add or subtract with `+=`/`-=`",
              fmt::format("no `{}` in Simple", text()), {{cur(), inc ? " += 1" : " -= 1"}});
      advance();
      push(e);
      return finish(NodeKind::Assign, m, op);
    }
    while (at(Tok::Arrow) && at(1) == Tok::Ident) {  // functional update: data->normalize()
      std::uint32_t op = static_cast<std::uint32_t>(i_);
      advance();
      Node* rhs = postfix(take_leaf(NodeKind::Name));
      e = wrap(NodeKind::Binary, e, {rhs}, op);
    }
    bool callee = e->kind == NodeKind::Name || e->kind == NodeKind::FieldAccess;
    if (callee && noparen_arg_start()) {
      push(e);
      call_arguments_noparen();
      e = finish(NodeKind::Call, m);
      e->flags |= kFlagNoParen;
    }
    if (at(Tok::Backslash) && !line_start()) {  // a lambda after the arguments: f(a) \x: ...
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
  bool block_follows_colon() const { return at(Tok::Colon); }

  // `print -17`: at the head of a statement, a name followed by a space and then a sign glued to
  // its operand is a no-paren call with a signed argument, as Ruby reads it. `a - 1` and `a-1`
  // subtract, and so does `a -1` anywhere else (`val b = a -1`, `(a -1)`).
  bool signed_argument_follows(const Node* lhs) const {
    return (lhs->kind == NodeKind::Name || lhs->kind == NodeKind::FieldAccess) && statement_head_ < toks_.size() &&
           toks_[statement_head_].kind == Tok::Ident && lhs->begin == toks_[statement_head_].begin &&
           tok().has(kSpaceBefore) && sign_glued_to_operand();
  }

  // The `-`/`+` here touches the token after it, which is on the same line.
  bool sign_glued_to_operand() const {
    Tok next = at(1);
    return tok(1).begin == tok().end && next != Tok::Newline && next != Tok::Indent && next != Tok::Dedent &&
           next != Tok::Eof;
  }

  bool noparen_arg_start() const {
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

  void call_arguments_noparen() {
    comma_sequence([&] { push(argument()); });
  }

  Node* argument() {
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

  Node* jump(NodeKind kind) {
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
  bool gherkin_ahead() const {
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

  Node* gherkin() {
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

  bool asm_follows() const {
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
  Node* asm_stmt() {
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
  Node* asm_operand() {
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
  Node* pass_stmt() {
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
  Node* defer_stmt() {
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

  Node* with_stmt() {
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
  Node* keyword_block(NodeKind kind) {
    Mark m = mark();
    advance();
    push(colon_block());
    return finish(kind, m);
  }

  Node* assert_stmt() {
    Mark m = mark();
    advance();
    push(expression());
    if (eat(Tok::Comma)) push(expression());
    return finish(NodeKind::Assert, m);
  }

  // ---- nesting -----------------------------------------------------------------------------
  // Recursion is bounded so that hostile input (thousands of nested brackets, blocks or prefix
  // operators) gets one diagnostic instead of exhausting the stack. Real code nests far less.
  static constexpr std::size_t kMaxNesting = 256;

  class NestingGuard {
   public:
    explicit NestingGuard(Parser& parser) : parser_(parser) { ++parser_.nesting_; }
    ~NestingGuard() { --parser_.nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& parser_;
  };

  // Past the limit: reports E0215 once and skips the rest of the line, so every enclosing level
  // unwinds at once.
  bool too_deep() {
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

  // ---- blocks --------------------------------------------------------------------------------
  // E0210 at the end of the previous token, with the `:` as a machine-applicable fix.
  void missing_colon_before_block() {
    std::uint32_t p = prev_end();
    Diagnostic d;
    d.code = "E0210";
    d.message = "missing `:` before the indented block";
    d.span = {p, p};
    d.primary_label = "expected `:` here";
    d.fixits.push_back({"insert `:`", {{{p, p}, ":"}}, true});
    report(std::move(d));
  }

  // Expects the `:` that opens a block and parses the block. Repairs a missing `:` before an
  // indented block and diagnoses `{ ... }` blocks.
  Node* colon_block() {
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
    if (!expect(Tok::Colon)) {
      Mark m = mark();
      skip_missing_body();
      Node* n = finish(NodeKind::Block, m);
      n->completeness = Completeness::Partial;
      return n;
    }
    return block_after_colon();
  }

  Node* block_after_colon() {
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
  Node* simple_statement() {
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

  // `{ ... }` where Simple wants `:` and an indented block (Rust, JavaScript, Java, C habit).
  Node* brace_block() {
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

  // A brace diagnosed as a foreign block needs no "unclosed `{`" report as well: one mistake.
  void forget_unclosed(std::size_t open) {
    std::uint32_t at = toks_[open].begin;
    diags_.erase(std::remove_if(diags_.begin(), diags_.end(),
                                [&](const Diagnostic& d) { return d.code == "E0104" && d.span.begin == at; }),
                 diags_.end());
  }

  // Deletes a closing brace: the whole line when it stands alone, otherwise the brace and the
  // spaces after it (`} else {` -> `else:`).
  TextEdit delete_closing_brace(std::size_t close) {
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

  // ---- declarations --------------------------------------------------------------------------
  Node* declaration() {
    Mark m = mark();
    std::uint16_t flags = 0;
    while (at(Tok::At) || at(Tok::HashBracket)) {
      push(at(Tok::At) ? decorator() : attribute());
      eat(Tok::Newline);
    }
    while (true) {
      if (at(Tok::KwPub)) {
        flags |= kFlagPub;
        advance();
        if (at(Tok::LParen)) skip_nested(Tok::LParen, Tok::RParen);  // pub(friend)
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

  std::size_t matching_paren(std::size_t open) const {
    if (open >= toks_.size() || toks_[open].kind != Tok::LParen) return 0;
    int depth = 0;
    for (std::size_t j = open; j < toks_.size(); ++j) {
      if (toks_[j].kind == Tok::LParen) ++depth;
      if (toks_[j].kind == Tok::RParen && --depth == 0) return j;
      if (toks_[j].kind == Tok::Newline || toks_[j].kind == Tok::Eof) return 0;
    }
    return 0;
  }

  Node* decorator() {
    Mark m = mark();
    advance();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    push(name_or_missing());
    while (at(Tok::Dot) && at(1) == Tok::Ident) {
      advance();
      advance();
    }
    if (at(Tok::LParen)) paren_arguments();
    return finish(NodeKind::Decorator, m, name);
  }

  Node* attribute() {
    Mark m = mark();
    advance();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    push(name_or_missing());
    if (at(Tok::LParen)) paren_arguments();
    expect(Tok::RBracket);
    return finish(NodeKind::Attribute, m, name);
  }

  Node* name_or_missing() {
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

  Node* fn_decl() {
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

  bool looks_like_ts_return_type() const {
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

  Node* generic_params() {
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

  // A token and the `, ` after it (or the `, ` before it when it is last).
  TextEdit delete_with_comma(std::size_t t) const {
    if (toks_[t + 1].kind == Tok::Comma) return {{toks_[t].begin, toks_[t + 2].begin}, ""};
    if (t > 0 && toks_[t - 1].kind == Tok::Comma) return {{toks_[t - 1].begin, toks_[t].end}, ""};
    if (t > 0 && toks_[t - 1].kind == Tok::Lt && toks_[t + 1].kind == Tok::Gt) return {{toks_[t - 1].begin, toks_[t + 1].end}, ""};
    return {span_of(t), ""};
  }

  // `fn f[T](...)`: generics written with brackets.
  Node* bracket_generics() {
    return bracketed_generics(NodeKind::GenericParams, ListEnd::kStatement,
                              "generic parameters are written in angle brackets `<T>`",
                              [&] { push(name_or_missing()); });
  }

  // `[T, U]` where Simple writes `<T, U>`: parses the list and reports E0349 with the fix.
  template <class Item>
  Node* bracketed_generics(NodeKind kind, ListEnd end, const char* message, Item&& item) {
    std::size_t open = i_;
    Mark m = mark();
    advance();
    comma_list(Tok::RBracket, end, item);
    std::vector<TextEdit> edits{replace_tok(open, "<")};
    if (at(Tok::RBracket)) edits.push_back(replace_tok(i_, ">"));
    mistake("E0349", Severity::Error, span_of(open), message, "write `<...>`", std::move(edits));
    expect(Tok::RBracket);
    return finish(kind, m);
  }

  Node* params(std::size_t fn_kw, std::uint16_t& fn_flags) {
    Mark m = mark();
    advance();
    comma_list(Tok::RParen, ListEnd::kSignature, [&] { push(param(fn_kw, fn_flags)); },
               MissingComma::kBetweenParameters);
    expect(Tok::RParen);
    return finish(NodeKind::Params, m);
  }

  Node* param(std::size_t fn_kw, std::uint16_t& fn_flags) {
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

  Node* binding(std::uint16_t flags) {
    Mark m = mark();
    std::size_t kw = i_;
    std::uint32_t kw_tok = static_cast<std::uint32_t>(i_);
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
      advance();
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
    if (at(Tok::KwVal) || at(Tok::KwVar)) advance();  // lazy val
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
    (void)kw_tok;
    Node* n = finish(NodeKind::Binding, m, name);
    n->flags |= flags;
    return n;
  }

  Node* type_alias() {
    Mark m = mark();
    advance();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    push(name_or_missing());
    push_slot(at(Tok::Lt) ? generic_params() : nullptr);
    expect(Tok::Eq);
    push(type());
    return finish(NodeKind::TypeAlias, m, name);
  }

  Node* type_decl(NodeKind kind) {
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

  Node* impl_decl() {
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

  Node* members(NodeKind owner) {
    Mark m = mark();
    auto item = [&] { return member(owner); };
    if (at(Tok::LBrace)) {
      brace_items("bodies are written with `:` and indentation, not braces", "braces do not make a body in Simple",
                  [&] { return at(Tok::Newline) || at(Tok::Semi) || at(Tok::Indent) || at(Tok::Dedent); }, item);
      block_end_ = i_;
      if (at(Tok::Semi)) advance();
      return finish(NodeKind::Members, m);
    }
    if (eat(Tok::Colon)) {
      if (!at(Tok::Newline)) {  // one-line form: struct Point: x: i64; y: i64
        while (!at_stmt_end() || at(Tok::Semi)) {
          std::size_t before = i_;
          if (at(Tok::Semi)) {
            advance();
            continue;
          }
          push(item());
          if (i_ == before) break;
        }
        return finish(NodeKind::Members, m);
      }
    } else if (at(Tok::Newline) && at(1) == Tok::Indent) {
      missing_colon_before_block();
    } else if (at_stmt_end()) {
      return finish(NodeKind::Members, m);  // `struct Empty` / a forward declaration
    } else {
      expect(Tok::Colon);  // even when it repairs the `:`, the body is skipped
      skip_missing_body();
      Node* n = finish(NodeKind::Members, m);
      n->completeness = Completeness::Partial;
      return n;
    }
    bool indented = indented_items("expected an indented body", "this line should be indented",
                                   [&] { return at(Tok::Newline) || at(Tok::Semi); }, item);
    Node* n = finish(NodeKind::Members, m);
    if (!indented) n->completeness = Completeness::Partial;
    return n;
  }

  Node* member(NodeKind owner) {
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

  Node* member_inner(NodeKind owner) {
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

  Node* field() {
    Mark m = mark();
    std::uint32_t name = static_cast<std::uint32_t>(i_);
    advance();
    expect(Tok::Colon);
    push(type());
    if (eat(Tok::Eq)) push(expression());
    return finish(NodeKind::Field, m, name);
  }

  Node* variant() {
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

  Node* use_decl() {
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
    if (eat(Tok::KwAs)) push(name_or_missing());
    Node* n = finish(NodeKind::Use, m);
    n->flags |= flags;
    return n;
  }

  void use_path(std::uint16_t& flags) {
    while (at(Tok::Dot) || at(Tok::DotDot)) advance();  // relative: use .utils / use ..parent
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

  void path_separator_mistake() {
    mistake("E0313", Severity::Error, cur(), "paths and associated functions use `.`, not `::`", "write `.`",
            {replace_tok(i_, ".")});
  }

  void use_items() {
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
      if (eat(Tok::KwAs)) push(name_or_missing());
      push(finish(NodeKind::UseItem, im, name));
    });
    expect(Tok::RBrace);
    push(finish(NodeKind::UseItem, m));
  }

  Node* from_import() {
    Mark m = mark();
    advance();
    std::uint16_t flags = 0;
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

  // ---- control flow --------------------------------------------------------------------------
  Node* if_expr() {
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
  Node* condition() {
    Node* c = expression();
    if (at(Tok::Eq) && !at_stmt_end()) {
      Mark m = mark();
      std::uint32_t op = static_cast<std::uint32_t>(i_);
      error_at("E0211", cur(), "`=` assigns; a condition compares with `==`", "did you mean `==`?", {{cur(), "=="}}, "write `==`");
      advance();
      Node* rhs = expression();
      (void)m;
      return wrap(NodeKind::Binary, c, {rhs}, op);
    }
    return c;
  }

  Node* for_stmt() {
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

  // `for (` followed by `;`, `of` or `in` before its `)`: a C or JavaScript loop head.
  bool c_style_head() const {
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

  Node* for_pattern() {
    Mark m = mark();
    Node* first = pattern();
    if (!at(Tok::Comma)) return first;
    push(first);
    while (eat(Tok::Comma)) push(pattern());
    return finish(NodeKind::PatTuple, m);
  }

  // `for (int i = 0; i < n; i++)` and `for (const x of xs)`.
  Node* c_for(Mark m, std::size_t kw) {
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

  Node* while_stmt() {
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

  Node* match_expr() {
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

  Node* receive_stmt() {
    Mark m = mark();
    advance();
    arms(NodeKind::Receive);
    return finish(NodeKind::Receive, m);
  }

  void arms(NodeKind owner) {
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
      } else {
        expect(Tok::Colon);  // even when it repairs the `:`, the arms are skipped
        skip_missing_body();
        return;
      }
    }
    indented_items("expected indented `case` arms", "the arms should be indented below", is_separator, item);
  }

  Node* arm(NodeKind owner) {
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

  // A literal or name token, as patterns start and continue with.
  static bool literal_or_name(Tok t) {
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

  // Walks the rest of the line from token `first`, handing each token outside brackets to
  // `top(k, t)`, which answers 1 (yes), 0 (no) or -1 (keep going). The end of the line, or a
  // closer that matches nothing on the line, answers no.
  template <class Top>
  bool scan_line(std::size_t first, Top&& top) const {
    int depth = 0;
    for (std::size_t k = first;; ++k) {
      Tok t = at(k);
      if (t == Tok::Eof || t == Tok::Newline || t == Tok::Indent || t == Tok::Dedent) return false;
      if (t == Tok::LParen || t == Tok::LBracket || t == Tok::LBrace) {
        ++depth;
      } else if (t == Tok::RParen || t == Tok::RBracket || t == Tok::RBrace) {
        if (--depth < 0) return false;
      } else if (depth == 0) {
        int answer = top(k, t);
        if (answer >= 0) return answer == 1;
      }
    }
  }

  // An arm written without `case`: a pattern (and optional `if` guard) up to a `:` on the same
  // line. Only the colon form is taken, so `1 -> 2` (a missing `case`) is still reported.
  bool caseless_arm_ahead() const {
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

  Node* finish_arm(Node* n) {
    if (brace_depth_ > 0 && at(Tok::Comma)) advance();
    return finish_statement(n);
  }

  // ---- patterns ------------------------------------------------------------------------------
  Node* pattern() {
    return alternatives(NodeKind::PatOr, [&] { return pattern_primary(); });
  }

  // `a | b | c` (or-patterns, union types): one node when there is no `|`.
  template <class Primary>
  Node* alternatives(NodeKind kind, Primary&& primary) {
    Node* first = primary();
    if (!at(Tok::Pipe)) return first;
    Mark m = mark();
    m.tok = static_cast<std::uint32_t>(token_index_of(first));
    push(first);
    while (eat(Tok::Pipe)) push(primary());
    return finish(kind, m);
  }

  std::size_t token_index_of(const Node* n) const {
    // The token whose begin is the node's begin (nodes start on token boundaries).
    auto it = std::lower_bound(toks_.begin(), toks_.end(), n->begin, [](const Token& t, std::uint32_t b) { return t.begin < b; });
    return static_cast<std::size_t>(it - toks_.begin());
  }

  Node* pattern_primary() {
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

  void struct_pattern_fields() {
    advance();
    comma_list(Tok::RBrace, ListEnd::kBracket,
                    [&] { maybe_labelled(NodeKind::PatField, [&] { return pattern(); }); });
    expect(Tok::RBrace);
  }

  // ---- types ---------------------------------------------------------------------------------
  Node* type() {
    return alternatives(NodeKind::TypeUnion, [&] { return type_primary(); });
  }

  Node* type_primary() {
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

  Node* named_type() {
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

  // ---- expressions ---------------------------------------------------------------------------
  Node* expression() {
    Node* e = binary(kPipe);
    if (at(Tok::Question) && ternary_follows()) return ternary(e);
    if (at(Tok::KwIf) && !line_start() && postfix_if_ahead()) return postfix_conditional(e);
    return e;
  }

  // `a if c else b`: the loosest form, only at the top of an expression. An If whose kids are the
  // condition, the value when true and the value when false (which may chain another).
  Node* postfix_conditional(Node* value) {
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
  bool postfix_if_ahead() const {
    return scan_line(1, [&](std::size_t k, Tok t) {
      if (t == Tok::Colon) return 0;
      if (t == Tok::KwElse) return at(k + 1) != Tok::Colon ? 1 : 0;
      return -1;
    });
  }

  int infix_prec(bool& right_assoc) const {
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

  Node* binary(int min_prec) {
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
      NodeKind kind = prec == kRange ? NodeKind::Range : NodeKind::Binary;
      if (kind == NodeKind::Range && at(Tok::Ident) && tok().text(src_) == "by") {  // 0..10 by 2
        advance();
        Node* step = binary(kRange + 1);
        lhs = wrap(kind, lhs, {rhs, step}, op);
      } else {
        lhs = wrap(kind, lhs, {rhs}, op);
      }
      if (k == Tok::Gt && prec == kShift) lhs->op = Tok::Shr;
      if (k == Tok::DotDotEq) lhs->flags |= kFlagInclusive;
    }
    return lhs;
  }

  void operator_mistakes(Tok k) {
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
  bool comment_like() const {
    if (!opts_.mistakes) return false;
    const Token& next = tok(1);
    if (next.kind == Tok::Newline || next.kind == Tok::Eof || next.kind == Tok::Dedent) return true;
    return next.kind == Tok::Ident && tok(2).kind == Tok::Ident && tok(2).begin > next.end;
  }

  void comment_mistake() {
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

  bool starts_expression() const {
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

  Node* unary() {
    Mark m = mark();
    std::uint32_t op = static_cast<std::uint32_t>(i_);
    switch (at()) {
      case Tok::Minus:
      case Tok::Plus:
      case Tok::Tilde:
      case Tok::LeftArrow:
        advance();
        push(binary(kPow));
        return finish(NodeKind::Unary, m, op);
      case Tok::Bang:
        if (opts_.mistakes) {
          std::uint32_t e = tok().end;
          mistake("W0340", Severity::Warning, cur(), "logical not is spelled `not`", "write `not`",
                  {{{tok().begin, e}, "not "}});
        }
        advance();
        push(binary(kPow));
        return finish(NodeKind::Unary, m, op);
      case Tok::KwNot:
        advance();
        push(binary(kEquality));
        return finish(NodeKind::Unary, m, op);
      case Tok::KwAwait:
      case Tok::KwYield:
        advance();
        if (!at_stmt_end()) push(binary(kUnary));
        return finish(at(Tok::KwAwait) ? NodeKind::Await : NodeKind::Unary, m, op);
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
        return finish(NodeKind::Unary, m, op);
      }
      default: break;
    }
    return postfix(primary());
  }

  Node* postfix(Node* e) {
    while (true) {
      Tok k = at();
      bool new_line = brace_depth_ > 0 && line_start();
      if (k == Tok::LParen && !new_line) {
        Mark m = mark();
        m.tok = static_cast<std::uint32_t>(token_index_of(e));
        push(e);
        paren_arguments();
        e = finish(NodeKind::Call, m);
        foreign_print(e);
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

  // `console.log(x)` and `System.out.println(x)`.
  void foreign_print(Node* call) {
    if (!opts_.mistakes) return;
    Node* callee = call->kid(0);
    std::string_view s = src_.substr(callee->begin, callee->end - callee->begin);
    if (s == "console.log" || s == "System.out.println" || s == "System.out.print" || s == "console.error") {
      mistake(s[0] == 'c' ? "W0333" : "W0345", Severity::Warning, {callee->begin, callee->end},
              "Simple prints with `print`", "write `print`", {{{callee->begin, callee->end}, "print"}});
    }
  }

  bool ternary_follows() const {
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
  Node* ternary(Node* cond) {
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

  bool generic_args_ahead() const {
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

  Node* generic_args(Node* e) {
    Mark m = mark();
    advance();
    comma_list(Tok::Gt, ListEnd::kLine, [&] { push(type()); });
    expect(Tok::Gt);
    Node* args = finish(NodeKind::GenericArgs, m);
    return wrap(NodeKind::GenericArgs, e, {args});
  }

  bool struct_literal_ahead(const Node* name) const {
    std::string_view n = src_.substr(name->begin, name->end - name->begin);
    if (n.empty() || n[0] < 'A' || n[0] > 'Z') return false;
    if (at(1) == Tok::RBrace) return true;
    return (at(1) == Tok::Ident && (at(2) == Tok::Colon || at(2) == Tok::Comma || at(2) == Tok::RBrace)) ||
           at(1) == Tok::DotDot;
  }

  Node* struct_literal(Node* name) {
    Mark m = mark();
    m.tok = static_cast<std::uint32_t>(token_index_of(name));
    push(name);
    advance();
    comma_list(Tok::RBrace, ListEnd::kBracket, [&] { push(argument()); });
    expect(Tok::RBrace);
    return finish(NodeKind::StructLit, m);
  }

  // `println!(...)`, `vec![...]`, `format!(...)`: Rust macros.
  Node* macro_call(Node* name) {
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
  Node* arrow_function(Node* params) {
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

  Node* index(Node* e) {
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
  Node* safe_index(Node* e) {
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

  // `xs.map \x: x * 10`: a name or field followed by a lambda on the same line is a no-paren call
  // with the lambda as its argument, inside an expression too (`val ys = xs.map \x: ...`).
  bool trailing_lambda_follows(const Node* callee) const {
    return (callee->kind == NodeKind::Name || callee->kind == NodeKind::FieldAccess) && tok().has(kSpaceBefore) &&
           !line_start();
  }

  Node* trailing_lambda_call(Node* callee) {
    Mark m = mark();
    m.tok = static_cast<std::uint32_t>(token_index_of(callee));
    push(callee);
    push(lambda());
    Node* call = finish(NodeKind::Call, m);
    call->flags |= kFlagNoParen;
    return call;
  }

  void paren_arguments() {
    advance();
    comma_list(Tok::RParen, ListEnd::kBracket, [&] { push(argument()); }, MissingComma::kBetweenArguments);
    expect(Tok::RParen);
  }

  Node* primary() {
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

  Node* identifier() {
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

  Node* python_lambda() {
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

  Node* parenthesised() {
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

  void comprehension_tail() {
    while (eat(Tok::KwFor)) {
      push(for_pattern());
      expect(Tok::KwIn);
      push(binary(kOr));
      if (eat(Tok::KwIf)) push(binary(kOr));
    }
  }

  // The loops after the element, `for x in xs [if p]`..., and the closing bracket.
  Node* trailing_comprehension(const Mark& m, Tok close) {
    comprehension_tail();
    expect(close);
    return finish(NodeKind::Comprehension, m);
  }

  // The short grammar `[for x in xs if p: e]` and `{for x in xs: (k, v)}`: the loop first, the
  // element after the colon.
  Node* leading_comprehension(const Mark& m, Tok close) {
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

  Node* array() {
    Mark m = mark();
    advance();
    if (at(Tok::KwFor)) return leading_comprehension(m, Tok::RBracket);
    comma_list(Tok::RBracket, ListEnd::kBracket, [&] { push(argument()); }, MissingComma::kBetweenElements);
    if (at(Tok::KwFor)) return trailing_comprehension(m, Tok::RBracket);  // [x * x for x in xs]
    expect(Tok::RBracket);
    return finish(NodeKind::Array, m);
  }

  Node* dict() {
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

  Node* lambda() {
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

  Node* lambda_body() {
    if (at(Tok::Newline) && at(1) == Tok::Indent) {
      std::size_t saved = brace_depth_;
      brace_depth_ = 0;
      Node* b = block_after_colon();
      brace_depth_ = saved;
      return b;
    }
    return expression();
  }

  Node* pipe_lambda() {
    Mark m = mark();
    Mark pm = mark();
    if (eat(Tok::PipePipe)) {
      push(finish(NodeKind::Params, pm));
    } else {
      advance();
      while (at(Tok::Ident)) {
        push(take_leaf(NodeKind::Param));
        if (eat(Tok::Colon)) type();
        if (!eat(Tok::Comma)) break;
      }
      expect(Tok::Pipe);
      push(finish(NodeKind::Params, pm));
    }
    push(expression());
    return finish(NodeKind::Lambda, m);
  }

  Node* anonymous_fn() {
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

  Node* interpolation() {
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
  static std::uint32_t format_spec_colon(std::string_view src, Span hole) {
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
  static void clear_tokens(Node* n) {
    if (n == nullptr) return;
    n->token = kNoToken;
    for (std::uint32_t k = 0; k < n->count; ++k) clear_tokens(n->kids[k]);
  }

  std::string_view src_;
  const std::vector<Token>& toks_;
  Arena& arena_;
  std::vector<Diagnostic>& diags_;
  const ParseOptions& opts_;
  Language lang_;
  std::vector<Token>* fragment_buffer_;
  std::size_t i_ = 0;
  std::vector<Node*> stack_;
  std::size_t errors_ = 0;
  std::size_t reported_ = 0;
  bool reported_any_ = false;
  std::size_t nesting_ = 0;
  bool reported_too_deep_ = false;
  std::size_t last_error_tok_ = static_cast<std::size_t>(-1);
  std::size_t block_end_ = static_cast<std::size_t>(-1);
  std::size_t brace_depth_ = 0;
  std::size_t comment_end_ = static_cast<std::size_t>(-1);
  std::size_t statement_head_ = static_cast<std::size_t>(-1);  // first token of the expression statement being parsed
  bool stop_ = false;
  std::vector<std::uint32_t> line_starts_;
  std::vector<std::uint32_t> error_lines_;
};

}  // namespace

Node* parse_into(std::string_view source, Arena& arena, std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics,
                 const ParseOptions& options, Language* language) {
  lex(source, tokens, diagnostics);
  Language lang = Language::Unknown;
  if (options.mistakes) lang = detect_language(source, tokens).language;
  if (language) *language = lang;
  std::vector<Token> fragment;
  Parser parser(source, tokens, arena, diagnostics, options, lang, &fragment);
  Node* root = parser.module();
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.span.begin < b.span.begin; });
  return root;
}

ParseResult parse(std::string_view source, Arena& arena, std::vector<Diagnostic>& diagnostics, const ParseOptions& options) {
  ParseResult result;
  result.root = parse_into(source, arena, result.tokens, diagnostics, options, &result.language);
  return result;
}

}  // namespace spl::syntax
