#include "spl/lsp/transport.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace spl::lsp {
namespace {

std::string frame(const std::string& body) { return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body; }

TEST(Transport, ReadsFramedMessagesInOrder) {
  std::istringstream in(frame("{\"a\":1}") + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame("{}"));
  Reader r(in);
  Frame a = r.next();
  ASSERT_EQ(a.kind, Frame::Kind::Message);
  EXPECT_EQ(a.body, "{\"a\":1}");
  Frame b = r.next();
  ASSERT_EQ(b.kind, Frame::Kind::Message);
  EXPECT_EQ(b.body, "{}");
  EXPECT_EQ(r.next().kind, Frame::Kind::Eof);
}

TEST(Transport, HeaderNameIsCaseInsensitiveAndBareNewlinesWork) {
  std::istringstream in("content-length: 2\n\n{}");
  Reader r(in);
  Frame f = r.next();
  ASSERT_EQ(f.kind, Frame::Kind::Message);
  EXPECT_EQ(f.body, "{}");
}

TEST(Transport, GarbageHeadersAreSkipped) {
  std::istringstream in("hello there\r\nX: y\r\n\r\nContent-Length: abc\r\n\r\n" + frame("[1]"));
  Reader r(in);
  Frame f = r.next();
  ASSERT_EQ(f.kind, Frame::Kind::Message);
  EXPECT_EQ(f.body, "[1]");
  EXPECT_EQ(r.dropped(), 2u);
}

TEST(Transport, TooSmallLengthLosesOnlyThatMessage) {
  // The leftover `}` runs into the next header line; the next message is still found.
  std::istringstream in("Content-Length: 6\r\n\r\n{\"a\":1}" + frame("{\"b\":2}"));
  Reader r(in);
  EXPECT_EQ(r.next().body, "{\"a\":1");
  Frame f = r.next();
  ASSERT_EQ(f.kind, Frame::Kind::Message);
  EXPECT_EQ(f.body, "{\"b\":2}");
}

TEST(Transport, TooLargeLengthEndsAtEndOfInput) {
  std::istringstream in("Content-Length: 100\r\n\r\n{}");
  Reader r(in);
  EXPECT_EQ(r.next().kind, Frame::Kind::Eof);
}

TEST(Transport, AbsurdLengthEndsTheStream) {
  std::istringstream in("Content-Length: 99999999999999999999999\r\n\r\n{}");
  Reader r(in);
  EXPECT_EQ(r.next().kind, Frame::Kind::Eof);
}

TEST(Transport, LongGarbageLineIsBounded) {
  std::istringstream in(std::string(1 << 20, 'x') + "\r\n\r\n" + frame("{}"));
  Reader r(in);
  EXPECT_EQ(r.next().body, "{}");
}

TEST(Transport, EofInsideHeadersOrEmptyInput) {
  std::istringstream empty("");
  EXPECT_EQ(Reader(empty).next().kind, Frame::Kind::Eof);
  std::istringstream half("Content-Length: 2\r\n");
  EXPECT_EQ(Reader(half).next().kind, Frame::Kind::Eof);
}

TEST(Transport, WriteFrameRoundTrips) {
  std::ostringstream out;
  write_frame(out, "{\"x\":\"é\"}");
  EXPECT_EQ(out.str(), "Content-Length: 10\r\n\r\n{\"x\":\"é\"}");
  std::istringstream in(out.str());
  EXPECT_EQ(Reader(in).next().body, "{\"x\":\"é\"}");
}

}  // namespace
}  // namespace spl::lsp
