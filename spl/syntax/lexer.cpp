#include "spl/syntax/lexer.hpp"

#include <fmt/core.h>

#include <array>
#include <cstring>

namespace spl::syntax {
namespace {

struct KeywordEntry {
  std::string_view text;
  Tok kind;
};

constexpr KeywordEntry kKeywords[] = {
#define SPL_SYNTAX_KW(name, spelling) {spelling, Tok::name},
    SPL_SYNTAX_KEYWORDS(SPL_SYNTAX_KW)
#undef SPL_SYNTAX_KW
};

constexpr std::string_view kSpellings[] = {
    "", "", "", "", "", "", "", "", "", "", "", "",
#define SPL_SYNTAX_SP(name, spelling) spelling,
    SPL_SYNTAX_KEYWORDS(SPL_SYNTAX_SP) SPL_SYNTAX_PUNCT(SPL_SYNTAX_SP)
#undef SPL_SYNTAX_SP
};
static_assert(std::size(kSpellings) == static_cast<std::size_t>(Tok::Count));

bool ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool hex_digit(unsigned char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A trailing token of these kinds continues the logical line onto the next physical line.
bool continues_line(Tok k) {
  switch (k) {
    case Tok::KwAnd: case Tok::KwOr: case Tok::KwNot: case Tok::KwIn: case Tok::KwIs: case Tok::KwXor:
    case Tok::Plus: case Tok::Minus: case Tok::Star: case Tok::Slash: case Tok::Percent: case Tok::StarStar:
    case Tok::EqEq: case Tok::NotEq: case Tok::Lt: case Tok::LtEq: case Tok::GtEq:  // not `>`: it closes generics
    case Tok::Eq: case Tok::PlusEq: case Tok::MinusEq: case Tok::StarEq: case Tok::SlashEq: case Tok::PercentEq:
    case Tok::StarStarEq: case Tok::ColonEq: case Tok::Comma: case Tok::Amp: case Tok::Pipe: case Tok::Caret:
    case Tok::Shl: case Tok::AmpAmp: case Tok::PipePipe: case Tok::QuestionQuestion: case Tok::PipeGt:
    case Tok::TildeGt: case Tok::Arrow: case Tok::FatArrow: case Tok::DotDot: case Tok::DotDotEq:
    case Tok::Dot:
      return true;
    default:
      return false;
  }
}

bool statement_keyword(std::string_view word) {
  static constexpr std::string_view kWords[] = {"fn", "val", "var", "for", "while", "return", "class", "struct",
                                                "enum", "trait", "impl", "use", "export", "match", "loop", "actor",
                                                "describe", "it", "elif", "else", "def", "let", "const", "function"};
  for (std::string_view w : kWords) {
    if (w == word) return true;
  }
  return false;
}

Tok closer_of(Tok open) {
  switch (open) {
    case Tok::LParen: return Tok::RParen;
    case Tok::LBracket: return Tok::RBracket;
    case Tok::HashBracket: return Tok::RBracket;
    default: return Tok::RBrace;
  }
}

class Lexer {
 public:
  Lexer(std::string_view src, std::uint32_t begin, std::uint32_t end, std::vector<Token>& out, std::vector<Diagnostic>& diags,
        bool fragment)
      : src_(src), pos_(begin), end_(end), out_(out), diags_(diags), fragment_(fragment) {}

  void run() {
    out_.reserve(out_.size() + (end_ - pos_) / 4 + 16);
    levels_.push_back({0, false});
    at_line_start_ = !fragment_;
    while (true) {
      if (at_line_start_) {
        at_line_start_ = false;
        if (!line_start()) break;
      }
      if (!skip_space()) break;
      if (pos_ >= end_) break;
      unsigned char c = byte(pos_);
      if (c == '\n') {
        end_of_line();
        ++pos_;
        at_line_start_ = !fragment_;
        line_start_flag_ = true;
        continue;
      }
      lex_token(c);
    }
    finish();
  }

 private:
  struct Level {
    std::uint32_t width;
    bool phantom;  // pushed without an INDENT (a forced-indentation base or an odd dedent): popped silently
  };
  struct Bracket {
    Tok open;
    std::uint32_t pos;
    std::uint32_t line_indent;  // indentation of the line the bracket opened on
  };
  struct Frame {
    std::size_t bracket_depth;  // brackets open when the block lambda started
    std::size_t base_level;     // index of the frame's phantom base level
  };

  unsigned char byte(std::uint32_t p) const { return p < end_ ? static_cast<unsigned char>(src_[p]) : 0; }

  bool active() const { return brackets_.size() == (frames_.empty() ? 0 : frames_.back().bracket_depth); }

  void emit(Tok kind, std::uint32_t begin, std::uint32_t end, std::uint8_t flags = 0) {
    if (line_start_flag_) flags |= kLineStart;
    if (space_before_) flags |= kSpaceBefore;
    line_start_flag_ = false;
    space_before_ = false;
    out_.push_back(Token{kind, flags, begin, end});
  }
  void emit_layout(Tok kind, std::uint32_t at) { out_.push_back(Token{kind, 0, at, at}); }

  std::uint32_t last_end() const { return out_.empty() ? 0 : out_.back().end; }
  // The end of the last token that is not layout (where a missing closer belongs).
  std::uint32_t content_end() const {
    for (std::size_t j = out_.size(); j-- > 0;) {
      Tok k = out_[j].kind;
      if (k != Tok::Newline && k != Tok::Indent && k != Tok::Dedent) return out_[j].end;
    }
    return 0;
  }

  void error(const char* code, Span span, std::string message, std::string label = {}) {
    Diagnostic d;
    d.code = code;
    d.message = std::move(message);
    d.span = span;
    d.primary_label = std::move(label);
    diags_.push_back(std::move(d));
  }

  // Skips spaces, tabs, carriage returns, comments and backslash-newline joins. False at the end.
  bool skip_space() {
    while (pos_ < end_) {
      unsigned char c = byte(pos_);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        ++pos_;
        space_before_ = true;
      } else if (c == '#' && byte(pos_ + 1) != '[') {
        while (pos_ < end_ && byte(pos_) != '\n') ++pos_;
      } else if (c == '/' && byte(pos_ + 1) == '/' && line_start_flag_ && !fragment_) {
        line_comment_mistake();
      } else if (c == '/' && byte(pos_ + 1) == '*') {
        skip_block_comment();
        space_before_ = true;
      } else if (c == '\\' && (byte(pos_ + 1) == '\n' || (byte(pos_ + 1) == '\r' && byte(pos_ + 2) == '\n'))) {
        pos_ += byte(pos_ + 1) == '\n' ? 2 : 3;
        space_before_ = true;
        line_start_flag_ = true;
      } else {
        return true;
      }
    }
    return false;
  }

  // `//` cannot start a line as an operator (it does not continue lines), so a line that starts
  // with it is a C-style comment: report it and skip it like one.
  void line_comment_mistake() {
    std::uint32_t start = pos_;
    std::uint32_t e = pos_;
    while (e < end_ && byte(e) != '\n') ++e;
    std::string_view text = src_.substr(start + 2, e - start - 2);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    Diagnostic d;
    d.code = "E0331";
    d.message = fmt::format("in Simple, `//{}` is written `#{}`", text, text);
    if (d.message.size() > 120) d.message = "comments start with `#`, not `//`";
    d.span = {start, start + 2};
    d.primary_label = "write `#`";
    d.notes.push_back("comments start with `#`; `//` is the parallel operator");
    d.fixits.push_back({"rewrite it the Simple way", {{{start, start + 2}, "#"}}, true});
    diags_.push_back(std::move(d));
    pos_ = e;
  }

  void skip_block_comment() {
    std::uint32_t start = pos_;
    int depth = 0;
    while (pos_ < end_) {
      if (byte(pos_) == '/' && byte(pos_ + 1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (byte(pos_) == '*' && byte(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) return;
      } else {
        ++pos_;
      }
    }
    error("E0108", {start, start + 2}, "unterminated block comment", "this `/*` is never closed");
  }

  // Handles indentation at the start of a physical line. False when the input is exhausted.
  bool line_start() {
    while (true) {
      std::uint32_t p = pos_;
      std::uint32_t width = 0;
      // A `\r` not ending the line (a stray one in the indentation) is whitespace of no width,
      // as it is between tokens: the line keeps its tokens.
      while (p < end_ && (byte(p) == ' ' || byte(p) == '\t' || (byte(p) == '\r' && byte(p + 1) != '\n'))) {
        if (byte(p) != '\r') width += byte(p) == '\t' ? 4 : 1;
        ++p;
      }
      if (p >= end_) {
        pos_ = p;
        return false;
      }
      unsigned char c = byte(p);
      if (c == '\r' || c == '\n' || (c == '#' && byte(p + 1) != '[') || (c == '@' && conditional_directive(p))) {
        while (p < end_ && byte(p) != '\n') ++p;  // blank or comment-only line: no layout tokens
        if (p >= end_) {
          pos_ = p;
          return false;
        }
        pos_ = p + 1;
        continue;
      }
      pos_ = p;
      line_start_flag_ = true;
      space_before_ = true;
      line_indent_ = width;
      if (!active()) close_abandoned_brackets(p, width);
      if (active()) {
        indentation(p, width);
        // The line may have ended a block lambda inside a bracket that was never closed.
        if (!active()) {
          close_abandoned_brackets(p, width);
          if (active()) indentation(p, width);
        }
      }
      return true;
    }
  }

  // `@when(cond)`, `@elif(cond)`, `@else` and `@end` lines select source lines at compile time.
  // Without a configuration to evaluate them against, every branch is lexed as ordinary code and
  // the directive lines are layout, like comments. `@end` is a directive only inside a `@when`.
  bool conditional_directive(std::uint32_t p) {
    std::uint32_t q = p + 1;
    while (q < end_ && ident_char(byte(q))) ++q;
    std::string_view w = src_.substr(p + 1, q - p - 1);
    if ((w == "when" || w == "elif") && byte(q) == '(') {
      if (w == "when") ++when_depth_;
      return true;
    }
    if (w != "else" && !(w == "end" && when_depth_ > 0)) return false;
    if (byte(q) == ':') ++q;
    while (q < end_ && (byte(q) == ' ' || byte(q) == '\t' || byte(q) == '\r')) ++q;
    if (q < end_ && byte(q) != '\n' && byte(q) != '#') return false;
    if (w == "end") --when_depth_;
    return true;
  }

  // Inside brackets, a statement keyword at or left of the opening line's indentation means the
  // bracket was never closed: close it here so the rest of the file keeps its structure.
  // Also when a line starts at or left of that indentation with anything but a closer or a
  // continuing operator: continuation lines inside brackets are indented deeper.
  void close_abandoned_brackets(std::uint32_t p, std::uint32_t width) {
    std::uint32_t q = p;
    while (q < end_ && ident_char(byte(q))) ++q;
    bool keyword = q != p && statement_keyword(src_.substr(p, q - p)) && byte(q) != '(' && byte(q) != '.';
    unsigned char c = byte(p);
    bool continues = c == ')' || c == ']' || c == '}' || c == '.' || c == ',' || c == '|' || c == '+' || c == '-' ||
                     c == '*' || c == '&' || c == '=' || c == '<' || c == '>' || c == '"' || c == '\'';
    if (!keyword && continues) return;
    if (!keyword && q != p) {
      std::string_view w = src_.substr(p, q - p);
      if (w == "and" || w == "or" || w == "if" || w == "else" || w == "for" || w == "in") return;
    }
    while (!active() && width <= brackets_.back().line_indent) {
      const Bracket& b = brackets_.back();
      report_unclosed(b);
      close_bracket_synthetic();
    }
  }

  // Machine-made input can leave thousands of brackets open; past this many the rest are closed
  // silently (each report would print the whole line again).
  static constexpr std::size_t kMaxUnclosedReports = 100;

  void report_unclosed(const Bracket& b) {
    if (++unclosed_reported_ > kMaxUnclosedReports) return;
    Diagnostic d;
    d.code = "E0104";
    d.message = fmt::format("unclosed `{}`", spelling(b.open));
    d.span = {b.pos, b.pos + static_cast<std::uint32_t>(spelling(b.open).size())};
    d.primary_label = "opened here and never closed";
    std::uint32_t at = content_end();
    FixIt fix{fmt::format("close it with `{}`", spelling(closer_of(b.open))), {{{at, at}, std::string(spelling(closer_of(b.open)))}}, true};
    d.fixits.push_back(std::move(fix));
    diags_.push_back(std::move(d));
  }

  void close_bracket_synthetic() {
    Tok closer = closer_of(brackets_.back().open);
    brackets_.pop_back();
    std::uint32_t at = last_end();
    out_.push_back(Token{closer, kSynthetic, at, at});
    end_frames();
  }

  // Ends block-lambda frames whose enclosing bracket has closed.
  void end_frames() {
    while (!frames_.empty() && frames_.back().bracket_depth > brackets_.size()) {
      end_frame(last_end());
    }
  }

  void end_frame(std::uint32_t at) {
    Frame f = frames_.back();
    if (!out_.empty() && out_.back().kind != Tok::Newline && out_.back().kind != Tok::Dedent) emit_layout(Tok::Newline, at);
    while (levels_.size() > f.base_level + 1) {
      if (!levels_.back().phantom) emit_layout(Tok::Dedent, at);
      levels_.pop_back();
    }
    levels_.pop_back();  // the phantom base
    frames_.pop_back();
  }

  bool starts_statement_keyword(std::uint32_t p) const {
    std::uint32_t q = p;
    while (q < end_ && ident_char(byte(q))) ++q;
    return q > p && statement_keyword(src_.substr(p, q - p)) && byte(q) != '(' && byte(q) != '.';
  }

  bool leading_operator(std::uint32_t p, std::uint32_t width) const {
    if (!out_.empty() && out_.back().kind == Tok::Colon) return false;  // a block starts here
    bool deeper = width > levels_.back().width;
    auto word = [&](std::string_view w) {
      return src_.substr(p, w.size()) == w && !ident_char(byte(p + static_cast<std::uint32_t>(w.size())));
    };
    unsigned char c = byte(p), n = byte(p + 1);
    if (word("and") || word("or")) return true;
    if ((c == '|' && n == '>') || (c == '?' && n == '?')) return true;
    if (!deeper) return false;
    if (c == '.' && n != '.') return true;  // method chain on an indented line
    if ((c == '=' && n == '=') || (c == '!' && n == '=') || (c == '<' && n == '=') || (c == '>' && n == '=')) return true;
    if ((c == '+' || c == '-' || c == '*' || c == '<' || c == '>') && (n == ' ' || n == '\t')) return true;
    return false;
  }

  void indentation(std::uint32_t p, std::uint32_t width) {
    if (out_.empty()) {
      if (width > 0) levels_.push_back({width, true});  // an indented first line is the base
      return;
    }
    if (continuation_) {
      continuation_ = false;
      // A statement keyword at or left of the current block is a new statement: the operator
      // before the break was left dangling, and joining would swallow the next line.
      if (!(width <= levels_.back().width && starts_statement_keyword(p))) return;
    }
    if (leading_operator(p, width)) return;
    if (out_.back().kind != Tok::Newline) emit_layout(Tok::Newline, last_end());
    if (width > levels_.back().width) {
      levels_.push_back({width, false});
      emit_layout(Tok::Indent, p);
      return;
    }
    std::size_t floor = frames_.empty() ? 0 : frames_.back().base_level;
    while (levels_.size() > floor + 1 && width < levels_.back().width) {
      if (!levels_.back().phantom) emit_layout(Tok::Dedent, p);
      levels_.pop_back();
    }
    if (!frames_.empty() && width <= levels_[floor].width && levels_.size() == floor + 1) {
      // Back at or left of the line that opened the block lambda: the lambda body is over.
      frames_.pop_back();
      levels_.pop_back();
      return;
    }
    if (width > levels_.back().width) {
      std::uint32_t line_end = p;
      while (line_end < end_ && byte(line_end) != '\n') ++line_end;
      error("E0103", {p, p + 1}, "inconsistent indentation: this line matches no enclosing block",
            fmt::format("indented {} columns; the enclosing blocks use {}", width, levels_.back().width));
      levels_.push_back({width, true});
    }
  }

  void end_of_line() {
    if (!active() || out_.empty()) {
      if (!active() && !brackets_.empty()) maybe_start_frame();
      return;
    }
    Tok last = out_.back().kind;
    if (continues_line(last) && !(last == Tok::Star && out_.size() >= 2 && out_[out_.size() - 2].kind == Tok::Dot)) {
      continuation_ = true;
    }
  }

  // `:` ending a line inside brackets opens an indented block (a block lambda or a match inside a
  // call): switch indentation back on until the block ends.
  void maybe_start_frame() {
    if (out_.empty() || out_.back().kind != Tok::Colon) return;
    frames_.push_back({brackets_.size(), levels_.size()});
    levels_.push_back({line_indent_, true});
    emit_layout(Tok::Newline, last_end());
  }

  void lex_token(unsigned char c) {
    std::uint32_t start = pos_;
    if (ident_start(c)) {
      if ((c == 'r' || c == 'f') && byte(pos_ + 1) == '"') {
        ++pos_;
        lex_string(start, c == 'r');
        return;
      }
      while (pos_ < end_ && ident_char(byte(pos_))) ++pos_;
      std::string_view word = src_.substr(start, pos_ - start);
      if (byte(pos_) == '{' && payload_block(word)) {
        std::uint32_t close = payload_close(pos_);
        if (close != 0) {
          pos_ = close + 1;
          emit(Tok::Payload, start, pos_);
          return;
        }
      }
      Tok kind = keyword_kind(word);
      if (byte(pos_) == '~' && suspendable(kind)) {  // `if~ ready():` awaits inside the condition
        ++pos_;
        emit(kind, start, pos_, kSuspend);
        return;
      }
      emit(kind, start, pos_);
      return;
    }
    if (digit(c)) {
      lex_number(start);
      return;
    }
    switch (c) {
      case '"': lex_string(start, false); return;
      case '\'': lex_quote(start); return;
      case '`': lex_atom(start); return;
      default: break;
    }
    lex_operator(start, c);
  }

  static bool suspendable(Tok k) {
    return k == Tok::KwIf || k == Tok::KwWhile || k == Tok::KwFor || k == Tok::KwMatch || k == Tok::KwAnd || k == Tok::KwOr;
  }

  // Custom blocks whose text belongs to another language (math, shell, SQL, regex, markdown, HTML,
  // graphs, images, pointcuts): written right after the name, no space.
  static bool payload_block(std::string_view w) {
    return w == "m" || w == "sh" || w == "sql" || w == "re" || w == "md" || w == "html" || w == "graph" || w == "img" ||
           w == "pc";
  }

  // The `}` that balances the `{` at open, or 0 when there is none (then the braces are lexed as
  // ordinary brackets, so bracket recovery still applies). The bytes scanned over the whole file
  // are capped at a few times its size, so many unclosed blocks cannot make lexing quadratic.
  std::uint32_t payload_close(std::uint32_t open) {
    int depth = 0;
    for (std::uint32_t p = open; p < end_ && payload_budget_ > 0; ++p, --payload_budget_) {
      if (byte(p) == '{') ++depth;
      if (byte(p) == '}' && --depth == 0) return p;
    }
    return 0;
  }

  void lex_number(std::uint32_t start) {
    std::uint8_t flags = 0;
    bool is_float = false;
    bool after_dot = !out_.empty() && out_.back().kind == Tok::Dot && out_.back().end == start;
    unsigned char c = byte(pos_), n = byte(pos_ + 1);
    bool based = c == '0' && (n == 'x' || n == 'X' || n == 'o' || n == 'b' || n == 'B');
    std::uint32_t digits_begin;
    if (based) {
      pos_ += 2;
      digits_begin = pos_;
      while (pos_ < end_ && (hex_digit(byte(pos_)) || byte(pos_) == '_')) {
        if ((n == 'o' && !(byte(pos_) >= '0' && byte(pos_) <= '7') && byte(pos_) != '_') ||
            ((n == 'b' || n == 'B') && byte(pos_) != '0' && byte(pos_) != '1' && byte(pos_) != '_')) {
          break;
        }
        ++pos_;
      }
      if (pos_ == digits_begin) {
        error("E0106", {start, pos_}, "number literal has no digits after its base prefix", "expected digits here");
      }
    } else {
      digits_begin = pos_;
      decimal_digits();
      if (!after_dot && byte(pos_) == '.' && digit(byte(pos_ + 1))) {
        is_float = true;
        ++pos_;
        decimal_digits();
      }
      if ((byte(pos_) == 'e' || byte(pos_) == 'E') &&
          (digit(byte(pos_ + 1)) || ((byte(pos_ + 1) == '+' || byte(pos_ + 1) == '-') && digit(byte(pos_ + 2))))) {
        is_float = true;
        pos_ += 2;
        decimal_digits();
      }
    }
    std::uint32_t digits_end = pos_;
    bool u64 = false;
    if (ident_start(byte(pos_)) && byte(pos_) != '_') {
      std::uint32_t s = pos_;
      while (pos_ < end_ && ident_char(byte(pos_))) ++pos_;
      std::string_view suffix = src_.substr(s, pos_ - s);
      static constexpr std::string_view kTypes[] = {"i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64"};
      bool known = false;
      for (std::string_view t : kTypes) known = known || t == suffix;
      if (!known) {
        error("E0106", {s, pos_}, fmt::format("unknown number suffix `{}`", suffix),
              "expected one of i8 i16 i32 i64 u8 u16 u32 u64 f32 f64, or a unit written `_unit`");
      }
      u64 = suffix == "u64";
      if (suffix[0] == 'f') is_float = true;
      flags |= kSuffixed;
    } else if (byte(pos_) == '_' && ident_start(byte(pos_ + 1))) {
      ++pos_;  // unit suffix: 100_km
      while (pos_ < end_ && ident_char(byte(pos_))) ++pos_;
      flags |= kSuffixed;
    }
    if (!is_float && !based && !u64) check_range(start, digits_begin, digits_end);
    emit(is_float ? Tok::Float : Tok::Int, start, pos_, flags);
  }

  void decimal_digits() {
    while (pos_ < end_ && (digit(byte(pos_)) || (byte(pos_) == '_' && digit(byte(pos_ + 1))))) ++pos_;
  }

  void check_range(std::uint32_t start, std::uint32_t b, std::uint32_t e) {
    // i64::MAX + 1 is allowed so that -9223372036854775808 can be written.
    static constexpr std::string_view kLimit = "9223372036854775808";
    char digits[32];
    std::size_t n = 0;
    for (std::uint32_t i = b; i < e; ++i) {
      if (byte(i) == '_') continue;
      if (n == 0 && byte(i) == '0') continue;
      if (n >= sizeof(digits)) break;
      digits[n++] = static_cast<char>(byte(i));
    }
    std::string_view v(digits, n);
    if (n > kLimit.size() || (n == kLimit.size() && v > kLimit)) {
      error("E0107", {start, e}, "integer literal does not fit in i64", "larger than 9223372036854775807");
    }
  }

  // "..." (interpolating), f"...", r"...", and their triple-quoted forms; """...""" is raw.
  void lex_string(std::uint32_t start, bool raw) {
    bool prefixed = pos_ != start;
    bool fprefix = prefixed && !raw;
    std::uint8_t flags = 0;
    if (byte(pos_) == '"' && byte(pos_ + 1) == '"' && byte(pos_ + 2) == '"') {
      pos_ += 3;
      flags |= kTriple;
      bool interpolating = fprefix;
      while (pos_ < end_ && !(byte(pos_) == '"' && byte(pos_ + 1) == '"' && byte(pos_ + 2) == '"')) {
        if (interpolating && byte(pos_) == '\\') ++pos_;
        if (interpolating && byte(pos_) == '{') {
          std::uint32_t close = hole_end(pos_, true);
          if (close != 0) {
            flags |= kInterpolated;
            pos_ = close;
          }
        }
        ++pos_;
      }
      if (pos_ >= end_) {
        flags |= kUnterminated;
        error("E0101", {start, start + 3}, "unterminated triple-quoted string", "this string is never closed");
        pos_ = end_;
      } else {
        pos_ += 3;
      }
      emit(interpolating ? Tok::String : Tok::RawString, start, pos_, flags);
      return;
    }
    ++pos_;  // opening quote
    while (pos_ < end_ && byte(pos_) != '"' && byte(pos_) != '\n') {
      if (byte(pos_) == '\\' && !raw) {
        // An escape takes the next character, unless that is the line end or the end of the text.
        pos_ += (pos_ + 1 >= end_ || byte(pos_ + 1) == '\n') ? 1 : 2;
        continue;
      }
      if (!raw && byte(pos_) == '{') {
        if (byte(pos_ + 1) == '{') {
          pos_ += 2;
          continue;
        }
        std::uint32_t close = hole_end(pos_, false);
        if (close != 0) {
          flags |= kInterpolated;
          pos_ = close + 1;
          continue;
        }
      }
      ++pos_;
    }
    if (byte(pos_) != '"') {
      flags |= kUnterminated;
      error("E0101", {start, pos_}, "unterminated string literal", "this string reaches the end of the line");
      diags_.back().fixits.push_back({"close the string", {{{pos_, pos_}, "\""}}, true});
    } else {
      ++pos_;
      if (!(flags & kInterpolated) && byte(pos_) == '_' && ident_start(byte(pos_ + 1))) {
        ++pos_;
        while (pos_ < end_ && ident_char(byte(pos_))) ++pos_;
        flags |= kSuffixed;
      }
    }
    emit(raw ? Tok::RawString : Tok::String, start, pos_, flags);
  }

  // The offset of the `}` closing the hole that opens at brace, or 0 when it is a literal brace.
  std::uint32_t hole_end(std::uint32_t brace, bool multiline) const {
    unsigned char first = byte(brace + 1);
    if (first == '"' || first == '\\' || first == '}' || first == '\'') return 0;
    int depth = 0;
    for (std::uint32_t p = brace; p < end_; ++p) {
      unsigned char c = byte(p);
      if (c == '\n' && !multiline) return 0;
      if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (--depth == 0) return p;
      } else if (c == '"' || c == '\'') {
        ++p;
        while (p < end_ && byte(p) != c && byte(p) != '\n') p += byte(p) == '\\' ? 2 : 1;
        if (p >= end_ || byte(p) == '\n') return 0;
      }
    }
    return 0;
  }

  // '...' raw string, or a label 'outer when no quote closes it on the line.
  void lex_quote(std::uint32_t start) {
    std::uint32_t p = pos_ + 1;
    while (p < end_ && byte(p) != '\'' && byte(p) != '\n') p += (byte(p) == '\\' && byte(p + 1) == '\'') ? 2 : 1;
    if (p < end_ && byte(p) == '\'') {
      pos_ = p + 1;
      emit(Tok::RawString, start, pos_);
      return;
    }
    if (ident_start(byte(pos_ + 1))) {
      pos_ += 1;
      while (pos_ < end_ && ident_char(byte(pos_))) ++pos_;
      emit(Tok::Label, start, pos_);
      return;
    }
    pos_ = p;
    error("E0101", {start, p}, "unterminated string literal", "this string reaches the end of the line");
    diags_.back().fixits.push_back({"close the string", {{{p, p}, "'"}}, true});
    emit(Tok::RawString, start, pos_, kUnterminated);
  }

  void lex_atom(std::uint32_t start) {
    std::uint32_t p = pos_ + 1;
    while (p < end_ && byte(p) != '`' && byte(p) != '\n') ++p;
    if (byte(p) != '`') {
      pos_ = p;
      error("E0101", {start, p}, "unterminated atom", "expected a closing backtick");
      emit(Tok::Atom, start, pos_, kUnterminated);
      return;
    }
    pos_ = p + 1;
    emit(Tok::Atom, start, pos_);
  }

  void open_bracket(Tok kind, std::uint32_t start, std::uint32_t len) {
    brackets_.push_back({kind, start, line_indent_});
    pos_ = start + len;
    emit(kind, start, pos_);
  }

  void close_bracket(Tok kind, std::uint32_t start) {
    std::size_t match = brackets_.size();
    while (match > 0 && closer_of(brackets_[match - 1].open) != kind) --match;
    std::size_t floor = frames_.empty() ? 0 : frames_.back().bracket_depth;
    if (match == 0 || match <= floor) {
      pos_ = start + 1;
      // A closer for the bracket around an open block lambda ends that lambda first.
      if (match != 0 && match == floor) {
        end_frame(start);
        close_bracket(kind, start);
        return;
      }
      std::uint32_t next = start + 1;
      while (next < end_ && (byte(next) == ' ' || byte(next) == '\t')) ++next;
      bool right_one_follows = brackets_.size() > floor && byte(next) == spelling(closer_of(brackets_.back().open))[0];
      if (brackets_.size() > floor && !right_one_follows) {
        // The wrong kind of closer for the innermost bracket: a one-token replacement.
        const Bracket& b = brackets_.back();
        std::string_view want = spelling(closer_of(b.open));
        error("E0105", {start, start + 1},
              fmt::format("expected `{}` to close `{}`, found `{}`", want, spelling(b.open), static_cast<char>(byte(start))),
              fmt::format("write `{}`", want));
        diags_.back().labels.push_back({{b.pos, b.pos + 1}, "opened here"});
        diags_.back().fixits.push_back({fmt::format("write `{}`", want), {{{start, start + 1}, std::string(want)}}, true});
        Tok closer = closer_of(b.open);
        brackets_.pop_back();
        emit(closer, start, start + 1);
        end_frames();
        return;
      }
      error("E0105", {start, start + 1}, fmt::format("unexpected `{}`", static_cast<char>(byte(start))),
            "no open bracket matches this");
      diags_.back().fixits.push_back({"remove it", {{{start, start + 1}, ""}}, true});
      return;
    }
    while (brackets_.size() > match) {
      report_unclosed(brackets_.back());
      close_bracket_synthetic();
    }
    brackets_.pop_back();
    pos_ = start + 1;
    emit(kind, start, pos_);
    end_frames();
  }

  void lex_operator(std::uint32_t start, unsigned char c) {
    unsigned char n = byte(pos_ + 1), n2 = byte(pos_ + 2);
    auto op = [&](Tok kind, std::uint32_t len) {
      pos_ = start + len;
      emit(kind, start, pos_);
    };
    switch (c) {
      case '(': open_bracket(Tok::LParen, start, 1); return;
      case '[': open_bracket(Tok::LBracket, start, 1); return;
      case '{': open_bracket(Tok::LBrace, start, 1); return;
      case ')': close_bracket(Tok::RParen, start); return;
      case ']': close_bracket(Tok::RBracket, start); return;
      case '}': close_bracket(Tok::RBrace, start); return;
      case '#': open_bracket(Tok::HashBracket, start, 2); return;
      case ',': op(Tok::Comma, 1); return;
      case ';': op(Tok::Semi, 1); return;
      case ':':
        if (n == ':') return op(Tok::ColonColon, 2);
        if (n == '=') return op(Tok::ColonEq, 2);
        return op(Tok::Colon, 1);
      case '.':
        if (n == '.' && n2 == '.') return op(Tok::Ellipsis, 3);
        if (n == '.' && n2 == '=') return op(Tok::DotDotEq, 3);
        if (n == '.') return op(Tok::DotDot, 2);
        if (n == '?') return op(Tok::DotQuestion, 2);
        return op(Tok::Dot, 1);
      case '+':
        if (n == '+') return op(Tok::PlusPlus, 2);
        if (n == '=') return op(Tok::PlusEq, 2);
        return op(Tok::Plus, 1);
      case '-':
        if (n == '-' && !digit(n2)) return op(Tok::MinusMinus, 2);
        if (n == '=') return op(Tok::MinusEq, 2);
        if (n == '>') return op(Tok::Arrow, 2);
        return op(Tok::Minus, 1);
      case '*':
        if (n == '*' && n2 == '=') return op(Tok::StarStarEq, 3);
        if (n == '*') return op(Tok::StarStar, 2);
        if (n == '=') return op(Tok::StarEq, 2);
        return op(Tok::Star, 1);
      case '/':
        if (n == '/') return op(Tok::SlashSlash, 2);
        if (n == '=') return op(Tok::SlashEq, 2);
        return op(Tok::Slash, 1);
      case '%':
        if (n == '=') return op(Tok::PercentEq, 2);
        return op(Tok::Percent, 1);
      case '=':
        if (n == '=' && n2 == '=') return op(Tok::EqEqEq, 3);
        if (n == '=') return op(Tok::EqEq, 2);
        if (n == '>') return op(Tok::FatArrow, 2);
        return op(Tok::Eq, 1);
      case '!':
        if (n == '=' && n2 == '=') return op(Tok::NotEqEq, 3);
        if (n == '=') return op(Tok::NotEq, 2);
        return op(Tok::Bang, 1);
      case '<':
        if (n == '=') return op(Tok::LtEq, 2);
        if (n == '<') return op(Tok::Shl, 2);
        if (n == '-' && !digit(n2)) return op(Tok::LeftArrow, 2);
        return op(Tok::Lt, 1);
      case '>':
        if (n == '=') return op(Tok::GtEq, 2);
        return op(Tok::Gt, 1);  // `>>` stays two tokens so nested generics close; the parser rejoins shifts
      case '&':
        if (n == '&') return op(Tok::AmpAmp, 2);
        if (n == ':' && ident_start(n2)) return op(Tok::AmpColon, 2);
        return op(Tok::Amp, 1);
      case '|':
        if (n == '|') return op(Tok::PipePipe, 2);
        if (n == '>') return op(Tok::PipeGt, 2);
        return op(Tok::Pipe, 1);
      case '^': return op(Tok::Caret, 1);
      case '~':
        if (n == '>') return op(Tok::TildeGt, 2);
        if (n == '=' || ((n == '+' || n == '-' || n == '*' || n == '/') && n2 == '=')) {
          // Suspension assignment (`x ~= fetch()`): the assignment token, flagged.
          Tok kind = n == '=' ? Tok::Eq : n == '+' ? Tok::PlusEq : n == '-' ? Tok::MinusEq : n == '*' ? Tok::StarEq : Tok::SlashEq;
          pos_ = start + (n == '=' ? 2 : 3);
          emit(kind, start, pos_, kSuspend);
          return;
        }
        return op(Tok::Tilde, 1);
      case '?':
        if (n == '?') return op(Tok::QuestionQuestion, 2);
        if (n == '.' && n2 != '.') return op(Tok::QuestionDot, 2);
        return op(Tok::Question, 1);
      case '@': return op(Tok::At, 1);
      case '\\': return op(Tok::Backslash, 1);
      case '$': return op(Tok::Dollar, 1);
      default: break;
    }
    // Anything else is not Simple: report it once and skip the whole run of such bytes.
    std::uint32_t p = start + 1;
    while (p < end_ && (byte(p) < 0x20 || byte(p) == 0x7f) && byte(p) != '\n' && byte(p) != '\t' && byte(p) != '\r') ++p;
    error("E0102", {start, p}, fmt::format("unexpected character `{}`", src_.substr(start, p - start)),
          "not part of any Simple token");
    diags_.back().fixits.push_back({"remove it", {{{start, p}, ""}}, true});
    pos_ = p;
  }

  void finish() {
    while (!brackets_.empty()) {
      std::size_t floor = frames_.empty() ? 0 : frames_.back().bracket_depth;
      if (brackets_.size() == floor) {
        end_frame(last_end());
        continue;
      }
      report_unclosed(brackets_.back());
      close_bracket_synthetic();
    }
    while (!frames_.empty()) end_frame(last_end());
    std::uint32_t at = end_;
    if (!fragment_) {
      if (!out_.empty() && out_.back().kind != Tok::Newline && out_.back().kind != Tok::Dedent) {
        emit_layout(Tok::Newline, last_end());
      }
      while (levels_.size() > 1) {
        if (!levels_.back().phantom) emit_layout(Tok::Dedent, at);
        levels_.pop_back();
      }
    }
    out_.push_back(Token{Tok::Eof, kLineStart, at, at});
  }

  std::string_view src_;
  std::uint32_t pos_;
  std::uint32_t end_;
  std::vector<Token>& out_;
  std::vector<Diagnostic>& diags_;
  bool fragment_;
  std::uint32_t when_depth_ = 0;  // open `@when` directives
  std::uint64_t payload_budget_ = 4ull * (end_ - pos_) + 65536;
  bool at_line_start_ = true;
  bool line_start_flag_ = true;
  bool space_before_ = true;
  bool continuation_ = false;
  std::uint32_t line_indent_ = 0;
  std::vector<Level> levels_;
  std::vector<Bracket> brackets_;
  std::size_t unclosed_reported_ = 0;
  std::vector<Frame> frames_;
};

}  // namespace

std::string_view spelling(Tok kind) { return kSpellings[static_cast<std::size_t>(kind)]; }

bool is_keyword(Tok kind) { return kind >= Tok::KwFn && kind <= Tok::KwXor; }

Tok keyword_kind(std::string_view text) {
  if (text.size() < 2 || text.size() > 8 || text[0] < 'a' || text[0] > 'y') return Tok::Ident;
  for (const KeywordEntry& k : kKeywords) {
    if (k.text.size() == text.size() && k.text[0] == text[0] && k.text == text) return k.kind;
  }
  return Tok::Ident;
}

std::string_view describe(Tok kind) {
  switch (kind) {
    case Tok::Eof: return "end of file";
    case Tok::Newline: return "end of line";
    case Tok::Indent: return "indented block";
    case Tok::Dedent: return "end of block";
    case Tok::Ident: return "identifier";
    case Tok::Int: return "integer";
    case Tok::Float: return "float";
    case Tok::String: return "string";
    case Tok::RawString: return "string";
    case Tok::Label: return "label";
    case Tok::Atom: return "atom";
    case Tok::Payload: return "custom block";
    default: return spelling(kind);
  }
}

void lex(std::string_view source, std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics) {
  tokens.clear();
  Lexer(source, 0, static_cast<std::uint32_t>(source.size()), tokens, diagnostics, false).run();
}

void lex_fragment(std::string_view source, std::uint32_t base, std::uint32_t end, std::vector<Token>& tokens,
                  std::vector<Diagnostic>& diagnostics) {
  tokens.clear();
  Lexer(source, base, end, tokens, diagnostics, true).run();
}

void interpolation_holes(std::string_view source, const Token& t, std::vector<Span>& holes) {
  holes.clear();
  if (t.kind != Tok::String || !t.has(kInterpolated)) return;
  auto byte = [&](std::uint32_t p) { return p < t.end ? static_cast<unsigned char>(source[p]) : 0; };
  std::uint32_t p = t.begin;
  while (byte(p) != '"') ++p;
  bool triple = t.has(kTriple);
  p += triple ? 3 : 1;
  std::uint32_t stop = t.end - (t.has(kUnterminated) ? 0 : (triple ? 3 : 1));
  while (p < stop) {
    unsigned char c = byte(p);
    if (c == '\\' && byte(p + 1) == 'u' && byte(p + 2) == '{') {  // \u{48}: an escape, not a hole
      p += 3;
      while (p < stop && byte(p) != '}') ++p;
      ++p;
      continue;
    }
    if (c == '\\') {
      p += 2;
      continue;
    }
    if (c == '{' && byte(p + 1) == '{') {
      p += 2;
      continue;
    }
    if (c == '{') {
      unsigned char first = byte(p + 1);
      int depth = 0;
      std::uint32_t q = p;
      std::uint32_t close = 0;
      if (first != '"' && first != '\\' && first != '}' && first != '\'') {
        for (; q < stop; ++q) {
          unsigned char d = byte(q);
          if (d == '\n' && !triple) break;
          if (d == '{') {
            ++depth;
          } else if (d == '}') {
            if (--depth == 0) {
              close = q;
              break;
            }
          } else if (d == '"' || d == '\'') {
            ++q;
            while (q < stop && byte(q) != d && byte(q) != '\n') q += byte(q) == '\\' ? 2 : 1;
          }
        }
      }
      if (close != 0) {
        holes.push_back({p + 1, close});
        p = close + 1;
        continue;
      }
    }
    ++p;
  }
}

}  // namespace spl::syntax
