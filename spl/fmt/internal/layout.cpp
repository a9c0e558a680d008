#include "spl/fmt/internal/layout.hpp"

#include <algorithm>
#include <cstdint>

#include "spl/fmt/internal/trivia.hpp"

namespace spl::fmt::internal {
namespace {

using syntax::kNoToken;
using syntax::Node;
using syntax::NodeKind;
using syntax::Tok;
using syntax::Token;

// What the tree says about an operator token's spacing.
enum Role : std::uint8_t {
  kRoleNone,
  kRoleSpaced,        // binary operator or assignment: one space each side
  kRoleSpacedBefore,  // first `>` of a `>>` shift
  kRoleSpacedAfter,   // second `>` of a `>>` shift
  kRoleTightAfter,    // prefix operator: touches its operand
  kRoleKeep,          // spacing decides the parse (`data->f()` update): keep as written
  kRoleSymbol,        // the `:` of a `:name` symbol: touches its name; a space before it may make a call
};

// `a -1` inside an expression subtracts, but at the head of a statement the same spacing is a
// call with a signed argument (`print -17`): which was meant is left to the writer, so such an
// operator is kept as written.
bool unary_looking(const std::vector<Token>& tokens, std::uint32_t i) {
  if (i == kNoToken || i == 0 || i + 1 >= tokens.size()) return false;
  Tok k = tokens[i].kind;
  if (k != Tok::Minus && k != Tok::Plus && k != Tok::Star && k != Tok::Amp) return false;
  return tokens[i].begin > tokens[i - 1].end && tokens[i + 1].begin == tokens[i].end;
}

void assign_roles(const Node* root, const std::vector<Token>& tokens, std::vector<std::uint8_t>& roles) {
  roles.assign(tokens.size(), kRoleNone);
  auto set = [&](std::uint32_t t, Role r) {
    if (t < roles.size()) roles[t] = r;
  };
  std::vector<const Node*> stack{root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n == nullptr) continue;
    switch (n->kind) {
      case NodeKind::Binary:
        if (n->op == syntax::Operator::Update) {
          set(n->token, kRoleKeep);
        } else if (n->op == syntax::Operator::Shr) {
          set(n->token, kRoleSpacedBefore);
          if (n->token != kNoToken) set(n->token + 1, kRoleSpacedAfter);
        } else if (unary_looking(tokens, n->token)) {
          set(n->token, kRoleKeep);
        } else {
          set(n->token, kRoleSpaced);
        }
        break;
      case NodeKind::Assign: set(n->token, kRoleSpaced); break;
      case NodeKind::Unary: set(n->token, kRoleTightAfter); break;
      case NodeKind::Symbol: {
        auto it = std::lower_bound(tokens.begin(), tokens.end(), n->begin,
                                   [](const Token& t, std::uint32_t at) { return t.begin < at; });
        for (; it != tokens.end() && it->begin == n->begin; ++it) {
          if (it->kind == Tok::Colon) set(static_cast<std::uint32_t>(it - tokens.begin()), kRoleSymbol);
        }
        break;
      }
      default: break;
    }
    for (std::uint32_t k = 0; k < n->count; ++k) stack.push_back(n->kids[k]);
  }
}

bool is_layout(Tok k) { return k == Tok::Newline || k == Tok::Indent || k == Tok::Dedent; }
bool is_opener(Tok k) { return k == Tok::LParen || k == Tok::LBracket || k == Tok::LBrace || k == Tok::HashBracket; }
bool is_closer(Tok k) { return k == Tok::RParen || k == Tok::RBracket || k == Tok::RBrace; }
bool is_assignment(Tok k) {
  switch (k) {
    case Tok::Eq: case Tok::PlusEq: case Tok::MinusEq: case Tok::StarEq: case Tok::SlashEq: case Tok::PercentEq:
    case Tok::StarStarEq: case Tok::ColonEq: case Tok::FatArrow:
      return true;
    default: return false;
  }
}

bool word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}
bool operator_char(char c) { return std::string_view("+-*/%=!<>&|^~?.:@\\$#").find(c) != std::string_view::npos; }

