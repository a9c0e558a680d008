#include "spl/lsp/server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "spl/lsp/stdio.hpp"
#include "spl/lsp/transport.hpp"

namespace spl::lsp {
namespace {

class Client {
 public:
  Client() : server_([this](const json& m) { sent.push_back(m); }, {"spl", "test"}) {}

  json request(const std::string& method, json params) {
    json id = next_id_++;
    server_.handle(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (it->contains("id") && (*it)["id"] == id && !it->contains("method")) return *it;
    ADD_FAILURE() << "no response to " << method;
    return {};
  }
  json result(const std::string& method, json params) {
    json r = request(method, std::move(params));
    EXPECT_TRUE(r.contains("result")) << r.dump();
    return r.value("result", json());
  }
  void notify(const std::string& method, json params) {
    server_.handle(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  json initialize(json capabilities = json::object(), json extra = json::object()) {
    json params = {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", std::move(capabilities)}};
    params.update(extra);
    json r = result("initialize", params);
    notify("initialized", json::object());
    return r;
  }
  void open(const std::string& uri, const std::string& text) {
    notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "simple"}, {"version", 1}, {"text", text}}}});
  }
  // The diagnostics published for uri since the last call (after idle).
  std::optional<json> diagnostics(const std::string& uri) {
    server_.idle();
    std::optional<json> out;
    for (const json& m : sent)
      if (m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri) out = m["params"];
    sent.clear();
    return out;
  }
  Server& server() { return server_; }

  std::vector<json> sent;

 private:
  Server server_;
  int next_id_ = 1;
};

json doc(const std::string& uri) { return {{"uri", uri}}; }
json pos(int line, int character) { return {{"line", line}, {"character", character}}; }

int error_code(const json& response) { return response.at("error").at("code").get<int>(); }

const std::string kUri = "file:///tmp/spl-lsp-test/a.spl";

TEST(Server, RequestsBeforeInitializeAreRefused) {
  Client c;
  EXPECT_EQ(error_code(c.request("textDocument/documentSymbol", {{"textDocument", doc(kUri)}})), -32002);
  c.notify("textDocument/didOpen", {{"textDocument", {{"uri", kUri}, {"version", 1}, {"text", "x"}}}});
  c.initialize();
  EXPECT_EQ(error_code(c.request("textDocument/documentSymbol", {{"textDocument", doc(kUri)}})), -32803);  // never opened
}

TEST(Server, InitializeDeclaresCapabilitiesAndNegotiatesEncoding) {
  Client a;
  json r = a.initialize();
  EXPECT_EQ(r["capabilities"]["positionEncoding"], "utf-16");
  EXPECT_EQ(r["capabilities"]["textDocumentSync"]["change"], 2);
  EXPECT_TRUE(r["capabilities"]["documentSymbolProvider"].get<bool>());
  EXPECT_TRUE(r["capabilities"]["documentFormattingProvider"].get<bool>());
  EXPECT_EQ(r["serverInfo"]["name"], "spl");
  EXPECT_EQ(a.server().encoding(), Encoding::Utf16);
  EXPECT_EQ(error_code(a.request("initialize", {{"capabilities", json::object()}})), -32600);

  Client b;
  r = b.initialize({{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}});
  EXPECT_EQ(r["capabilities"]["positionEncoding"], "utf-8");
  EXPECT_EQ(b.server().encoding(), Encoding::Utf8);
}

TEST(Server, BadMessages) {
  Client c;
  c.server().receive("{not json");
  ASSERT_EQ(c.sent.size(), 1u);
  EXPECT_EQ(error_code(c.sent[0]), -32700);
  EXPECT_TRUE(c.sent[0]["id"].is_null());
  c.sent.clear();
  c.server().receive("[1,2]");
  EXPECT_EQ(error_code(c.sent.at(0)), -32600);
  c.sent.clear();
  c.server().handle(json{{"jsonrpc", "2.0"}, {"id", 5}, {"method", 7}});
  EXPECT_EQ(error_code(c.sent.at(0)), -32600);
  EXPECT_EQ(c.sent.at(0)["id"], 5);
  c.initialize();
  EXPECT_EQ(error_code(c.request("no/such/method", json::object())), -32601);
  c.sent.clear();
  c.notify("no/such/notification", json::object());
  c.notify("$/setTrace", {{"value", "off"}});
  EXPECT_TRUE(c.sent.empty());
  // Missing params: InvalidParams, not a crash.
  EXPECT_EQ(error_code(c.request("textDocument/documentSymbol", json::object())), -32602);
  EXPECT_EQ(error_code(c.request("textDocument/foldingRange", {{"textDocument", 3}})), -32602);
  // An edit to a document that is not open is ignored.
  c.sent.clear();
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///nope.spl"}, {"version", 2}}},
                                      {"contentChanges", {{{"text", "x"}}}}});
  EXPECT_TRUE(c.sent.empty());
}

