#pragma once
// LSP positions (line, character) and byte offsets. The character counts UTF-16 code units by the
// protocol's default, or bytes when client and server agree on UTF-8. Positions past the end of a
// line clamp to its end, lines past the end of the text to the end of the text.

#include <cstdint>
#include <string_view>
#include <vector>

namespace spl::lsp {

enum class Encoding { Utf16, Utf8 };

struct Position {
  std::uint32_t line = 0;
  std::uint32_t character = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

struct Range {
  Position start;
  Position end;
  friend bool operator==(const Range&, const Range&) = default;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  std::uint32_t offset(Position p, Encoding enc) const;
  Position position(std::uint32_t offset, Encoding enc) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  // The 0-based line holding a byte offset.
  std::uint32_t line_of(std::uint32_t offset) const;
  std::uint32_t line_start(std::uint32_t line) const { return starts_[line]; }
  // One past the last byte of a line's text (its line break excluded).
  std::uint32_t line_end(std::uint32_t line) const;

 private:
  std::string_view text_;
  std::vector<std::uint32_t> starts_;
};

}  // namespace spl::lsp
