#pragma once
// Applying fix-its: the machine-applicable edits of a set of diagnostics, merged into new text.

#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/diagnostic.hpp"

namespace spl::syntax {

struct FixResult {
  std::string text;
  std::size_t applied = 0;  // fix-its applied
  std::size_t skipped = 0;  // fix-its left out because they overlap an earlier one
};

// Applies every machine-applicable fix-it whose edits do not overlap an edit already taken
// (earlier in the source wins). Pure: the source is not modified.
FixResult apply_fixits(std::string_view source, const std::vector<Diagnostic>& diagnostics);

// A unified diff (3 lines of context) between before and after, with the given file name.
std::string unified_diff(std::string_view path, std::string_view before, std::string_view after);

}  // namespace spl::syntax
