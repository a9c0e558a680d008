#pragma once
// The register bytecode (tier 0). An instruction is 8 bytes: an opcode and three 16-bit operands
// naming registers of the current frame, constants, globals or names; jumps keep a signed 32-bit
// offset in b:c. A few instructions are followed by one Extra word with more operands.
// The compiler emits only generic arithmetic; the interpreter rewrites an Add, Sub, Mul or Div in
// place into its Int or Float form once it has seen those operand types (quickening), and back
// for good when a specialised form meets other operands. The op in the code is then the type
// feedback a later tier reads, with the per-instruction feedback bits.
// The K forms (AddK ... ModK) take a number constant as their right operand (c indexes the
// constants), AddImm a small integer; their fast path runs only when the left operand has the
// constant's type, so only the other case (kSeenOther) is recorded.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spl/vm/value.hpp"

namespace spl::vm {

#define SPL_VM_OPS(X)                                                                                       \
  X(Move) X(LoadK) X(LoadInt) X(LoadNil) X(LoadTrue) X(LoadFalse)                                          \
  X(GetGlobal) X(SetGlobal) X(GetUp) X(GetCell) X(SetCell) X(NewCell)                                      \
  X(Add) X(Sub) X(Mul) X(Div) X(Mod) X(Pow) X(Neg) X(Not) X(BitAnd) X(BitOr) X(BitXor) X(Shl) X(Shr) X(BitNot) \
  X(Eq) X(Ne) X(Lt) X(Le) X(Gt) X(Ge) X(In)                                                                 \
  X(Jump) X(JumpIfFalse) X(JumpIfTrue) X(JumpIfNil) X(JumpIfNotNil) X(JumpIfNotLt) X(JumpIfNotLe) X(JumpIfNotGt) X(JumpIfNotGe) X(JumpIfNotEq) X(JumpIfNotNe) X(AddImm)                                         \
  X(ForPrep) X(ForLoop) X(ForLoopInc) X(IterPrep) X(IterNext) X(SelfClosure)                                                             \
  X(Call) X(CallMethod) X(Return) X(ReturnNil)                                                              \
  X(NewArray) X(NewTuple) X(NewDict) X(NewSet) X(NewRange) X(NewObject) X(NewEnum) X(Closure)              \
  X(GetIndex) X(SetIndex) X(TakeIndex) X(GetSlice) X(GetField) X(SetField) X(TakeField) X(TakeLocal)        \
  X(IsVariant) X(GetPayload) X(IsType) X(IsInstance) X(Len) X(TupleGet)                                    \
  X(Concat) X(Truthy) X(Exists) X(Propagate) X(AssertFail) X(Extra)                                       \
  X(AddInt) X(SubInt) X(MulInt) X(AddFloat) X(SubFloat) X(MulFloat) X(DivFloat)                         \
  X(AddK) X(SubK) X(MulK) X(DivK) X(ModK)                                                                 \
  X(ToF64Guard) X(Cast) X(Yield)                                                                                    \
  X(JumpIfNotLtI) X(JumpIfNotLeI) X(JumpIfNotGtI) X(JumpIfNotGeI) X(JumpIfNotEqI) X(JumpIfNotNeI)

enum class Op : std::uint8_t {
#define SPL_VM_OP_ENUM(name) name,
  SPL_VM_OPS(SPL_VM_OP_ENUM)
#undef SPL_VM_OP_ENUM
};

const char* op_name(Op op);

struct Instr {
  Op op;
  std::uint8_t flags = 0;
  std::uint16_t a = 0;
  std::uint16_t b = 0;
  std::uint16_t c = 0;
  std::int32_t sbx() const { return static_cast<std::int32_t>(static_cast<std::uint32_t>(b) | (static_cast<std::uint32_t>(c) << 16)); }
  void set_sbx(std::int32_t off) {
    b = static_cast<std::uint16_t>(static_cast<std::uint32_t>(off) & 0xFFFF);
    c = static_cast<std::uint16_t>(static_cast<std::uint32_t>(off) >> 16);
  }
};

// Jumps whose 32-bit offset is in b and c (sbx); the fused compare jumps keep theirs in c.
inline bool has_sbx_jump(Op op) {
  return op == Op::Jump || op == Op::ForPrep || op == Op::ForLoop || op == Op::ForLoopInc || op == Op::IterNext;
}
static_assert(sizeof(Instr) == 8);

inline constexpr std::uint16_t kNoReg = 0xFFFF;

// The target of `x as T` for a builtin T (Cast's c when its flags are 0; with flags 1, c is a
// declared type's index and the cast checks the value is of that type).
enum class CastTarget : std::uint16_t { I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, Text, Bool };

// Where a closure's captured value comes from when it is made: a register of the enclosing
// frame or one of the enclosing closure's own captures.
struct Capture {
  bool from_parent_reg;
  std::uint16_t index;
};

struct SourceFile {
  std::string path;
  std::string text;
  std::vector<std::uint32_t> line_starts;
  void index_lines();
  std::pair<std::uint32_t, std::uint32_t> line_col(std::uint32_t offset) const;  // 1-based
};

// Per-instruction record for method calls and field reads: the last receiver type seen and what
// it resolved to (an inline cache), and type feedback for arithmetic.
struct InlineCache {
  const void* key = nullptr;  // TypeInfo* or builtin type tag
  Value target = Value::nil();
  std::uint32_t slot = 0;
};

enum Feedback : std::uint8_t { kSeenInt = 1, kSeenFloat = 2, kSeenOther = 4 };

struct Proto {
  std::string name;
  std::shared_ptr<SourceFile> file;
  std::uint16_t nparams = 0;
  std::uint16_t nregs = 0;
  bool variadic = false;
  bool mutating = false;  // `me` method: its self is written back to the caller's place
  std::vector<Instr> code;
  std::vector<std::uint32_t> offsets;  // source offset per instruction
  std::vector<Value> consts;           // owned
  std::vector<Capture> captures;
  std::vector<InlineCache> caches;     // one per instruction that uses one
  std::vector<std::uint8_t> feedback;  // one per instruction
  std::uint32_t def_offset = 0;
  std::uint32_t id = 0;  // index in the VM's function table (Closure's operand)
  ~Proto();
};

}  // namespace spl::vm
