#include "spl/lsp/document.hpp"

#include <gtest/gtest.h>

namespace spl::lsp {
namespace {

TEST(Document, FullReplacement) {
  Document d{"file:///a.spl", 1, "old"};
  d.apply(std::nullopt, "new text", Encoding::Utf16);
  EXPECT_EQ(d.text, "new text");
}

TEST(Document, IncrementalEditsInUtf16) {
  Document d{"file:///a.spl", 1, "val é = 1\nval 😀x = 2\n"};
  // Replace `x` on line 1: character 6 in UTF-16 (val ␠ = 4, 😀 = 2).
  d.apply(Range{{1, 6}, {1, 7}}, "y", Encoding::Utf16);
  EXPECT_EQ(d.text, "val é = 1\nval 😀y = 2\n");
  // Insert after é (character 5).
  d.apply(Range{{0, 5}, {0, 5}}, "é", Encoding::Utf16);
  EXPECT_EQ(d.text, "val éé = 1\nval 😀y = 2\n");
  // Delete across the line break.
  d.apply(Range{{0, 10}, {1, 0}}, " ", Encoding::Utf16);
  EXPECT_EQ(d.text, "val éé = 1 val 😀y = 2\n");
}

TEST(Document, IncrementalEditsInUtf8) {
  Document d{"file:///a.spl", 1, "é😀x\n"};
  d.apply(Range{{0, 6}, {0, 7}}, "z", Encoding::Utf8);
  EXPECT_EQ(d.text, "é😀z\n");
}

TEST(Document, OutOfRangeEditsClamp) {
  Document d{"file:///a.spl", 1, "ab\ncd"};
  d.apply(Range{{0, 50}, {0, 60}}, "!", Encoding::Utf16);
  EXPECT_EQ(d.text, "ab!\ncd");
  d.apply(Range{{9, 0}, {9, 9}}, "?", Encoding::Utf16);
  EXPECT_EQ(d.text, "ab!\ncd?");
  d.apply(Range{{1, 2}, {0, 0}}, "", Encoding::Utf16);  // end before start: an insertion of nothing
  EXPECT_EQ(d.text, "ab!\ncd?");
}

TEST(Document, Uris) {
  EXPECT_EQ(uri_to_path("file:///home/a%20b/x.spl"), "/home/a b/x.spl");
  EXPECT_EQ(uri_to_path("file://localhost/x.spl"), "/x.spl");
  EXPECT_EQ(uri_to_path("untitled:1"), "");
  EXPECT_EQ(uri_to_path("file://server/share/x.spl"), "");
  EXPECT_EQ(path_to_uri("/home/a b/é.spl"), "file:///home/a%20b/%C3%A9.spl");
  EXPECT_EQ(uri_to_path(path_to_uri("/tmp/a b#c/é.spl")), "/tmp/a b#c/é.spl");
}

}  // namespace
}  // namespace spl::lsp
