#include "spl/lsp/server.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "spl/lsp/navigation.hpp"
#include "spl/lsp/semantic_tokens.hpp"
#include "spl/lsp/structure.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/fix.hpp"

namespace spl::lsp {

namespace {

// A request that cannot be answered; becomes the response's error.
struct RequestError {
  ErrorCode code;
  std::string message;
};

constexpr std::size_t kMaxCancellations = 1024;
constexpr std::size_t kMaxIndexedFiles = 10000;
constexpr std::size_t kMaxWorkspaceSymbols = 1000;

json position_json(Position p) { return {{"line", p.line}, {"character", p.character}}; }

Position position_from(const json& j) {
  auto coordinate = [&](const char* key) -> std::uint32_t {
    const json& v = j.at(key);
    if (!v.is_number_integer() && !v.is_number_unsigned()) throw RequestError{ErrorCode::InvalidParams, "a position needs integer line and character"};
    std::int64_t n = v.get<std::int64_t>();
    if (n < 0) throw RequestError{ErrorCode::InvalidParams, "a position cannot be negative"};
    return static_cast<std::uint32_t>(std::min<std::int64_t>(n, 0xFFFFFFFF));
  };
  return {coordinate("line"), coordinate("character")};
}

Range range_from(const json& j) { return {position_from(j.at("start")), position_from(j.at("end"))}; }

json range_json(const Range& r) { return {{"start", position_json(r.start)}, {"end", position_json(r.end)}}; }

int severity_number(syntax::Severity s) {
  switch (s) {
    case syntax::Severity::Error: return 1;
    case syntax::Severity::Warning: return 2;
    case syntax::Severity::Note: return 3;
  }
  return 1;
}

// Case-insensitive subsequence match, the usual fuzzy filter of symbol pickers.
bool fuzzy_match(std::string_view query, std::string_view name) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < name.size() && j < query.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(name[i])) == std::tolower(static_cast<unsigned char>(query[j]))) ++j;
  return j == query.size();
}

bool kind_wanted(const json& context, std::string_view kind) {
  if (!context.is_object() || !context.contains("only")) return true;
  for (const json& k : context.at("only")) {
    std::string want = k.get<std::string>();
    if (kind == want || (kind.size() > want.size() && kind.substr(0, want.size()) == want && kind[want.size()] == '.'))
      return true;
  }
  return false;
}

}  // namespace

void Cancellations::add(const json& id) {
  std::lock_guard lock(mutex_);
  if (ids_.size() >= kMaxCancellations) ids_.clear();  // ids of requests long answered
  ids_.insert(id.dump());
}

bool Cancellations::take(const json& id) {
  std::lock_guard lock(mutex_);
  return ids_.erase(id.dump()) > 0;
}

struct Server::Open {
  Document doc;
  std::string path;
  std::unique_ptr<Analysis> analysis;  // null when the text changed since the last analysis
  bool published = false;
};

Server::Server(Send send, ServerInfo info, std::shared_ptr<Cancellations> cancellations)
    : send_(std::move(send)), info_(std::move(info)), cancellations_(std::move(cancellations)) {
  if (!cancellations_) cancellations_ = std::make_shared<Cancellations>();
  requests_ = {
      {"initialize", &Server::initialize},
      {"shutdown", &Server::shutdown},
      {"textDocument/codeAction", &Server::code_action},
      {"textDocument/documentSymbol", &Server::document_symbol},
      {"workspace/symbol", &Server::workspace_symbol},
      {"textDocument/foldingRange", &Server::folding_range},
      {"textDocument/selectionRange", &Server::selection_range},
      {"textDocument/semanticTokens/full", &Server::semantic_tokens_full},
      {"textDocument/hover", &Server::hover},
      {"textDocument/definition", &Server::definition},
      {"textDocument/references", &Server::references},
      {"textDocument/prepareRename", &Server::prepare_rename},
      {"textDocument/rename", &Server::rename},
      {"textDocument/signatureHelp", &Server::signature_help},
      {"textDocument/completion", &Server::completion},
      {"textDocument/formatting", &Server::formatting},
  };
  notifications_ = {
      {"initialized", &Server::initialized},     {"textDocument/didOpen", &Server::did_open},
      {"textDocument/didChange", &Server::did_change}, {"textDocument/didClose", &Server::did_close},
      {"textDocument/didSave", &Server::did_save},
  };
}

