#include "spl/lsp/navigation.hpp"

#include <algorithm>
#include <unordered_set>

#include "spl/sema/prelude.hpp"
#include "spl/syntax/token.hpp"

namespace spl::lsp {

using sema::Definition;
using sema::DefKind;

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), ident_char);
}

// `Point?`, `Box<T>`, `Array[T]`: the type's own name.
std::string base_type(std::string_view t) {
  std::size_t end = 0;
  while (end < t.size() && ident_char(t[end])) ++end;
  return std::string(t.substr(0, end));
}

// The definition named name visible at offset.
const Definition* lookup(const Analysis& a, std::string_view name, std::uint32_t offset) {
  for (std::uint32_t d : a.index().visible_at(offset))
    if (a.index().definitions[d].name == name) return &a.index().definitions[d];
  return nullptr;
}

// The type whose method body holds offset (for `self`).
std::string enclosing_type(const Analysis& a, std::uint32_t offset) {
  const Definition* best = nullptr;
  for (const Definition& d : a.index().definitions)
    if (d.kind == DefKind::Method && d.decl.begin <= offset && offset <= d.decl.end &&
        (best == nullptr || d.decl.begin >= best->decl.begin))
      best = &d;
  return best ? best->owner : std::string();
}

// The type of the value a receiver name stands for at offset (a type name stands for itself).
std::string receiver_type(const Analysis& a, std::string_view receiver, std::uint32_t offset) {
  if (receiver == "self") return enclosing_type(a, offset);
  const Definition* d = lookup(a, receiver, offset);
  if (d == nullptr) return {};
  if (d->kind == DefKind::Type) return d->name;
  return base_type(d->type);
}

CompletionKind completion_kind(const Definition& d) {
  switch (d.kind) {
    case DefKind::Function: return CompletionKind::Function;
    case DefKind::Method: return CompletionKind::Method;
    case DefKind::Field: return CompletionKind::Field;
    case DefKind::Variant: return CompletionKind::EnumMember;
    case DefKind::Type: return d.signature.rfind("trait", 0) == 0 ? CompletionKind::Interface
                               : d.signature.rfind("struct", 0) == 0 ? CompletionKind::Struct
                                                                     : CompletionKind::Class;
    case DefKind::Import: return CompletionKind::Module;
    case DefKind::Generic: return CompletionKind::TypeParameter;
    default: return CompletionKind::Variable;
  }
}

