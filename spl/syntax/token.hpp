#pragma once
// Tokens of the Simple language. A token is 12 bytes: kind, flags and a byte range into the
// source; its text is never copied (the lexer allocates nothing per token).

#include <cstdint>
#include <string_view>

namespace spl::syntax {

// X(name, spelling). Keywords are spelled as written; punctuation by its characters.
#define SPL_SYNTAX_KEYWORDS(X) \
  X(KwFn, "fn")                \
  X(KwVal, "val")              \
  X(KwVar, "var")              \
  X(KwIf, "if")                \
  X(KwElif, "elif")            \
  X(KwElse, "else")            \
  X(KwFor, "for")              \
  X(KwWhile, "while")          \
  X(KwLoop, "loop")            \
  X(KwMatch, "match")          \
  X(KwCase, "case")            \
  X(KwReturn, "return")        \
  X(KwBreak, "break")          \
  X(KwContinue, "continue")    \
  X(KwPass, "pass")            \
  X(KwAnd, "and")              \
  X(KwOr, "or")                \
  X(KwNot, "not")              \
  X(KwIn, "in")                \
  X(KwIs, "is")                \
  X(KwTrue, "true")            \
  X(KwFalse, "false")          \
  X(KwNil, "nil")              \
  X(KwStruct, "struct")        \
  X(KwClass, "class")          \
  X(KwEnum, "enum")            \
  X(KwTrait, "trait")          \
  X(KwImpl, "impl")            \
  X(KwUse, "use")              \
  X(KwExport, "export")        \
  X(KwImport, "import")        \
  X(KwExtern, "extern")        \
  X(KwStatic, "static")        \
  X(KwMe, "me")                \
  X(KwPub, "pub")              \
  X(KwAs, "as")                \
  X(KwActor, "actor")          \
  X(KwSpawn, "spawn")          \
  X(KwReceive, "receive")      \
  X(KwAsync, "async")          \
  X(KwAwait, "await")          \
  X(KwYield, "yield")          \
  X(KwDefer, "defer")          \
  X(KwWith, "with")            \
  X(KwXor, "xor")

#define SPL_SYNTAX_PUNCT(X)  \
  X(LParen, "(")             \
  X(RParen, ")")             \
  X(LBracket, "[")           \
  X(RBracket, "]")           \
  X(LBrace, "{")             \
  X(RBrace, "}")             \
  X(Comma, ",")              \
  X(Semi, ";")               \
  X(Colon, ":")              \
  X(ColonColon, "::")        \
  X(ColonEq, ":=")           \
  X(Dot, ".")                \
  X(DotQuestion, ".?")       \
  X(DotDot, "..")            \
  X(DotDotEq, "..=")         \
  X(Ellipsis, "...")         \
  X(Plus, "+")               \
  X(Minus, "-")              \
  X(Star, "*")               \
  X(Slash, "/")              \
  X(Percent, "%")            \
  X(StarStar, "**")          \
  X(SlashSlash, "//")        \
  X(PlusPlus, "++")          \
  X(MinusMinus, "--")        \
  X(EqEq, "==")              \
  X(NotEq, "!=")             \
  X(EqEqEq, "===")           \
  X(NotEqEq, "!==")          \
  X(Lt, "<")                 \
  X(Gt, ">")                 \
  X(LtEq, "<=")              \
  X(GtEq, ">=")              \
  X(Eq, "=")                 \
  X(PlusEq, "+=")            \
  X(MinusEq, "-=")           \
  X(StarEq, "*=")            \
  X(SlashEq, "/=")           \
  X(PercentEq, "%=")         \
  X(StarStarEq, "**=")       \
  X(Amp, "&")                \
  X(Pipe, "|")               \
  X(Caret, "^")              \
  X(Tilde, "~")              \
  X(Shl, "<<")               \
  X(Shr, ">>")               \
  X(AmpAmp, "&&")            \
  X(PipePipe, "||")          \
  X(Bang, "!")               \
  X(Question, "?")           \
  X(QuestionDot, "?.")       \
  X(QuestionQuestion, "??")  \
  X(Arrow, "->")             \
  X(FatArrow, "=>")          \
  X(LeftArrow, "<-")         \
  X(PipeGt, "|>")            \
  X(TildeGt, "~>")           \
  X(At, "@")                 \
  X(AmpColon, "&:")          \
  X(Backslash, "\\")         \
  X(Dollar, "$")             \
  X(HashBracket, "#[")

enum class Tok : std::uint8_t {
  Eof,
  Newline,
  Indent,
  Dedent,
  Ident,
  Int,
  Float,
  String,     // "..." and f"...": may hold {expr} holes (flag kInterpolated)
  RawString,  // '...', r"...", r"""...""" and """...""" (no escapes, no holes)
  Label,      // 'outer
  Atom,       // `atom`
  Payload,    // m{...}, sh{...}, sql{...}: a custom block, its text kept raw
#define SPL_SYNTAX_ENUM(name, spelling) name,
  SPL_SYNTAX_KEYWORDS(SPL_SYNTAX_ENUM) SPL_SYNTAX_PUNCT(SPL_SYNTAX_ENUM)
#undef SPL_SYNTAX_ENUM
      Count
};

// Token flags.
inline constexpr std::uint8_t kLineStart = 1;      // first token on its source line
inline constexpr std::uint8_t kSpaceBefore = 2;    // whitespace (or line start) right before it
inline constexpr std::uint8_t kInterpolated = 4;   // a String with at least one {expr} hole
inline constexpr std::uint8_t kTriple = 8;         // a triple-quoted string
inline constexpr std::uint8_t kSuffixed = 16;      // a number or string with a type or unit suffix
inline constexpr std::uint8_t kSynthetic = 32;     // inserted by the lexer's bracket recovery (zero width)
inline constexpr std::uint8_t kUnterminated = 64;  // a string or block that did not close
inline constexpr std::uint8_t kSuspend = 128;      // suspension form: `if~ while~ for~ match~ and~ or~`, `~=` `~+=`...

struct Token {
  Tok kind = Tok::Eof;
  std::uint8_t flags = 0;
  std::uint32_t begin = 0;  // byte offset of the first character
  std::uint32_t end = 0;    // byte offset one past the last character

  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
  std::string_view text(std::string_view source) const { return source.substr(begin, end - begin); }
};

// "fn", "(", "identifier", "end of file", ...: how a token kind is named in messages.
std::string_view describe(Tok kind);
// The spelling of a keyword or punctuation token; empty for the others.
std::string_view spelling(Tok kind);
// The keyword spelled by text, or Tok::Ident.
Tok keyword_kind(std::string_view text);
bool is_keyword(Tok kind);

}  // namespace spl::syntax
