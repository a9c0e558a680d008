#pragma once
// The LSP base protocol: messages framed by a `Content-Length` header over a byte stream.
// The reader survives bad input: garbage header lines are skipped, a missing or unparseable
// length drops that header block, and a length beyond the limit ends the stream (nothing after
// it can be framed again reliably without reading the whole body).

#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace spl::lsp {

inline constexpr std::size_t kMaxMessageBytes = 64u << 20;  // 64 MiB
inline constexpr std::size_t kMaxHeaderLine = 8192;

struct Frame {
  enum class Kind { Message, Eof } kind = Kind::Eof;
  std::string body;
};

class Reader {
 public:
  explicit Reader(std::istream& in) : in_(in) {}
  // The next message body, or Eof when the stream ends (or a frame cannot be recovered from).
  Frame next();
  // Header blocks dropped because they had no usable Content-Length (for tests and logging).
  std::size_t dropped() const { return dropped_; }

 private:
  // One header line without its line break; nullopt at end of stream.
  std::optional<std::string> line();

  std::istream& in_;
  std::size_t dropped_ = 0;
};

// Writes one framed message.
void write_frame(std::ostream& out, const std::string& body);

}  // namespace spl::lsp
