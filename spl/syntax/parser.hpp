#pragma once
// The Simple parser: recursive descent for declarations and statements, a Pratt ladder for
// expressions, error recovery (single-token repairs, panic mode with synchronisation sets, error
// productions for foreign syntax from the mistake catalogue) and cascade suppression.

#include <string_view>
#include <vector>

#include "spl/base/arena.hpp"
#include "spl/syntax/ast.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/mistakes.hpp"
#include "spl/syntax/token.hpp"

namespace spl::syntax {

struct ParseOptions {
  // Off: the first error ends the parse (no repairs, no synchronisation). Used to measure what
  // recovery costs on valid input.
  bool recover = true;
  // Off: no language detection and no error productions for foreign syntax.
  bool mistakes = true;
  std::size_t max_errors = 100;
};

struct ParseResult {
  Node* root = nullptr;  // a Module, never null
  std::vector<Token> tokens;
  Language language = Language::Unknown;  // which language the writer seems to think in
};

// Lexes and parses source. Nodes live in arena; diagnostics are appended in source order of
// discovery (lexer first).
ParseResult parse(std::string_view source, Arena& arena, std::vector<Diagnostic>& diagnostics,
                  const ParseOptions& options = {});

// The same, reusing the caller's token buffer (benchmarks, batch checking).
Node* parse_into(std::string_view source, Arena& arena, std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics,
                 const ParseOptions& options = {}, Language* language = nullptr);

}  // namespace spl::syntax
