#pragma once
// The outline of a file: its declarations (fn, struct, class, enum, trait, impl, actor, type
// aliases, module-level bindings) with their members, as LSP document symbols. The workspace
// index keeps the same records per file.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/ast.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/source.hpp"

namespace spl::lsp {

// LSP SymbolKind values used here.
enum class SymbolKind : int {
  Namespace = 3, Class = 5, Method = 6, Field = 8, Enum = 10, Interface = 11, Function = 12,
  Variable = 13, Constant = 14, Object = 19, EnumMember = 22, Struct = 23, TypeParameter = 26
};

struct OutlineSymbol {
  std::string name;
  std::string detail;  // a fn's parameters and return type, a field's type
  SymbolKind kind = SymbolKind::Function;
  syntax::Span span;       // the whole declaration
  syntax::Span name_span;  // its name
  std::vector<OutlineSymbol> children;
};

std::vector<OutlineSymbol> outline(const syntax::Node* root, std::string_view text,
                                   const std::vector<syntax::Token>& tokens);

using syntax::one_line;

}  // namespace spl::lsp