// The parameter list of a `fn name(...) -> T` signature, split at top-level commas.
std::vector<std::string> parameters_of(std::string_view signature) {
  std::vector<std::string> out;
  std::size_t open = signature.find('(');
  if (open == std::string_view::npos) return out;
  int depth = 0;
  std::size_t start = open + 1;
  for (std::size_t i = open; i < signature.size(); ++i) {
    char c = signature[i];
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}' || c == '>') {
      if (c == '>' && i > 0 && signature[i - 1] == '-') continue;  // `->` in a fn type
      if (--depth == 0) {
        std::string_view p = signature.substr(start, i - start);
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        if (!p.empty()) out.emplace_back(p);
        break;
      }
    } else if (c == ',' && depth == 1) {
      std::string_view p = signature.substr(start, i - start);
      while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
      out.emplace_back(p);
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::optional<HoverInfo> hover(const Analysis& a, std::uint32_t offset) {
  std::optional<std::uint32_t> id = a.index().definition_at(offset);
  std::optional<syntax::Span> name = a.identifier_at(offset);
  if (!id || !name) return std::nullopt;
  const Definition& d = a.index().definitions[*id];
  std::string kind(sema::def_kind_name(d.kind));
  if (!d.owner.empty()) kind += " of `" + d.owner + "`";
  std::string md = "```simple\n" + d.signature + "\n```\n" + kind;
  if (!d.type.empty() && d.signature.find(d.type) == std::string::npos) md += ", type `" + d.type + "`";
  if (!d.doc.empty()) md += "\n\n---\n\n" + d.doc;
  return HoverInfo{std::move(md), *name};
}

RenamePlan plan_rename(const Analysis& a, std::uint32_t offset, std::string_view new_name) {
  RenamePlan plan;
  if (!is_identifier(new_name)) {
    plan.error = "`" + std::string(new_name) + "` is not an identifier";
    return plan;
  }
  if (syntax::keyword_kind(new_name) != syntax::Tok::Ident || new_name == "self" || new_name == "Self") {
    plan.error = "`" + std::string(new_name) + "` is a keyword";
    return plan;
  }
  std::optional<std::uint32_t> id = a.index().definition_at(offset);
  if (!id) {
    plan.error = "no name defined in this file here";
    return plan;
  }
  const sema::Index& index = a.index();
  const Definition& d = index.definitions[*id];
  if (d.kind == DefKind::Import) {
    plan.error = "`" + d.name + "` is defined in another module";
    return plan;
  }
  if (d.name == new_name) return plan;  // nothing to do
  if (!d.owner.empty()) {
    for (std::uint32_t m : index.members_of(d.owner))
      if (index.definitions[m].name == new_name) {
        plan.error = "`" + d.owner + "` already has a member `" + std::string(new_name) + "`";
        return plan;
      }
    // A use through a receiver of unknown type could be this member: not provably complete.
    for (const sema::MemberAccess& m : index.members)
      if (m.name == d.name && m.receiver_type.empty()) {
        plan.error = "`." + d.name + "` is also used where the receiver's type is unknown; rename it by hand";
        return plan;
      }
  }
  plan.spans = index.references(*id);
  if (d.owner.empty()) {
    for (const syntax::Span& s : plan.spans) {
      const Definition* other = lookup(a, new_name, s.begin);
      if (other != nullptr && other != &d) {
        plan.spans.clear();
        plan.error = "`" + std::string(new_name) + "` is already defined where `" + d.name + "` is used";
        return plan;
      }
    }
    for (const Definition& other : index.definitions)
      if (&other != &d && other.scope == d.scope && other.owner.empty() && other.name == new_name) {
        plan.spans.clear();
        plan.error = "`" + std::string(new_name) + "` is already defined in the same scope";
        return plan;
      }
  }
  return plan;
}

std::optional<SignatureInfo> signature_help(const Analysis& a, std::uint32_t offset) {
  std::string_view text = a.text();
  if (offset > text.size()) offset = static_cast<std::uint32_t>(text.size());
  // Back to the unclosed `(` (not inside a string on the way; bounded, calls are short).
  int depth = 0;
  std::uint32_t commas = 0;
  std::uint32_t open = 0;
  bool found = false;
  std::uint32_t limit = offset > 4000 ? offset - 4000 : 0;
  for (std::uint32_t i = offset; i-- > limit;) {
    char c = text[i];
    if (c == ')' || c == ']' || c == '}') ++depth;
    if (c == '(' || c == '[' || c == '{') {
      if (depth == 0) {
        if (c != '(') return std::nullopt;
        open = i;
        found = true;
        break;
      }
      --depth;
    }
    if (c == ',' && depth == 0) ++commas;
  }
  if (!found) return std::nullopt;
  std::uint32_t end = open;
  while (end > 0 && text[end - 1] == ' ') --end;
  std::uint32_t begin = end;
  while (begin > 0 && ident_char(text[begin - 1])) --begin;
  if (begin == end) return std::nullopt;
  std::string_view callee = text.substr(begin, end - begin);
  const Definition* d = nullptr;
  if (std::optional<std::uint32_t> id = a.index().definition_at(begin)) d = &a.index().definitions[*id];
  if (d == nullptr && begin > 0 && text[begin - 1] == '.') {
    std::uint32_t r = begin - 1;
    std::uint32_t rb = r;
    while (rb > 0 && ident_char(text[rb - 1])) --rb;
    std::string type = receiver_type(a, text.substr(rb, r - rb), rb);
    for (std::uint32_t m : a.index().members_of(type))
      if (a.index().definitions[m].name == callee) d = &a.index().definitions[m];
  }
  if (d == nullptr) d = lookup(a, callee, begin);
  if (d == nullptr) return std::nullopt;
  SignatureInfo info;
  info.doc = d->doc;
  if (d->kind == DefKind::Function || d->kind == DefKind::Method) {
    info.label = d->signature;
    info.parameters = parameters_of(d->signature);
  } else if (d->kind == DefKind::Type || d->kind == DefKind::Variant) {
    // A constructor call: the fields (or the variant's payload) in order.
    std::string fields;
    if (d->kind == DefKind::Type) {
      for (std::uint32_t m : a.index().members_of(d->name)) {
        const Definition& f = a.index().definitions[m];
        if (f.kind != DefKind::Field) continue;
        if (!fields.empty()) fields += ", ";
        fields += f.signature;
      }
      info.label = d->name + "(" + fields + ")";
    } else {
      info.label = d->signature;
    }
    info.parameters = parameters_of(info.label);
  } else {
    return std::nullopt;
  }
  // Self in a method's list is the receiver, not an argument.
  if (!info.parameters.empty() && info.parameters.front() == "self") info.parameters.erase(info.parameters.begin());
  info.active = info.parameters.empty() ? 0 : std::min<std::uint32_t>(commas, static_cast<std::uint32_t>(info.parameters.size()) - 1);
  return info;
}

std::vector<CompletionItem> complete(const Analysis& a, std::uint32_t offset) {
  std::string_view text = a.text();
  if (offset > text.size()) offset = static_cast<std::uint32_t>(text.size());
  std::uint32_t start = offset;
  while (start > 0 && ident_char(text[start - 1])) --start;
  std::vector<CompletionItem> out;
  auto item = [&](const Definition& d) {
    out.push_back({d.name, completion_kind(d), d.signature, d.doc, {}});
  };
  if (start > 0 && text[start - 1] == '.') {
    std::uint32_t r = start - 1;
    std::uint32_t rb = r;
    while (rb > 0 && ident_char(text[rb - 1])) --rb;
    std::string type = receiver_type(a, text.substr(rb, r - rb), rb);
    if (type.empty()) return out;
    for (std::uint32_t m : a.index().members_of(type)) item(a.index().definitions[m]);
    return out;
  }
  std::unordered_set<std::string_view> seen;
  for (std::uint32_t d : a.index().visible_at(offset)) {
    const Definition& def = a.index().definitions[d];
    // The name being written, or a binding whose initialiser is being written.
    bool local = def.kind == DefKind::Val || def.kind == DefKind::Var || def.kind == DefKind::Pattern;
    if ((def.span.begin <= offset && offset <= def.span.end) || (local && def.decl.begin <= offset && offset <= def.decl.end))
      continue;
    if (seen.insert(def.name).second) item(def);
  }
  for (std::string_view p : sema::runtime_prelude())
    if (seen.insert(p).second) out.push_back({std::string(p), CompletionKind::Function, "prelude", {}, {}});
  for (int k = static_cast<int>(syntax::Tok::KwFn); k <= static_cast<int>(syntax::Tok::KwXor); ++k) {
    std::string_view kw = syntax::spelling(static_cast<syntax::Tok>(k));
    out.push_back({std::string(kw), CompletionKind::Keyword, "keyword", {}, {}});
  }
  out.push_back({"fn", CompletionKind::Snippet, "function", {}, "fn ${1:name}(${2}) -> ${3:i64}:\n    ${0:pass}"});
  out.push_back({"match", CompletionKind::Snippet, "match with a case", {},
                 "match ${1:value}:\n    case ${2:pattern}:\n        ${0:pass}"});
  out.push_back({"describe", CompletionKind::Snippet, "spec block", {},
                 "describe \"${1:subject}\":\n    it \"${2:does something}\":\n        ${0:pass}"});
  return out;
}

}  // namespace spl::lsp