TEST(Server, ShutdownAndExit) {
  Client c;
  c.initialize();
  EXPECT_TRUE(c.result("shutdown", nullptr).is_null());
  EXPECT_EQ(error_code(c.request("textDocument/documentSymbol", {{"textDocument", doc(kUri)}})), -32600);
  EXPECT_FALSE(c.server().finished());
  c.notify("exit", nullptr);
  EXPECT_TRUE(c.server().finished());
  EXPECT_EQ(c.server().exit_code(), 0);

  Client d;
  d.initialize();
  d.notify("exit", nullptr);
  EXPECT_EQ(d.server().exit_code(), 1);
}

TEST(Server, CancelledRequestGetsRequestCancelled) {
  Client c;
  c.initialize();
  c.open(kUri, "fn f():\n    pass\n");
  c.notify("$/cancelRequest", {{"id", 2}});  // the client's next id
  EXPECT_EQ(error_code(c.request("textDocument/documentSymbol", {{"textDocument", doc(kUri)}})), -32800);
  EXPECT_TRUE(c.request("textDocument/documentSymbol", {{"textDocument", doc(kUri)}}).contains("result"));
}

TEST(Server, DiagnosticsOnOpenAndChange) {
  Client c;
  c.initialize();
  c.open(kUri, "fn main():\n    val x = 1\n    x = 2\n");
  std::optional<json> d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  ASSERT_FALSE((*d)["diagnostics"].empty());
  json first = (*d)["diagnostics"][0];
  EXPECT_EQ(first["source"], "spl");
  EXPECT_TRUE(first["code"].is_string());
  EXPECT_EQ(first["range"]["start"]["line"], 2);
  EXPECT_EQ((*d)["version"], 1);

  // Fix it with an incremental edit: `val` -> `var`.
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", 2}}},
                                      {"contentChanges", {{{"range", {{"start", pos(1, 4)}, {"end", pos(1, 7)}}}, {"text", "var"}}}}});
  d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["version"], 2);
  for (const json& diag : (*d)["diagnostics"]) EXPECT_NE(diag["severity"], 1) << diag.dump();

  // Edits between two idle points cost one analysis: one publication, of the last version.
  for (int v : {3, 4})
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", v}}},
                                        {"contentChanges", {{{"range", {{"start", pos(9, 0)}, {"end", pos(9, 0)}}}, {"text", "\n"}}}}});
  int published = 0;
  c.server().idle();
  for (const json& m : c.sent) published += m.value("method", "") == "textDocument/publishDiagnostics";
  EXPECT_EQ(published, 1);
  d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["version"], 4);
  // Unchanged documents are not published again.
  EXPECT_FALSE(c.diagnostics(kUri));
  // Closing clears them.
  c.notify("textDocument/didClose", {{"textDocument", doc(kUri)}});
  d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  EXPECT_TRUE((*d)["diagnostics"].empty());
}

// Applies a WorkspaceEdit's edits for one document (sorted from the end so offsets stay valid).
std::string apply_edits(std::string text, json edits, Encoding enc) {
  std::sort(edits.begin(), edits.end(), [](const json& a, const json& b) {
    return std::make_pair(a["range"]["start"]["line"].get<int>(), a["range"]["start"]["character"].get<int>()) >
           std::make_pair(b["range"]["start"]["line"].get<int>(), b["range"]["start"]["character"].get<int>());
  });
  for (const json& e : edits) {
    Document d{kUri, 0, text};
    Range r{{e["range"]["start"]["line"], e["range"]["start"]["character"]},
            {e["range"]["end"]["line"], e["range"]["end"]["character"]}};
    d.apply(r, e["newText"].get<std::string>(), enc);
    text = d.text;
  }
  return text;
}

