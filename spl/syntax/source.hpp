#pragma once
// A source file's text and its line table, for turning byte offsets into 1-based lines and columns.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spl::syntax {

struct LineCol {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  LineCol line_col(std::uint32_t offset) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  // The text of a 1-based line, without its line break.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_start(std::uint32_t line) const { return line_starts_[line - 1]; }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Source text on one line: runs of whitespace (line breaks included) become one space, and
// leading and trailing whitespace goes (signatures and types shown in an editor or a message).
std::string one_line(std::string_view text);

}  // namespace spl::syntax
