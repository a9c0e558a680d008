#include "spl/sema/index.hpp"

#include <algorithm>
#include <unordered_set>

namespace spl::sema {

namespace {
bool covers(syntax::Span s, std::uint32_t offset) { return s.begin <= offset && offset <= s.end && s.end > s.begin; }
bool contains(syntax::Span s, std::uint32_t offset) { return s.begin <= offset && offset <= s.end; }
bool is_local_kind(DefKind k) { return k == DefKind::Val || k == DefKind::Var || k == DefKind::Pattern; }
}  // namespace

std::string_view def_kind_name(DefKind kind) {
  switch (kind) {
    case DefKind::Val: return "val";
    case DefKind::Var: return "var";
    case DefKind::Param: return "parameter";
    case DefKind::Pattern: return "binding";
    case DefKind::Function: return "function";
    case DefKind::Type: return "type";
    case DefKind::Import: return "import";
    case DefKind::Generic: return "type parameter";
    case DefKind::Field: return "field";
    case DefKind::Method: return "method";
    case DefKind::Variant: return "variant";
  }
  return "name";
}

std::optional<std::uint32_t> Index::definition_at(std::uint32_t offset) const {
  for (std::uint32_t i = 0; i < definitions.size(); ++i)
    if (covers(definitions[i].span, offset)) return i;
  auto it = std::lower_bound(uses.begin(), uses.end(), offset, [](const Use& u, std::uint32_t off) { return u.span.end < off; });
  for (; it != uses.end() && it->span.begin <= offset; ++it)
    if (covers(it->span, offset)) return it->definition;
  for (const MemberAccess& m : members)
    if (covers(m.span, offset)) return resolve_member(m);
  return std::nullopt;
}

std::vector<syntax::Span> Index::references(std::uint32_t definition) const {
  std::vector<syntax::Span> out;
  if (definition >= definitions.size()) return out;
  out.push_back(definitions[definition].span);
  std::vector<syntax::Span> rest;
  for (const Use& u : uses)
    if (u.definition == definition) rest.push_back(u.span);
  for (const MemberAccess& m : members)
    if (resolve_member(m) == definition) rest.push_back(m.span);
  std::sort(rest.begin(), rest.end(), [](syntax::Span a, syntax::Span b) { return a.begin < b.begin; });
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::uint32_t Index::scope_at(std::uint32_t offset) const {
  std::uint32_t best = 0;
  for (std::uint32_t i = 1; i < scopes.size(); ++i) {
    const syntax::Span& s = scopes[i].span;
    // The innermost: scopes nest, so the one starting last among those that hold offset.
    if (contains(s, offset) && s.begin >= scopes[best].span.begin) best = i;
  }
  return scopes.empty() ? kNoId : best;
}

std::vector<std::uint32_t> Index::visible_at(std::uint32_t offset) const {
  std::vector<std::uint32_t> out;
  std::unordered_set<std::string_view> seen;
  std::vector<std::uint32_t> chain;
  for (std::uint32_t s = scope_at(offset); s != kNoId && s < scopes.size(); s = scopes[s].parent) chain.push_back(s);
  for (std::uint32_t s : chain) {
    // Later declarations shadow earlier ones in the same scope: walk backwards.
    for (std::uint32_t i = static_cast<std::uint32_t>(definitions.size()); i-- > 0;) {
      const Definition& d = definitions[i];
      if (d.scope != s || !d.owner.empty()) continue;
      if (scopes[s].ordered && is_local_kind(d.kind) && d.span.begin > offset) continue;
      if (!seen.insert(d.name).second) continue;
      out.push_back(i);
    }
  }
  return out;
}

std::optional<std::uint32_t> Index::type_named(std::string_view name) const {
  for (std::uint32_t i = 0; i < definitions.size(); ++i)
    if (definitions[i].kind == DefKind::Type && definitions[i].name == name && definitions[i].scope == 0) return i;
  return std::nullopt;
}

std::vector<std::uint32_t> Index::members_of(std::string_view type) const {
  std::vector<std::uint32_t> out;
  std::unordered_set<std::string_view> seen;
  for (std::uint32_t i = 0; i < definitions.size(); ++i)
    if (definitions[i].owner == type && seen.insert(definitions[i].name).second) out.push_back(i);
  return out;
}

std::optional<std::uint32_t> Index::resolve_member(const MemberAccess& access) const {
  if (access.receiver_type.empty()) return std::nullopt;
  for (std::uint32_t i = 0; i < definitions.size(); ++i)
    if (definitions[i].owner == access.receiver_type && definitions[i].name == access.name) return i;
  return std::nullopt;
}

}  // namespace spl::sema
