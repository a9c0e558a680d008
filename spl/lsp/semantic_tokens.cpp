#include "spl/lsp/semantic_tokens.hpp"

#include <string_view>
#include <utility>

namespace spl::lsp {

using syntax::Node;
using syntax::NodeKind;
using syntax::Tok;

namespace {

enum Type : std::uint32_t {
  kNamespace, kType, kEnum, kInterface, kStruct, kClass, kParameter, kVariable, kProperty, kEnumMember,
  kFunction, kMethod, kKeyword, kComment, kString, kNumber, kDecorator, kModifier, kNone
};
constexpr std::uint32_t kDeclaration = 1;
constexpr std::uint32_t kReadonly = 2;

constexpr int kMaxDepth = 200;

struct Role {
  std::uint32_t type = kNone;
  std::uint32_t modifiers = 0;
};

class Classifier {
 public:
  Classifier(std::string_view text, const std::vector<syntax::Token>& tokens)
      : text_(text), tokens_(tokens), roles_(tokens.size()) {}

  void walk(const Node* n, const Node* parent, int depth) {
    if (n == nullptr || depth > kMaxDepth) return;
    classify(n, parent);
    for (std::uint32_t i = 0; i < n->count; ++i) walk(n->kids[i], n, depth + 1);
  }
  const std::vector<Role>& roles() const { return roles_; }

 private:
  void set(std::uint32_t token, std::uint32_t type, std::uint32_t modifiers = 0) {
    if (token == syntax::kNoToken || token >= tokens_.size() || tokens_[token].kind != Tok::Ident) return;
    if (roles_[token].type != kNone) return;  // the first (outermost) reading wins
    roles_[token] = {type, modifiers};
  }
  static std::uint32_t name_token(const Node* n) { return n != nullptr ? n->token : syntax::kNoToken; }

  // A new name for what a `use` path names, unresolved here: Simple writes types in PascalCase;
  // `use a.b as c` otherwise renames a module path, and `use m.{f as g}` an item, shown like the
  // other imported names.
  std::uint32_t alias_type(const Node* n, const Node* parent) const {
    if (n->token >= tokens_.size() || tokens_[n->token].kind != Tok::Ident) return kNone;
    char first = tokens_[n->token].text(text_).front();
    if (first >= 'A' && first <= 'Z') return kType;
    return parent != nullptr && parent->kind == NodeKind::Use ? kNamespace : kVariable;
  }

  void classify(const Node* n, const Node* parent) {
    switch (n->kind) {
      case NodeKind::Fn: {
        bool method = parent != nullptr && parent->kind == NodeKind::Members;
        set(name_token(n), method ? kMethod : kFunction, kDeclaration);
        break;
      }
      case NodeKind::Struct: set(name_token(n), kStruct, kDeclaration); break;
      case NodeKind::Class:
      case NodeKind::Actor: set(name_token(n), kClass, kDeclaration); break;
      case NodeKind::Enum: set(name_token(n), kEnum, kDeclaration); break;
      case NodeKind::Trait: set(name_token(n), kInterface, kDeclaration); break;
      case NodeKind::TypeAlias: set(name_token(n), kType, kDeclaration); break;
      case NodeKind::Variant: set(name_token(n), kEnumMember, kDeclaration); break;
      case NodeKind::Field: set(name_token(n), kProperty, kDeclaration); break;
      case NodeKind::Param: set(name_token(n), kParameter, kDeclaration); break;
      case NodeKind::GenericParam: set(name_token(n), kType, kDeclaration); break;
      case NodeKind::Decorator:
      case NodeKind::Attribute: set(name_token(n), kDecorator); break;
      case NodeKind::Visibility: set(name_token(n), kModifier); break;  // the scope of pub(friend)
      case NodeKind::Alias: set(name_token(n), alias_type(n, parent), kDeclaration); break;
      case NodeKind::Binding: {
        bool in_type = parent != nullptr && parent->kind == NodeKind::Members;
        set(name_token(n), in_type ? kProperty : kVariable,
            kDeclaration | (n->has(syntax::kFlagMutable) ? 0 : kReadonly));
        break;
      }
      case NodeKind::PatBind: set(name_token(n), kVariable, kDeclaration); break;
      case NodeKind::TypeName: set(name_token(n), kType); break;
      case NodeKind::PatVariant: set(name_token(n), kEnumMember); break;
      case NodeKind::Call: {
        const Node* callee = n->kid(0);
        if (callee == nullptr) break;
        if (callee->kind == NodeKind::Name) set(name_token(callee), kFunction);
        if (callee->kind == NodeKind::FieldAccess) set(name_token(callee->kid(1)), kMethod);
        break;
      }
      case NodeKind::FieldAccess:
      case NodeKind::SafeField: set(name_token(n->kid(1)), kProperty); break;
      case NodeKind::Name: set(name_token(n), kVariable); break;
      default: break;
    }
  }

