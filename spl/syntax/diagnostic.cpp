#include "spl/syntax/diagnostic.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

namespace spl::syntax {
namespace {

struct Palette {
  const char* severity = "";
  const char* bold = "";
  const char* gutter = "";
  const char* secondary = "";
  const char* reset = "";
};

Palette palette(Severity severity, bool colour) {
  if (!colour) return {};
  const char* sev = severity == Severity::Error ? "\x1b[1;31m" : severity == Severity::Warning ? "\x1b[1;33m" : "\x1b[1;36m";
  return {sev, "\x1b[1m", "\x1b[1;34m", "\x1b[1;34m", "\x1b[0m"};
}

// Columns of a tab-free rendering: tabs in the excerpt become 4 spaces so carets line up.
std::string expand_tabs(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '\t') {
      out += "    ";
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t display_width(std::string_view line, std::size_t bytes) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < bytes && i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      width += 4;
    } else if ((c & 0xC0) != 0x80) {
      ++width;  // count UTF-8 lead bytes only
    }
  }
  return width;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void append_json_span(std::string& out, const SourceFile& file, Span span) {
  LineCol b = file.line_col(span.begin);
  LineCol e = file.line_col(span.end);
  out += fmt::format(R"({{"begin":{},"end":{},"line":{},"column":{},"end_line":{},"end_column":{}}})", span.begin,
                     span.end, b.line, b.column, e.line, e.column);
}

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::string render_text(const SourceFile& file, const Diagnostic& d, const RenderOptions& options) {
  Palette p = palette(d.severity, options.colour);
  std::string out;
  LineCol at = file.line_col(d.span.begin);
  out += fmt::format("{}{}[{}]{}{}: {}{}\n", p.severity, severity_name(d.severity), d.code, p.reset, p.bold, d.message,
                     p.reset);

  // Every line that carries a marker, with its markers (primary first).
  struct Marker {
    std::uint32_t begin_col, end_col;  // byte columns (0-based) within the line
    bool primary;
    std::string_view label;
  };
  std::map<std::uint32_t, std::vector<Marker>> lines;
  auto add = [&](Span span, bool primary, std::string_view label) {
    LineCol b = file.line_col(span.begin);
    LineCol e = file.line_col(span.end);
    std::string_view text = file.line_text(b.line);
    std::uint32_t begin_col = b.column - 1;
    std::uint32_t end_col = e.line == b.line ? e.column - 1 : static_cast<std::uint32_t>(text.size());
    if (end_col <= begin_col) end_col = begin_col + 1;  // an insertion point still gets one caret
    lines[b.line].push_back({begin_col, end_col, primary, label});
  };
  add(d.span, true, d.primary_label);
  for (const Label& l : d.labels) add(l.span, false, l.message);

  std::uint32_t last_line = lines.rbegin()->first;
  std::size_t gutter = std::to_string(last_line).size();
  std::string pad(gutter, ' ');
  out += fmt::format("{}{}--> {}{}:{}:{}\n", pad, p.gutter, p.reset, file.path(), at.line, at.column);
  out += fmt::format("{} {}|{}\n", pad, p.gutter, p.reset);
  std::uint32_t previous = 0;
  for (auto& [line, markers] : lines) {
    if (previous != 0 && line > previous + 1) out += fmt::format("{}{}...{}\n", p.gutter, pad, p.reset);
    previous = line;
    std::string_view text = file.line_text(line);
    out += fmt::format("{}{:>{}} |{} {}\n", p.gutter, line, gutter, p.reset, expand_tabs(text));
    std::stable_sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.primary > b.primary; });
    for (const Marker& m : markers) {
      std::size_t from = display_width(text, m.begin_col);
      std::size_t to = std::max(from + 1, display_width(text, m.end_col));
      const char* colour = m.primary ? p.severity : p.secondary;
      out += fmt::format("{} {}|{} {}{}{}", pad, p.gutter, p.reset, std::string(from, ' '), colour,
                         std::string(to - from, m.primary ? '^' : '-'));
      if (!m.label.empty()) out += fmt::format(" {}", m.label);
      out += fmt::format("{}\n", p.reset);
    }
  }
  for (const std::string& note : d.notes) out += fmt::format("{} {}={} note: {}\n", pad, p.gutter, p.reset, note);
  for (const FixIt& fix : d.fixits) {
    out += fmt::format("{} {}={} help: {}", pad, p.gutter, p.reset, fix.message);
    if (fix.edits.size() == 1) {
      const TextEdit& e = fix.edits.front();
      if (e.span.begin == e.span.end) {
        out += fmt::format(" (insert `{}`)", e.replacement);
      } else if (e.replacement.empty()) {
        out += fmt::format(" (remove `{}`)", file.text().substr(e.span.begin, e.span.end - e.span.begin));
      } else {
        out += fmt::format(" (`{}` -> `{}`)", file.text().substr(e.span.begin, e.span.end - e.span.begin), e.replacement);
      }
    }
    out += '\n';
  }
  return out;
}

std::string render_json(const SourceFile& file, const Diagnostic& d) {
  std::string out = "{\"code\":";
  append_json_string(out, d.code);
  out += ",\"severity\":";
  append_json_string(out, severity_name(d.severity));
  out += ",\"message\":";
  append_json_string(out, d.message);
  out += ",\"file\":";
  append_json_string(out, file.path());
  out += ",\"span\":";
  append_json_span(out, file, d.span);
  out += ",\"label\":";
  append_json_string(out, d.primary_label);
  out += ",\"labels\":[";
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    if (i) out += ',';
    out += "{\"span\":";
    append_json_span(out, file, d.labels[i].span);
    out += ",\"message\":";
    append_json_string(out, d.labels[i].message);
    out += '}';
  }
  out += "],\"notes\":[";
  for (std::size_t i = 0; i < d.notes.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, d.notes[i]);
  }
  out += "],\"fixits\":[";
  for (std::size_t i = 0; i < d.fixits.size(); ++i) {
    if (i) out += ',';
    out += "{\"message\":";
    append_json_string(out, d.fixits[i].message);
    out += fmt::format(",\"machine_applicable\":{},\"edits\":[", d.fixits[i].machine_applicable ? "true" : "false");
    for (std::size_t j = 0; j < d.fixits[i].edits.size(); ++j) {
      if (j) out += ',';
      out += "{\"span\":";
      append_json_span(out, file, d.fixits[i].edits[j].span);
      out += ",\"replacement\":";
      append_json_string(out, d.fixits[i].edits[j].replacement);
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

}  // namespace spl::syntax
