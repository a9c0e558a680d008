#include "spl/lsp/outline.hpp"

namespace spl::lsp {

using syntax::Node;
using syntax::NodeKind;

namespace {

constexpr int kMaxDepth = 200;

class Outliner {
 public:
  Outliner(std::string_view text, const std::vector<syntax::Token>& tokens) : text_(text), tokens_(tokens) {}

  void items(const Node* n, std::vector<OutlineSymbol>& out, bool in_type, int depth) {
    if (n == nullptr || depth > kMaxDepth) return;
    for (std::uint32_t i = 0; i < n->count; ++i) item(n->kids[i], out, in_type, depth + 1);
  }

 private:
  std::string_view slice(std::uint32_t begin, std::uint32_t end) const {
    if (begin > end || end > text_.size()) return {};
    return text_.substr(begin, end - begin);
  }
  std::string_view token_text(const Node* n) const {
    if (n == nullptr || n->token == syntax::kNoToken || n->token >= tokens_.size()) return {};
    const syntax::Token& t = tokens_[n->token];
    return t.kind == syntax::Tok::Ident || syntax::is_keyword(t.kind) ? t.text(text_) : std::string_view{};
  }
  syntax::Span token_span(const Node* n) const { return {tokens_[n->token].begin, tokens_[n->token].end}; }

  static const Node* find_kid(const Node* n, NodeKind kind) {
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] != nullptr && n->kids[i]->kind == kind) return n->kids[i];
    return nullptr;
  }

  bool named(const Node* n, OutlineSymbol& s) const {
    std::string_view name = token_text(n);
    if (name.empty()) return false;
    s.name = std::string(name);
    s.name_span = token_span(n);
    s.span = {n->begin, n->end};
    return true;
  }

  void item(const Node* n, std::vector<OutlineSymbol>& out, bool in_type, int depth) {
    if (n == nullptr || depth > kMaxDepth) return;
    OutlineSymbol s;
    switch (n->kind) {
      case NodeKind::Export:
        items(n, out, in_type, depth);
        return;
      case NodeKind::Fn: {
        if (!named(n, s)) return;
        s.kind = in_type ? SymbolKind::Method : SymbolKind::Function;
        const Node* params = n->kid(2);
        const Node* ret = n->kid(3);
        if (params != nullptr) {
          std::uint32_t end = ret != nullptr ? ret->end : params->end;
          s.detail = one_line(slice(params->begin, end));
        }
        break;
      }
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Enum:
      case NodeKind::Trait:
      case NodeKind::Actor: {
        if (!named(n, s)) return;
        s.kind = n->kind == NodeKind::Struct  ? SymbolKind::Struct
                 : n->kind == NodeKind::Enum  ? SymbolKind::Enum
                 : n->kind == NodeKind::Trait ? SymbolKind::Interface
                                              : SymbolKind::Class;
        if (n->kind == NodeKind::Actor) s.detail = "actor";
        if (const Node* members = find_kid(n, NodeKind::Members)) items(members, s.children, true, depth);
        break;
      }
      case NodeKind::Impl: {
        const Node* members = find_kid(n, NodeKind::Members);
        std::uint32_t end = members != nullptr ? members->begin : n->end;
        std::string head = one_line(slice(n->begin, end));
        while (!head.empty() && (head.back() == ':' || head.back() == ' ')) head.pop_back();
        if (head.empty()) return;
        s.name = head;
        s.kind = SymbolKind::Object;
        s.span = {n->begin, n->end};
        s.name_span = {n->begin, end};
        if (members != nullptr) items(members, s.children, true, depth);
        break;
      }
      case NodeKind::TypeAlias:
        if (!named(n, s)) return;
        s.kind = SymbolKind::TypeParameter;
        if (const Node* t = n->kid(2)) s.detail = one_line(slice(t->begin, t->end));
        break;
      case NodeKind::Field:
      case NodeKind::Variant:
        if (!named(n, s)) return;
        s.kind = n->kind == NodeKind::Field ? SymbolKind::Field : SymbolKind::EnumMember;
        if (n->count > 0 && n->kids[n->count - 1] != nullptr) {
          const Node* last = n->kids[n->count - 1];
          if (n->kind == NodeKind::Variant || last->kind != NodeKind::Name) s.detail = one_line(slice(last->begin, last->end));
        }
        break;
      case NodeKind::Binding:
        if (!named(n, s)) return;
        s.kind = in_type ? SymbolKind::Field
                 : n->has(syntax::kFlagMutable) ? SymbolKind::Variable
                                                : SymbolKind::Constant;
        if (const Node* t = n->kid(1)) s.detail = one_line(slice(t->begin, t->end));
        break;
      default:
        return;
    }
    out.push_back(std::move(s));
  }

  std::string_view text_;
  const std::vector<syntax::Token>& tokens_;
};

}  // namespace


std::vector<OutlineSymbol> outline(const Node* root, std::string_view text, const std::vector<syntax::Token>& tokens) {
  std::vector<OutlineSymbol> out;
  Outliner(text, tokens).items(root, out, false, 0);
  return out;
}

}  // namespace spl::lsp
