#pragma once
// What lies between two tokens: whitespace, line breaks, comments, `\` line joins and directive
// lines (`@when(...)`, `@else`, `@end`, which the lexer skips like comments). The lexer skips
// exactly these, so a gap holds nothing else in a file that lexes cleanly; anything else found is
// kept verbatim to the end of its line.

#include <cstdint>
#include <string_view>

namespace spl::fmt::internal {

enum class TriviaKind : std::uint8_t { kNewline, kLineComment, kBlockComment, kBackslash, kDirective };

struct Trivia {
  TriviaKind kind;
  std::uint32_t begin;
  std::uint32_t end;  // line comments and directives end before their trailing whitespace
};

inline bool horizontal_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; }

// Calls sink(Trivia) for each line break and each non-whitespace item in source[begin, end).
template <class Sink>
void scan_gap(std::string_view source, std::uint32_t begin, std::uint32_t end, Sink&& sink) {
  std::uint32_t p = begin;
  // Whether only spaces and tabs lie between the last line break and p.
  bool line_start = begin == 0 || source[begin - 1] == '\n';
  auto to_line_end = [&](std::uint32_t q) {
    while (q < end && source[q] != '\n') ++q;
    std::uint32_t e = q;
    while (e > p && horizontal_space(source[e - 1])) --e;
    return std::pair<std::uint32_t, std::uint32_t>{e, q};
  };
  while (p < end) {
    char c = source[p];
    if (c == '\r' && line_start) {
      // The lexer skips a line whose indentation ends in `\r` as blank, whatever follows: text
      // there is hidden from it, and stays hidden (kept with its `\r`) as a directive-like line.
      auto [e, q] = to_line_end(p);
      if (e > p + 1) sink(Trivia{TriviaKind::kDirective, p, e});
      p = q;
    } else if (c == ' ' || c == '\t') {
      ++p;
    } else if (horizontal_space(c)) {
      ++p;
      line_start = false;
    } else if (c == '\n') {
      sink(Trivia{TriviaKind::kNewline, p, p + 1});
      ++p;
      line_start = true;
      continue;
    } else if (c == '/' && p + 1 < end && source[p + 1] == '*') {
      std::uint32_t q = p;
      int depth = 0;
      while (q < end) {
        if (source[q] == '/' && q + 1 < end && source[q + 1] == '*') {
          ++depth;
          q += 2;
        } else if (source[q] == '*' && q + 1 < end && source[q + 1] == '/') {
          q += 2;
          if (--depth == 0) break;
        } else {
          ++q;
        }
      }
      sink(Trivia{TriviaKind::kBlockComment, p, q});
      p = q;
    } else if (c == '\\') {
      sink(Trivia{TriviaKind::kBackslash, p, p + 1});
      ++p;
    } else {
      auto [e, q] = to_line_end(p);
      sink(Trivia{c == '#' ? TriviaKind::kLineComment : TriviaKind::kDirective, p, e});
      p = q;
    }
    if (c != ' ' && c != '\t') line_start = false;
  }
}

}  // namespace spl::fmt::internal