// Whether a and b written with nothing between them still lex as the same two tokens.
bool can_touch(std::string_view source, const Token& a, const Token& b) {
  char x = source[a.end - 1], y = source[b.begin];
  if (word_char(static_cast<unsigned char>(x)) && word_char(static_cast<unsigned char>(y))) return false;
  if (operator_char(x) && operator_char(y)) return false;
  if (word_char(static_cast<unsigned char>(x)) && (y == '"' || y == '\'' || y == '{' || y == '`')) return false;
  if ((x == '"' || x == '\'') && y == '_') return false;  // a unit suffix: "10"_km
  if ((a.kind == Tok::Int || a.kind == Tok::Float) && y == '.') return false;
  // The lexer looks one further: `--` before a digit is `-` and `-1`; a number right after `.`
  // takes no fraction (`t.0.1` is two fields, `t. 0.1` a float).
  if (a.kind == Tok::MinusMinus && b.kind != Tok::Eof && y >= '0' && y <= '9') return false;
  if (a.kind == Tok::Dot && (b.kind == Tok::Int || b.kind == Tok::Float)) return false;
  return true;
}

enum class Sep : std::uint8_t { kNone, kSpace, kKeep };

// The space between two tokens on one line. kKeep: as written (one space if there was any).
Sep token_sep(const Token& a, const Token& b, std::uint8_t ra, std::uint8_t rb, bool in_square) {
  Tok x = a.kind, y = b.kind;
  // Nothing reads spaces inside brackets next to the bracket; braces keep theirs (`Box { x: 1 }`).
  if (x == Tok::LBrace || y == Tok::RBrace) return Sep::kKeep;
  if (is_opener(x) || is_closer(y)) return Sep::kNone;
  // The parser reads these by whether a space precedes them or whether they touch.
  if (rb == kRoleSymbol) return is_opener(x) ? Sep::kNone : x == Tok::Comma ? Sep::kSpace : Sep::kKeep;
  if (ra == kRoleSymbol) return Sep::kKeep;
  if (ra == kRoleKeep || rb == kRoleKeep) return Sep::kKeep;
  if (y == Tok::LParen || y == Tok::LBracket || y == Tok::LBrace || y == Tok::Question || y == Tok::Bang) return Sep::kKeep;
  if ((y == Tok::Lt && rb != kRoleSpaced) || (x == Tok::Gt && ra != kRoleSpaced && ra != kRoleSpacedAfter)) return Sep::kKeep;
  if (x == Tok::Gt && y == Tok::Gt) return Sep::kKeep;
  if (y == Tok::Comma || y == Tok::Semi) return Sep::kNone;
  if (x == Tok::Backslash || y == Tok::Backslash || x == Tok::At || x == Tok::AmpColon || x == Tok::Dollar ||
      x == Tok::Tilde || x == Tok::ColonColon || y == Tok::ColonColon)
    return Sep::kKeep;
  if (x == Tok::Comma || x == Tok::Semi) return Sep::kSpace;
  if (y == Tok::Dot && syntax::is_keyword(x)) return Sep::kKeep;  // `use .helpers`: a relative path
  if (x == Tok::Dot || y == Tok::Dot) return Sep::kNone;
  if (ra == kRoleSpaced || ra == kRoleSpacedAfter || rb == kRoleSpaced || rb == kRoleSpacedBefore) return Sep::kSpace;
  if (is_assignment(x) || is_assignment(y)) return Sep::kSpace;
  if (x == Tok::Arrow || y == Tok::Arrow) return Sep::kSpace;
  if (ra == kRoleTightAfter) return Sep::kNone;
  if (y == Tok::Colon) return in_square ? Sep::kKeep : Sep::kNone;
  if (x == Tok::Colon) return in_square ? Sep::kKeep : Sep::kSpace;
  return Sep::kKeep;
}

// The indentation the lexer sees before offset at (a tab counts 4).
int indentation_before(std::string_view source, std::uint32_t at) {
  int width = 0;
  std::uint32_t p = at;
  while (p > 0 && source[p - 1] != '\n') --p;
  for (; p < at; ++p) {
    if (source[p] == ' ') width += 1;
    if (source[p] == '\t') width += 4;
  }
  return width;
}

class Layout {
 public:
  Layout(std::string_view source, const std::vector<Token>& tokens, const Node* root, const Options& options, Mode mode,
         LayoutScratch& scratch)
      : src_(source),
        toks_(tokens),
        opts_(options),
        full_(mode == Mode::kFull),
        roles_(scratch.roles),
        pieces_(scratch.pieces),
        lines_(scratch.lines) {
    assign_roles(root, tokens, roles_);
    pieces_.clear();
    lines_.clear();
    pieces_.reserve(tokens.size() + 16);
  }

