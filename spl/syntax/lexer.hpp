#pragma once
// The Simple lexer: significant indentation (INDENT/DEDENT, tab = 4, suppressed inside brackets and
// forced back on for block lambdas `\x:` inside calls), continuation by trailing and leading
// operators, `#` comments, strings with {expr} holes, raw and triple-quoted strings, numbers with
// `_`, type and unit suffixes. It fills a caller-owned token vector (reused across files) and never
// allocates per token.

#include <string_view>
#include <vector>

#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/token.hpp"

namespace spl::syntax {

// Lexes source into tokens (cleared first). The stream always ends with Eof; every INDENT has its
// DEDENT. Lexical errors go to diagnostics and the lexer carries on: an unterminated string ends
// at the line break, an unclosed bracket is closed by a zero-width synthetic token, a stray closer
// is dropped.
void lex(std::string_view source, std::vector<Token>& tokens, std::vector<Diagnostic>& diagnostics);

// Lexes the text of an interpolation hole (an expression, no indentation) whose first byte is at
// offset base in the enclosing file: token offsets are file offsets.
void lex_fragment(std::string_view source, std::uint32_t base, std::uint32_t end, std::vector<Token>& tokens,
                  std::vector<Diagnostic>& diagnostics);

// The {expr} holes of an interpolated string token: byte ranges of the expression text (without
// the braces), in file offsets.
void interpolation_holes(std::string_view source, const Token& string_token, std::vector<Span>& holes);

}  // namespace spl::syntax
