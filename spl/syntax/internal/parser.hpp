#pragma once
// The parser's machinery, private to spl/syntax (spl/syntax/parser.hpp is the interface): one
// Parser class whose productions are split over files by concern, as rustc_parse's are.
//   parser.cpp        the driver, tree building, lists, nesting
//   recovery.cpp      diagnostics and cascade suppression, one-token repairs, panic mode, and the
//                     error productions that parse foreign syntax as what was meant
//   declarations.cpp  fn, val/var, struct/class/enum/trait/impl and their members, use/export
//   statements.cpp    statements, blocks, control flow, match arms
//   expressions.cpp   the Pratt ladder, postfix forms, primaries, lambdas, interpolation
//   patterns.cpp      patterns
//   types.cpp         types
// Token access and the templates are defined here, so that they inline.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "spl/base/arena.hpp"
#include "spl/syntax/ast.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/mistakes.hpp"
#include "spl/syntax/parser.hpp"
#include "spl/syntax/token.hpp"

namespace spl::syntax::internal {

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

inline bool is_assign_op(Tok k) {
  return k == Tok::Eq || k == Tok::PlusEq || k == Tok::MinusEq || k == Tok::StarEq || k == Tok::SlashEq ||
         k == Tok::PercentEq || k == Tok::StarStarEq || k == Tok::ColonEq;
}

// The Operator of a Binary node written with the infix operator token k (`not` for `not in`; a
// `>>` the lexer split in two is set by the parser), of a Unary node, and of an Assign node.
Operator binary_operator(Tok k);
Operator unary_operator(Tok k);
Operator assignment_operator(Tok k);

// C, Java and TypeScript type names written where Simple wants its own (recovery.cpp).
bool is_c_type(std::string_view w);
// The Simple spelling of a foreign type name, or empty when it is not foreign.
std::string_view simple_type_for(std::string_view w);

class Parser {
 public:
  Parser(std::string_view src, const std::vector<Token>& toks, Arena& arena, std::vector<Diagnostic>& diags,
         const ParseOptions& opts, Language lang, std::vector<Token>* fragment_buffer);

  Node* module();
  Node* fragment_expression();

 private:
  struct Mark {
    std::size_t stack;
    std::uint32_t tok;
    std::size_t errors;
  };

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

  // ---- tree building (parser.cpp) -------------------------------------------------------------
  Mark mark() const { return {stack_.size(), static_cast<std::uint32_t>(i_), errors_}; }
  void push(Node* n) {
    if (n != nullptr) stack_.push_back(n);
  }
  void push_slot(Node* n) { stack_.push_back(n); }  // keeps null: an optional part that is absent
  Node* finish(NodeKind kind, const Mark& m, std::uint32_t token = kNoToken);
  std::uint32_t content_end(std::size_t first) const;
  Node* leaf(NodeKind kind, std::uint32_t token_index);
  Node* take_leaf(NodeKind kind);
  Node* placeholder(NodeKind kind);
  Node* wrap(NodeKind kind, Node* lhs, std::initializer_list<Node*> rest, std::uint32_t token = kNoToken);
  bool too_deep();
  std::size_t matching_paren(std::size_t open) const;
  Node* name_or_missing();
  std::size_t token_index_of(const Node* n) const;

  // ---- lists and bodies -----------------------------------------------------------------------
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
  bool at_list_end(ListEnd end) const;
  bool list_comma(MissingComma missing);