  void run(std::string& out) {
    for (std::size_t i = 0; i < toks_.size(); ++i) {
      const Token& t = toks_[i];
      if (is_layout(t.kind)) {
        layout_token(i);
        continue;
      }
      gap(t.begin);
      if (t.kind == Tok::Eof) break;
      token(i);
    }
    gap(static_cast<std::uint32_t>(src_.size()));
    emit(out);
  }

 private:
  struct Anchor {
    int old_width = 0;
    int new_width = 0;
  };
  struct Frame {  // a block lambda or match inside brackets: indentation counts again until it ends
    std::size_t brackets;
    int depth;
    int base_new;
    Anchor saved;
  };

  bool active() const { return open_.size() == (frames_.empty() ? 0 : frames_.back().brackets); }

  void layout_token(std::size_t i) {
    const Token& t = toks_[i];
    if (t.kind == Tok::Indent) ++depth_;
    if (t.kind == Tok::Dedent) --depth_;
    // `:` ending a line inside brackets: the lexer starts a frame and emits this Newline.
    if (t.kind == Tok::Newline && i > 0 && toks_[i - 1].kind == Tok::Colon && !active() && !lines_.empty()) {
      frames_.push_back({open_.size(), depth_, lines_.back().new_width, anchor_});
    }
    saw_layout_ = true;
  }

  void gap(std::uint32_t end) {
    if (pos_ >= end) return;
    scan_gap(src_, pos_, end, [&](const Trivia& tr) {
      switch (tr.kind) {
        case TriviaKind::kNewline: ++breaks_; return;
        case TriviaKind::kLineComment: add_piece(PieceKind::kLineComment, tr.begin, tr.end, 2); return;
        case TriviaKind::kBlockComment: add_piece(PieceKind::kBlockComment, tr.begin, tr.end, kept(tr.begin)); return;
        case TriviaKind::kBackslash: add_piece(PieceKind::kBackslash, tr.begin, tr.end, kept(tr.begin)); return;
        case TriviaKind::kDirective: add_piece(PieceKind::kDirective, tr.begin, tr.end, kept(tr.begin)); return;
      }
    });
    pos_ = end;
  }

  // One space if the source has whitespace right before at, else none.
  std::uint8_t kept(std::uint32_t at) const { return at > 0 && horizontal_space(src_[at - 1]) ? 1 : 0; }

  // Starts a new line when a line break came since the last piece. True when it did.
  bool add_piece(PieceKind kind, std::uint32_t begin, std::uint32_t end, std::uint8_t spaces) {
    bool new_line = pieces_.empty() || breaks_ > 0;
    if (new_line) {
      Line line;
      line.first_piece = static_cast<std::uint32_t>(pieces_.size());
      line.blank_before = lines_.empty() ? 0 : breaks_ - 1;
      line.old_width = indentation_before(src_, begin);
      line.new_width = line.old_width;
      lines_.push_back(line);
      line_has_token_ = false;
      spaces = 0;
    }
    breaks_ = 0;
    pieces_.push_back({kind, spaces, begin, end});
    return new_line;
  }

  void token(std::size_t i) {
    const Token& t = toks_[i];
    std::uint8_t spaces = 0;
    if (prev_token_ != kNoIndex && !pieces_.empty() && pieces_.back().kind == PieceKind::kToken && breaks_ == 0) {
      const Token& a = toks_[prev_token_];
      bool had_space = t.begin > a.end;
      bool in_square = !open_.empty() && open_.back() == Tok::LBracket;
      Sep sep = full_ ? token_sep(a, t, roles_[prev_token_], roles_[i], in_square) : Sep::kKeep;
      if (sep == Sep::kNone && had_space && !can_touch(src_, a, t)) sep = Sep::kKeep;
      spaces = sep == Sep::kSpace ? 1 : sep == Sep::kNone ? 0 : (had_space ? 1 : 0);
    } else {
      spaces = kept(t.begin);
    }
    add_piece(PieceKind::kToken, t.begin, t.end, spaces);
    if (!line_has_token_) {
      line_has_token_ = true;
      place_line(lines_.back());
    }
    prev_token_ = i;
    pos_ = t.end;
    saw_layout_ = false;
    if (is_opener(t.kind)) open_.push_back(t.kind);
    if (is_closer(t.kind) && !open_.empty()) {
      open_.pop_back();
      while (!frames_.empty() && frames_.back().brackets > open_.size()) end_frame();
    }
  }

  void end_frame() {
    anchor_ = frames_.back().saved;
    frames_.pop_back();
  }

