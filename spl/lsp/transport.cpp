#include "spl/lsp/transport.hpp"

#include <algorithm>
#include <cctype>

namespace spl::lsp {

namespace {

// The value of a Content-Length header anywhere in the line (case-insensitive), so a header that
// follows the leftovers of a body sent with too small a length is still found.
std::optional<std::size_t> content_length(const std::string& line) {
  static constexpr std::string_view kName = "content-length:";
  auto it = std::search(line.begin(), line.end(), kName.begin(), kName.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  if (it == line.end()) return std::nullopt;
  std::size_t i = static_cast<std::size_t>(it - line.begin()) + kName.size();
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::size_t value = 0;
  std::size_t digits = 0;
  for (; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i, ++digits) {
    if (value > kMaxMessageBytes) return kMaxMessageBytes + 1;  // keep it bounded; rejected below
    value = value * 10 + static_cast<std::size_t>(line[i] - '0');
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (digits == 0 || i != line.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> Reader::line() {
  std::string s;
  bool any = false;
  while (true) {
    int c = in_.get();
    if (c == std::char_traits<char>::eof()) {
      if (!any) return std::nullopt;
      return s;
    }
    any = true;
    if (c == '\n') break;
    if (s.size() < kMaxHeaderLine) s.push_back(static_cast<char>(c));
  }
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

Frame Reader::next() {
  std::optional<std::size_t> length;
  bool headers = false;  // a non-empty line has been seen since the last block ended
  while (true) {
    std::optional<std::string> l = line();
    if (!l) return {};
    if (l->empty()) {
      if (length) break;
      if (headers) ++dropped_;  // a header block without a usable length: skip it
      headers = false;
      continue;
    }
    headers = true;
    if (auto n = content_length(*l)) length = n;
  }
  if (*length > kMaxMessageBytes) return {};
  Frame f;
  f.body.resize(*length);
  in_.read(f.body.data(), static_cast<std::streamsize>(*length));
  if (static_cast<std::size_t>(in_.gcount()) != *length) return {};  // the client went away mid-body
  f.kind = Frame::Kind::Message;
  return f;
}

void write_frame(std::ostream& out, const std::string& body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace spl::lsp
