#include "spl/lsp/position.hpp"

#include <algorithm>

namespace spl::lsp {

namespace {

// Bytes in the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, so malformed
// text still advances).
std::uint32_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(static_cast<std::uint32_t>(i + 1));
}

std::uint32_t LineIndex::line_end(std::uint32_t line) const {
  std::uint32_t end = line + 1 < starts_.size() ? starts_[line + 1] - 1 : static_cast<std::uint32_t>(text_.size());
  if (end > starts_[line] && text_[end - 1] == '\r' && line + 1 < starts_.size()) --end;
  return end;
}

std::uint32_t LineIndex::line_of(std::uint32_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<std::uint32_t>(it - starts_.begin()) - 1;
}

std::uint32_t LineIndex::offset(Position p, Encoding enc) const {
  if (p.line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  std::uint32_t i = starts_[p.line];
  std::uint32_t end = line_end(p.line);
  std::uint32_t units = 0;
  while (i < end && units < p.character) {
    std::uint32_t len = std::min(sequence_length(static_cast<unsigned char>(text_[i])), end - i);
    std::uint32_t width = enc == Encoding::Utf8 ? len : (len == 4 ? 2 : 1);
    if (units + width > p.character) break;  // inside a character: stay before it
    units += width;
    i += len;
  }
  return i;
}

Position LineIndex::position(std::uint32_t offset, Encoding enc) const {
  offset = std::min(offset, static_cast<std::uint32_t>(text_.size()));
  std::uint32_t line = line_of(offset);
  std::uint32_t i = starts_[line];
  std::uint32_t units = 0;
  while (i < offset) {
    std::uint32_t len = sequence_length(static_cast<unsigned char>(text_[i]));
    if (i + len > offset) len = offset - i;  // an offset inside a character counts what precedes it
    units += enc == Encoding::Utf8 ? len : (len == 4 ? 2 : 1);
    i += len;
  }
  return {line, units};
}

}  // namespace spl::lsp
