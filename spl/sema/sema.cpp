#include "spl/sema/sema.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "spl/sema/index.hpp"
#include "spl/sema/internal/edit_distance.hpp"
#include "spl/syntax/source.hpp"
#include "spl/sema/internal/modules.hpp"
#include "spl/sema/prelude.hpp"

namespace spl::sema {
namespace {

using syntax::Completeness;
using syntax::Diagnostic;
using syntax::FixIt;
using syntax::Label;
using syntax::Node;
using syntax::NodeKind;
using syntax::one_line;
using syntax::Severity;
using syntax::Span;
using syntax::TextEdit;
using syntax::Tok;
using syntax::Token;

enum class SymKind : std::uint8_t { Val, Var, Param, Pattern, Function, Type, Import, Generic, Method };

struct Symbol {
  std::string_view name;
  SymKind kind = SymKind::Val;
  const Node* decl = nullptr;  // Binding, Fn, Param, UseItem, type declaration, ...
  Span span;                   // the name where it is declared
  bool used = false;
  bool warn_unused = false;
  std::uint32_t def = kNoId;  // its entry in the Index, when one is filled
};

enum class ScopeKind : std::uint8_t { Module, Function, Lambda, BlockArg, Comprehension, Generics };

struct Scope {
  Scope* parent = nullptr;
  ScopeKind kind = ScopeKind::Module;
  std::unordered_map<std::string_view, std::vector<Symbol*>> names;
  std::vector<Symbol*> order;  // declaration order, for the unused report
  std::uint32_t id = kNoId;    // its entry in the Index, when one is filled
};

// Where a node is visited: its scope, whether a loop or function encloses it, and whether
// reports are suppressed because the statement around it did not parse completely.
struct Ctx {
  Scope* scope = nullptr;
  int loops = 0;
  bool in_fn = false;
  bool quiet = false;
  bool in_defer = false;  // inside a `defer`/`errdefer` body, outside any loop of its own
};

bool is_type_kind(NodeKind k) {
  switch (k) {
    case NodeKind::TypeName:
    case NodeKind::TypeArray:
    case NodeKind::TypeDict:
    case NodeKind::TypeTuple:
    case NodeKind::TypeFn:
    case NodeKind::TypeOptional:
    case NodeKind::TypeUnion:
      return true;
    default:
      return false;
  }
}

bool is_pattern_kind(NodeKind k) {
  switch (k) {
    case NodeKind::PatWild:
    case NodeKind::PatBind:
    case NodeKind::PatLit:
    case NodeKind::PatVariant:
    case NodeKind::PatTuple:
    case NodeKind::PatArray:
    case NodeKind::PatStruct:
    case NodeKind::PatOr:
    case NodeKind::PatRange:
    case NodeKind::PatField:
    case NodeKind::PatRest:
      return true;
    default:
      return false;
  }
}

bool is_type_decl(NodeKind k) {
  return k == NodeKind::Struct || k == NodeKind::Class || k == NodeKind::Enum || k == NodeKind::Trait ||
         k == NodeKind::Actor || k == NodeKind::TypeAlias;
}

// Declarations hold statements of their own: a partial one does not silence its body.
bool is_container(NodeKind k) {
  return k == NodeKind::Fn || k == NodeKind::Impl || k == NodeKind::Export || is_type_decl(k);
}

bool is_ident_text(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return syntax::keyword_kind(s) == Tok::Ident;
}

bool is_builtin_variant(std::string_view n) { return n == "Some" || n == "None" || n == "Ok" || n == "Err"; }

enum class LitClass : std::uint8_t { None, Int, Float, Text, Bool };

struct MethodInfo {
  bool mutating = false;  // some overload is a `me` method
  bool plain = false;     // some overload is not
  std::vector<const Node*> statics;
};

struct EnumInfo {
  const Node* node = nullptr;
  std::vector<std::string_view> variants;
  std::vector<std::size_t> fields;  // payload arity of each variant
  bool strong = false;
};

class Analyzer {
 public:
  Analyzer(const Node* root, std::string_view src, const std::vector<Token>& toks, const Options& options,
           Index* index)
      : root_(root), src_(src), toks_(toks), options_(options), index_(index) {}

  std::vector<Diagnostic> run() {
    if (root_ == nullptr) return {};
    noisy_ = !(options_.syntax_errors || root_->completeness != Completeness::Complete);
    warnings_ = options_.warnings && noisy_;
    conditional_ = src_.find("@when") != std::string_view::npos;
    for (const Token& t : toks_)
      if (t.kind == Tok::Ident) ++ident_count_[t.text(src_)];
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
    if (!noisy_) {
      for (const Span& e : options_.syntax_error_spans) error_lines_.push_back(line_of(e.begin));
      scan_lost(root_, nullptr, 0);
    }
    for (std::uint32_t i = 0; i < root_->count; ++i) prepass(root_->kids[i]);

    Scope module;
    module.kind = ScopeKind::Module;
    module_ = &module;
    enter(module, root_, false);
    for (const std::string& name : imported_names_)
      if (is_ident_text(name)) declare(module, name, SymKind::Import, nullptr, {0, 0});
    collect_kids(root_, module);
    Ctx ctx;
    ctx.scope = &module;
    visit_statements(root_, ctx);
    check_duplicates(root_, true);
    check_unused_imports();
    for (const auto& [name, first] : undefined_) {
      const std::vector<std::size_t>& lines = first.second;
      if (lines.empty() || first.first >= diags_.size() || diags_[first.first].code != "E0401") continue;
      std::string list;
      for (std::size_t i = 0; i < lines.size() && i < 10; ++i)
        list += fmt::format("{}{}", i ? ", " : "", lines[i]);
      if (lines.size() > 10) list += ", ...";
      diags_[first.first].notes.push_back(
          fmt::format("`{}` is also used on line{} {}", name, lines.size() == 1 ? "" : "s", list));
    }
    if (index_)
      std::stable_sort(index_->uses.begin(), index_->uses.end(),
                       [](const Use& a, const Use& b) { return a.span.begin < b.span.begin; });
    std::stable_sort(diags_.begin(), diags_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.span.begin < b.span.begin; });
    return std::move(diags_);
  }

 private:
  // ---- helpers -----------------------------------------------------------------------------
  std::string_view text(const Node* n) const {
    if (n == nullptr || n->begin > n->end || n->end > src_.size()) return {};
    return src_.substr(n->begin, n->end - n->begin);
  }

  bool has_token(const Node* n) const {
    return n != nullptr && n->token != syntax::kNoToken && n->token < toks_.size();
  }

  // The name a Name/Param/PatBind/declaration stands for: its main token, or its text when the
  // node comes from an interpolation hole (lexed apart, without a token in the file's array).
  std::string_view name_of(const Node* n) const {
    if (n == nullptr) return {};
    if (has_token(n)) return toks_[n->token].text(src_);
    return text(n);
  }

  Span span_of_token(const Node* n) const {
    if (has_token(n)) return {toks_[n->token].begin, toks_[n->token].end};
    return {n->begin, n->end};
  }

  // The declared name of a fn or type declaration (its first kid).
  const Node* decl_name(const Node* n) const {
    const Node* k = n->kid(0);
    if (k == nullptr || k->kind != NodeKind::Name) return nullptr;
    return is_ident_text(name_of(k)) ? k : nullptr;
  }

  std::size_t line_of(std::uint32_t offset) const {
    return static_cast<std::size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
                                    line_starts_.begin());
  }

  bool near_syntax_error(Span span) const {
    std::size_t line = line_of(span.begin);
    for (std::size_t e : error_lines_)
      if (e + 1 >= line && line + 1 >= e) return true;
    return false;
  }

  // A declaration whose name the parser could not find (`fn (x):`, `val = 1`): uses of that
  // name would all look undefined.
  void scan_lost(const Node* n, const Node* parent, int depth) {
    if (n == nullptr || depth > 300) return;
    if (n->kind == NodeKind::Missing && parent != nullptr) {
      switch (parent->kind) {
        case NodeKind::Fn:
        case NodeKind::Struct:
        case NodeKind::Class:
        case NodeKind::Enum:
        case NodeKind::Trait:
        case NodeKind::Actor:
        case NodeKind::TypeAlias:
        case NodeKind::Binding:
        case NodeKind::Params:
        case NodeKind::For:
        case NodeKind::Use:
        case NodeKind::UseItem:
        case NodeKind::IfVal:
        case NodeKind::Arm:
        case NodeKind::Lambda:
        case NodeKind::GenericParams:
        case NodeKind::With:
          lost_names_ = true;
          break;
        default:
          break;
      }
    }
    if (n->kind == NodeKind::Param && !has_token(n)) lost_names_ = true;
    for (std::uint32_t i = 0; i < n->count; ++i) scan_lost(n->kids[i], n, depth + 1);
  }

  Diagnostic& report(std::string_view code, Severity severity, std::string message, Span span,
                     std::string label) {
    if (!noisy_ && near_syntax_error(span)) {
      scratch_ = Diagnostic{};
      return scratch_;
    }
    Diagnostic d;
    d.code = std::string(code);
    d.severity = severity;
    d.message = std::move(message);
    d.span = span;
    d.primary_label = std::move(label);
    diags_.push_back(std::move(d));
    return diags_.back();
  }

  Symbol* declare(Scope& scope, std::string_view name, SymKind kind, const Node* decl, Span span,
                  bool warn = false) {
    if (name.empty() || name == "_") return nullptr;
    symbols_.push_back(Symbol{name, kind, decl, span, false, warn});
    Symbol* s = &symbols_.back();
    if (index_ && span.end > span.begin) s->def = define(name, def_kind(kind), span, decl, scope.id, {});
    scope.names[name].push_back(s);
    scope.order.push_back(s);
    return s;
  }

  const std::vector<Symbol*>* lookup(Scope* scope, std::string_view name, Scope** found = nullptr) const {
    for (Scope* s = scope; s != nullptr; s = s->parent) {
      auto it = s->names.find(name);
      if (it != s->names.end()) {
        if (found) *found = s;
        return &it->second;
      }
    }
    return nullptr;
  }

  bool is_variant_name(std::string_view n) const {
    return is_builtin_variant(n) || variant_names_.count(n) > 0;
  }

