#include "spl/syntax/fix.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace spl::syntax {
namespace {

bool overlaps(const TextEdit& a, const TextEdit& b) {
  if (a.span.begin == a.span.end || b.span.begin == b.span.end) {
    // An insertion conflicts only with a replacement that strictly contains its point.
    const TextEdit& ins = a.span.begin == a.span.end ? a : b;
    const TextEdit& other = a.span.begin == a.span.end ? b : a;
    return other.span.begin < ins.span.begin && ins.span.begin < other.span.end;
  }
  return a.span.begin < b.span.end && b.span.begin < a.span.end;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t p = 0;
  while (p < s.size()) {
    std::size_t e = s.find('\n', p);
    if (e == std::string_view::npos) e = s.size() - 1;
    lines.push_back(s.substr(p, e - p + 1));
    p = e + 1;
  }
  return lines;
}

}  // namespace

FixResult apply_fixits(std::string_view source, const std::vector<Diagnostic>& diagnostics) {
  std::vector<const FixIt*> fixes;
  for (const Diagnostic& d : diagnostics) {
    for (const FixIt& f : d.fixits) {
      if (f.machine_applicable && !f.edits.empty()) fixes.push_back(&f);
    }
  }
  std::stable_sort(fixes.begin(), fixes.end(), [](const FixIt* a, const FixIt* b) {
    return a->edits.front().span.begin < b->edits.front().span.begin;
  });
  FixResult result;
  std::vector<TextEdit> taken;
  for (const FixIt* f : fixes) {
    bool clash = false;
    for (const TextEdit& e : f->edits) {
      if (e.span.end > source.size() || e.span.begin > e.span.end) clash = true;
      for (const TextEdit& t : taken) clash = clash || overlaps(e, t);
    }
    if (clash) {
      ++result.skipped;
      continue;
    }
    taken.insert(taken.end(), f->edits.begin(), f->edits.end());
    ++result.applied;
  }
  std::stable_sort(taken.begin(), taken.end(), [](const TextEdit& a, const TextEdit& b) { return a.span.begin < b.span.begin; });
  std::size_t p = 0;
  for (const TextEdit& e : taken) {
    result.text.append(source.substr(p, e.span.begin - p));
    result.text += e.replacement;
    p = std::max<std::size_t>(p, e.span.end);
  }
  result.text.append(source.substr(p));
  return result;
}

std::string unified_diff(std::string_view path, std::string_view before, std::string_view after) {
  if (before == after) return {};
  auto a = split_lines(before);
  auto b = split_lines(after);
  // Trim the common head and tail, then an LCS over the (small) middle.
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  std::size_t n = a.size() - head - tail, m = b.size() - head - tail;
  struct Op {
    char kind;  // ' ', '-', '+'
    std::string_view line;
  };
  std::vector<Op> ops;
  for (std::size_t i = 0; i < head; ++i) ops.push_back({' ', a[i]});
  if (n * m <= 4'000'000) {
    std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        ops.push_back({' ', a[head + i]});
        ++i;
        ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push_back({'-', a[head + i++]});
      } else {
        ops.push_back({'+', b[head + j++]});
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) ops.push_back({'-', a[head + i]});
    for (std::size_t j = 0; j < m; ++j) ops.push_back({'+', b[head + j]});
  }
  for (std::size_t i = a.size() - tail; i < a.size(); ++i) ops.push_back({' ', a[i]});

  std::string out = fmt::format("--- {}\n+++ {} (fixed)\n", path, path);
  constexpr std::size_t kContext = 3;
  std::size_t k = 0;
  std::size_t line_a = 1, line_b = 1;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      ++line_a;
      ++line_b;
      continue;
    }
    // A hunk: back up for context, extend while changes are within 2*context of each other.
    std::size_t start = k >= kContext ? k - kContext : 0;
    std::size_t a0 = line_a - (k - start), b0 = line_b - (k - start);
    std::size_t end = k;
    std::size_t quiet = 0;
    while (end < ops.size() && quiet <= 2 * kContext) {
      quiet = ops[end].kind == ' ' ? quiet + 1 : 0;
      ++end;
    }
    if (quiet > kContext) end -= quiet - kContext;
    std::size_t count_a = 0, count_b = 0;
    for (std::size_t q = start; q < end; ++q) {
      if (ops[q].kind != '+') ++count_a;
      if (ops[q].kind != '-') ++count_b;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a0, count_a, b0, count_b);
    for (std::size_t q = start; q < end; ++q) {
      out += ops[q].kind;
      out += ops[q].line;
      if (ops[q].line.empty() || ops[q].line.back() != '\n') out += "\n\\ No newline at end of file\n";
    }
    for (std::size_t q = k; q < end; ++q) {
      if (ops[q].kind != '+') ++line_a;
      if (ops[q].kind != '-') ++line_b;
    }
    k = end;
  }
  return out;
}

}  // namespace spl::syntax
