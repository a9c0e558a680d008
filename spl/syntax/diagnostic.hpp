#pragma once
// Diagnostics: a stable code, a severity, a primary span, labels, notes and fix-its (text edits).
// Rendered rustc-style for people and as JSON for tools.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/source.hpp"

namespace spl::syntax {

enum class Severity : std::uint8_t { Error, Warning, Note };

struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct Label {
  Span span;
  std::string message;
};

// Replace the bytes of span with replacement (an insertion has an empty span).
struct TextEdit {
  Span span;
  std::string replacement;
};

struct FixIt {
  std::string message;
  std::vector<TextEdit> edits;
  bool machine_applicable = true;  // `spl fix` applies only these
};

struct Diagnostic {
  std::string code;  // "E0201", stable across releases; see docs/diagnostics.md
  Severity severity = Severity::Error;
  std::string message;
  Span span;  // primary span
  std::string primary_label;
  std::vector<Label> labels;  // secondary spans
  std::vector<std::string> notes;
  std::vector<FixIt> fixits;
};

struct RenderOptions {
  bool colour = false;
};

// rustc-style text: "error[E0201]: message\n --> file:line:col\n  |\n3 | code\n  |     ^^^ label\n".
std::string render_text(const SourceFile& file, const Diagnostic& diagnostic, const RenderOptions& options = {});
// One JSON object: code, severity, message, file, span {begin,end,line,column,end_line,end_column},
// labels, notes, fixits (edits with byte offsets and line/column).
std::string render_json(const SourceFile& file, const Diagnostic& diagnostic);

std::string_view severity_name(Severity severity);
std::size_t count_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace spl::syntax
