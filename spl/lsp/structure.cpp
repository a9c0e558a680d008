#include "spl/lsp/structure.hpp"

#include <algorithm>

namespace spl::lsp {

using syntax::Node;
using syntax::NodeKind;

namespace {

constexpr int kMaxDepth = 200;

// The last line holding a non-blank byte of [begin, end): a body's span may take in the line break
// and indentation after it.
std::uint32_t last_line(std::string_view text, const LineIndex& lines, std::uint32_t begin, std::uint32_t end) {
  end = std::min<std::uint32_t>(end, static_cast<std::uint32_t>(text.size()));
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n' || text[end - 1] == '\r'))
    --end;
  return lines.line_of(end > begin ? end - 1 : begin);
}

void fold_bodies(const Node* n, std::string_view text, const LineIndex& lines, std::vector<Fold>& out, int depth) {
  if (n == nullptr || depth > kMaxDepth) return;
  if ((n->kind == NodeKind::Block || n->kind == NodeKind::Members) && n->end > n->begin && n->end <= text.size()) {
    std::uint32_t start = lines.line_of(n->begin);
    std::uint32_t end = last_line(text, lines, n->begin, n->end);
    if (end > start) out.push_back({start, end, ""});
  }
  for (std::uint32_t i = 0; i < n->count; ++i) fold_bodies(n->kids[i], text, lines, out, depth + 1);
}

// Runs of two or more lines that start (after indentation) with `#`, or with `use`.
void fold_runs(std::string_view text, const LineIndex& lines, std::vector<Fold>& out) {
  auto starts_with = [&](std::uint32_t line, std::string_view word) {
    std::string_view l = text.substr(lines.line_start(line), lines.line_end(line) - lines.line_start(line));
    std::size_t i = l.find_first_not_of(" \t");
    if (i == std::string_view::npos) return false;
    l.remove_prefix(i);
    if (l.substr(0, word.size()) != word) return false;
    return word == "#" || l.size() == word.size() || l[word.size()] == ' ';
  };
  for (const auto& [word, kind] : {std::pair<std::string_view, const char*>{"#", "comment"}, {"use", "imports"}}) {
    std::uint32_t line = 0;
    while (line < lines.line_count()) {
      if (!starts_with(line, word)) {
        ++line;
        continue;
      }
      std::uint32_t first = line;
      while (line + 1 < lines.line_count() && starts_with(line + 1, word)) ++line;
      if (line > first) out.push_back({first, line, kind});
      ++line;
    }
  }
}

}  // namespace

std::vector<Fold> folding_ranges(const Node* root, std::string_view text, const LineIndex& lines) {
  std::vector<Fold> out;
  fold_bodies(root, text, lines, out, 0);
  fold_runs(text, lines, out);
  std::sort(out.begin(), out.end(), [](const Fold& a, const Fold& b) {
    return a.start_line != b.start_line ? a.start_line < b.start_line : a.end_line > b.end_line;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Fold& a, const Fold& b) { return a.start_line == b.start_line && a.end_line == b.end_line; }),
            out.end());
  return out;
}

std::vector<syntax::Span> selection_spans(const Node* root, const std::vector<syntax::Token>& tokens,
                                          std::uint32_t offset) {
  std::vector<syntax::Span> chain;  // outermost first while walking down
  const Node* n = root;
  for (int depth = 0; n != nullptr && depth <= kMaxDepth; ++depth) {
    chain.push_back({n->begin, n->end});
    const Node* next = nullptr;
    for (std::uint32_t i = 0; i < n->count && next == nullptr; ++i) {
      const Node* k = n->kids[i];
      // A node covers the offset when it starts at or before it and ends after it (or at it, for a
      // cursor just past a name).
      if (k != nullptr && k->begin <= offset && offset <= k->end && k->end > k->begin) next = k;
    }
    n = next;
  }
  auto tok = std::lower_bound(tokens.begin(), tokens.end(), offset,
                              [](const syntax::Token& t, std::uint32_t off) { return t.end < off; });
  if (tok != tokens.end() && tok->begin <= offset && offset <= tok->end && tok->end > tok->begin)
    chain.push_back({tok->begin, tok->end});
  std::vector<syntax::Span> out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) {
      const syntax::Span& inner = out.back();
      bool contains = it->begin <= inner.begin && inner.end <= it->end;
      bool same = it->begin == inner.begin && it->end == inner.end;
      if (!contains || same) continue;
    }
    out.push_back(*it);
  }
  return out;
}

}  // namespace spl::lsp