TEST(Server, QuickFixesAndFixAll) {
  Client c;
  c.initialize();
  const std::string text = "fn main():\n    let a = 1\n    print(a)\n    let b = \"é\"\n    print(b)\n";
  c.open(kUri, text);
  std::optional<json> d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  ASSERT_GE((*d)["diagnostics"].size(), 2u);
  json actions = c.result("textDocument/codeAction",
                          {{"textDocument", doc(kUri)},
                           {"range", {{"start", pos(1, 4)}, {"end", pos(1, 4)}}},
                           {"context", {{"diagnostics", json::array()}}}});
  ASSERT_EQ(actions.size(), 2u) << actions.dump(2);
  EXPECT_EQ(actions[0]["kind"], "quickfix");
  EXPECT_EQ(actions[1]["kind"], "source.fixAll");
  std::string fixed = apply_edits(text, actions[0]["edit"]["changes"][kUri], Encoding::Utf16);
  EXPECT_EQ(fixed, "fn main():\n    val a = 1\n    print(a)\n    let b = \"é\"\n    print(b)\n");
  std::string all = apply_edits(text, actions[1]["edit"]["changes"][kUri], Encoding::Utf16);
  EXPECT_EQ(all, "fn main():\n    val a = 1\n    print(a)\n    val b = \"é\"\n    print(b)\n");

  // Only the kinds asked for.
  json only = c.result("textDocument/codeAction", {{"textDocument", doc(kUri)},
                                                   {"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}},
                                                   {"context", {{"diagnostics", json::array()}, {"only", {"source"}}}}});
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0]["kind"], "source.fixAll");

  c.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", 2}}}, {"contentChanges", {{{"text", all}}}}});
  d = c.diagnostics(kUri);
  ASSERT_TRUE(d);
  EXPECT_TRUE((*d)["diagnostics"].empty()) << (*d).dump(2);
}

// textDocument/formatting is spl fmt: one minimal edit giving the formatted text (non-ASCII
// before the change, so UTF-16 positions matter), nothing once formatted, nothing for a document
// with syntax errors.
TEST(Server, FormattingIsSplFmt) {
  Client c;
  c.initialize();
  const std::string text = "val s = \"é😀\"\nfn f(a:i64,b:i64)->i64:\n  a+b   # sum\nprint f( 1,2 )\n";
  c.open(kUri, text);
  json edits = c.result("textDocument/formatting", {{"textDocument", doc(kUri)}, {"options", {{"tabSize", 4}, {"insertSpaces", true}}}});
  ASSERT_EQ(edits.size(), 1u) << edits.dump(2);
  std::string formatted = apply_edits(text, edits, Encoding::Utf16);
  spl::fmt::Result expected = spl::fmt::format(text);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(formatted, expected.text);
  EXPECT_NE(formatted, text);
  EXPECT_GT(edits[0]["range"]["start"]["line"].get<int>(), 0);  // the first line was already formatted

  c.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", 2}}}, {"contentChanges", {{{"text", formatted}}}}});
  EXPECT_TRUE(c.result("textDocument/formatting", {{"textDocument", doc(kUri)}, {"options", json::object()}}).empty());

  c.notify("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", 3}}}, {"contentChanges", {{{"text", "fn f(:\n"}}}}});
  EXPECT_TRUE(c.result("textDocument/formatting", {{"textDocument", doc(kUri)}, {"options", json::object()}}).empty());
}

