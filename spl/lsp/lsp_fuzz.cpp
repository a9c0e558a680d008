// Random bytes to the framing reader and the dispatcher: the bytes are read as a stream of framed
// messages, each handed to a server that has been initialized and has a document open, so edits
// and requests with arbitrary (or missing) params reach every handler. Nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "spl/lsp/server.hpp"
#include "spl/lsp/transport.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using spl::lsp::json;
  if (size > 1 << 16) return 0;
  // Replies are serialised as the stdio transport does, so a reply that cannot be written shows up.
  spl::lsp::Server server([](const json& m) { (void)m.dump(-1, ' ', false, json::error_handler_t::replace); });
  server.handle(json{{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"},
                     {"params", {{"capabilities", {{"general", {{"positionEncodings", {size % 2 ? "utf-8" : "utf-16"}}}}}}}}});
  server.handle(json{{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
                     {"params", {{"textDocument", {{"uri", "file:///f.spl"}, {"version", 1}, {"text", "fn f(é):\n    x.\n"}}}}}});
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  spl::lsp::Reader reader(in);
  for (spl::lsp::Frame f = reader.next(); f.kind == spl::lsp::Frame::Kind::Message && !server.finished(); f = reader.next()) {
    server.receive(f.body);
    server.idle();
  }
  // The raw bytes as one body too, so the dispatcher sees them without needing a valid frame.
  server.receive(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
