#pragma once
// Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions
// and transpositions of adjacent characters) and the "did you mean" choice built on it.

#include <cstddef>
#include <string_view>
#include <vector>

namespace spl::sema::internal {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The largest distance at which a candidate still counts as a likely typo of name: a third of
// its length (so names shorter than 3 characters get no suggestion).
std::size_t typo_limit(std::string_view name);

// The candidates closest to name within typo_limit(name), best first; several only when they tie.
std::vector<std::string_view> closest(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace spl::sema::internal
