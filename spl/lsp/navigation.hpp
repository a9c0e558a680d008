#pragma once
// Answers built on sema's symbol index: hover text, rename plans (refused when unsafe), signature
// help and completion. Each works on whatever the last analysis produced, so files with syntax
// errors get answers from the parts that parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spl/lsp/analysis.hpp"

namespace spl::lsp {

struct HoverInfo {
  std::string markdown;  // the signature in a code block, the kind, the doc comment
  syntax::Span span;     // the name hovered
};
std::optional<HoverInfo> hover(const Analysis& a, std::uint32_t offset);

// The spans to replace with new_name, or why the rename is refused: new_name is not an
// identifier or is a keyword, the name is not defined in this file, it would collide with (or be
// captured by) another definition where it is used, or some uses cannot be found for certain.
struct RenamePlan {
  std::vector<syntax::Span> spans;
  std::string error;
};
RenamePlan plan_rename(const Analysis& a, std::uint32_t offset, std::string_view new_name);

struct SignatureInfo {
  std::string label;                    // `fn add(a: i64, b: i64) -> i64`
  std::vector<std::string> parameters;  // substrings of label
  std::uint32_t active = 0;
  std::string doc;
};
// The call whose argument list holds offset: its callee's signature and the argument at offset.
std::optional<SignatureInfo> signature_help(const Analysis& a, std::uint32_t offset);

// LSP CompletionItemKind values used here.
enum class CompletionKind : int {
  Method = 2, Function = 3, Field = 5, Variable = 6, Class = 7, Interface = 8, Module = 9, Keyword = 14,
  Snippet = 15, EnumMember = 20, Struct = 22, TypeParameter = 25
};

struct CompletionItem {
  std::string label;
  CompletionKind kind = CompletionKind::Variable;
  std::string detail;
  std::string documentation;
  std::string insert_text;  // a snippet (with $1 placeholders) when kind is Snippet
};
// After `receiver.`: the members of the receiver's type when it is known (nothing otherwise).
// Elsewhere: the names in scope, the prelude's functions, the keywords and snippets for `fn`,
// `match` and `describe`.
std::vector<CompletionItem> complete(const Analysis& a, std::uint32_t offset);

}  // namespace spl::lsp
