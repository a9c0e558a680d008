#pragma once
// `spl fmt`: the Simple formatter. It re-lays out the lexer's token stream (the tree decides the
// roles of operators and colons): block indentation becomes 4 spaces a level, continuation lines
// keep their offset from the line they continue, operators and commas get canonical spacing,
// blank lines are capped, trailing whitespace goes and the file ends with one newline. Comments,
// strings and line breaks between tokens are kept as written. A file with syntax errors is
// refused, and every result is re-parsed and checked to be the same program (docs/fmt.md).
//
// Note for callers inside `namespace spl`: this namespace is `spl::fmt`, so there an unqualified
// `fmt::format` names this function; write `::fmt::format` for the {fmt} library.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/diagnostic.hpp"

namespace spl::fmt {

struct Options {
  int indent_width = 4;      // spaces per block level
  int max_blank_lines = 2;   // between top-level items; 1 inside blocks and brackets
  bool verify = true;        // re-parse the result and refuse rather than return a different program
};

enum class Status {
  kFormatted,     // text holds the formatted source (possibly equal to the input)
  kSyntaxErrors,  // refused: the source does not parse cleanly; diagnostics says why
  kInternal,      // refused: the formatter could not keep the program the same (a bug; reason says where)
};

struct Result {
  Status status = Status::kFormatted;
  std::string text;                              // the formatted source when status is kFormatted
  std::vector<syntax::Diagnostic> diagnostics;   // the syntax errors when status is kSyntaxErrors
  std::string reason;                            // one line for people when refused
  // The full layout failed its own check, so only the conservative one was applied (indentation
  // and token contacts as written). Never expected; tests assert it stays false.
  bool conservative = false;

  bool ok() const { return status == Status::kFormatted; }
};

// Formats one file's source. Pure: no I/O, no global state; safe to call from several threads.
Result format(std::string_view source, const Options& options = {});

// The same, keeping its buffers (token arrays, tree arenas, layout scratch) between calls: for a
// tool that formats many files or the same document again and again (spl fmt, spl lsp). Fresh
// memory costs more than the formatting itself (the kernel zeroes every page), so a reused
// Formatter is about twice as fast. One Formatter per thread.
class Formatter {
 public:
  Formatter();
  ~Formatter();
  Formatter(const Formatter&) = delete;
  Formatter& operator=(const Formatter&) = delete;

  Result format(std::string_view source, const Options& options = {});

 private:
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

}  // namespace spl::fmt