  std::string_view text_;
  const std::vector<syntax::Token>& tokens_;
  std::vector<Role> roles_;
};

class Encoder {
 public:
  Encoder(std::string_view text, const LineIndex& lines, Encoding enc) : text_(text), lines_(lines), enc_(enc) {}

  // Adds [begin, end) as one token per line it touches.
  void add(std::uint32_t begin, std::uint32_t end, std::uint32_t type, std::uint32_t modifiers) {
    while (begin < end) {
      std::uint32_t line = lines_.line_of(begin);
      std::uint32_t stop = std::min(end, lines_.line_end(line));
      if (stop > begin) {
        Position a = lines_.position(begin, enc_);
        Position b = lines_.position(stop, enc_);
        data_.push_back(a.line - line_);
        data_.push_back(a.line == line_ ? a.character - char_ : a.character);
        data_.push_back(b.character - a.character);
        data_.push_back(type);
        data_.push_back(modifiers);
        line_ = a.line;
        char_ = a.character;
      }
      if (line + 1 >= lines_.line_count()) break;
      begin = lines_.line_start(line + 1);
    }
  }
  std::vector<std::uint32_t> take() { return std::move(data_); }

 private:
  std::string_view text_;
  const LineIndex& lines_;
  Encoding enc_;
  std::vector<std::uint32_t> data_;
  std::uint32_t line_ = 0;
  std::uint32_t char_ = 0;
};

// Comments in the trivia between two tokens: `#` to the end of its line.
void comments(std::string_view text, std::uint32_t begin, std::uint32_t end, Encoder& out) {
  for (std::uint32_t i = begin; i < end; ++i) {
    if (text[i] != '#') continue;
    std::uint32_t stop = i;
    while (stop < end && text[stop] != '\n') ++stop;
    if (stop > i && text[stop - 1] == '\r') --stop;
    out.add(i, stop, kComment, 0);
    i = stop;
  }
}

}  // namespace

const std::vector<std::string_view>& semantic_token_types() {
  static const std::vector<std::string_view> types = {
      "namespace", "type", "enum", "interface", "struct", "class", "parameter", "variable", "property",
      "enumMember", "function", "method", "keyword", "comment", "string", "number", "decorator", "modifier"};
  return types;
}

const std::vector<std::string_view>& semantic_token_modifiers() {
  static const std::vector<std::string_view> modifiers = {"declaration", "readonly"};
  return modifiers;
}

std::vector<std::uint32_t> semantic_tokens(const Node* root, std::string_view text,
                                           const std::vector<syntax::Token>& tokens, const LineIndex& lines,
                                           Encoding enc) {
  Classifier classifier(text, tokens);
  classifier.walk(root, nullptr, 0);
  const std::vector<Role>& roles = classifier.roles();
  Encoder out(text, lines, enc);
  std::uint32_t last = 0;  // end of the previous token: trivia lies between
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const syntax::Token& t = tokens[i];
    if (t.has(syntax::kSynthetic) || t.end <= t.begin || t.end > text.size()) continue;
    if (t.begin < last) continue;
    comments(text, last, t.begin, out);
    last = t.end;
    std::uint32_t type = kNone;
    std::uint32_t modifiers = 0;
    switch (t.kind) {
      case Tok::Ident:
        type = roles[i].type;
        modifiers = roles[i].modifiers;
        break;
      case Tok::Int:
      case Tok::Float: type = kNumber; break;
      case Tok::String:
      case Tok::RawString:
      case Tok::Atom:
      case Tok::Payload: type = kString; break;
      default:
        if (syntax::is_keyword(t.kind)) type = kKeyword;
        break;
    }
    if (type != kNone) out.add(t.begin, t.end, type, modifiers);
  }
  comments(text, last, static_cast<std::uint32_t>(text.size()), out);
  return out.take();
}

}  // namespace spl::lsp