TEST(Server, DocumentSymbolsFoldingSelectionAndTokens) {
  Client c;
  c.initialize({{"general", {{"positionEncodings", {"utf-8"}}}}});
  c.open(kUri, "struct P:\n    x: i64\n\nfn f(é: i64) -> i64:\n    return é\n");
  json symbols = c.result("textDocument/documentSymbol", {{"textDocument", doc(kUri)}});
  ASSERT_EQ(symbols.size(), 2u);
  EXPECT_EQ(symbols[0]["name"], "P");
  EXPECT_EQ(symbols[0]["kind"], 23);
  EXPECT_EQ(symbols[0]["children"][0]["name"], "x");
  EXPECT_EQ(symbols[1]["name"], "f");
  EXPECT_EQ(symbols[1]["detail"], "(é: i64) -> i64");
  EXPECT_EQ(symbols[1]["selectionRange"]["start"], pos(3, 3));

  json folds = c.result("textDocument/foldingRange", {{"textDocument", doc(kUri)}});
  ASSERT_EQ(folds.size(), 2u);
  EXPECT_EQ(folds[1]["startLine"], 3);
  EXPECT_EQ(folds[1]["endLine"], 4);

  // `é` on line 4 starts at byte 11 (UTF-8 positions); past the end of the line clamps.
  json sel = c.result("textDocument/selectionRange", {{"textDocument", doc(kUri)}, {"positions", {pos(4, 11), pos(4, 500)}}});
  ASSERT_EQ(sel.size(), 2u);
  EXPECT_EQ(sel[0]["range"]["start"], pos(4, 11));
  EXPECT_EQ(sel[0]["range"]["end"], pos(4, 13));
  EXPECT_TRUE(sel[0].contains("parent"));
  EXPECT_EQ(sel[1]["range"]["end"], pos(4, 13));

  json tokens = c.result("textDocument/semanticTokens/full", {{"textDocument", doc(kUri)}});
  EXPECT_EQ(tokens["data"].size() % 5, 0u);
  EXPECT_GE(tokens["data"].size(), 5u * 8);
}

TEST(Server, WorkspaceSymbolsIndexTheRootWithProgress) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / "spl-lsp-ws-test";
  fs::remove_all(root);
  fs::create_directories(root / "sub");
  std::ofstream(root / "one.spl") << "fn alpha():\n    pass\n";
  std::ofstream(root / "sub" / "two.spl") << "struct Beta:\n    gamma: i64\n";
  Client c;
  c.initialize({{"window", {{"workDoneProgress", true}}}}, {{"rootUri", path_to_uri(root.string())}});
  int begin = 0, end = 0;
  for (const json& m : c.sent) {
    if (m.value("method", "") != "$/progress") continue;
    begin += m["params"]["value"]["kind"] == "begin";
    end += m["params"]["value"]["kind"] == "end";
  }
  EXPECT_EQ(begin, 1);
  EXPECT_EQ(end, 1);
  json all = c.result("workspace/symbol", {{"query", ""}});
  EXPECT_EQ(all.size(), 3u);
  json beta = c.result("workspace/symbol", {{"query", "bta"}});
  ASSERT_EQ(beta.size(), 1u);
  EXPECT_EQ(beta[0]["name"], "Beta");
  EXPECT_EQ(beta[0]["location"]["uri"], path_to_uri((root / "sub" / "two.spl").string()));
  // An open document answers from its unsaved text.
  std::string one = path_to_uri((root / "one.spl").string());
  c.open(one, "fn alphabet():\n    pass\n");
  json alpha = c.result("workspace/symbol", {{"query", "alpha"}});
  ASSERT_EQ(alpha.size(), 1u);
  EXPECT_EQ(alpha[0]["name"], "alphabet");
  c.notify("textDocument/didClose", {{"textDocument", doc(one)}});
  alpha = c.result("workspace/symbol", {{"query", "alpha"}});
  ASSERT_EQ(alpha.size(), 1u);
  EXPECT_EQ(alpha[0]["name"], "alpha");
  fs::remove_all(root);
}