  // `a, b, c` with no brackets around it: one item or more.
  template <class Item>
  void comma_sequence(Item&& item) {
    do {
      item();
    } while (eat(Tok::Comma));
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

  // ---- nesting --------------------------------------------------------------------------------
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

  // ---- diagnostics, repairs, panic mode and foreign syntax (recovery.cpp) ----------------------
  Span span_of(std::size_t token_index) const { return {toks_[token_index].begin, toks_[token_index].end}; }
  Span cur() const { return {here(), tok().end}; }
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
  // Diagnostics, with generic errors suppressed as cascades (one per line).
  std::uint32_t line_of(std::uint32_t offset);
  void note_error_line(std::uint32_t line);
  bool line_has_error(std::uint32_t line) const;
  bool report(Diagnostic d, bool catalogue = false);
  void error_at(const char* code, Span span, std::string message, std::string label, std::vector<TextEdit> edits = {},
                std::string fix_message = {});
  void error_here(const char* code, std::string message, std::string label);
  std::string found() const;
  TextEdit replace_tok(std::size_t token_index, std::string with) const;
  TextEdit delete_tok(std::size_t token_index) const;
  TextEdit delete_with_comma(std::size_t t) const;
  // One-token repairs.
  bool expect(Tok kind, const char* what = nullptr);
  void missing_colon_before_block();
  bool repaired_colon();
  // Panic mode.
  void sync_statement();
  void skip_nested(Tok open, Tok close);
  Node* skip_statement(const Mark& m);
  void skip_missing_body();
  // Error productions: foreign syntax parsed as what was meant, one catalogue diagnostic each.
  std::string written(Span span, const std::vector<TextEdit>& edits);
  void mistake(const char* code, Severity severity, Span span, std::string what, std::string label,
               std::vector<TextEdit> edits, bool applicable = true, std::string note = {});
  void forget_unclosed(std::size_t open);
  TextEdit delete_closing_brace(std::size_t close);
  Node* brace_block();
  Node* c_declaration();
  Node* exception_block();
  bool c_style_head() const;
  Node* c_for(Mark m, std::size_t kw);
  bool looks_like_ts_return_type() const;
  Node* bracket_generics();
  void path_separator_mistake();
  void operator_mistakes(Tok k);
  bool comment_like() const;
  void comment_mistake();
  void foreign_print(Node* call);
  bool ternary_follows() const;
  Node* ternary(Node* cond);
  Node* macro_call(Node* name);
  Node* arrow_function(Node* params);
  Node* python_lambda();

  // ---- declarations (declarations.cpp) --------------------------------------------------------
  Node* declaration();
  Node* visibility();
  Node* decorator();
  Node* attribute();
  Node* fn_decl();
  Node* generic_params();
  Node* params(std::size_t fn_kw, std::uint16_t& fn_flags);
  Node* param(std::size_t fn_kw, std::uint16_t& fn_flags);
  Node* binding(std::uint16_t flags);
  Node* type_alias();
  Node* type_decl(NodeKind kind);
  Node* impl_decl();
  Node* members(NodeKind owner);
  Node* member(NodeKind owner);
  Node* member_inner(NodeKind owner);
  Node* field(Node* visibility = nullptr);
  Node* variant();
  Node* use_decl();
  void relative_dots();
  void use_path(std::uint16_t& flags);
  void use_items();
  Node* alias();
  Node* from_import();

  // ---- statements, blocks and control flow (statements.cpp) -----------------------------------
  Node* statement();
  bool inner_attribute_ahead() const;
  Node* unexpected_indent();
  Node* finish_statement(Node* n);
  Node* contextual_statement();
  Node* expression_statement();
  bool block_follows_colon() const;
  bool statement_head(const Node* n) const;
  bool signed_argument_follows(const Node* lhs) const;
  bool sign_glued_to_operand() const;
  bool noparen_arg_start() const;
  void call_arguments_noparen();
  Node* jump(NodeKind kind);
  bool gherkin_ahead() const;
  Node* gherkin();
  bool asm_follows() const;
  Node* asm_stmt();
  Node* asm_operand();
  Node* pass_stmt();
  Node* defer_stmt();
  Node* with_stmt();
  Node* keyword_block(NodeKind kind);
  Node* assert_stmt();
  Node* colon_block();
  Node* block_after_colon();
  Node* simple_statement();
  Node* if_expr();
  Node* condition();
  Node* for_stmt();
  Node* for_pattern();
  Node* while_stmt();
  Node* match_expr();
  Node* receive_stmt();
  void arms(NodeKind owner);
  Node* arm(NodeKind owner);
  bool caseless_arm_ahead() const;
  Node* finish_arm(Node* n);

  // ---- expressions (expressions.cpp) ----------------------------------------------------------
  Node* argument();
  Node* expression();
  Node* postfix_conditional(Node* value);
  bool postfix_if_ahead() const;
  int infix_prec(bool& right_assoc) const;
  Node* binary(int min_prec);
  bool starts_expression() const;
  Node* unary();
  Node* unary_node(const Mark& m, std::uint32_t op);
  Node* postfix(Node* e);
  bool generic_args_ahead() const;
  Node* generic_args(Node* e);
  bool struct_literal_ahead(const Node* name) const;
  Node* struct_literal(Node* name);
  Node* index(Node* e);
  Node* safe_index(Node* e);
  bool trailing_lambda_follows(const Node* callee) const;
  Node* trailing_lambda_call(Node* callee);
  void paren_arguments();
  Node* primary();
  Node* identifier();
  Node* parenthesised();
  void comprehension_tail();
  Node* trailing_comprehension(const Mark& m, Tok close);
  Node* leading_comprehension(const Mark& m, Tok close);
  Node* array();
  Node* dict();
  Node* lambda();
  Node* lambda_body();
  Node* pipe_lambda();
  Node* anonymous_fn();
  Node* interpolation();
  static std::uint32_t format_spec_colon(std::string_view src, Span hole);
  static void clear_tokens(Node* n);

  // ---- patterns (patterns.cpp) ----------------------------------------------------------------
  static bool literal_or_name(Tok t);
  Node* pattern();
  Node* pattern_primary();
  void struct_pattern_fields();

  // ---- types (types.cpp) ----------------------------------------------------------------------
  Node* type();
  Node* type_primary();
  Node* named_type();

  // ---- state ----------------------------------------------------------------------------------
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

}  // namespace spl::syntax::internal
