#pragma once
// The comments of a source file (`#` line comments, `/* */` block comments and `@when`-style
// directive lines), found in the gaps between the lexer's tokens, in source order. Line comments
// and directives are given without trailing whitespace, which the formatter removes.

#include <string_view>
#include <vector>

#include "spl/syntax/token.hpp"

namespace spl::fmt {

std::vector<std::string_view> comment_texts(std::string_view source, const std::vector<syntax::Token>& tokens);

}  // namespace spl::fmt
