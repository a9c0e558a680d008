#pragma once
// Semantic analysis of one Simple file: scopes and names, `val` immutability, duplicate
// definitions, misplaced jumps, literal type mismatches, call arity, match exhaustiveness.
// Runs on any tree the parser returns, partial trees included; see docs/sema.md.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/ast.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/mistakes.hpp"
#include "spl/syntax/token.hpp"

namespace spl::sema {

struct Options {
  // The parser (or lexer) reported errors for this file. Sema then reports only errors whose
  // evidence lies in complete statements and no warnings, so one syntax mistake stays one
  // diagnostic. A tree that is not Complete switches this on too.
  bool syntax_errors = false;
  // Where those errors are (primary spans): with syntax errors, nothing is reported on their
  // lines or the lines next to them.
  std::vector<syntax::Span> syntax_error_spans;
  bool warnings = true;
  // The file's path: a wildcard `use` of a module found from there (see docs/sema.md) brings its
  // names in; without a path, or when the module is not found, a wildcard import switches
  // undefined-name errors off for the file.
  std::string path;
};

// The semantic diagnostics of a parsed module (the root returned by syntax::parse), in source
// order. Never throws on a damaged tree.
std::vector<syntax::Diagnostic> analyze(const syntax::Node* module, std::string_view source,
                                        const std::vector<syntax::Token>& tokens,
                                        const Options& options = {});

class Index;
// The same analysis, also filling index (spl/sema/index.hpp) from the walk that resolves names.
std::vector<syntax::Diagnostic> analyze(const syntax::Node* module, std::string_view source,
                                        const std::vector<syntax::Token>& tokens, const Options& options,
                                        Index& index);

// Options for a file whose parse produced these diagnostics (syntax_errors and their spans).
Options options_after(const std::vector<syntax::Diagnostic>& syntax_diagnostics);

// Every code sema emits, with a summary and an example that triggers it.
std::span<const syntax::CodeInfo> diagnostic_codes();

}  // namespace spl::sema
