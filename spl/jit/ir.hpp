#pragma once
// The JIT's typed SSA IR: modules of functions, generic templates and extern declarations.
// Blocks take arguments instead of phis; the entry block's arguments are the function's
// parameters. Text form: see docs/jit.md (reader.hpp parses it, printer.hpp prints it).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spl::jit {

enum class TypeKind : std::uint8_t { kVoid, kI1, kI8, kI16, kI32, kI64, kF32, kF64, kPtr, kParam };

// A scalar type, or a template's type parameter (by index) before substitution.
struct Type {
  TypeKind kind = TypeKind::kVoid;
  std::uint8_t param = 0;

  static constexpr Type of(TypeKind k) { return Type{k, 0}; }
  static constexpr Type parameter(std::uint8_t index) { return Type{TypeKind::kParam, index}; }
  bool is_int() const { return kind >= TypeKind::kI1 && kind <= TypeKind::kI64; }
  bool is_float() const { return kind == TypeKind::kF32 || kind == TypeKind::kF64; }
  bool is_ptr() const { return kind == TypeKind::kPtr; }
  bool is_param() const { return kind == TypeKind::kParam; }
  bool is_void() const { return kind == TypeKind::kVoid; }
  friend bool operator==(Type, Type) = default;
};

// Size in bytes of a concrete type (i1 occupies a byte in memory); 0 for void and parameters.
std::uint32_t type_size(Type t);
// "i64", "f32", ...; parameters print as their name in `param_names` (or "$N" without names).
std::string type_name(Type t, std::span<const std::string> param_names = {});
// Parses a concrete type name; false if `text` names none.
bool parse_type_name(std::string_view text, Type& out);

enum class Opcode : std::uint8_t {
  // Binary arithmetic: `%r = OP T a, b`.
  kAdd, kSub, kMul, kDiv, kRem, kUDiv, kURem, kAnd, kOr, kXor, kShl, kShr, kSar,
  kCmp,      // `%r = cmp PRED T a, b` -> i1
  kSelect,   // `%r = select T cond, a, b`
  kConv,     // `%r = conv FROM x to TO`: sign-extend/truncate, int<->float, f32<->f64, ptr<->i64
  kZext,     // `%r = zext FROM x to TO`: zero-extend an integer
  kLoad,     // `%r = load T addr`
  kStore,    // `store T value, addr`
  kElemPtr,  // `%r = elemptr T base, index` -> base + index * sizeof(T)
  kSizeOf,   // `%r = sizeof T` -> i64
  kCall,     // `%r = call T @name[<T...>](args)`, or `call @name(args)` for no result
  kJmp,      // `jmp block(args)`
  kBr,       // `br cond, block(args), block(args)`
  kRet,      // `ret [value]`
};
std::string_view opcode_name(Opcode op);
bool is_terminator(Opcode op);
bool is_binary(Opcode op);

enum class Pred : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kUlt, kUle, kUgt, kUge };
std::string_view pred_name(Pred p);

struct SourceLoc {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

inline constexpr std::uint32_t kNoValue = 0xffffffffu;

// An instruction operand: an SSA value or an immediate whose type comes from its position.
struct Operand {
  enum class Kind : std::uint8_t { kValue, kInt, kFloat };
  Kind kind = Kind::kValue;
  std::uint32_t value = kNoValue;
  std::int64_t int_imm = 0;
  double float_imm = 0;

  static Operand of_value(std::uint32_t v) { return Operand{Kind::kValue, v, 0, 0}; }
  static Operand of_int(std::int64_t i) { return Operand{Kind::kInt, kNoValue, i, 0}; }
  static Operand of_float(double f) { return Operand{Kind::kFloat, kNoValue, 0, f}; }
  bool is_value() const { return kind == Kind::kValue; }
};

struct BranchTarget {
  std::uint32_t block = 0;
  std::vector<Operand> args;
};

struct Instr {
  Opcode op = Opcode::kRet;
  Pred pred = Pred::kEq;
  Type type;       // operation type (binary, cmp, select, load, store, elemptr, sizeof); conv's target
  Type from;       // conv/zext source type
  std::uint32_t result = kNoValue;
  std::vector<Operand> args;
  std::string callee;            // kCall
  std::vector<Type> type_args;   // kCall to a template
  BranchTarget targets[2];       // kJmp uses [0]; kBr uses both
  SourceLoc loc;
};

struct Block {
  std::string name;
  std::vector<std::uint32_t> params;  // value ids
  std::vector<Instr> instrs;
  SourceLoc loc;
};

struct ValueInfo {
  std::string name;
  Type type;
};

struct Function {
  std::string name;
  std::vector<std::string> type_params;  // non-empty: a template
  std::vector<Type> param_types;
  Type ret;
  std::vector<ValueInfo> values;
  std::vector<Block> blocks;  // blocks[0] is the entry; its params are the function's params
  SourceLoc loc;

  bool is_template() const { return !type_params.empty(); }
};

struct ExternDecl {
  std::string name;
  std::vector<Type> param_types;
  Type ret;
  SourceLoc loc;
};

// `need @name<T...>`: an instantiation the module asks for when it is loaded.
struct InstanceRef {
  std::string name;
  std::vector<Type> type_args;
  SourceLoc loc;
};

struct Module {
  std::string name;
  std::vector<ExternDecl> externs;
  std::vector<Function> functions;
  std::vector<InstanceRef> needs;

  const Function* find_function(std::string_view name) const;
  const ExternDecl* find_extern(std::string_view name) const;
};

// "name<i64,f64>" for an instance, "name" without type arguments: the symbol of compiled code.
std::string mangle(std::string_view name, std::span<const Type> type_args);

// Replaces the template's type parameters by `type_args`; the result is an ordinary function
// named by mangle(). Calls inside whose type arguments mention parameters are substituted too.
Function substitute(const Function& tmpl, std::span<const Type> type_args);

}  // namespace spl::jit
