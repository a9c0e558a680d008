#pragma once
// The symbol index of one file, filled by the same walk that resolves names for the diagnostics
// (analyze with an Index): every definition (name, kind, span, doc comment, signature text),
// every name use resolved to its definition, member accesses with what is known of the receiver,
// and the scopes, queryable by offset. Editors build hover, go to definition, references, rename
// and completion on it; it works on partial trees like the rest of sema.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/diagnostic.hpp"

namespace spl::sema {

enum class DefKind : std::uint8_t {
  Val, Var, Param, Pattern, Function, Type, Import, Generic,  // names in scopes
  Field, Method, Variant                                      // members of a type
};

std::string_view def_kind_name(DefKind kind);

inline constexpr std::uint32_t kNoId = 0xFFFFFFFFu;

struct Definition {
  std::string name;
  DefKind kind = DefKind::Val;
  syntax::Span span;  // the name where it is declared
  syntax::Span decl;  // the whole declaration
  std::uint32_t scope = kNoId;  // where the name is visible (members: the scope of their type)
  std::string owner;      // for members: the type they belong to
  std::string type;       // the declared or evident type (`val p = Point(...)` -> Point), if known
  std::string signature;  // one line: `fn add(a: i64, b: i64) -> i64`, `struct Point`, `val x: i64`
  std::string doc;        // the `#` comment lines right above the declaration, or its docstring
};

struct Use {
  syntax::Span span;
  std::uint32_t definition = kNoId;
};

// `receiver.member`: the member's name and the receiver's type when the walk knows it (`self`
// inside a type, a name with a declared or evident type).
struct MemberAccess {
  syntax::Span span;  // the member name
  std::string name;
  std::string receiver_type;
};

struct ScopeInfo {
  syntax::Span span;
  std::uint32_t parent = kNoId;
  bool ordered = false;  // a body: a local is visible from its declaration on
};

class Index {
 public:
  std::vector<Definition> definitions;
  std::vector<Use> uses;  // in source order once analyze returns
  std::vector<MemberAccess> members;
  std::vector<ScopeInfo> scopes;  // scopes[0] is the module

  // The definition whose name (at its declaration, at a use, or as a resolved member) covers
  // offset (the end of a name counts, for a cursor just after it).
  std::optional<std::uint32_t> definition_at(std::uint32_t offset) const;
  // Every span that names the definition: its declaration first, then the uses in order.
  std::vector<syntax::Span> references(std::uint32_t definition) const;
  // The innermost scope holding offset.
  std::uint32_t scope_at(std::uint32_t offset) const;
  // The definitions visible at offset, innermost first (a shadowed name appears once).
  std::vector<std::uint32_t> visible_at(std::uint32_t offset) const;
  // The type definition named name at module level.
  std::optional<std::uint32_t> type_named(std::string_view name) const;
  // The fields, methods and variants of a type.
  std::vector<std::uint32_t> members_of(std::string_view type) const;
  // The member a MemberAccess names, when its receiver's type is known and has it.
  std::optional<std::uint32_t> resolve_member(const MemberAccess& access) const;
};

}  // namespace spl::sema
