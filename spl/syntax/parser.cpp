#include "spl/syntax/parser.hpp"

#include <algorithm>

#include "spl/syntax/internal/parser.hpp"
#include "spl/syntax/lexer.hpp"

namespace spl::syntax {

Node* parse_into(std::string_view source, Arena& arena, std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics,
                 const ParseOptions& options, Language* language) {
  lex(source, tokens, diagnostics);
  Language lang = Language::Unknown;
  if (options.mistakes) lang = detect_language(source, tokens).language;
  if (language) *language = lang;
  std::vector<Token> fragment;
  internal::Parser parser(source, tokens, arena, diagnostics, options, lang, &fragment);
  Node* root = parser.module();
  number_nodes(root);
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.span.begin < b.span.begin; });
  return root;
}

ParseResult parse(std::string_view source, Arena& arena, std::vector<Diagnostic>& diagnostics, const ParseOptions& options) {
  ParseResult result;
  result.root = parse_into(source, arena, result.tokens, diagnostics, options, &result.language);
  return result;
}

}  // namespace spl::syntax
