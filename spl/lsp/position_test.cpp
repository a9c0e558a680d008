#include "spl/lsp/position.hpp"

#include <gtest/gtest.h>

namespace spl::lsp {
namespace {

// "é" is 2 bytes and 1 UTF-16 unit, "😀" 4 bytes and 2 units.
constexpr std::string_view kText = "val s = \"é😀x\"\nab\r\n\ncd";

TEST(Position, Utf16CountsCodeUnits) {
  LineIndex lines(kText);
  std::uint32_t x = static_cast<std::uint32_t>(kText.find('x'));
  EXPECT_EQ(lines.position(x, Encoding::Utf16), (Position{0, 12}));  // val s = " (9) + é (1) + 😀 (2)
  EXPECT_EQ(lines.offset({0, 12}, Encoding::Utf16), x);
  std::uint32_t smile = static_cast<std::uint32_t>(kText.find("😀"));
  EXPECT_EQ(lines.offset({0, 10}, Encoding::Utf16), smile);
  // In the middle of the surrogate pair: stays before the character.
  EXPECT_EQ(lines.offset({0, 11}, Encoding::Utf16), smile);
}

TEST(Position, Utf8CountsBytes) {
  LineIndex lines(kText);
  std::uint32_t x = static_cast<std::uint32_t>(kText.find('x'));
  EXPECT_EQ(lines.position(x, Encoding::Utf8), (Position{0, x}));
  EXPECT_EQ(lines.offset({0, x}, Encoding::Utf8), x);
  // Inside é: before it.
  std::uint32_t e = static_cast<std::uint32_t>(kText.find("é"));
  EXPECT_EQ(lines.offset({0, e + 1}, Encoding::Utf8), e);
}

TEST(Position, PastEndOfLineClampsToLineEnd) {
  LineIndex lines(kText);
  std::uint32_t ab = static_cast<std::uint32_t>(kText.find("ab"));
  EXPECT_EQ(lines.offset({1, 99}, Encoding::Utf16), ab + 2);  // before the \r\n
  EXPECT_EQ(lines.offset({2, 5}, Encoding::Utf16), ab + 4);   // the empty line
  EXPECT_EQ(lines.offset({40, 0}, Encoding::Utf16), kText.size());
  EXPECT_EQ(lines.position(1000, Encoding::Utf16), (Position{3, 2}));
}

TEST(Position, LinesAndRoundTrip) {
  LineIndex lines(kText);
  EXPECT_EQ(lines.line_count(), 4u);
  for (Encoding enc : {Encoding::Utf8, Encoding::Utf16}) {
    for (std::uint32_t off = 0; off <= kText.size(); ++off) {
      if (off < kText.size() && (static_cast<unsigned char>(kText[off]) & 0xC0) == 0x80) continue;
      if (off > 0 && kText[off - 1] == '\r') continue;  // between \r and \n: clamps to before \r
      EXPECT_EQ(lines.offset(lines.position(off, enc), enc), off) << off;
    }
  }
}

}  // namespace
}  // namespace spl::lsp
