#pragma once
// The language server: one JSON-RPC message in, zero or more out through a send callback. It keeps
// the open documents, analyses them lazily (a burst of edits costs one analysis, at idle or at the
// first request that needs it), and answers from the latest text, partial trees included.
// Transport and threading live in stdio.hpp; this class is single-threaded except for the
// cancellation set, which the reading thread fills.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spl/fmt/format.hpp"
#include "spl/lsp/analysis.hpp"
#include "spl/lsp/document.hpp"
#include "spl/lsp/outline.hpp"
#include "spl/lsp/position.hpp"

namespace spl::lsp {

using nlohmann::json;

// JSON-RPC and LSP error codes.
enum class ErrorCode : int {
  ParseError = -32700, InvalidRequest = -32600, MethodNotFound = -32601, InvalidParams = -32602,
  InternalError = -32603, ServerNotInitialized = -32002, RequestFailed = -32803, RequestCancelled = -32800
};

// Request ids the client has cancelled ($/cancelRequest), shared with the thread that reads them
// ahead of the server.
class Cancellations {
 public:
  void add(const json& id);
  // True once for a cancelled id (the mark is consumed).
  bool take(const json& id);

 private:
  std::mutex mutex_;
  std::set<std::string> ids_;
};

struct ServerInfo {
  std::string name = "spl";
  std::string version;
};

class Server {
 public:
  using Send = std::function<void(const json&)>;
  Server(Send send, ServerInfo info = {}, std::shared_ptr<Cancellations> cancellations = nullptr);
  ~Server();

  // One message body as read from the transport: malformed JSON gets a ParseError response.
  void receive(std::string_view body);
  void handle(const json& message);
  // Publishes diagnostics for documents changed since their last analysis. Call when no message is
  // waiting.
  void idle();

  bool finished() const { return finished_; }
  // 0 after shutdown then exit (or end of input after shutdown), 1 otherwise.
  int exit_code() const { return shutdown_ ? 0 : 1; }
  Encoding encoding() const { return encoding_; }

 private:
  struct Open;
  // A workspace symbol, flattened, with its position already in the negotiated encoding (the
  // index keeps no text or tree).
  struct IndexedSymbol {
    std::string name;
    SymbolKind kind;
    std::string container;
    Range range;
  };
  using Handler = json (Server::*)(const json& params);

  void respond(const json& id, json result);
  void respond_error(const json& id, ErrorCode code, std::string message);
  void notify(std::string method, json params);
  void request(std::string method, json params);

  Open* document(const json& params);  // throws a RequestFailed error for a document not open
  const Analysis& analysis(Open& doc);
  void publish(Open& doc);
  json to_range(const Analysis& a, syntax::Span span) const;
  json to_diagnostic(const Analysis& a, const std::string& uri, const syntax::Diagnostic& d) const;
  std::uint32_t to_offset(const Analysis& a, const json& position) const;
  void index_workspace();
  void index_file(const std::string& uri, const Analysis& a);

  json initialize(const json& params);
  json shutdown(const json& params);
  json did_open(const json& params);
  json did_change(const json& params);
  json did_close(const json& params);
  json did_save(const json& params);
  json initialized(const json& params);
  json code_action(const json& params);
  json document_symbol(const json& params);
  json workspace_symbol(const json& params);
  json folding_range(const json& params);
  json selection_range(const json& params);
  json semantic_tokens_full(const json& params);
  json hover(const json& params);
  json definition(const json& params);
  json references(const json& params);
  json prepare_rename(const json& params);
  json rename(const json& params);
  json signature_help(const json& params);
  json completion(const json& params);
  json formatting(const json& params);
  // One text edit that turns the analysed text into `after`: the changed middle only, on
  // character boundaries (so a client keeps its cursor and folds outside it).
  json replacement_edit(const Analysis& a, std::string_view after) const;

  Send send_;
  ServerInfo info_;
  std::shared_ptr<Cancellations> cancellations_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool finished_ = false;
  bool progress_supported_ = false;
  Encoding encoding_ = Encoding::Utf16;
  std::string root_;
  std::int64_t next_request_id_ = 1;
  std::map<std::string, std::unique_ptr<Open>> open_;
  std::unique_ptr<spl::fmt::Formatter> formatter_;  // kept: its buffers make a reformat cheaper
  std::map<std::string, std::vector<IndexedSymbol>> index_;  // by URI
  std::map<std::string_view, Handler, std::less<>> requests_;
  std::map<std::string_view, Handler, std::less<>> notifications_;
};

}  // namespace spl::lsp