  // Decides the indentation of a line from its first token, as the lexer reads it: a line after
  // layout tokens starts a statement (its block depth decides); any other line continues one and
  // keeps its offset from that statement's first line.
  void place_line(Line& line) {
    line.code = true;
    bool statement = saw_layout_ || first_line_;
    first_line_ = false;
    if (statement && !frames_.empty() && active() && depth_ == frames_.back().depth) {
      end_frame();  // back at the frame's base: the block inside the brackets is over
      statement = false;
    }
    int width = line.old_width;
    if (statement) {
      int base = frames_.empty() ? 0 : frames_.back().base_new;
      int levels = depth_ - (frames_.empty() ? 0 : frames_.back().depth);
      width = base + opts_.indent_width * std::max(levels, 0);
      anchor_ = {line.old_width, width};
    } else {
      width = std::max(0, line.old_width + anchor_.new_width - anchor_.old_width);
    }
    line.new_width = full_ ? width : line.old_width;
    line.top_level = depth_ == 0 && open_.empty() && frames_.empty();
  }

  // A line without tokens (comments, directives) takes the indentation of the code line next to
  // it that had the same indentation, else moves with the code line after it.
  void place_comment_lines() {
    int prev = -1;
    for (std::size_t k = 0; k < lines_.size(); ++k) {
      if (lines_[k].code) {
        prev = static_cast<int>(k);
        continue;
      }
      std::size_t next = k + 1;
      while (next < lines_.size() && !lines_[next].code) ++next;
      Line& line = lines_[k];
      // After the last code line the end of the file stands in: it closes every block.
      const Line end_of_file{0, 0, 0, 0, true, true};
      const Line* after = next < lines_.size() ? &lines_[next] : &end_of_file;
      const Line* before = prev >= 0 ? &lines_[static_cast<std::size_t>(prev)] : nullptr;
      line.top_level = after == nullptr || after->top_level;
      if (!full_) continue;
      if (after != nullptr && line.old_width == after->old_width) {
        line.new_width = after->new_width;
      } else if (before != nullptr && line.old_width == before->old_width) {
        line.new_width = before->new_width;
      } else if (after != nullptr) {
        line.new_width = std::max(0, line.old_width + after->new_width - after->old_width);
      } else if (before != nullptr) {
        line.new_width = std::max(0, line.old_width + before->new_width - before->old_width);
      } else {
        line.new_width = 0;
      }
    }
  }

  void emit(std::string& out) {
    place_comment_lines();
    out.clear();
    out.reserve(src_.size() + src_.size() / 8 + 16);
    for (std::size_t k = 0; k < lines_.size(); ++k) {
      const Line& line = lines_[k];
      std::uint32_t cap = line.top_level ? static_cast<std::uint32_t>(std::max(opts_.max_blank_lines, 0)) : 1;
      out.append(std::min(line.blank_before, cap), '\n');
      out.append(static_cast<std::size_t>(line.new_width), ' ');
      std::size_t last = k + 1 < lines_.size() ? lines_[k + 1].first_piece : pieces_.size();
      for (std::size_t p = line.first_piece; p < last; ++p) {
        const Piece& piece = pieces_[p];
        if (p != line.first_piece) out.append(piece.spaces, ' ');
        out.append(src_.substr(piece.begin, piece.end - piece.begin));
      }
      // A `\` token right before the line break would turn into a line join.
      if (last > line.first_piece && pieces_[last - 1].kind == PieceKind::kToken &&
          src_[pieces_[last - 1].end - 1] == '\\')
        out += ' ';
      out += '\n';
    }
  }

  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

  std::string_view src_;
  const std::vector<Token>& toks_;
  const Options& opts_;
  bool full_;
  std::vector<std::uint8_t>& roles_;
  std::vector<Piece>& pieces_;
  std::vector<Line>& lines_;
  std::vector<Tok> open_;
  std::vector<Frame> frames_;
  Anchor anchor_;
  std::uint32_t pos_ = 0;
  std::uint32_t breaks_ = 0;
  int depth_ = 0;
  std::size_t prev_token_ = kNoIndex;
  bool saw_layout_ = false;
  bool first_line_ = true;
  bool line_has_token_ = false;
};

}  // namespace

void layout(std::string_view source, const std::vector<Token>& tokens, const Node* root, const Options& options,
            Mode mode, LayoutScratch& scratch, std::string& out) {
  Layout(source, tokens, root, options, mode, scratch).run(out);
}

}  // namespace spl::fmt::internal
