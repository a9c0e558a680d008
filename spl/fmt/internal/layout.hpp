#pragma once
// The layout engine behind spl::fmt::format: rebuilds a cleanly parsed file line by line from its
// tokens and the trivia between them (docs/fmt.md has the rules).

#include <string>
#include <string_view>
#include <vector>

#include "spl/fmt/format.hpp"
#include "spl/syntax/ast.hpp"
#include "spl/syntax/token.hpp"

namespace spl::fmt::internal {

enum class Mode {
  kFull,          // re-indent blocks, canonical spacing
  kConservative,  // keep every line's indentation and whether tokens touch; only tidy (the fallback)
};

std::string layout(std::string_view source, const std::vector<syntax::Token>& tokens, const syntax::Node* root,
                   const Options& options, Mode mode);

}  // namespace spl::fmt::internal
