#include "spl/sema/internal/edit_distance.hpp"

#include <algorithm>

namespace spl::sema::internal {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  // Three rows: the one before last is needed for transpositions.
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::size_t typo_limit(std::string_view name) { return name.size() / 3; }

std::vector<std::string_view> closest(std::string_view name,
                                      const std::vector<std::string_view>& candidates) {
  std::size_t limit = typo_limit(name);
  if (limit == 0) return {};
  std::size_t best = limit + 1;
  std::vector<std::string_view> out;
  for (std::string_view c : candidates) {
    if (c == name) continue;
    // Cheap reject: lengths further apart than the limit cannot be within it.
    std::size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (diff > limit) continue;
    std::size_t d = edit_distance(name, c);
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      out.clear();
    }
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace spl::sema::internal