Server::~Server() = default;

// ---- messages ------------------------------------------------------------------------------

void Server::respond(const json& id, json result) {
  send_({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::respond_error(const json& id, ErrorCode code, std::string message) {
  send_({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", static_cast<int>(code)}, {"message", std::move(message)}}}});
}

void Server::notify(std::string method, json params) {
  send_({{"jsonrpc", "2.0"}, {"method", std::move(method)}, {"params", std::move(params)}});
}

void Server::request(std::string method, json params) {
  send_({{"jsonrpc", "2.0"}, {"id", next_request_id_++}, {"method", std::move(method)}, {"params", std::move(params)}});
}

void Server::receive(std::string_view body) {
  json message = json::parse(body, nullptr, false);
  if (message.is_discarded()) {
    respond_error(nullptr, ErrorCode::ParseError, "the message is not valid JSON");
    return;
  }
  handle(message);
}

void Server::handle(const json& message) {
  if (finished_) return;
  if (!message.is_object()) {
    respond_error(nullptr, ErrorCode::InvalidRequest, "a message must be a JSON object");
    return;
  }
  auto method_it = message.find("method");
  auto id_it = message.find("id");
  bool has_id = id_it != message.end() && (id_it->is_number_integer() || id_it->is_number_unsigned() || id_it->is_string());
  if (method_it == message.end()) {
    // A response to one of our requests (window/workDoneProgress/create): nothing to do with it.
    if (id_it != message.end() && (message.contains("result") || message.contains("error"))) return;
    respond_error(has_id ? *id_it : json(nullptr), ErrorCode::InvalidRequest, "a message needs a method");
    return;
  }
  if (!method_it->is_string() || (id_it != message.end() && !has_id)) {
    respond_error(has_id ? *id_it : json(nullptr), ErrorCode::InvalidRequest, "the method must be a string and the id a number or a string");
    return;
  }
  const std::string& method = method_it->get_ref<const std::string&>();
  static const json kNoParams = json::object();
  auto params_it = message.find("params");
  const json& params = params_it != message.end() ? *params_it : kNoParams;

  if (!has_id) {
    if (method == "exit") {
      finished_ = true;
      return;
    }
    if (!initialized_) return;  // notifications before initialize are dropped
    if (method == "$/cancelRequest") {
      if (params.is_object() && params.contains("id")) cancellations_->add(params.at("id"));
      return;
    }
    auto it = notifications_.find(method);
    if (it == notifications_.end()) return;  // unknown notifications are ignored
    try {
      (this->*(it->second))(params);
    } catch (const RequestError&) {
      // A notification has no reply: a bad one (an edit to a document never opened) is ignored.
    } catch (const json::exception&) {
    }
    return;
  }

  const json& id = *id_it;
  if (method != "initialize" && !initialized_) {
    respond_error(id, ErrorCode::ServerNotInitialized, "the server is not initialized");
    return;
  }
  if (shutdown_) {
    respond_error(id, ErrorCode::InvalidRequest, "the server is shutting down");
    return;
  }
  if (cancellations_->take(id)) {
    respond_error(id, ErrorCode::RequestCancelled, "cancelled");
    return;
  }
  auto it = requests_.find(method);
  if (it == requests_.end()) {
    respond_error(id, ErrorCode::MethodNotFound, "unknown method: " + method);
    return;
  }
  try {
    json result = (this->*(it->second))(params);
    respond(id, std::move(result));
  } catch (const RequestError& e) {
    respond_error(id, e.code, e.message);
  } catch (const json::exception& e) {
    respond_error(id, ErrorCode::InvalidParams, std::string("invalid params: ") + e.what());
  }
}

void Server::idle() {
  if (!initialized_ || finished_) return;
  for (auto& [uri, doc] : open_)
    if (!doc->published) publish(*doc);
}

// ---- documents -----------------------------------------------------------------------------

Server::Open* Server::document(const json& params) {
  const std::string& uri = params.at("textDocument").at("uri").get_ref<const std::string&>();
  auto it = open_.find(uri);
  if (it == open_.end()) throw RequestError{ErrorCode::RequestFailed, "the document is not open: " + uri};
  return it->second.get();
}

const Analysis& Server::analysis(Open& doc) {
  if (!doc.analysis) {
    doc.analysis = std::make_unique<Analysis>(doc.doc.text, doc.path);
    doc.published = false;
  }
  return *doc.analysis;
}

void Server::publish(Open& doc) {
  const Analysis& a = analysis(doc);
  json diagnostics = json::array();
  for (const syntax::Diagnostic& d : a.diagnostics()) diagnostics.push_back(to_diagnostic(a, doc.doc.uri, d));
  notify("textDocument/publishDiagnostics",
         {{"uri", doc.doc.uri}, {"version", doc.doc.version}, {"diagnostics", std::move(diagnostics)}});
  doc.published = true;
}

json Server::to_range(const Analysis& a, syntax::Span span) const { return range_json(a.range(span, encoding_)); }

std::uint32_t Server::to_offset(const Analysis& a, const json& position) const {
  return a.lines().offset(position_from(position), encoding_);
}

json Server::to_diagnostic(const Analysis& a, const std::string& uri, const syntax::Diagnostic& d) const {
  std::string message = d.message;
  for (const std::string& note : d.notes) message += "\nnote: " + note;
  json out = {{"range", to_range(a, d.span)},
              {"severity", severity_number(d.severity)},
              {"code", d.code},
              {"source", "spl"},
              {"message", std::move(message)}};
  if (!d.labels.empty()) {
    json related = json::array();
    for (const syntax::Label& l : d.labels)
      related.push_back({{"location", {{"uri", uri}, {"range", to_range(a, l.span)}}}, {"message", l.message}});
    out["relatedInformation"] = std::move(related);
  }
  return out;
}

// ---- lifecycle -----------------------------------------------------------------------------

json Server::initialize(const json& params) {
  if (initialized_) throw RequestError{ErrorCode::InvalidRequest, "initialize was already received"};
  const json capabilities = params.value("capabilities", json::object());
  if (capabilities.contains("general") && capabilities["general"].contains("positionEncodings")) {
    for (const json& e : capabilities["general"]["positionEncodings"])
      if (e == "utf-8") encoding_ = Encoding::Utf8;
  }
  progress_supported_ = capabilities.contains("window") && capabilities["window"].value("workDoneProgress", false);
  if (params.contains("rootUri") && params["rootUri"].is_string()) {
    root_ = uri_to_path(params["rootUri"].get<std::string>());
  } else if (params.contains("rootPath") && params["rootPath"].is_string()) {
    root_ = params["rootPath"].get<std::string>();
  }
  initialized_ = true;

  json token_types = json::array();
  for (std::string_view t : semantic_token_types()) token_types.push_back(t);
  json token_modifiers = json::array();
  for (std::string_view m : semantic_token_modifiers()) token_modifiers.push_back(m);
  json server_capabilities = {
      {"positionEncoding", encoding_ == Encoding::Utf8 ? "utf-8" : "utf-16"},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
      {"codeActionProvider", {{"codeActionKinds", {"quickfix", "source.fixAll"}}}},
      {"documentSymbolProvider", true},
      {"workspaceSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"selectionRangeProvider", true},
      {"semanticTokensProvider",
       {{"legend", {{"tokenTypes", token_types}, {"tokenModifiers", token_modifiers}}}, {"full", true}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"renameProvider", {{"prepareProvider", true}}},
      {"signatureHelpProvider", {{"triggerCharacters", {"(", ","}}, {"retriggerCharacters", {","}}}},
      {"completionProvider", {{"triggerCharacters", {"."}}}},
      {"documentFormattingProvider", true},
  };
  return {{"capabilities", std::move(server_capabilities)},
          {"serverInfo", {{"name", info_.name}, {"version", info_.version}}}};
}

json Server::initialized(const json&) {
  index_workspace();
  return nullptr;
}

json Server::shutdown(const json&) {
  shutdown_ = true;
  return nullptr;
}

json Server::did_open(const json& params) {
  const json& item = params.at("textDocument");
  auto doc = std::make_unique<Open>();
  doc->doc.uri = item.at("uri").get<std::string>();
  doc->doc.version = item.value("version", std::int64_t{0});
  doc->doc.text = item.at("text").get<std::string>();
  doc->path = uri_to_path(doc->doc.uri);
  open_[doc->doc.uri] = std::move(doc);
  return nullptr;
}

json Server::did_change(const json& params) {
  Open* doc = document(params);
  for (const json& change : params.at("contentChanges")) {
    std::optional<Range> range;
    if (change.contains("range")) range = range_from(change.at("range"));
    doc->doc.apply(range, change.at("text").get_ref<const std::string&>(), encoding_);
  }
  if (params.at("textDocument").contains("version")) doc->doc.version = params["textDocument"]["version"].get<std::int64_t>();
  doc->analysis.reset();
  doc->published = false;
  return nullptr;
}

json Server::did_close(const json& params) {
  Open* doc = document(params);
  std::string uri = doc->doc.uri;
  std::string path = doc->path;
  open_.erase(uri);
  notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
  // The workspace index goes back to what is on disk.
  if (!path.empty() && index_.count(uri) > 0) {
    if (auto text = syntax::read_file(path)) {
      Analysis a(std::move(*text), path);
      index_file(uri, a);
    } else {
      index_.erase(uri);
    }
  }
  return nullptr;
}

json Server::did_save(const json& params) {
  Open* doc = document(params);
  if (!root_.empty() && !doc->path.empty() && doc->path.rfind(root_, 0) == 0) index_file(doc->doc.uri, analysis(*doc));
  return nullptr;
}

// ---- workspace index -----------------------------------------------------------------------

void Server::index_file(const std::string& uri, const Analysis& a) {
  std::vector<IndexedSymbol>& out = index_[uri];
  out.clear();
  auto add = [&](auto& self, const OutlineSymbol& s, const std::string& container) -> void {
    out.push_back({s.name, s.kind, container, a.range(s.name_span, encoding_)});
    for (const OutlineSymbol& c : s.children) self(self, c, s.name);
  };
  for (const OutlineSymbol& s : outline(a.root(), a.text(), a.tokens())) add(add, s, "");
}

void Server::index_workspace() {
  std::error_code ec;
  if (root_.empty() || !std::filesystem::is_directory(root_, ec)) return;
  std::vector<std::string> missing;
  std::vector<std::string> files = syntax::collect_sources({root_}, missing);
  if (files.size() > kMaxIndexedFiles) files.resize(kMaxIndexedFiles);
  const std::string token = "spl/index";
  if (progress_supported_) {
    request("window/workDoneProgress/create", {{"token", token}});
    notify("$/progress", {{"token", token},
                          {"value", {{"kind", "begin"}, {"title", "Indexing .spl files"}, {"percentage", 0}}}});
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string uri = path_to_uri(std::filesystem::absolute(files[i], ec).lexically_normal().string());
    if (auto text = syntax::read_file(files[i])) {
      Analysis a(std::move(*text), files[i]);
      index_file(uri, a);
    }
    if (progress_supported_ && (i + 1) % 16 == 0) {
      notify("$/progress", {{"token", token},
                            {"value", {{"kind", "report"},
                                       {"message", std::to_string(i + 1) + "/" + std::to_string(files.size())},
                                       {"percentage", (i + 1) * 100 / files.size()}}}});
    }
  }
  if (progress_supported_) {
    notify("$/progress", {{"token", token},
                          {"value", {{"kind", "end"}, {"message", std::to_string(files.size()) + " files indexed"}}}});
  }
}

json Server::workspace_symbol(const json& params) {
  std::string query = params.value("query", std::string());
  json out = json::array();
  auto add = [&](const std::string& uri, const IndexedSymbol& s) {
    if (out.size() >= kMaxWorkspaceSymbols || !fuzzy_match(query, s.name)) return;
    json info = {{"name", s.name},
                 {"kind", static_cast<int>(s.kind)},
                 {"location", {{"uri", uri}, {"range", range_json(s.range)}}}};
    if (!s.container.empty()) info["containerName"] = s.container;
    out.push_back(std::move(info));
  };
  // Open documents answer from their current text; the index from the last read of the disk.
  for (auto& entry : open_) {
    const std::string& uri = entry.first;  // a named variable: lambdas capture no structured binding in C++20
    const Analysis& a = analysis(*entry.second);
    auto walk = [&](auto& self, const OutlineSymbol& s, const std::string& container) -> void {
      add(uri, {s.name, s.kind, container, a.range(s.name_span, encoding_)});
      for (const OutlineSymbol& c : s.children) self(self, c, s.name);
    };
    for (const OutlineSymbol& s : outline(a.root(), a.text(), a.tokens())) walk(walk, s, "");
  }
  for (const auto& [uri, symbols] : index_) {
    if (open_.count(uri) > 0) continue;
    for (const IndexedSymbol& s : symbols) add(uri, s);
  }
  return out;
}

// ---- requests on one document ---------------------------------------------------------------

json Server::code_action(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  Range r = range_from(params.at("range"));
  std::uint32_t begin = a.lines().offset(r.start, encoding_);
  std::uint32_t end = std::max(begin, a.lines().offset(r.end, encoding_));
  const json context = params.value("context", json::object());
  const std::string& uri = doc->doc.uri;
  json actions = json::array();
  bool any_fix = false;
  for (const syntax::Diagnostic& d : a.diagnostics()) {
    for (const syntax::FixIt& fix : d.fixits) {
      if (!fix.machine_applicable || fix.edits.empty()) continue;
      any_fix = true;
      // The ranges touch (an empty request range at either end of the diagnostic counts).
      if (d.span.begin > end || d.span.end < begin || !kind_wanted(context, "quickfix")) continue;
      json edits = json::array();
      for (const syntax::TextEdit& e : fix.edits) edits.push_back({{"range", to_range(a, e.span)}, {"newText", e.replacement}});
      actions.push_back({{"title", fix.message.empty() ? d.message : fix.message},
                         {"kind", "quickfix"},
                         {"diagnostics", json::array({to_diagnostic(a, uri, d)})},
                         {"isPreferred", true},
                         {"edit", {{"changes", {{uri, std::move(edits)}}}}}});
    }
  }
  if (any_fix && kind_wanted(context, "source.fixAll")) {
    // One edit covering what changed between the text and its fixed form (the fixes are merged by
    // apply_fixits, which skips overlapping ones as `spl fix` does).
    json edit = replacement_edit(a, syntax::apply_fixits(a.text(), a.diagnostics()).text);
    actions.push_back({{"title", "Fix all auto-fixable problems in this file"},
                       {"kind", "source.fixAll"},
                       {"edit", {{"changes", {{uri, json::array({std::move(edit)})}}}}}});
  }
  return actions;
}

json Server::replacement_edit(const Analysis& a, std::string_view after) const {
  std::string_view before = a.text();
  std::size_t prefix = 0;
  while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  // Keep the edit on character boundaries: back off into no UTF-8 sequence.
  while (prefix > 0 && (static_cast<unsigned char>(before[prefix]) & 0xC0) == 0x80) --prefix;
  while (suffix > 0 && (static_cast<unsigned char>(before[before.size() - suffix]) & 0xC0) == 0x80) --suffix;
  syntax::Span span{static_cast<std::uint32_t>(prefix), static_cast<std::uint32_t>(before.size() - suffix)};
  return {{"range", to_range(a, span)}, {"newText", std::string(after.substr(prefix, after.size() - suffix - prefix))}};
}

// The whole document formatted by spl fmt, as one minimal edit (none when it is formatted
// already). A document with syntax errors gets no edits: formatting refuses what does not parse.
json Server::formatting(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  if (!formatter_) formatter_ = std::make_unique<spl::fmt::Formatter>();
  spl::fmt::Result r = formatter_->format(a.text());
  if (r.status == spl::fmt::Status::kSyntaxErrors) return json::array();
  if (!r.ok()) throw RequestError{ErrorCode::RequestFailed, "the formatter refused this document: " + r.reason};
  if (r.text == a.text()) return json::array();
  return json::array({replacement_edit(a, r.text)});
}

json Server::document_symbol(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  auto convert = [&](auto& self, const OutlineSymbol& s) -> json {
    json children = json::array();
    for (const OutlineSymbol& c : s.children) children.push_back(self(self, c));
    syntax::Span whole{std::min(s.span.begin, s.name_span.begin), std::max(s.span.end, s.name_span.end)};
    json out = {{"name", s.name},
                {"kind", static_cast<int>(s.kind)},
                {"range", to_range(a, whole)},
                {"selectionRange", to_range(a, s.name_span)},
                {"children", std::move(children)}};
    if (!s.detail.empty()) out["detail"] = s.detail;
    return out;
  };
  json out = json::array();
  for (const OutlineSymbol& s : outline(a.root(), a.text(), a.tokens())) out.push_back(convert(convert, s));
  return out;
}

json Server::folding_range(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  json out = json::array();
  for (const Fold& f : folding_ranges(a.root(), a.text(), a.lines())) {
    json j = {{"startLine", f.start_line}, {"endLine", f.end_line}};
    if (!f.kind.empty()) j["kind"] = f.kind;
    out.push_back(std::move(j));
  }
  return out;
}

json Server::selection_range(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  json out = json::array();
  for (const json& p : params.at("positions")) {
    std::uint32_t offset = to_offset(a, p);
    std::vector<syntax::Span> spans = selection_spans(a.root(), a.tokens(), offset);
    if (spans.empty()) spans.push_back({offset, offset});
    json range;  // built from the outside in
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
      json r = {{"range", to_range(a, *it)}};
      if (!range.is_null()) r["parent"] = std::move(range);
      range = std::move(r);
    }
    out.push_back(std::move(range));
  }
  return out;
}

json Server::semantic_tokens_full(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  return {{"data", semantic_tokens(a.root(), a.text(), a.tokens(), a.lines(), encoding_)}};
}

// ---- sema-based requests --------------------------------------------------------------------

json Server::hover(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  std::optional<HoverInfo> h = lsp::hover(a, to_offset(a, params.at("position")));
  if (!h) return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", h->markdown}}}, {"range", to_range(a, h->span)}};
}

json Server::definition(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  std::optional<std::uint32_t> id = a.index().definition_at(to_offset(a, params.at("position")));
  if (!id) return nullptr;
  return {{"uri", doc->doc.uri}, {"range", to_range(a, a.index().definitions[*id].span)}};
}

json Server::references(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  json out = json::array();
  std::optional<std::uint32_t> id = a.index().definition_at(to_offset(a, params.at("position")));
  if (!id) return out;
  bool declaration = params.value("context", json::object()).value("includeDeclaration", true);
  std::vector<syntax::Span> spans = a.index().references(*id);
  for (std::size_t i = declaration ? 0 : 1; i < spans.size(); ++i)
    out.push_back({{"uri", doc->doc.uri}, {"range", to_range(a, spans[i])}});
  return out;
}

json Server::prepare_rename(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  std::uint32_t offset = to_offset(a, params.at("position"));
  std::optional<syntax::Span> name = a.identifier_at(offset);
  std::optional<std::uint32_t> id = a.index().definition_at(offset);
  if (!name || !id) return nullptr;
  if (a.index().definitions[*id].kind == sema::DefKind::Import)
    throw RequestError{ErrorCode::RequestFailed, "`" + a.index().definitions[*id].name + "` is defined in another module"};
  return {{"range", to_range(a, *name)}, {"placeholder", a.index().definitions[*id].name}};
}

json Server::rename(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  std::string new_name = params.at("newName").get<std::string>();
  RenamePlan plan = plan_rename(a, to_offset(a, params.at("position")), new_name);
  if (!plan.error.empty()) throw RequestError{ErrorCode::RequestFailed, "cannot rename: " + plan.error};
  json edits = json::array();
  for (const syntax::Span& s : plan.spans) edits.push_back({{"range", to_range(a, s)}, {"newText", new_name}});
  return {{"changes", {{doc->doc.uri, std::move(edits)}}}};
}

json Server::signature_help(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  std::optional<SignatureInfo> s = lsp::signature_help(a, to_offset(a, params.at("position")));
  if (!s) return nullptr;
  json parameters = json::array();
  for (const std::string& p : s->parameters) parameters.push_back({{"label", p}});
  json signature = {{"label", s->label}, {"parameters", std::move(parameters)}};
  if (!s->doc.empty()) signature["documentation"] = {{"kind", "markdown"}, {"value", s->doc}};
  return {{"signatures", json::array({std::move(signature)})}, {"activeSignature", 0}, {"activeParameter", s->active}};
}

json Server::completion(const json& params) {
  Open* doc = document(params);
  const Analysis& a = analysis(*doc);
  json items = json::array();
  for (CompletionItem& c : complete(a, to_offset(a, params.at("position")))) {
    json item = {{"label", std::move(c.label)}, {"kind", static_cast<int>(c.kind)}};
    if (!c.detail.empty()) item["detail"] = std::move(c.detail);
    if (!c.documentation.empty()) item["documentation"] = {{"kind", "markdown"}, {"value", std::move(c.documentation)}};
    if (!c.insert_text.empty()) {
      item["insertText"] = std::move(c.insert_text);
      item["insertTextFormat"] = 2;  // a snippet
    }
    items.push_back(std::move(item));
  }
  return {{"isIncomplete", false}, {"items", std::move(items)}};
}

}  // namespace spl::lsp