  // ---- the symbol index (filled only when analyze is given one) ----------------------------
  void enter(Scope& scope, const Node* n, bool ordered) {
    if (!index_ || n == nullptr) return;
    scope.id = static_cast<std::uint32_t>(index_->scopes.size());
    index_->scopes.push_back({{n->begin, n->end}, scope.parent ? scope.parent->id : kNoId, ordered});
  }

  static DefKind def_kind(SymKind k) {
    switch (k) {
      case SymKind::Val: return DefKind::Val;
      case SymKind::Var: return DefKind::Var;
      case SymKind::Param: return DefKind::Param;
      case SymKind::Pattern: return DefKind::Pattern;
      case SymKind::Function: return DefKind::Function;
      case SymKind::Type: return DefKind::Type;
      case SymKind::Import: return DefKind::Import;
      case SymKind::Generic: return DefKind::Generic;
      case SymKind::Method: return DefKind::Method;
    }
    return DefKind::Val;
  }


  // A type written in the source, or the evident type of an initialiser (a literal, a call of a
  // type's name, a struct literal).
  std::string type_of(const Node* type, const Node* init) const {
    if (type != nullptr && is_type_kind(type->kind)) return one_line(text(type));
    if (init == nullptr) return {};
    switch (init->kind) {
      case NodeKind::IntLit: return has_token(init) && toks_[init->token].has(syntax::kSuffixed) ? std::string() : "i64";
      case NodeKind::FloatLit: return "f64";
      case NodeKind::StringLit:
      case NodeKind::Interp: return "str";
      case NodeKind::BoolLit: return "bool";
      case NodeKind::Call:
      case NodeKind::StructLit: {
        const Node* callee = init->kid(0);
        if (callee && (callee->kind == NodeKind::Name || callee->kind == NodeKind::TypeName)) {
          std::string_view n = name_of(callee);
          if (type_decls_.count(n) > 0) return std::string(n);
        }
        return {};
      }
      default: return {};
    }
  }