TEST(Server, SemaFeaturesOverTheProtocol) {
  Client c;
  json caps = c.initialize()["capabilities"];
  for (const char* p : {"hoverProvider", "definitionProvider", "referencesProvider", "renameProvider",
                        "signatureHelpProvider", "completionProvider"})
    EXPECT_TRUE(caps.contains(p)) << p;
  // Line 4 has é before the call: UTF-16 columns differ from bytes.
  c.open(kUri, "## Doubles.\nfn twice(n: i64) -> i64:\n    n * 2\n\nval v = [\"é\", twice(4)]\nval r = v\n");
  json h = c.result("textDocument/hover", {{"textDocument", doc(kUri)}, {"position", pos(4, 15)}});
  EXPECT_EQ(h["contents"]["value"], "```simple\nfn twice(n: i64) -> i64\n```\nfunction\n\n---\n\nDoubles.");
  EXPECT_EQ(h["range"]["start"], pos(4, 14));
  EXPECT_EQ(h["range"]["end"], pos(4, 19));
  EXPECT_TRUE(c.result("textDocument/hover", {{"textDocument", doc(kUri)}, {"position", pos(3, 0)}}).is_null());

  json def = c.result("textDocument/definition", {{"textDocument", doc(kUri)}, {"position", pos(5, 8)}});
  EXPECT_EQ(def["uri"], kUri);
  EXPECT_EQ(def["range"]["start"], pos(4, 4));
  EXPECT_EQ(def["range"]["end"], pos(4, 5));

  json refs = c.result("textDocument/references", {{"textDocument", doc(kUri)}, {"position", pos(2, 4)},
                                                   {"context", {{"includeDeclaration", false}}}});
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0]["range"]["start"], pos(2, 4));

  json prep = c.result("textDocument/prepareRename", {{"textDocument", doc(kUri)}, {"position", pos(1, 4)}});
  EXPECT_EQ(prep["placeholder"], "twice");
  json edit = c.result("textDocument/rename", {{"textDocument", doc(kUri)}, {"position", pos(1, 4)}, {"newName", "double"}});
  EXPECT_EQ(edit["changes"][kUri].size(), 2u);
  json refused = c.request("textDocument/rename", {{"textDocument", doc(kUri)}, {"position", pos(1, 4)}, {"newName", "fn"}});
  EXPECT_EQ(error_code(refused), -32803);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("keyword"), std::string::npos);

  json sig = c.result("textDocument/signatureHelp", {{"textDocument", doc(kUri)}, {"position", pos(4, 20)}});
  EXPECT_EQ(sig["signatures"][0]["label"], "fn twice(n: i64) -> i64");
  EXPECT_EQ(sig["activeParameter"], 0);

  json items = c.result("textDocument/completion", {{"textDocument", doc(kUri)}, {"position", pos(5, 9)}})["items"];
  bool twice = false, snippet = false;
  for (const json& i : items) {
    twice |= i["label"] == "twice" && i["kind"] == 3;
    snippet |= i["label"] == "match" && i.value("insertTextFormat", 0) == 2;
  }
  EXPECT_TRUE(twice);
  EXPECT_TRUE(snippet);
}

std::string frame(const json& m) {
  std::string body = m.dump();
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::vector<json> read_frames(const std::string& out) {
  std::istringstream in(out);
  Reader r(in);
  std::vector<json> messages;
  for (Frame f = r.next(); f.kind == Frame::Kind::Message; f = r.next()) messages.push_back(json::parse(f.body));
  return messages;
}

TEST(Stdio, SessionOverStreamsEndsAtExit) {
  std::string input = frame({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"capabilities", json::object()}}}}) +
                      "garbage\r\n\r\n" + frame({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}}) +
                      frame({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}}) +
                      frame({{"jsonrpc", "2.0"}, {"method", "exit"}}) + frame({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "shutdown"}});
  // Static: the reading thread may outlive serve() by a moment when input follows `exit`.
  static std::istringstream in;
  in.str(input);
  std::ostringstream out;
  EXPECT_EQ(serve(in, out, {"spl", "test"}), 0);
  std::vector<json> messages = read_frames(out.str());
  ASSERT_EQ(messages.size(), 2u);  // nothing after exit
  EXPECT_EQ(messages[0]["id"], 1);
  EXPECT_EQ(messages[1]["id"], 2);
}

TEST(Stdio, TheReadingThreadNeverFlushesTheOutput) {
  // std::cin is tied to std::cout; the reader thread must not flush what the server thread writes.
  std::ostringstream out;
  std::istringstream in(frame({{"jsonrpc", "2.0"}, {"method", "exit"}}));
  in.tie(&out);
  serve(in, out, {"spl", "test"});
  EXPECT_EQ(in.tie(), nullptr);
}

TEST(Stdio, ClientThatDisappearsEndsTheServer) {
  std::istringstream in(frame({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"capabilities", json::object()}}}}) +
                        "Content-Length: 50\r\n\r\n{\"jsonrpc\"");
  std::ostringstream out;
  EXPECT_EQ(serve(in, out, {"spl", "test"}), 1);
  EXPECT_EQ(read_frames(out.str()).size(), 1u);
}

}  // namespace
}  // namespace spl::lsp
