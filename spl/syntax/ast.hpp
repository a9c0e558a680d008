#pragma once
// The syntax tree: arena-allocated nodes, each with a kind, a source span, the index of its main
// token (name, operator or literal) and its children. Optional parts absent from the source are
// null children; required parts the parser could not find are Missing nodes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spl/syntax/token.hpp"

namespace spl::syntax {

#define SPL_SYNTAX_NODES(X)                                                                              \
  X(Module) X(Error) X(Missing)                                                                          \
  X(Fn) X(Params) X(Param) X(GenericParams) X(GenericParam) X(Decorator) X(Attribute) X(Visibility)      \
  X(Binding)                                                                                             \
  X(Struct) X(Class) X(Enum) X(Variant) X(Trait) X(Impl) X(TypeAlias) X(Actor) X(Field) X(Members)        \
  X(Use) X(UseItem) X(Alias) X(Relative) X(Export) X(Docstring)                                          \
  X(Block) X(ExprStmt) X(Assign) X(If) X(IfVal) X(For) X(While) X(Loop) X(Match) X(Arm) X(Return)        \
  X(Break) X(Continue) X(Pass) X(Defer) X(With) X(Unsafe) X(Receive) X(After) X(Assert) X(Try)           \
  X(Name) X(IntLit) X(FloatLit) X(StringLit) X(Interp) X(BoolLit) X(NilLit) X(Unit) X(Tuple) X(Array)    \
  X(Dict) X(Set) X(Entry) X(Binary) X(Unary) X(Call) X(NamedArg) X(FieldAccess) X(SafeField)             \
  X(Exists) X(Propagate) X(Index) X(SafeIndex) X(Slice) X(Range) X(Lambda) X(Spawn) X(Await) X(Cast)    \
  X(StructLit)                                                                                           \
  X(Comprehension) X(Spread) X(Symbol) X(Atom) X(Placeholder) X(MethodRef) X(GenericArgs) X(Label)     \
  X(TypeName) X(TypeArray) X(TypeDict) X(TypeTuple) X(TypeFn) X(TypeOptional) X(TypeUnion)               \
  X(PatWild) X(PatBind) X(PatLit) X(PatVariant) X(PatTuple) X(PatArray) X(PatStruct) X(PatOr)            \
  X(PatRange) X(PatField) X(PatRest) X(Asm) X(AsmOperand) X(Payload) X(Gherkin)

enum class NodeKind : std::uint8_t {
#define SPL_SYNTAX_NODE_ENUM(name) name,
  SPL_SYNTAX_NODES(SPL_SYNTAX_NODE_ENUM)
#undef SPL_SYNTAX_NODE_ENUM
};

enum class Completeness : std::uint8_t {
  Complete,     // parsed as written
  Partial,      // parsed, but some part is Missing/Error or was skipped by recovery
  Placeholder,  // stands in for source that is missing or unparseable (Missing, Error)
};

// Node flags.
inline constexpr std::uint16_t kFlagPub = 1;
inline constexpr std::uint16_t kFlagStatic = 2;
inline constexpr std::uint16_t kFlagMutating = 4;   // `me` method
inline constexpr std::uint16_t kFlagExtern = 8;
inline constexpr std::uint16_t kFlagAsync = 16;
inline constexpr std::uint16_t kFlagMutable = 32;   // var (Binding), mut pattern
inline constexpr std::uint16_t kFlagNoParen = 64;   // call written without parentheses
inline constexpr std::uint16_t kFlagInclusive = 128;  // ..= range
inline constexpr std::uint16_t kFlagVariadic = 256;   // param...
inline constexpr std::uint16_t kFlagWildcard = 512;   // use a.b.*
inline constexpr std::uint16_t kFlagConst = 1024;     // const binding
inline constexpr std::uint16_t kFlagBlockArg = 2048;  // trailing colon-block argument
inline constexpr std::uint16_t kFlagVolatile = 4096;  // asm volatile
inline constexpr std::uint16_t kFlagLazy = 8192;      // lazy val
inline constexpr std::uint16_t kFlagParenthesized = 16384;  // written in parentheses: `(a < b) < c` is no chain

inline constexpr std::uint32_t kNoToken = 0xFFFFFFFFu;

// What a Binary, Unary or Assign node computes, whatever its spelling (`and` and `&&` are And,
// `^` and `xor` BitXor, the `=` of a repaired `if x = 1` Eq) and however the lexer split it
// (`> >` is Shr, `not in` NotIn). An Assign holds None for `=` and `:=`, and the arithmetic of a
// compound assignment (`+=` is Add). Other nodes hold None.
#define SPL_SYNTAX_OPERATORS(X)                                                                          \
  X(None, "") X(Pipe, "|>") X(Layer, "~>") X(Parallel, "//") X(Or, "or") X(Coalesce, "??") X(And, "and")  \
  X(Eq, "==") X(Ne, "!=") X(Is, "is") X(In, "in") X(NotIn, "not in") X(Lt, "<") X(Le, "<=") X(Gt, ">")   \
  X(Ge, ">=") X(BitOr, "|") X(BitXor, "^") X(BitAnd, "&") X(Shl, "<<") X(Shr, ">>") X(MatMul, "@")        \
  X(Add, "+") X(Sub, "-") X(Mul, "*") X(Div, "/") X(Mod, "%") X(Pow, "**") X(Update, "->")               \
  X(Neg, "-") X(Pos, "+") X(Not, "not") X(BitNot, "~") X(Receive, "<-") X(Yield, "yield")                \
  X(Increment, "++") X(Decrement, "--")

enum class Operator : std::uint8_t {
#define SPL_SYNTAX_OPERATOR_ENUM(name, spelling) name,
  SPL_SYNTAX_OPERATORS(SPL_SYNTAX_OPERATOR_ENUM)
#undef SPL_SYNTAX_OPERATOR_ENUM
};

// "+", "not in", ...: how the operator is written (its usual spelling); empty for None.
std::string_view operator_spelling(Operator op);

struct Node {
  NodeKind kind = NodeKind::Error;
  Completeness completeness = Completeness::Complete;
  std::uint16_t flags = 0;
  std::uint32_t begin = 0;  // byte span in the source
  std::uint32_t end = 0;
  std::uint32_t token = kNoToken;  // main token index (name, operator, literal)
  std::uint32_t count = 0;
  // Dense, in post-order: a node's descendants have the ids just below its own, so side tables
  // can be vectors indexed by id and a subtree is a range of ids. The root's id + 1 is the number
  // of nodes.
  std::uint32_t id = 0;
  Operator op = Operator::None;  // Binary, Unary and Assign nodes
  Node** kids = nullptr;

  Node* kid(std::uint32_t i) const { return i < count ? kids[i] : nullptr; }
  bool has(std::uint16_t flag) const { return (flags & flag) != 0; }
};

std::string_view node_kind_name(NodeKind kind);

// Gives the nodes under root their ids (see Node::id) and returns how many there are. The parser
// calls it once the tree is built.
std::uint32_t number_nodes(Node* root);

// An indented, one-node-per-line rendering of the tree for `spl parse --dump` and tests:
// `Fn [0,24) "add"` with ` partial` / ` placeholder` marks. With `details`, also each node's
// flags (` flags=pub|static`) and operator (` op=>>`), so that two parses can be compared in full
// (scripts/parse_snapshot).
std::string dump_tree(const Node* root, std::string_view source, const std::vector<Token>& tokens,
                      bool details = false);

}  // namespace spl::syntax
