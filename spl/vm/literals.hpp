#pragma once
// Literal text to values: numbers (separators, bases, type and unit suffixes) and strings
// (quotes, escapes, raw and triple-quoted forms).

#include <string>
#include <string_view>

#include "spl/vm/value.hpp"

namespace spl::vm {

// The value of a numeric literal (an optional leading '-'); err says why it is not one.
Value number_literal(std::string_view text, std::string& err);
// The text of a string literal as written, quotes included.
std::string string_literal(std::string_view literal);
// Resolves backslash escapes; with interpolating, also `{{` and `}}`.
std::string unescape(std::string_view body, bool interpolating);

}  // namespace spl::vm
