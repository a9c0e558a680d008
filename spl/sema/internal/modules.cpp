#include "spl/sema/internal/modules.hpp"

#include <filesystem>
#include <system_error>

#include "spl/base/arena.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::sema::internal {
namespace fs = std::filesystem;

namespace {

std::string find_in(const fs::path& dir, const std::vector<std::string>& segments) {
  if (segments.empty()) return {};
  fs::path p = dir;
  for (const std::string& s : segments) p /= s;
  std::error_code ec;
  for (const fs::path& candidate : {fs::path(p.string() + ".spl"), p / "__init__.spl", p / "mod.spl"})
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  return {};
}

void add_decl_name(const syntax::Node* n, std::string_view src, const std::vector<syntax::Token>& toks,
                   std::vector<std::string>& out) {
  using syntax::NodeKind;
  if (n == nullptr) return;
  auto name_text = [&](const syntax::Node* k) -> std::string {
    if (k == nullptr || k->token == syntax::kNoToken || k->token >= toks.size()) return {};
    return std::string(toks[k->token].text(src));
  };
  switch (n->kind) {
    case NodeKind::Export:
      for (std::uint32_t i = 0; i < n->count; ++i) add_decl_name(n->kids[i], src, toks, out);
      return;
    case NodeKind::Fn:
    case NodeKind::Struct:
    case NodeKind::Class:
    case NodeKind::Enum:
    case NodeKind::Trait:
    case NodeKind::Actor:
    case NodeKind::TypeAlias:
      if (n->kid(0) && n->kid(0)->kind == NodeKind::Name) out.push_back(name_text(n->kid(0)));
      return;
    case NodeKind::Binding:
      if (n->kid(0) && n->kid(0)->kind == NodeKind::PatBind) out.push_back(name_text(n->kid(0)));
      return;
    default:
      return;
  }
}

}  // namespace

std::string resolve_module(const std::string& from, bool relative, const std::vector<std::string>& segments) {
  if (segments.empty() || from.empty()) return {};
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(from), ec).parent_path();
  if (ec) return {};
  if (relative) return find_in(dir, segments);
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (std::string f = find_in(d, segments); !f.empty()) return f;
    if ((segments[0] == "std" || segments[0] == "lib") && segments.size() > 1) {
      std::vector<std::string> rest(segments.begin() + 1, segments.end());
      if (std::string f = find_in(d / "lib" / "std", rest); !f.empty()) return f;
    }
    if (d == d.parent_path()) break;
  }
  return {};
}

std::optional<std::vector<std::string>> module_names(const std::string& path) {
  std::optional<std::string> text = syntax::read_file(path);
  if (!text) return std::nullopt;
  Arena arena;
  std::vector<syntax::Diagnostic> diags;
  syntax::ParseResult r = syntax::parse(*text, arena, diags);
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < r.root->count; ++i) add_decl_name(r.root->kids[i], *text, r.tokens, out);
  // A module that re-exports (`export use ...`) passes on names we do not list.
  for (std::uint32_t i = 0; i < r.root->count; ++i) {
    const syntax::Node* k = r.root->kids[i];
    if (k && k->kind == syntax::NodeKind::Use && std::string_view(*text).substr(k->begin, 6) == "export")
      return std::nullopt;
  }
  return out;
}

}  // namespace spl::sema::internal