  // The `#` lines right above a declaration (no blank line between), without their markers.
  std::string doc_comment(const Node* decl) const {
    if (decl == nullptr || decl->begin > src_.size()) return {};
    std::size_t line = src_.rfind('\n', decl->begin == 0 ? 0 : decl->begin - 1);
    if (line == std::string_view::npos || decl->begin == 0) return {};
    std::vector<std::string_view> lines;
    std::size_t end = line;  // the '\n' ending the previous line
    while (end != std::string_view::npos && end > 0) {
      std::size_t begin = src_.rfind('\n', end - 1);
      begin = begin == std::string_view::npos ? 0 : begin + 1;
      std::string_view l = src_.substr(begin, end - begin);
      std::size_t i = l.find_first_not_of(" \t\r");
      if (i == std::string_view::npos || l[i] != '#') break;
      l.remove_prefix(i);
      while (!l.empty() && l.front() == '#') l.remove_prefix(1);
      if (!l.empty() && l.front() == ' ') l.remove_prefix(1);
      while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.remove_suffix(1);
      lines.push_back(l);
      if (begin == 0) break;
      end = begin - 1;
    }
    std::string doc;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      if (!doc.empty()) doc.push_back('\n');
      doc += *it;
    }
    return doc;
  }

  std::string signature(std::string_view name, DefKind kind, const Node* decl, const std::string& type) const {
    std::string typed = type.empty() ? std::string(name) : fmt::format("{}: {}", name, type);
    if (decl == nullptr) return typed;
    switch (decl->kind) {
      case NodeKind::Fn: {
        const Node* params = decl->kid(2);
        const Node* ret = decl->kid(3);
        std::string out = fmt::format("fn {}", name);
        if (params) out += one_line(src_.substr(params->begin, (ret ? ret->end : params->end) - params->begin));
        return out;
      }
      case NodeKind::Struct: return fmt::format("struct {}", name);
      case NodeKind::Class: return fmt::format("class {}", name);
      case NodeKind::Enum: return fmt::format("enum {}", name);
      case NodeKind::Trait: return fmt::format("trait {}", name);
      case NodeKind::Actor: return fmt::format("actor {}", name);
      case NodeKind::TypeAlias: return one_line(text(decl));
      case NodeKind::Variant: return one_line(text(decl));
      case NodeKind::UseItem:
      case NodeKind::Use: return fmt::format("use {}", name);
      default: break;
    }
    switch (kind) {
      case DefKind::Val: return "val " + typed;
      case DefKind::Var: return "var " + typed;
      case DefKind::Field: return typed;
      default: return typed;
    }
  }

  std::uint32_t define(std::string_view name, DefKind kind, Span span, const Node* decl, std::uint32_t scope,
                       std::string_view owner) {
    Definition d;
    d.name = std::string(name);
    d.kind = kind;
    d.span = span;
    d.decl = decl ? Span{decl->begin, decl->end} : span;
    d.scope = scope;
    d.owner = std::string(owner);
    if (decl != nullptr) {
      switch (decl->kind) {
        case NodeKind::Binding: d.type = type_of(decl->kid(1), decl->kid(2)); break;
        case NodeKind::Param: d.type = type_of(decl->kid(0), nullptr); break;
        case NodeKind::Field: d.type = type_of(decl->kid(0), decl->kid(1)); break;
        default: break;
      }
      if (kind == DefKind::Param || kind == DefKind::Pattern) {
        d.doc = {};
      } else {
        d.doc = doc_comment(decl);
      }
    }
    d.signature = signature(name, kind, decl, d.type);
    index_->definitions.push_back(std::move(d));
    return static_cast<std::uint32_t>(index_->definitions.size() - 1);
  }

  // Fields, methods and variants: members of the type being visited, not names in a scope.
  void define_member(const Node* m, const Ctx& ctx) {
    if (!index_ || current_type_.empty()) return;
    DefKind kind;
    const Node* name = nullptr;
    switch (m->kind) {
      case NodeKind::Fn:
        kind = DefKind::Method;
        name = decl_name(m);
        break;
      case NodeKind::Field:
      case NodeKind::Binding:
        kind = DefKind::Field;
        name = m;
        break;
      case NodeKind::Variant:
        kind = DefKind::Variant;
        name = m;
        break;
      default:
        return;
    }
    if (!has_token(name) || toks_[name->token].kind != Tok::Ident) return;
    define(name_of(name), kind, span_of_token(name), m, ctx.scope ? ctx.scope->id : kNoId, current_type_);
  }

  // A resolved name: the declaration in effect where it is used (the last one before it, for a
  // name declared again in the same scope).
  void record_use(const Node* n, const std::vector<Symbol*>& syms) {
    const Symbol* pick = nullptr;
    for (const Symbol* s : syms)
      if (s->def != kNoId && (pick == nullptr || s->span.begin <= n->begin)) pick = s;
    if (pick == nullptr) return;
    index_->uses.push_back({span_of_token(n), pick->def});
  }

  void access_member(const Node* n, const Ctx& ctx) {
    const Node* member = n->kid(1);
    if (member == nullptr || member->kind != NodeKind::Name || !has_token(member)) return;
    std::string receiver_type;
    const Node* receiver = n->kid(0);
    if (receiver && receiver->kind == NodeKind::Name) {
      std::string_view r = name_of(receiver);
      if (r == "self") {
        receiver_type = std::string(current_type_);
      } else if (const std::vector<Symbol*>* syms = lookup(ctx.scope, r)) {
        const Symbol* s = syms->back();
        if (s->kind == SymKind::Type) {
          receiver_type = std::string(r);  // Color.Red, Point.origin()
        } else if (s->def != kNoId) {
          receiver_type = index_->definitions[s->def].type;
        }
      }
    } else if (receiver) {
      receiver_type = type_of(nullptr, receiver);
    }
    index_->members.push_back({span_of_token(member), std::string(name_of(member)), std::move(receiver_type)});
  }

  // ---- pre-pass: enums, wildcard imports, module functions ---------------------------------
  void prepass(const Node* n) {
    if (n == nullptr) return;
    if (n->kind == NodeKind::Export) {
      for (std::uint32_t i = 0; i < n->count; ++i) prepass(n->kids[i]);
      return;
    }
    if (n->kind == NodeKind::Struct || n->kind == NodeKind::Class || n->kind == NodeKind::Actor ||
        n->kind == NodeKind::Enum || n->kind == NodeKind::Trait || n->kind == NodeKind::TypeAlias) {
      if (const Node* name = decl_name(n)) ++type_decls_[name_of(name)];
      if (n->kind == NodeKind::Struct)
        if (const Node* name = decl_name(n)) structs_.insert(name_of(name));
    }
    if (n->kind == NodeKind::Impl) {
      // impl [Trait for] Type: the implementing type is the last type kid.
      const Node* type = nullptr;
      const Node* members = nullptr;
      for (std::uint32_t i = 0; i < n->count; ++i) {
        const Node* k = n->kids[i];
        if (k && k->kind == NodeKind::TypeName) type = k;
        if (k && k->kind == NodeKind::Members) members = k;
      }
      if (type && members && has_token(type) && n->completeness == Completeness::Complete) {
        std::string_view owner = name_of(type);
        for (std::uint32_t i = 0; i < members->count; ++i) {
          const Node* m = members->kids[i];
          const Node* name = m && m->kind == NodeKind::Fn ? decl_name(m) : nullptr;
          if (name == nullptr) continue;
          MethodInfo& info = methods_[owner][name_of(name)];
          if (m->has(syntax::kFlagMutating)) {
            info.mutating = true;
          } else {
            info.plain = true;
          }
          if (m->has(syntax::kFlagStatic)) info.statics.push_back(m);
        }
      }
    }
    if (n->kind == NodeKind::Use) {
      bool wildcard = n->has(syntax::kFlagWildcard);
      for (std::uint32_t i = 0; i < n->count; ++i) {
        const Node* k = n->kids[i];
        if (k && k->kind == NodeKind::UseItem) {
          for (std::uint32_t j = 0; j < k->count; ++j)
            if (k->kids[j] && k->kids[j]->kind == NodeKind::UseItem && k->kids[j]->has(syntax::kFlagWildcard))
              wildcard = true;
          if (k->has(syntax::kFlagWildcard)) wildcard = true;
        }
      }
      if (wildcard && !import_wildcard(n)) wildcard_ = true;
      return;
    }
    if (n->kind == NodeKind::Enum) {
      const Node* name = decl_name(n);
      if (name == nullptr) return;
      EnumInfo info;
      info.node = n;
      for (std::uint32_t i = 1; i < n->count; ++i) {
        const Node* k = n->kids[i];
        if (k == nullptr) continue;
        if (k->kind == NodeKind::Members) {
          for (std::uint32_t j = 0; j < k->count; ++j) {
            const Node* v = k->kids[j];
            if (v && v->kind == NodeKind::Variant && has_token(v) && is_ident_text(name_of(v))) {
              info.variants.push_back(name_of(v));
              const Node* payload = v->kid(0);
              info.fields.push_back(payload && payload->kind == NodeKind::Params ? payload->count : 0);
              variant_names_.insert(name_of(v));
            }
          }
        }
        if (k->kind == NodeKind::Attribute && name_of(k) == "strong") info.strong = true;
      }
      if (n->completeness != Completeness::Complete)
        info.node = nullptr;  // variants may be lost: no exhaustiveness
      enums_[name_of(name)].push_back(std::move(info));
    }
  }

  // A wildcard import of a module file we can find: its top-level names join the module scope.
  bool import_wildcard(const Node* use) {
    if (options_.path.empty() || use->completeness != Completeness::Complete) return false;
    std::vector<std::string> segments;
    bool relative = false;  // `use .helpers.*`
    for (std::uint32_t i = 0; i < use->count; ++i) {
      const Node* k = use->kids[i];
      if (k != nullptr && k->kind == NodeKind::Relative) relative = true;
      if (k != nullptr && k->kind == NodeKind::Name) segments.emplace_back(name_of(k));
    }
    if (segments.empty()) return false;
    std::string file = internal::resolve_module(options_.path, relative, segments);
    if (file.empty()) return false;
    std::optional<std::vector<std::string>> names = internal::module_names(file);
    if (!names) return false;
    for (std::string& name : *names) imported_names_.push_back(std::move(name));
    return true;
  }

  // ---- hoisting: every name a scope declares, wherever in the scope it is declared ----------
  void collect_kids(const Node* n, Scope& scope) {
    for (std::uint32_t i = 0; i < n->count; ++i) collect(n->kids[i], scope);
  }

  void declare_pattern(const Node* p, Scope& scope, SymKind kind, const Node* decl, bool warn) {
    if (p == nullptr) return;
    switch (p->kind) {
      case NodeKind::PatBind: {
        std::string_view name = name_of(p);
        if (text(p).find('.') != std::string_view::npos) return;  // Color.Red: a qualified variant
        if (is_variant_name(name) || !is_ident_text(name)) return;
        declare(scope, name, kind, decl ? decl : p, span_of_token(p), warn);
        return;
      }
      case NodeKind::Param: {
        std::string_view name = name_of(p);
        if (is_ident_text(name) || name == "self") declare(scope, name, SymKind::Param, p, span_of_token(p));
        return;
      }
      case NodeKind::PatRest: {
        std::string_view t = text(p);
        while (!t.empty() && t.front() == '.') t.remove_prefix(1);
        if (is_ident_text(t))
          declare(scope, t, kind, decl ? decl : p, {p->end - static_cast<std::uint32_t>(t.size()), p->end},
                  warn);
        return;
      }
      case NodeKind::PatVariant:
      case NodeKind::PatTuple:
      case NodeKind::PatArray:
      case NodeKind::PatStruct:
      case NodeKind::PatOr:
      case NodeKind::PatField:
        for (std::uint32_t i = 0; i < p->count; ++i) declare_pattern(p->kids[i], scope, kind, decl, warn);
        return;
      default:
        return;
    }
  }

  // The callee name of a (possibly chained, possibly block-taking) call statement.
  std::string_view statement_word(const Node* stmt) const {
    if (stmt == nullptr || stmt->kind != NodeKind::ExprStmt) return {};
    const Node* e = stmt->kid(0);
    while (e && e->kind == NodeKind::Call) e = e->kid(0);
    if (e == nullptr || e->kind != NodeKind::Name || !has_token(e) || toks_[e->token].kind != Tok::Ident)
      return {};
    return name_of(e);
  }

  // Full-tier declarations the parser reads as calls (`mod inner:` + block, `union U:`,
  // `unit km`): the declared name (the first argument) is defined; the rest is not analysed.
  static bool is_declaration_word(std::string_view w) {
    return w == "mod" || w == "extend" || w == "union" || w == "bitfield" || w == "unit" || w == "newtype" ||
           w == "mixin";
  }

  // Contract clauses (`requires x > 0`, `ensures result >= 0`) speak of `result` and `old(x)`:
  // not analysed.
  static bool is_contract_word(std::string_view w) {
    return w == "requires" || w == "ensures" || w == "invariant" || w == "decreases" || w == "assume" ||
           w == "admit" || w == "forall" || w == "out" || w == "out_err" || w == "where";
  }

  const Node* declared_by_word(const Node* stmt) const {
    const Node* e = stmt->kid(0);
    while (e && e->kind == NodeKind::Call && e->kid(0) && e->kid(0)->kind == NodeKind::Call) e = e->kid(0);
    const Node* arg = e && e->kind == NodeKind::Call ? e->kid(1) : nullptr;
    return arg && arg->kind == NodeKind::Name && has_token(arg) ? arg : nullptr;
  }

  void collect(const Node* n, Scope& scope) {
    if (n == nullptr) return;
    if (std::string_view w = statement_word(n);
        !w.empty() && (is_declaration_word(w) || is_contract_word(w))) {
      if (is_declaration_word(w))
        if (const Node* name = declared_by_word(n))
          declare(scope, name_of(name), SymKind::Type, n, span_of_token(name));
      return;
    }
    switch (n->kind) {
      case NodeKind::Binding: {
        SymKind kind = n->has(syntax::kFlagMutable) ? SymKind::Var : SymKind::Val;
        bool warn = scope.kind != ScopeKind::Module;
        declare_pattern(n->kid(0), scope, kind, n, warn);
        collect(n->kid(2), scope);
        collect(n->kid(3), scope);
        return;
      }
      case NodeKind::Fn:
        if (const Node* name = decl_name(n))
          declare(scope, name_of(name), SymKind::Function, n, span_of_token(name));
        return;
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Enum:
      case NodeKind::Trait:
      case NodeKind::Actor:
      case NodeKind::TypeAlias:
        if (const Node* name = decl_name(n))
          declare(scope, name_of(name), SymKind::Type, n, span_of_token(name));
        return;
      case NodeKind::Use:
        collect_use(n, scope);
        return;
      case NodeKind::For:
        declare_pattern(n->kid(0), scope, SymKind::Pattern, nullptr, false);
        collect(n->kid(1), scope);
        collect(n->kid(2), scope);
        return;
      case NodeKind::With:
        for (std::uint32_t i = 0; i < n->count; ++i) {
          const Node* k = n->kids[i];
          if (k == nullptr) continue;
          if (k->kind == NodeKind::Cast && k->kid(1) && k->kid(1)->kind == NodeKind::TypeName &&
              k->kid(1)->count == 0) {
            std::string_view name = name_of(k->kid(1));
            if (is_ident_text(name)) declare(scope, name, SymKind::Pattern, k, span_of_token(k->kid(1)));
            collect(k->kid(0), scope);
          } else if (is_pattern_kind(k->kind)) {
            declare_pattern(k, scope, SymKind::Pattern, nullptr, false);
          } else {
            collect(k, scope);
          }
        }
        return;
      case NodeKind::Block:
        if (n->has(syntax::kFlagBlockArg)) return;  // a scope of its own
        collect_kids(n, scope);
        return;
      case NodeKind::Lambda:
      case NodeKind::Comprehension:
      case NodeKind::Impl:
      case NodeKind::Decorator:
      case NodeKind::Attribute:
      case NodeKind::Error:
      case NodeKind::Missing:
      case NodeKind::Asm:
        return;
      default:
        if (is_type_kind(n->kind)) return;
        if (is_pattern_kind(n->kind)) {  // if val, while val, match arms
          declare_pattern(n, scope, SymKind::Pattern, nullptr, false);
          return;
        }
        collect_kids(n, scope);
        return;
    }
  }

  // `use a.b.{x, y as z}`, `use a.b (x, y)`, `use a.b.X`, `use a.b.X as Y`, `from a import {X}`.
  void collect_use(const Node* n, Scope& scope) {
    if (n->has(syntax::kFlagWildcard)) return;
    bool items = false;
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::UseItem) {
        items = true;
        collect_use_item(n->kids[i], scope, n);
      }
    if (items || n->count == 0) return;
    const Node* last = n->kids[n->count - 1];  // the imported name, or its Alias
    if (last && (last->kind == NodeKind::Name || last->kind == NodeKind::Alias) && is_ident_text(name_of(last)))
      declare(scope, name_of(last), SymKind::Import, nullptr, span_of_token(last));
  }

  void collect_use_item(const Node* item, Scope& scope, const Node* use) {
    if (item == nullptr || item->has(syntax::kFlagWildcard)) return;
    bool nested = false;
    for (std::uint32_t i = 0; i < item->count; ++i)
      if (item->kids[i] && item->kids[i]->kind == NodeKind::UseItem) {
        nested = true;
        collect_use_item(item->kids[i], scope, use);
      }
    if (nested) return;
    // `export use a.{x}` re-exports x: it needs no use in this file.
    bool reexport = text(use).substr(0, 6) == "export";
    auto track = [&](Symbol* s) {
      if (!reexport) imports_.push_back(s);
    };
    if (const Node* alias = item->kid(item->count - 1); alias && alias->kind == NodeKind::Alias) {
      if (is_ident_text(name_of(alias)))
        track(declare(scope, name_of(alias), SymKind::Import, item, span_of_token(alias)));
      return;
    }
    for (std::uint32_t i = 0; i < item->count; ++i) {
      const Node* k = item->kids[i];
      if (k && k->kind == NodeKind::Name && is_ident_text(name_of(k)))
        track(declare(scope, name_of(k), SymKind::Import, item->count == 1 ? item : k, span_of_token(k)));
    }
  }

  // ---- scopes with bodies ------------------------------------------------------------------
  void end_scope(Scope& scope) {
    if (!warnings_) return;
    for (Symbol* s : scope.order) {
      if (!s->warn_unused || s->used || s->name.empty() || s->name[0] == '_') continue;
      if (s->kind != SymKind::Val && s->kind != SymKind::Var) continue;
      Diagnostic& d = report("W0402", Severity::Warning, fmt::format("unused variable `{}`", s->name),
                             s->span, "never used");
      d.notes.push_back("prefix the name with `_` if it is meant to be unused");
      d.fixits.push_back(FixIt{
          fmt::format("rename it `_{}`", s->name), {TextEdit{s->span, fmt::format("_{}", s->name)}}, true});
    }
  }

  void declare_generics(const Node* generics, Scope& scope) {
    if (generics == nullptr || generics->kind != NodeKind::GenericParams) return;
    for (std::uint32_t i = 0; i < generics->count; ++i) {
      const Node* g = generics->kids[i];
      if (g == nullptr) continue;
      std::string_view name = name_of(g);
      if (is_ident_text(name)) declare(scope, name, SymKind::Generic, g, span_of_token(g));
    }
  }

  void declare_params(const Node* params, Scope& scope) {
    if (params == nullptr) return;
    std::unordered_map<std::string_view, const Node*> seen;
    for (std::uint32_t i = 0; i < params->count; ++i) {
      const Node* p = params->kids[i];
      if (p == nullptr) continue;
      if (p->kind == NodeKind::Param) {
        std::string_view name = name_of(p);
        if (!has_token(p) || !is_ident_text(name)) continue;
        declare(scope, name, SymKind::Param, p, span_of_token(p));
        if (name[0] != '_' && noisy_ && params->completeness == Completeness::Complete) {
          auto [it, fresh] = seen.emplace(name, p);
          if (!fresh) {
            Diagnostic& d =
                report("E0405", Severity::Error, fmt::format("the parameter `{}` is declared twice", name),
                       span_of_token(p), "declared again here");
            d.labels.push_back(Label{span_of_token(it->second), "first declared here"});
          }
        }
      } else {
        declare_pattern(p, scope, SymKind::Param, nullptr, false);
      }
    }
  }

  void visit_fn(const Node* fn, Ctx outer, bool method) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::Function;
    enter(scope, fn, true);
    if (method)
      for (std::string_view m : method_names())
        declare(scope, m, SymKind::Method, fn, {fn->begin, fn->begin});
    declare_generics(fn->kid(1), scope);
    declare_params(fn->kid(2), scope);
    const Node* body = fn->kid(4);
    if (body) {
      if (body->kind == NodeKind::Block) {
        collect_kids(body, scope);
      } else {
        collect(body, scope);
      }
    }
    Ctx ctx{&scope, 0, true, outer.quiet, false};
    visit_param_defaults(fn->kid(2), ctx);
    if (body) {
      if (body->kind == NodeKind::Block) {
        visit_statements(body, ctx);
      } else {
        visit(body, ctx);
      }
    }
    end_scope(scope);
  }

  void visit_param_defaults(const Node* params, const Ctx& ctx) {
    if (params == nullptr) return;
    for (std::uint32_t i = 0; i < params->count; ++i) {
      const Node* p = params->kids[i];
      if (p == nullptr || p->kind != NodeKind::Param) continue;
      const Node* type = p->kid(0) && is_type_kind(p->kid(0)->kind) ? p->kid(0) : nullptr;
      for (std::uint32_t j = 0; j < p->count; ++j)
        if (p->kids[j] && !is_type_kind(p->kids[j]->kind)) {
          if (type) check_literal(type, p->kids[j], ctx);
          visit(p->kids[j], ctx);
        }
    }
  }

  void visit_lambda(const Node* n, Ctx outer) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::Lambda;
    enter(scope, n, true);
    const Node* params = n->kid(0);
    if (params && params->kind == NodeKind::Params) declare_params(params, scope);
    const Node* body = nullptr;
    for (std::uint32_t i = 1; i < n->count; ++i)
      if (n->kids[i] && !is_type_kind(n->kids[i]->kind)) body = n->kids[i];
    Ctx ctx{&scope, 0, true, outer.quiet, false};
    if (body) {
      if (body->kind == NodeKind::Block) {
        collect_kids(body, scope);
        visit_statements(body, ctx);
      } else {
        collect(body, scope);
        visit(body, ctx);
      }
    }
    if (params) visit_param_defaults(params, ctx);
    end_scope(scope);
  }

  // `describe "x":` + block: a scope (its bindings are its own) that may assign to outer vars.
  void visit_block_arg(const Node* block, Ctx outer) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::BlockArg;
    enter(scope, block, true);
    collect_kids(block, scope);
    Ctx ctx{&scope, outer.loops, true, outer.quiet, false};
    visit_statements(block, ctx);
    end_scope(scope);
  }

  void visit_comprehension(const Node* n, Ctx outer) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::Comprehension;
    enter(scope, n, false);
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && is_pattern_kind(n->kids[i]->kind))
        declare_pattern(n->kids[i], scope, SymKind::Pattern, nullptr, false);
    Ctx ctx{&scope, outer.loops, outer.in_fn, outer.quiet, outer.in_defer};
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && !is_pattern_kind(n->kids[i]->kind)) visit(n->kids[i], ctx);
  }

  void visit_members(const Node* members, Ctx ctx) {
    if (members == nullptr) return;
    for (std::uint32_t i = 0; i < members->count; ++i) {
      const Node* m = members->kids[i];
      if (m == nullptr) continue;
      define_member(m, ctx);
      switch (m->kind) {
        case NodeKind::Fn:
          visit_fn(m, ctx, true);
          break;
        case NodeKind::Field:  // name: Type = default
          if (m->kid(1)) {
            check_literal(m->kid(0), m->kid(1), ctx);
            visit(m->kid(1), ctx);
          }
          break;
        case NodeKind::Binding:  // `var total: i64 = 0` in an actor or class: a field
          if (m->kid(2)) {
            check_literal(m->kid(1), m->kid(2), ctx);
            visit(m->kid(2), ctx);
          }
          break;
        case NodeKind::Variant:
        case NodeKind::Docstring:
        case NodeKind::Error:
        case NodeKind::Missing:
          break;
        default:
          visit(m, ctx);
          break;
      }
    }
    check_duplicates(members, false);
  }

  void visit_type_decl(const Node* n, Ctx outer) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::Generics;
    enter(scope, n, false);
    declare_generics(n->kid(1), scope);
    Ctx ctx = outer;
    ctx.scope = &scope;
    const Node* name = decl_name(n);
    std::string_view saved = current_type_;
    current_type_ = name ? name_of(name) : std::string_view{};
    for (std::uint32_t i = 1; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::Members) visit_members(n->kids[i], ctx);
    current_type_ = saved;
  }

  void visit_impl(const Node* n, Ctx outer) {
    Scope scope;
    scope.parent = outer.scope;
    scope.kind = ScopeKind::Generics;
    enter(scope, n, false);
    declare_generics(n->kid(0), scope);
    Ctx ctx = outer;
    ctx.scope = &scope;
    // `impl Trait for Type:` adds to Type; `impl Type:` too.
    const Node* target = n->kid(2) && n->kid(2)->kind == NodeKind::TypeName ? n->kid(2) : n->kid(1);
    std::string_view saved = current_type_;
    current_type_ = target && target->kind == NodeKind::TypeName ? name_of(target) : std::string_view{};
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::Members) visit_members(n->kids[i], ctx);
    current_type_ = saved;
  }

  // ---- statements and expressions ----------------------------------------------------------
  void visit_statements(const Node* block, const Ctx& ctx) {
    for (std::uint32_t i = 0; i < block->count; ++i) {
      const Node* s = block->kids[i];
      if (s == nullptr) continue;
      Ctx c = ctx;
      if (s->completeness != Completeness::Complete && !is_container(s->kind)) c.quiet = true;
      visit(s, c);
    }
  }

  void visit_kids(const Node* n, const Ctx& ctx) {
    for (std::uint32_t i = 0; i < n->count; ++i) visit(n->kids[i], ctx);
  }

  void visit(const Node* n, const Ctx& ctx) {
    if (n == nullptr) return;
    if (is_type_kind(n->kind)) return;
    if (std::string_view w = statement_word(n);
        !w.empty() && (is_declaration_word(w) || is_contract_word(w))) {
      // Not analysed, but the names it reads are used.
      if (!lookup(ctx.scope, w)) {
        mark_used(n, ctx);
        return;
      }
    }
    switch (n->kind) {
      case NodeKind::Name:
        reference(n, ctx);
        return;
      case NodeKind::FieldAccess:
      case NodeKind::SafeField:
        visit(n->kid(0), ctx);
        if (index_) access_member(n, ctx);
        return;
      case NodeKind::Decorator:
      case NodeKind::Attribute:
      case NodeKind::Asm:
        mark_used(n, ctx);  // their names are not checked, but a variable an operand reads is used
        return;
      case NodeKind::Error:
      case NodeKind::Missing:
      case NodeKind::Use:
      case NodeKind::Export:
      case NodeKind::TypeAlias:
      case NodeKind::MethodRef:
      case NodeKind::Symbol:
      case NodeKind::Docstring:
      case NodeKind::Variant:
        if (n->kind == NodeKind::Export)
          for (std::uint32_t i = 0; i < n->count; ++i)
            if (n->kids[i] && n->kids[i]->kind != NodeKind::Name) visit(n->kids[i], ctx);
        return;
      case NodeKind::Fn:
        visit_fn(n, ctx, false);
        return;
      case NodeKind::Lambda:
        visit_lambda(n, ctx);
        return;
      case NodeKind::Comprehension:
        visit_comprehension(n, ctx);
        return;
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Actor:
      case NodeKind::Trait:
      case NodeKind::Enum:
        visit_type_decl(n, ctx);
        return;
      case NodeKind::Impl:
        visit_impl(n, ctx);
        return;
      case NodeKind::Block:
        if (n->has(syntax::kFlagBlockArg)) {
          visit_block_arg(n, ctx);
        } else {
          visit_statements(n, ctx);
        }
        return;
      case NodeKind::Binding:
        check_literal(n->kid(1), n->kid(2), ctx);
        visit(n->kid(2), ctx);
        visit(n->kid(3), ctx);
        return;
      case NodeKind::Assign:
        check_assign(n, ctx);
        visit_kids(n, ctx);
        return;
      case NodeKind::Call:
        check_arity(n, ctx);
        check_argument_types(n, ctx);
        check_mutating_call(n, ctx);
        visit_kids(n, ctx);
        return;
      case NodeKind::Binary:
        if (n->op == syntax::Operator::Update) {  // data->normalize(): the right side names a method
          visit(n->kid(0), ctx);
          if (const Node* r = n->kid(1); r && r->kind == NodeKind::Call)
            for (std::uint32_t i = 1; i < r->count; ++i) visit(r->kids[i], ctx);
          return;
        }
        if (n->op == syntax::Operator::Pipe || n->op == syntax::Operator::Layer || n->op == syntax::Operator::Parallel)
          if (const Node* r = n->kid(1); r && r->kind == NodeKind::Call)
            no_arity_.insert(r);  // the pipe adds an argument
        visit_kids(n, ctx);
        return;
      case NodeKind::For: {
        visit(n->kid(1), ctx);
        Ctx body = ctx;
        ++body.loops;
        body.in_defer = false;
        visit(n->kid(2), body);
        return;
      }
      case NodeKind::While:
      case NodeKind::Loop: {
        Ctx body = ctx;
        ++body.loops;
        body.in_defer = false;
        for (std::uint32_t i = 0; i < n->count; ++i) {
          const Node* k = n->kids[i];
          if (k == nullptr || is_pattern_kind(k->kind)) continue;
          visit(k, k->kind == NodeKind::Block ? body : ctx);
        }
        return;
      }
      case NodeKind::Defer: {
        Ctx body = ctx;
        body.loops = 0;
        body.in_defer = true;
        visit_kids(n, body);
        return;
      }
      case NodeKind::Propagate:
        if (ctx.in_defer) leaves_defer(n, "?");
        visit_kids(n, ctx);
        return;
      case NodeKind::Break:
      case NodeKind::Continue:
        if (ctx.in_defer) {
          leaves_defer(n, n->kind == NodeKind::Break ? "break" : "continue");
        } else if (ctx.loops == 0 && !ctx.quiet && noisy_) {
          std::string_view kw = n->kind == NodeKind::Break ? "break" : "continue";
          report("E0406", Severity::Error, fmt::format("`{}` outside a loop", kw),
                 {n->begin, n->begin + static_cast<std::uint32_t>(kw.size())},
                 fmt::format("`{}` only works inside `for`, `while` or `loop`", kw));
        }
        visit_kids(n, ctx);
        return;
      case NodeKind::Return:
        if (ctx.in_defer) leaves_defer(n, "return");
        if (!ctx.in_fn && !ctx.quiet && noisy_ && text(n).substr(0, 6) == "return") {
          Diagnostic& d = report("E0407", Severity::Error, "`return` outside a function",
                                 {n->begin, n->begin + 6}, "there is no function to return from");
          d.notes.push_back("module-level code runs top to bottom; to stop early, put it in a function");
        }
        visit_kids(n, ctx);
        return;
      case NodeKind::Match:
        check_exhaustive(n, ctx);
        visit_kids(n, ctx);
        return;
      case NodeKind::Arm:
      case NodeKind::IfVal:
        for (std::uint32_t i = 0; i < n->count; ++i)
          if (n->kids[i] && !is_pattern_kind(n->kids[i]->kind)) visit(n->kids[i], ctx);
        return;
      case NodeKind::With:
        for (std::uint32_t i = 0; i < n->count; ++i) {
          const Node* k = n->kids[i];
          if (k == nullptr || is_pattern_kind(k->kind)) continue;
          visit(k->kind == NodeKind::Cast ? k->kid(0) : k, ctx);
        }
        return;
      case NodeKind::StructLit:
        visit_kids(n, ctx);
        return;
      default:
        if (is_pattern_kind(n->kind)) return;
        visit_kids(n, ctx);
        return;
    }
  }

  // The deferred body runs while its scope is being left, so it cannot leave it again.
  void leaves_defer(const Node* n, std::string_view what) {
    if (!noisy_) return;
    const std::uint32_t end = what == "?" ? n->end : n->begin + static_cast<std::uint32_t>(what.size());
    Diagnostic& d = report("E0413", Severity::Error, fmt::format("`{}` cannot leave a `defer` body", what),
                           {what == "?" ? end - 1 : n->begin, end}, "the scope is already being left when this runs");
    d.notes.push_back("a `defer` body runs to its end; compute the value before the `defer` or use a flag");
  }

  void mark_used(const Node* n, const Ctx& ctx, int depth = 0) {
    if (n == nullptr || depth > 200) return;
    if (n->kind == NodeKind::Name) {
      std::string_view name = name_of(n);
      if (const std::vector<Symbol*>* syms = lookup(ctx.scope, name))
        for (Symbol* s : *syms) s->used = true;
    }
    for (std::uint32_t i = 0; i < n->count; ++i) mark_used(n->kids[i], ctx, depth + 1);
  }

  // ---- names -------------------------------------------------------------------------------
  void reference(const Node* n, const Ctx& ctx) {
    std::string_view name;
    if (has_token(n)) {
      if (toks_[n->token].kind != Tok::Ident) return;
      name = toks_[n->token].text(src_);
      if (toks_[n->token].begin != n->begin) {
        // A parenthesised name keeps the parentheses in its span; anything else is not a plain name.
        if (text(n).find(name) == std::string_view::npos) return;
      }
    } else {
      name = text(n);
    }
    if (!is_ident_text(name) || name == "_") return;
    Scope* found = nullptr;
    if (const std::vector<Symbol*>* syms = lookup(ctx.scope, name, &found)) {
      for (Symbol* s : *syms) s->used = true;
      if (index_) record_use(n, *syms);
      return;
    }
    if (is_prelude_name(name) || is_environment_name(name)) return;
    // `ArrayBuilder__with_capacity(8)`: the desugared spelling of a static method call.
    if (std::size_t sep = name.find("__"); sep != std::string_view::npos && sep > 0) {
      std::string_view owner = name.substr(0, sep);
      if (const std::vector<Symbol*>* syms = lookup(ctx.scope, owner)) {
        for (Symbol* s : *syms) s->used = true;
        return;
      }
      if (is_environment_name(owner)) return;
    }
    if (wildcard_ || ctx.quiet) return;
    Span span = has_token(n) ? Span{toks_[n->token].begin, toks_[n->token].end} : Span{n->begin, n->end};
    if (!noisy_) {
      if (lost_names_) return;
      // With syntax errors, the declaration may sit in a part the parser skipped: report only a
      // name that occurs nowhere else in the file.
      auto it = ident_count_.find(name);
      int others = it == ident_count_.end() ? 0 : it->second - (has_token(n) ? 1 : 0);
      if (others > 0) return;
      // A deletion can join the declared name to its neighbour (`fn greet(` -> `fn greetname:`),
      // an inserted quote can swallow it into an unterminated string.
      for (const auto& [ident, count] : ident_count_)
        if (ident.size() > name.size() &&
            (ident.substr(0, name.size()) == name || ident.substr(ident.size() - name.size()) == name))
          return;
      for (const Token& t : toks_)
        if ((t.kind == Tok::String || t.kind == Tok::RawString) && t.has(syntax::kUnterminated) &&
            t.text(src_).find(name) != std::string_view::npos)
          return;
    }
    // One report per name: later uses become a note on the first (one mistake, one diagnostic).
    if (auto it = undefined_.find(name); it != undefined_.end()) {
      it->second.second.push_back(line_of(span.begin));
      return;
    }
    undefined_.emplace(name, std::make_pair(diags_.size(), std::vector<std::size_t>{}));
    if (name == "self" || name == "Self") {
      Diagnostic& d = report("E0401", Severity::Error, fmt::format("undefined name `{}`", name), span,
                             "only defined inside methods");
      d.notes.push_back(
          "`self` is the receiver of a method in an `impl`, `class`, `struct`, `trait` or `actor` body");
      return;
    }
    // A variant written bare: Simple spells variants qualified in expressions.
    std::vector<std::string_view> owners;
    for (const auto& [enum_name, infos] : enums_)
      for (const EnumInfo& info : infos)
        if (std::find(info.variants.begin(), info.variants.end(), name) != info.variants.end())
          owners.push_back(enum_name);
    if (owners.size() == 1) {
      std::string qualified = fmt::format("{}.{}", owners[0], name);
      Diagnostic& d = report("E0401", Severity::Error, fmt::format("undefined name `{}`", name), span,
                             fmt::format("a variant of `{}`: write `{}`", owners[0], qualified));
      d.notes.push_back(
          "enum variants are written with their enum in expressions (bare names only in patterns)");
      d.fixits.push_back(FixIt{fmt::format("write `{}`", qualified), {TextEdit{span, qualified}}, true});
      return;
    }
    std::vector<std::string_view> candidates;
    for (Scope* s = ctx.scope; s != nullptr; s = s->parent)
      for (const auto& [k, v] : s->names) candidates.push_back(k);
    for (std::string_view p : runtime_prelude()) candidates.push_back(p);
    for (std::string_view p : environment_names()) candidates.push_back(p);
    std::vector<std::string_view> near = internal::closest(name, candidates);
    std::string label = "not found in this scope";
    if (near.size() == 1) label = fmt::format("did you mean `{}`?", near[0]);
    Diagnostic& d = report("E0401", Severity::Error, fmt::format("undefined name `{}`", name), span, label);
    if (near.size() == 1) {
      d.fixits.push_back(
          FixIt{fmt::format("replace with `{}`", near[0]), {TextEdit{span, std::string(near[0])}}, true});
    } else if (near.size() > 1) {
      std::string list;
      for (std::string_view c : near) list += fmt::format("{}`{}`", list.empty() ? "" : ", ", c);
      d.notes.push_back(fmt::format("similar names in scope: {}", list));
    }
  }

  // ---- `val` immutability ------------------------------------------------------------------
  void check_assign(const Node* n, const Ctx& ctx) {
    const Node* target = n->kid(0);
    if (target == nullptr || target->kind != NodeKind::Name || ctx.quiet || !has_token(target)) return;
    if (toks_[target->token].kind != Tok::Ident) return;
    std::string_view name = toks_[target->token].text(src_);
    const std::vector<Symbol*>* syms = lookup(ctx.scope, name);
    if (syms == nullptr || syms->empty()) return;
    for (const Symbol* s : *syms)
      if (s->kind != SymKind::Val) return;
    const Symbol* first = syms->front();
    std::string_view op = has_token(n) ? toks_[n->token].text(src_) : "=";
    Span span{target->begin, target->end};
    Diagnostic& d = report("E0404", Severity::Error,
                           op == "=" ? fmt::format("cannot assign twice to `val` `{}`", name)
                                     : fmt::format("cannot change `val` `{}` with `{}`", name, op),
                           span, "assigned here");
    d.labels.push_back(Label{first->span, "declared with `val` here"});
    const Node* b = first->decl;
    if (syms->size() == 1 && b && b->kind == NodeKind::Binding && text(b).substr(0, 4) == "val ")
      d.fixits.push_back(
          FixIt{"make it mutable with `var`", {TextEdit{{b->begin, b->begin + 3}, "var"}}, true});
  }

  // ---- `me` methods on `val` structs -------------------------------------------------------
  // The struct a `val` holds, when its declaration says so: `val s: Stack = ...`,
  // `val s = Stack(...)`, `val s = Stack { ... }`, `val s = Stack.make()` with `static fn make()
  // -> Stack` (or `-> Self`). Only structs of this file with one declaration.
  std::string_view struct_of(const Node* binding) const {
    auto known = [&](std::string_view t) -> std::string_view {
      auto it = type_decls_.find(t);
      return structs_.count(t) && it != type_decls_.end() && it->second == 1 ? t : std::string_view{};
    };
    const Node* type = binding->kid(1);
    if (type)
      return type->kind == NodeKind::TypeName && has_token(type) ? known(name_of(type)) : std::string_view{};
    const Node* init = binding->kid(2);
    if (init == nullptr) return {};
    if (init->kind == NodeKind::StructLit && init->kid(0) && init->kid(0)->kind == NodeKind::Name)
      return known(name_of(init->kid(0)));
    if (init->kind != NodeKind::Call) return {};
    const Node* callee = init->kid(0);
    if (callee && callee->kind == NodeKind::GenericArgs) callee = callee->kid(0);
    if (callee && callee->kind == NodeKind::Name) return known(name_of(callee));
    if (callee && callee->kind == NodeKind::FieldAccess && callee->kid(0) && callee->kid(1)) {
      const Node* owner = callee->kid(0);
      if (owner->kind == NodeKind::GenericArgs) owner = owner->kid(0);
      if (owner == nullptr || owner->kind != NodeKind::Name) return {};
      std::string_view t = known(name_of(owner));
      if (t.empty()) return {};
      auto m = methods_.find(t);
      if (m == methods_.end()) return {};
      auto f = m->second.find(name_of(callee->kid(1)));
      if (f == m->second.end() || f->second.statics.size() != 1 || f->second.mutating) return {};
      const Node* ret = f->second.statics[0]->kid(3);
      if (ret && ret->kind == NodeKind::TypeName && has_token(ret) &&
          (name_of(ret) == t || name_of(ret) == "Self"))
        return t;
    }
    return {};
  }

  void check_mutating_call(const Node* call, const Ctx& ctx) {
    if (ctx.quiet || !noisy_) return;
    const Node* callee = call->kid(0);
    if (callee == nullptr || callee->kind != NodeKind::FieldAccess) return;
    const Node* recv = callee->kid(0);
    const Node* method = callee->kid(1);
    if (recv == nullptr || method == nullptr || recv->kind != NodeKind::Name || !has_token(recv) ||
        toks_[recv->token].kind != Tok::Ident)
      return;
    std::string_view name = name_of(recv);
    const std::vector<Symbol*>* syms = lookup(ctx.scope, name);
    if (syms == nullptr || syms->size() != 1) return;
    const Symbol* s = syms->front();
    if (s->kind != SymKind::Val || s->decl == nullptr || s->decl->kind != NodeKind::Binding ||
        s->decl->kid(0) == nullptr || s->decl->kid(0)->kind != NodeKind::PatBind)
      return;
    std::string_view type = struct_of(s->decl);
    if (type.empty()) return;
    auto m = methods_.find(type);
    if (m == methods_.end()) return;
    auto f = m->second.find(name_of(method));
    if (f == m->second.end() || !f->second.mutating || f->second.plain) return;
    Diagnostic& d = report("E0412", Severity::Error,
                           fmt::format("cannot call `me` method `{}` on `val` `{}`", name_of(method), name),
                           {callee->begin, callee->end},
                           fmt::format("`{}.{}` changes the struct", type, name_of(method)));
    d.labels.push_back(Label{s->span, "declared with `val` here"});
    const Node* b = s->decl;
    if (text(b).substr(0, 4) == "val ")
      d.fixits.push_back(
          FixIt{"make it mutable with `var`", {TextEdit{{b->begin, b->begin + 3}, "var"}}, true});
  }

  // ---- literal types -----------------------------------------------------------------------
  LitClass literal_class(const Node* n) const {
    if (n == nullptr) return LitClass::None;
    if (has_token(n) && toks_[n->token].has(syntax::kSuffixed)) return LitClass::None;
    switch (n->kind) {
      case NodeKind::IntLit:
        return LitClass::Int;
      case NodeKind::FloatLit:
        return LitClass::Float;
      case NodeKind::StringLit:
      case NodeKind::Interp:
        return LitClass::Text;
      case NodeKind::BoolLit:
        return LitClass::Bool;
      case NodeKind::Unary:
        if (n->op == syntax::Operator::Neg && n->count == 1) {
          LitClass c = literal_class(n->kid(0));
          return c == LitClass::Int || c == LitClass::Float ? c : LitClass::None;
        }
        return LitClass::None;
      default:
        return LitClass::None;
    }
  }

  // The primitive a type annotation names (`i64`, `f64`, `text`, `bool` and their kin), or None.
  LitClass class_of_type(const Node* type) const {
    if (type == nullptr || type->kind != NodeKind::TypeName || type->count != 0) return LitClass::None;
    std::string_view t = text(type);
    static const std::unordered_set<std::string_view> kInts = {"i8",  "i16", "i32", "i64",   "u8",   "u16",
                                                               "u32", "u64", "int", "isize", "usize"};
    static const std::unordered_set<std::string_view> kFloats = {"f32", "f64", "float"};
    if (kInts.count(t)) return LitClass::Int;
    if (kFloats.count(t)) return LitClass::Float;
    if (t == "text" || t == "str") return LitClass::Text;
    if (t == "bool") return LitClass::Bool;
    return LitClass::None;
  }

  static std::string_view class_name(LitClass c) {
    switch (c) {
      case LitClass::Int: return "i64";
      case LitClass::Float: return "f64";
      case LitClass::Text: return "text";
      case LitClass::Bool: return "bool";
      default: return "?";
    }
  }

  static bool accepts(LitClass want, LitClass got) {
    return got == LitClass::None || got == want || (want == LitClass::Float && got == LitClass::Int);
  }

  // The primitive an expression certainly has, from this file alone: a literal, an operator over
  // such operands, a name declared before with a primitive annotation (or a `val` set from a
  // literal), a call of this module's one function of that name declaring a primitive result.
  // None whenever that is not certain.
  LitClass expr_class(const Node* n, const Ctx& ctx, int depth = 0) const {
    if (n == nullptr || depth > 16 || n->completeness != Completeness::Complete) return LitClass::None;
    if (LitClass c = literal_class(n); c != LitClass::None) return c;
    using syntax::Operator;
    switch (n->kind) {
      case NodeKind::Unary:
        if (n->op == Operator::Not) return expr_class(n->kid(0), ctx, depth + 1) == LitClass::Bool ? LitClass::Bool : LitClass::None;
        if (n->op == Operator::Neg) {
          LitClass c = expr_class(n->kid(0), ctx, depth + 1);
          return c == LitClass::Int || c == LitClass::Float ? c : LitClass::None;
        }
        return LitClass::None;
      case NodeKind::Binary: {
        switch (n->op) {
          case Operator::Eq: case Operator::Ne: case Operator::Lt: case Operator::Le: case Operator::Gt:
          case Operator::Ge: case Operator::In: case Operator::NotIn: case Operator::Is:
            return LitClass::Bool;
          case Operator::Add: case Operator::Sub: case Operator::Mul: case Operator::Mod: {
            LitClass a = expr_class(n->kid(0), ctx, depth + 1);
            LitClass b = expr_class(n->kid(1), ctx, depth + 1);
            if (a == LitClass::Text && b == LitClass::Text && n->op == Operator::Add) return LitClass::Text;
            const bool na = a == LitClass::Int || a == LitClass::Float;
            const bool nb = b == LitClass::Int || b == LitClass::Float;
            if (!na || !nb) return LitClass::None;
            return a == LitClass::Float || b == LitClass::Float ? LitClass::Float : LitClass::Int;
          }
          default: return LitClass::None;
        }
      }
      case NodeKind::Name: {
        const std::vector<Symbol*>* syms = lookup(ctx.scope, name_of(n));
        if (syms == nullptr || syms->size() != 1) return LitClass::None;
        const Symbol* sym = syms->front();
        if (sym->decl == nullptr || sym->span.begin >= n->begin) return LitClass::None;
        if (sym->kind == SymKind::Param && sym->decl->kind == NodeKind::Param) {
          for (std::uint32_t i = 0; i < sym->decl->count; ++i)
            if (const Node* k = sym->decl->kids[i]; k && is_type_kind(k->kind)) return class_of_type(k);
          return LitClass::None;
        }
        if ((sym->kind == SymKind::Val || sym->kind == SymKind::Var) && sym->decl->kind == NodeKind::Binding &&
            sym->decl->kid(0) && sym->decl->kid(0)->kind == NodeKind::PatBind) {
          if (sym->decl->kid(1)) return class_of_type(sym->decl->kid(1));
          return sym->kind == SymKind::Val ? literal_class(sym->decl->kid(2)) : LitClass::None;
        }
        return LitClass::None;
      }
      case NodeKind::Call: {
        const Node* fn = only_module_function(n, ctx);
        return fn ? class_of_type(fn->kid(3)) : LitClass::None;
      }
      default: return LitClass::None;
    }
  }

  // The declaration of the module-level function a plain call `f(...)` names, when this module
  // has exactly one of that name and it is complete.
  const Node* only_module_function(const Node* call, const Ctx& ctx) const {
    const Node* callee = call->kid(0);
    if (callee == nullptr || callee->kind != NodeKind::Name || !has_token(callee) ||
        toks_[callee->token].kind != Tok::Ident)
      return nullptr;
    Scope* found = nullptr;
    const std::vector<Symbol*>* syms = lookup(ctx.scope, toks_[callee->token].text(src_), &found);
    if (syms == nullptr || found != module_ || syms->size() != 1 || syms->front()->kind != SymKind::Function)
      return nullptr;
    const Node* fn = syms->front()->decl;
    if (fn == nullptr || fn->kind != NodeKind::Fn || fn->completeness != Completeness::Complete) return nullptr;
    return fn;
  }

  void mismatch(const Node* type, const Node* value, LitClass got) {
    Diagnostic& d = report("E0414", Severity::Error,
                           fmt::format("mismatched types: expected `{}`, found `{}`", text(type), class_name(got)),
                           {value->begin, value->end}, fmt::format("this is `{}`", class_name(got)));
    d.labels.push_back(Label{{type->begin, type->end}, "the declared type"});
  }

  // Positional arguments against the primitive parameter types of this module's function.
  void check_argument_types(const Node* call, const Ctx& ctx) {
    if (ctx.quiet || !noisy_ || call->completeness != Completeness::Complete) return;
    const Node* fn = only_module_function(call, ctx);
    if (fn == nullptr) return;
    const Node* params = fn->kid(2);
    if (params == nullptr || params->kind != NodeKind::Params) return;
    std::uint32_t param = 0;
    for (std::uint32_t i = 1; i < call->count; ++i, ++param) {
      const Node* arg = call->kids[i];
      if (arg == nullptr || arg->kind == NodeKind::NamedArg || arg->kind == NodeKind::Spread) return;
      if (param >= params->count) return;
      const Node* p = params->kids[param];
      if (p == nullptr || p->kind != NodeKind::Param || p->has(syntax::kFlagVariadic) || name_of(p) == "self") return;
      const Node* type = nullptr;
      for (std::uint32_t j = 0; j < p->count; ++j)
        if (p->kids[j] && is_type_kind(p->kids[j]->kind)) type = p->kids[j];
      LitClass want = class_of_type(type);
      if (want == LitClass::None) continue;
      LitClass got = expr_class(arg, ctx);
      if (!accepts(want, got)) mismatch(type, arg, got);
    }
  }

  void check_literal(const Node* type, const Node* init, const Ctx& ctx) {
    if (type == nullptr || init == nullptr || ctx.quiet) return;
    if (init->completeness != Completeness::Complete) return;
    LitClass want = class_of_type(type);
    if (want == LitClass::None) return;
    std::string_view t = text(type);
    LitClass got = literal_class(init);
    if (got == LitClass::None) {
      if (noisy_) {
        LitClass inferred = expr_class(init, ctx);
        if (!accepts(want, inferred)) mismatch(type, init, inferred);
      }
      return;
    }
    if (accepts(want, got)) return;
    auto describe = [](LitClass c) -> std::string_view {
      switch (c) {
        case LitClass::Int:
          return "an integer literal";
        case LitClass::Float:
          return "a float literal";
        case LitClass::Text:
          return "a text literal";
        case LitClass::Bool:
          return "a bool literal";
        default:
          return "a literal";
      }
    };
    Diagnostic& d = report("E0408", Severity::Error,
                           fmt::format("mismatched types: expected `{}`, found {}", t, describe(got)),
                           {init->begin, init->end}, fmt::format("this is {}", describe(got)));
    d.labels.push_back(Label{{type->begin, type->end}, "the declared type"});
  }

  // ---- call arity --------------------------------------------------------------------------
  void check_arity(const Node* call, const Ctx& ctx) {
    if (no_arity_.count(call) || ctx.quiet || !noisy_ || call->completeness != Completeness::Complete) return;
    // `f(a):` + block / `f(a) \x: ...`: the trailing block is the inner call's last argument.
    const Node* inner = call;
    std::size_t extra = 0;
    if (call->kid(0) && call->kid(0)->kind == NodeKind::Call) {
      for (std::uint32_t i = 1; i < call->count; ++i) {
        const Node* k = call->kids[i];
        bool trailing = k && ((k->kind == NodeKind::Block && k->has(syntax::kFlagBlockArg)) ||
                              k->kind == NodeKind::Lambda);
        if (!trailing) return;  // f(a)(b): a call of what f returns
      }
      inner = call->kid(0);
      no_arity_.insert(inner);
      extra = call->count - 1;
    }
    const Node* callee = inner->kid(0);
    if (callee == nullptr || callee->kind != NodeKind::Name || !has_token(callee) ||
        toks_[callee->token].kind != Tok::Ident)
      return;
    std::string_view name = toks_[callee->token].text(src_);
    Scope* found = nullptr;
    const std::vector<Symbol*>* syms = lookup(ctx.scope, name, &found);
    if (syms == nullptr || found != module_ || syms->size() != 1 || syms->front()->kind != SymKind::Function)
      return;
    const Node* fn = syms->front()->decl;
    const Node* params = fn->kid(2);
    if (fn->completeness != Completeness::Complete || params == nullptr || params->kind != NodeKind::Params)
      return;
    std::size_t want = 0;
    for (std::uint32_t i = 0; i < params->count; ++i) {
      const Node* p = params->kids[i];
      if (p == nullptr || p->kind != NodeKind::Param || p->has(syntax::kFlagVariadic) || name_of(p) == "self")
        return;
      for (std::uint32_t j = 0; j < p->count; ++j)
        if (p->kids[j] && !is_type_kind(p->kids[j]->kind)) return;  // a default value
      ++want;
    }
    std::size_t got = extra;
    for (std::uint32_t i = 1; i < inner->count; ++i) {
      const Node* a = inner->kids[i];
      if (a == nullptr || a->kind == NodeKind::Spread) return;
      ++got;
    }
    if (got == want) return;
    auto args = [](std::size_t k) { return fmt::format("{} argument{}", k, k == 1 ? "" : "s"); };
    Diagnostic& d =
        report("E0409", Severity::Error,
               fmt::format("`{}` takes {} but {} {} given", name, args(want), got, got == 1 ? "was" : "were"),
               {call->begin, call->end}, fmt::format("called with {}", args(got)));
    d.labels.push_back(Label{syms->front()->span, fmt::format("`{}` is defined here with {} parameter{}",
                                                              name, want, want == 1 ? "" : "s")});
  }

  // ---- match exhaustiveness ----------------------------------------------------------------
  struct Mention {
    std::string_view qualifier;
    std::string_view name;
  };

  // Whether a sub-pattern matches everything (so `Some(x)` covers all of `Some`).
  bool irrefutable(const Node* p) const {
    if (p == nullptr) return false;
    switch (p->kind) {
      case NodeKind::PatWild:
      case NodeKind::PatRest:
        return true;
      case NodeKind::PatBind:
        return text(p).find('.') == std::string_view::npos && !is_variant_name(name_of(p));
      case NodeKind::PatField:
        return irrefutable(p->kid(0));
      case NodeKind::PatTuple:
        for (std::uint32_t i = 0; i < p->count; ++i)
          if (!irrefutable(p->kids[i])) return false;
        return true;
      default:
        return false;
    }
  }

  std::string_view qualifier_of(const Node* p) const {
    std::string_view t = text(p);
    std::size_t paren = t.find('(');
    if (paren != std::string_view::npos) t = t.substr(0, paren);
    std::size_t dot = t.rfind('.');
    if (dot == std::string_view::npos) return {};
    t = t.substr(0, dot);
    std::size_t prev = t.rfind('.');
    if (prev != std::string_view::npos) t = t.substr(prev + 1);
    while (!t.empty() && (t.back() == ' ')) t.remove_suffix(1);
    return t;
  }

  // false: the pattern is something we do not reason about (literal, tuple, range, ...).
  bool classify(const Node* p, bool guarded, bool& catch_all, std::vector<Mention>& mentions,
                std::unordered_set<std::string_view>& covered) const {
    if (p == nullptr) return false;
    switch (p->kind) {
      case NodeKind::PatWild:
        if (!guarded) catch_all = true;
        return true;
      case NodeKind::PatBind: {
        std::string_view name = name_of(p);
        std::string_view q = qualifier_of(p);
        if (q.empty() && !is_variant_name(name)) {
          if (!guarded) catch_all = true;
          return true;
        }
        mentions.push_back({q, name});
        if (!guarded) covered.insert(name);
        return true;
      }
      case NodeKind::PatLit:
        if (has_token(p) && toks_[p->token].kind == Tok::KwNil) {
          mentions.push_back({{}, "None"});
          if (!guarded) covered.insert("None");
          return true;
        }
        return false;
      case NodeKind::PatVariant: {
        std::string_view name = name_of(p);
        mentions.push_back({qualifier_of(p), name});
        bool all = true;
        for (std::uint32_t i = 0; i < p->count; ++i) all = all && irrefutable(p->kids[i]);
        if (!guarded && all) covered.insert(name);
        return true;
      }
      case NodeKind::PatOr:
        for (std::uint32_t i = 0; i < p->count; ++i)
          if (!classify(p->kids[i], guarded, catch_all, mentions, covered)) return false;
        return true;
      default:
        return false;
    }
  }

  // The enum a scrutinee is annotated with: a parameter `d: Dir` or a binding `val d: Dir = ...`.
  std::string_view annotated_enum(const Node* scrutinee, const Ctx& ctx) const {
    if (scrutinee == nullptr || scrutinee->kind != NodeKind::Name || !has_token(scrutinee)) return {};
    const std::vector<Symbol*>* syms = lookup(ctx.scope, name_of(scrutinee));
    if (syms == nullptr || syms->size() != 1) return {};
    const Symbol* s = syms->front();
    const Node* type = nullptr;
    if (s->kind == SymKind::Param && s->decl && s->decl->kind == NodeKind::Param) type = s->decl->kid(0);
    if ((s->kind == SymKind::Val || s->kind == SymKind::Var) && s->decl &&
        s->decl->kind == NodeKind::Binding && s->decl->kid(0) && s->decl->kid(0)->kind == NodeKind::PatBind)
      type = s->decl->kid(1);
    if (type == nullptr || type->kind != NodeKind::TypeName || type->count != 0) return {};
    std::string_view t = text(type);
    return enums_.count(t) ? t : std::string_view{};
  }

  void check_exhaustive(const Node* match, const Ctx& ctx) {
    if (ctx.quiet || !noisy_ || match->completeness != Completeness::Complete || match->count < 2) return;
    bool catch_all = false;
    std::vector<Mention> mentions;
    std::unordered_set<std::string_view> covered;
    for (std::uint32_t i = 1; i < match->count; ++i) {
      const Node* arm = match->kids[i];
      if (arm == nullptr || arm->kind != NodeKind::Arm || arm->count == 0) return;
      bool guarded = false;
      for (std::uint32_t j = 0; j + 1 < arm->count; ++j)
        if (arm->kids[j] && !is_pattern_kind(arm->kids[j]->kind)) guarded = true;
      for (std::uint32_t j = 0; j < arm->count; ++j) {
        const Node* p = arm->kids[j];
        if (p == nullptr || !is_pattern_kind(p->kind)) continue;
        if (!classify(p, guarded, catch_all, mentions, covered)) return;
      }
    }
    if (catch_all || mentions.empty()) return;
    auto all_in = [&](std::initializer_list<std::string_view> set) {
      for (const Mention& m : mentions)
        if (!m.qualifier.empty() || std::find(set.begin(), set.end(), m.name) == set.end()) return false;
      return true;
    };
    std::vector<std::string_view> family;
    std::string_view enum_name;
    bool strong = false;
    if (all_in({"Some", "None"})) {
      family = {"Some", "None"};
    } else if (all_in({"Ok", "Err"})) {
      family = {"Ok", "Err"};
    } else {
      // The one enum of this file that has every mentioned variant (and agrees with qualifiers
      // and the scrutinee's annotation).
      std::vector<std::string_view> candidates;
      std::string_view annotated = annotated_enum(match->kid(0), ctx);
      for (const auto& [name, infos] : enums_) {
        if (infos.size() != 1 || infos.front().node == nullptr) continue;
        if (!annotated.empty() && name != annotated) continue;
        const EnumInfo& info = infos.front();
        bool ok = true;
        for (const Mention& m : mentions) {
          if (!m.qualifier.empty() && m.qualifier != name) ok = false;
          if (std::find(info.variants.begin(), info.variants.end(), m.name) == info.variants.end())
            ok = false;
        }
        if (ok) candidates.push_back(name);
      }
      if (candidates.size() != 1) return;
      enum_name = candidates.front();
      const EnumInfo& info = enums_.at(enum_name).front();
      family = info.variants;
      strong = info.strong;
    }
    std::vector<std::string_view> missing;
    for (std::string_view v : family)
      if (!covered.count(v) && !(v == "None" && covered.count("nil"))) missing.push_back(v);
    if (missing.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i)
      list += fmt::format("{}`{}{}{}`",
                          i == 0                    ? ""
                          : i + 1 == missing.size() ? " and "
                                                    : ", ",
                          enum_name, enum_name.empty() ? "" : ".", missing[i]);
    const Node* scrutinee = match->kid(0);
    Span span = scrutinee ? Span{scrutinee->begin, scrutinee->end} : Span{match->begin, match->begin};
    Diagnostic& d = report(strong ? "E0411" : "W0410", strong ? Severity::Error : Severity::Warning,
                           fmt::format("non-exhaustive `match`: {} not covered", list), span,
                           fmt::format("{} not covered", list));
    d.notes.push_back(fmt::format("add `case {}:`{} or a `case _:` arm", missing.front(),
                                  missing.size() > 1 ? " (and the others)" : ""));
    if (strong)
      d.notes.push_back(fmt::format("`{}` is `#[strong]`: its matches must cover every variant", enum_name));
    // A fix-it with the missing arms (bodies to be written: not machine-applicable), below the
    // last arm when that arm starts its own line.
    const Node* last = match->kids[match->count - 1];
    std::uint32_t line_start = last->begin;
    while (line_start > 0 && src_[line_start - 1] != '\n') --line_start;
    std::string_view indent = src_.substr(line_start, last->begin - line_start);
    if (indent.find_first_not_of(" \t") == std::string_view::npos && last->end <= src_.size()) {
      std::string arms;
      for (std::string_view v : missing) {
        std::size_t fields = v == "Some" || v == "Ok" || v == "Err" ? 1 : 0;
        if (!enum_name.empty()) {
          const EnumInfo& info = enums_.at(enum_name).front();
          auto at = std::find(info.variants.begin(), info.variants.end(), v);
          fields = info.fields[static_cast<std::size_t>(at - info.variants.begin())];
        }
        std::string wild;
        for (std::size_t i = 0; i < fields; ++i) wild += i ? ", _" : "_";
        arms += fmt::format("\n{}case {}{}: pass", indent, v, fields ? "(" + wild + ")" : "");
      }
      d.fixits.push_back(FixIt{"add the missing arms", {TextEdit{{last->end, last->end}, arms}}, false});
    }
  }

  // ---- duplicates and imports --------------------------------------------------------------
  std::string signature(const Node* fn) const {
    std::string sig;
    const Node* params = fn->kid(2);
    if (params == nullptr) return sig;
    for (std::uint32_t i = 0; i < params->count; ++i) {
      const Node* p = params->kids[i];
      if (p == nullptr) continue;
      const Node* type = p->kid(0) && is_type_kind(p->kid(0)->kind) ? p->kid(0) : nullptr;
      std::string_view t = type ? text(type) : "?";
      sig += std::string(t);
      if (p->has(syntax::kFlagVariadic)) sig += "...";
      sig += ',';
    }
    return sig;
  }

  void check_duplicates(const Node* scope, bool module_level) {
    if (!noisy_ || conditional_ || scope->completeness != Completeness::Complete) return;
    struct Seen {
      const Node* decl;
      Span span;
      std::string sig;
    };
    std::unordered_map<std::string_view, std::vector<Seen>> seen;
    auto add = [&](const Node* decl, std::string_view name, Span span, std::string sig,
                   std::string_view what) {
      auto& list = seen[name];
      for (const Seen& s : list) {
        if (s.sig != sig) continue;
        Diagnostic& d =
            report("E0405", Severity::Error, fmt::format("the {} `{}` is defined twice", what, name), span,
                   "defined again here");
        d.labels.push_back(Label{s.span, "first defined here"});
        if (decl->kind == NodeKind::Fn)
          d.notes.push_back("functions may share a name only when their parameter types differ");
        return;
      }
      list.push_back({decl, span, std::move(sig)});
    };
    for (std::uint32_t i = 0; i < scope->count; ++i) {
      const Node* n = scope->kids[i];
      if (n && n->kind == NodeKind::Export && n->count == 1) n = n->kids[0];
      if (n == nullptr) continue;
      if (n->kind == NodeKind::Fn) {
        if (const Node* name = decl_name(n))
          add(n, name_of(name), span_of_token(name), "fn:" + signature(n), "function");
      } else if (is_type_decl(n->kind) && module_level) {
        if (const Node* name = decl_name(n)) add(n, name_of(name), span_of_token(name), "type", "type");
      } else if (n->kind == NodeKind::Binding && module_level && n->kid(0) &&
                 n->kid(0)->kind == NodeKind::PatBind) {
        std::string_view name = name_of(n->kid(0));
        if (is_ident_text(name) && name != "_") add(n, name, span_of_token(n->kid(0)), "binding", "global");
      }
    }
  }

  void check_unused_imports() {
    if (!warnings_ || wildcard_) return;
    for (const Symbol* s : imports_) {
      if (s == nullptr || s->used) continue;
      // Sure only when the name occurs nowhere else in the file, not even as a type or field.
      auto it = ident_count_.find(s->name);
      if (it != ident_count_.end() && it->second > 1) continue;
      Diagnostic& d = report("W0403", Severity::Warning, fmt::format("unused import `{}`", s->name), s->span,
                             "never used");
      d.notes.push_back("remove it from the `use` list");
    }
  }

  const Node* root_;
  std::string_view src_;
  const std::vector<Token>& toks_;
  Options options_;
  bool noisy_ = true;
  bool warnings_ = true;
  bool wildcard_ = false;
  bool conditional_ = false;
  Index* index_ = nullptr;
  std::string_view current_type_;  // the type whose members are being visited
  Scope* module_ = nullptr;
  std::deque<Symbol> symbols_;
  std::vector<Symbol*> imports_;
  std::unordered_map<std::string_view, int> ident_count_;
  std::unordered_set<std::string_view> variant_names_;
  std::unordered_map<std::string_view, std::vector<EnumInfo>> enums_;
  std::unordered_set<const Node*> no_arity_;
  std::deque<std::string> imported_names_;
  // Undefined names reported so far: the index of the report and the lines of later uses.
  std::unordered_map<std::string_view, std::pair<std::size_t, std::vector<std::size_t>>>
      undefined_;  // names brought in by resolved wildcard imports (stable storage)
  std::unordered_map<std::string_view, int> type_decls_;
  std::unordered_set<std::string_view> structs_;
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, MethodInfo>> methods_;
  std::vector<Diagnostic> diags_;
  Diagnostic scratch_;  // where reports suppressed next to a syntax error go
  std::vector<std::uint32_t> line_starts_;
  std::vector<std::size_t> error_lines_;
  bool lost_names_ = false;
};

}  // namespace

Options options_after(const std::vector<Diagnostic>& syntax_diagnostics) {
  Options o;
  for (const Diagnostic& d : syntax_diagnostics) {
    if (d.severity != Severity::Error) continue;
    o.syntax_errors = true;
    o.syntax_error_spans.push_back(d.span);
  }
  return o;
}

std::vector<Diagnostic> analyze(const Node* module, std::string_view source, const std::vector<Token>& tokens,
                                const Options& options) {
  Analyzer a(module, source, tokens, options, nullptr);
  return a.run();
}

std::vector<Diagnostic> analyze(const Node* module, std::string_view source, const std::vector<Token>& tokens,
                                const Options& options, Index& index) {
  index = Index{};
  Analyzer a(module, source, tokens, options, &index);
  return a.run();
}

}  // namespace spl::sema
