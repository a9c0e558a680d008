#include "spl/fmt/comments.hpp"

#include "spl/fmt/internal/trivia.hpp"

namespace spl::fmt {

std::vector<std::string_view> comment_texts(std::string_view source, const std::vector<syntax::Token>& tokens) {
  std::vector<std::string_view> out;
  std::uint32_t pos = 0;
  auto collect = [&](std::uint32_t end) {
    internal::scan_gap(source, pos, end, [&](const internal::Trivia& t) {
      if (t.kind == internal::TriviaKind::kLineComment || t.kind == internal::TriviaKind::kBlockComment ||
          t.kind == internal::TriviaKind::kDirective) {
        out.push_back(source.substr(t.begin, t.end - t.begin));
      }
    });
  };
  for (const syntax::Token& t : tokens) {
    if (t.begin == t.end) continue;  // layout tokens and Eof take no text
    if (t.begin < pos) continue;
    collect(t.begin);
    pos = t.end;
  }
  collect(static_cast<std::uint32_t>(source.size()));
  return out;
}

}  // namespace spl::fmt
