#pragma once
// Semantic tokens for highlighting: the lexer's token kinds (keywords, numbers, strings), comments
// found between tokens, and what the tree says an identifier names (a function, a type, a
// parameter, a field, ...). Encoded as the protocol's relative integer quintuples.

#include <cstdint>
#include <string_view>
#include <vector>

#include "spl/lsp/position.hpp"
#include "spl/syntax/ast.hpp"

namespace spl::lsp {

// The legend, in the order the server declares it.
const std::vector<std::string_view>& semantic_token_types();
const std::vector<std::string_view>& semantic_token_modifiers();

// [deltaLine, deltaStart, length, type, modifiers] per token; tokens spanning lines are split.
std::vector<std::uint32_t> semantic_tokens(const syntax::Node* root, std::string_view text,
                                           const std::vector<syntax::Token>& tokens, const LineIndex& lines,
                                           Encoding enc);

}  // namespace spl::lsp
