#include "spl/jit/backend.hpp"

#include <asmjit/x86.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <span>

#include "spl/jit/internal/regalloc.hpp"

namespace spl::jit {

namespace {

using namespace asmjit;

// Records the first asmjit error; the emitter keeps going and we report after finalize().
class FirstError : public ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, BaseEmitter*) override {
    if (error == kErrorOk) {
      error = err;
      text = message;
    }
  }
  asmjit::Error error = kErrorOk;
  std::string text;
};

bool is_wide(Type t) { return t.kind == TypeKind::kI64 || t.kind == TypeKind::kPtr; }
bool is_narrow(Type t) { return t.kind == TypeKind::kI8 || t.kind == TypeKind::kI16; }
bool fits_i32(std::int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
std::uint32_t scale_shift(std::uint32_t size) { return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3; }

x86::Gp gpq(std::uint8_t r) { return x86::gpq(r); }
// The view of a register an operation of type t works on.
x86::Gp view(std::uint8_t r, Type t) { return is_wide(t) ? x86::Gp(x86::gpq(r)) : x86::Gp(x86::gpd(r)); }

std::int64_t float_bits(const Operand& op, Type t) {
  const double value = op.kind == Operand::Kind::kFloat ? op.float_imm : static_cast<double>(op.int_imm);
  if (t.kind == TypeKind::kF32) {
    const float narrow = static_cast<float>(value);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &narrow, sizeof bits);
    return bits;
  }
  std::int64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Which register an argument of a C call (or an incoming parameter) travels in; -1 if it
// would go on the stack, which this tier does not support.
std::vector<Location> abi_locations(std::span<const Type> types) {
  std::vector<Location> out;
  int ints = 0, floats = 0;
  for (Type t : types) {
    if (t.is_float()) {
      out.push_back(floats < reg::kFloatArgs ? Location::in_reg(RegClass::kXmm, static_cast<std::uint8_t>(floats)) : Location{});
      ++floats;
    } else {
      out.push_back(ints < 6 ? Location::in_reg(RegClass::kGp, reg::kIntArgs[ints]) : Location{});
      ++ints;
    }
  }
  return out;
}

Location return_location(Type t) { return Location::in_reg(reg_class(t), 0); }

constexpr std::uint8_t kCalleeSavedOrder[] = {reg::kRbx, reg::kRbp, reg::kR12, reg::kR13, reg::kR14, reg::kR15};

// Lowers a function with the linear-scan allocation of internal/regalloc.hpp through
// x86::Assembler. Integer representation: i1..i32 live in 32-bit registers whose bits above the
// type's width are unspecified (except i1, always 0 or 1); i64 and ptr in 64-bit registers.
// Operations that look at the high bits (compare, divide, right shift, widen) extend first.
// r10/r11 and xmm14/xmm15 are never allocated: they hold spilled operands and temporaries
// within one instruction.
class Lowering {
 public:
  Lowering(x86::Assembler& a, const Function& fn, const CalleeResolver& resolve) : a_(a), fn_(fn), resolve_(resolve) {}

  Result<void> run() {
    find_folds();
    alloc_ = allocate_registers(fn_, folded_view_);
    std::vector<Type> param_types;
    for (std::uint32_t p : fn_.blocks[0].params) param_types.push_back(fn_.values[p].type);
    const auto incoming = abi_locations(param_types);
    for (const Location& l : incoming) {
      if (l.kind == Location::Kind::kNone)
        return make_error(spl::ErrorCode::kUnsupported, "'@" + fn_.name + "': more than 6 integer or 8 float parameters are not supported");
    }
    entry_ = a_.newLabel();
    labels_.reserve(fn_.blocks.size());
    for (std::size_t b = 0; b < fn_.blocks.size(); ++b) labels_.push_back(a_.newLabel());
    layout_index_.assign(fn_.blocks.size(), 0);
    for (std::size_t i = 0; i < alloc_.liveness.order.size(); ++i) layout_index_[alloc_.liveness.order[i]] = static_cast<std::uint32_t>(i);

    a_.bind(entry_);
    emit_prologue();
    std::vector<Move> moves;
    for (std::size_t i = 0; i < incoming.size(); ++i) {
      const Location dst = loc(fn_.blocks[0].params[i]);
      if (dst.kind != Location::Kind::kNone) moves.push_back(Move{dst, incoming[i]});
    }
    emit_parallel(std::move(moves));
    for (std::uint32_t b : alloc_.liveness.order) {
      block_ = b;
      a_.bind(labels_[b]);
      for (const Instr& in : fn_.blocks[b].instrs) SPL_TRY(lower(in));
    }
    return {};
  }

 private:
  // Folds `elemptr` into the addressing mode of the loads and stores that use it, and `cmp` into
  // the conditional jump of the `br` right after it.
  void find_folds() {
    const std::size_t n = fn_.values.size();
    std::vector<std::uint32_t> uses(n, 0), address_uses(n, 0);
    defs_.assign(n, nullptr);
    for (const auto& block : fn_.blocks) {
      for (const auto& in : block.instrs) {
        if (in.result != kNoValue) defs_[in.result] = &in;
        for (std::size_t i = 0; i < in.args.size(); ++i) {
          if (!in.args[i].is_value()) continue;
          ++uses[in.args[i].value];
          if ((in.op == Opcode::kLoad && i == 0) || (in.op == Opcode::kStore && i == 1)) ++address_uses[in.args[i].value];
        }
        for (const auto& t : in.targets) {
          for (const auto& arg : t.args) {
            if (arg.is_value()) ++uses[arg.value];
          }
        }
      }
    }
    folded_ = std::make_unique<bool[]>(n);
    for (const auto& block : fn_.blocks) {
      for (std::size_t i = 0; i < block.instrs.size(); ++i) {
        const Instr& in = block.instrs[i];
        if (in.op == Opcode::kElemPtr && in.args[0].is_value() && uses[in.result] > 0 && uses[in.result] == address_uses[in.result] &&
            (in.args[1].is_value() || fits_i32(in.args[1].int_imm * type_size(in.type)))) {
          folded_[in.result] = true;
        }
        if (in.op == Opcode::kCmp && uses[in.result] == 1 && i + 2 == block.instrs.size()) {
          const Instr& next = block.instrs[i + 1];
          const bool float_equality = in.type.is_float() && (in.pred == Pred::kEq || in.pred == Pred::kNe);
          if (next.op == Opcode::kBr && next.args[0].is_value() && next.args[0].value == in.result && !float_equality) folded_[in.result] = true;
        }
      }
    }
    folded_view_ = std::span<const bool>(folded_.get(), n);
  }

  Location loc(std::uint32_t v) const { return alloc_.locations[v]; }

  Location operand_loc(const Operand& op, Type t) const {
    if (op.is_value()) return loc(op.value);
    if (t.is_float()) return Location::immediate(RegClass::kXmm, float_bits(op, t));
    return Location::immediate(RegClass::kGp, op.int_imm);
  }

  static x86::Mem slot(std::uint32_t index) { return x86::qword_ptr(x86::rsp, static_cast<std::int32_t>(index * 8)); }

  void emit_move(const Location& dst, const Location& src) {
    if (dst == src) return;
    const x86::Gp tmp = gpq(reg::kScratchGp2);
    if (dst.cls == RegClass::kGp) {
      if (dst.is_reg()) {
        const x86::Gp d = gpq(dst.reg);
        if (src.is_reg()) a_.mov(d, gpq(src.reg));
        else if (src.is_stack()) a_.mov(d, slot(src.slot));
        else a_.mov(d, Imm(src.imm));
        return;
      }
      if (src.is_reg()) {
        a_.mov(slot(dst.slot), gpq(src.reg));
      } else if (src.kind == Location::Kind::kImm && fits_i32(src.imm)) {
        a_.mov(slot(dst.slot), Imm(src.imm));
      } else {
        if (src.is_stack()) a_.mov(tmp, slot(src.slot));
        else a_.mov(tmp, Imm(src.imm));
        a_.mov(slot(dst.slot), tmp);
      }
      return;
    }
    if (dst.is_reg()) {
      const x86::Xmm d = x86::xmm(dst.reg);
      if (src.is_reg()) {
        a_.movaps(d, x86::xmm(src.reg));
      } else if (src.is_stack()) {
        a_.movsd(d, slot(src.slot));
      } else {
        a_.mov(tmp, Imm(src.imm));
        a_.movq(d, tmp);
      }
      return;
    }
    if (src.is_reg()) {
      a_.movsd(slot(dst.slot), x86::xmm(src.reg));
    } else {
      if (src.is_stack()) a_.mov(tmp, slot(src.slot));
      else a_.mov(tmp, Imm(src.imm));
      a_.mov(slot(dst.slot), tmp);
    }
  }

  void emit_parallel(std::vector<Move> moves) {
    for (const Move& m : sequence_moves(std::move(moves))) emit_move(m.dst, m.src);
  }

  // An operand in a register: its own, or `scratch` loaded with it.
  x86::Gp use_gp(const Operand& op, Type t, std::uint8_t scratch) {
    const Location l = operand_loc(op, t);
    if (l.is_reg()) return gpq(l.reg);
    emit_move(Location::in_reg(RegClass::kGp, scratch), l);
    return gpq(scratch);
  }
  x86::Xmm use_xmm(const Operand& op, Type t, std::uint8_t scratch) {
    const Location l = operand_loc(op, t);
    if (l.is_reg()) return x86::xmm(l.reg);
    emit_move(Location::in_reg(RegClass::kXmm, scratch), l);
    return x86::xmm(scratch);
  }
  // The register a result is computed in: its own, or `scratch` when it lives on the stack.
  std::uint8_t def_reg(std::uint32_t v, std::uint8_t scratch) const { return loc(v).is_reg() ? loc(v).reg : scratch; }
  void finish_def(std::uint32_t v, std::uint8_t r) { emit_move(loc(v), Location::in_reg(loc(v).cls, r)); }

  // Loads an integer operand into `dst`, extended to 32 bits when narrower than that.
  void widen_into(std::uint8_t dst, const Operand& op, Type t, bool is_signed) {
    const Location l = operand_loc(op, t);
    if (!is_narrow(t)) {
      emit_move(Location::in_reg(RegClass::kGp, dst), l);
      return;
    }
    std::uint8_t src = dst;
    if (l.is_reg()) src = l.reg;
    else emit_move(Location::in_reg(RegClass::kGp, dst), l);
    const x86::Gp part = t.kind == TypeKind::kI8 ? x86::Gp(x86::gpb(src)) : x86::Gp(x86::gpw(src));
    if (is_signed) a_.movsx(x86::gpd(dst), part);
    else a_.movzx(x86::gpd(dst), part);
  }

  // The memory an access of type `access` at address `op` touches; sets `used_second` when the
  // address occupies reg::kScratchGp2.
  x86::Mem address_of(const Operand& op, Type access, bool& used_second) {
    const std::uint32_t size = type_size(access);
    used_second = false;
    if (op.is_value() && folded_[op.value]) {
      const Instr& ep = *defs_[op.value];
      const x86::Gp base = use_gp(ep.args[0], Type::of(TypeKind::kPtr), reg::kScratchGp);
      const std::uint32_t elem = type_size(ep.type);
      if (ep.args[1].is_value()) {
        const Location li = loc(ep.args[1].value);
        used_second = !li.is_reg();
        const x86::Gp index = use_gp(ep.args[1], Type::of(TypeKind::kI64), reg::kScratchGp2);
        return x86::ptr(base, index, scale_shift(elem), 0, size);
      }
      return x86::ptr(base, static_cast<std::int32_t>(ep.args[1].int_imm * elem), size);
    }
    return x86::ptr(use_gp(op, Type::of(TypeKind::kPtr), reg::kScratchGp), 0, size);
  }

  Result<void> lower(const Instr& in) {
    if (is_binary(in.op)) {
      if (in.type.is_float()) lower_float_binary(in);
      else lower_int_binary(in);
      return {};
    }
    switch (in.op) {
      case Opcode::kCmp:
        if (!folded_[in.result]) materialize_cmp(in);
        return {};
      case Opcode::kSelect: lower_select(in); return {};
      case Opcode::kConv:
      case Opcode::kZext: lower_conv(in); return {};
      case Opcode::kLoad: lower_load(in); return {};
      case Opcode::kStore: lower_store(in); return {};
      case Opcode::kElemPtr:
        if (!folded_[in.result]) lower_elemptr(in);
        return {};
      case Opcode::kSizeOf:
        emit_move(loc(in.result), Location::immediate(RegClass::kGp, type_size(in.type)));
        return {};
      case Opcode::kCall: return lower_call(in);
      case Opcode::kJmp: lower_edge(in.targets[0]); return {};
      case Opcode::kBr: lower_branch(in); return {};
      case Opcode::kRet:
        if (!in.args.empty()) emit_move(return_location(fn_.ret), operand_loc(in.args[0], fn_.ret));
        emit_epilogue();
        return {};
      default: return make_error(spl::ErrorCode::kInternal, "backend: unexpected instruction");
    }
  }

  void emit_prologue() {
    int pushes = 0;
    for (std::uint8_t r : kCalleeSavedOrder) {
      if (alloc_.used_callee_saved >> r & 1u) {
        a_.push(gpq(r));
        ++pushes;
      }
    }
    // The return address and the pushes, plus the frame, keep rsp 16-byte aligned at calls
    // (a function that calls nothing needs no padding).
    frame_ = static_cast<std::int32_t>(alloc_.stack_slots * 8);
    if (alloc_.liveness.has_calls && (8 + 8 * pushes + frame_) % 16 != 0) frame_ += 8;
    if (frame_ != 0) a_.sub(x86::rsp, frame_);
  }

  void emit_epilogue() {
    if (frame_ != 0) a_.add(x86::rsp, frame_);
    for (auto it = std::rbegin(kCalleeSavedOrder); it != std::rend(kCalleeSavedOrder); ++it) {
      if (alloc_.used_callee_saved >> *it & 1u) a_.pop(gpq(*it));
    }
    a_.ret();
  }

  // The register a two-operand operation `d = lhs; d op= rhs` computes in. When rhs already
  // sits in the result's register, moving lhs there first would overwrite it: a commutative
  // operation swaps its operands, any other computes in `scratch`.
  std::uint8_t two_operand_dest(const Instr& in, bool commutative, std::uint8_t scratch, const Operand*& lhs, const Operand*& rhs) const {
    const std::uint8_t d = def_reg(in.result, scratch);
    auto in_d = [&](const Operand& op) {
      const Location l = operand_loc(op, in.type);
      return l.is_reg() && l.reg == d;
    };
    if (!in_d(*rhs) || in_d(*lhs)) return d;
    if (!commutative) return scratch;
    std::swap(lhs, rhs);
    return d;
  }

  void lower_int_binary(const Instr& in) {
    const Type t = in.type;
    switch (in.op) {
      case Opcode::kDiv:
      case Opcode::kRem:
      case Opcode::kUDiv:
      case Opcode::kURem: {
        // The divisor goes to r11 first: the dividend's move into rax may overwrite it.
        const bool is_signed = in.op == Opcode::kDiv || in.op == Opcode::kRem;
        widen_into(reg::kScratchGp, in.args[1], t, is_signed);
        widen_into(reg::kRax, in.args[0], t, is_signed);
        const x86::Gp lo = view(reg::kRax, t), hi = view(reg::kRdx, t), divisor = view(reg::kScratchGp, t);
        if (is_signed) {
          if (is_wide(t)) a_.cqo(hi, lo);
          else a_.cdq(hi, lo);
          a_.idiv(hi, lo, divisor);
        } else {
          a_.xor_(x86::edx, x86::edx);
          a_.div(hi, lo, divisor);
        }
        finish_def(in.result, (in.op == Opcode::kDiv || in.op == Opcode::kUDiv) ? reg::kRax : reg::kRdx);
        return;
      }
      case Opcode::kShl:
      case Opcode::kShr:
      case Opcode::kSar: {
        const bool right = in.op != Opcode::kShl;
        const Operand& count = in.args[1];
        std::uint8_t d = def_reg(in.result, reg::kScratchGp);
        if (count.is_value()) d = reg::kScratchGp;  // the count's move into rcx may overwrite d
        if (right) widen_into(d, in.args[0], t, in.op == Opcode::kSar);
        else emit_move(Location::in_reg(RegClass::kGp, d), operand_loc(in.args[0], t));
        const x86::Gp dst = view(d, t);
        if (count.is_value()) {
          emit_move(Location::in_reg(RegClass::kGp, reg::kRcx), loc(count.value));
          if (in.op == Opcode::kShl) a_.shl(dst, x86::cl);
          else if (in.op == Opcode::kShr) a_.shr(dst, x86::cl);
          else a_.sar(dst, x86::cl);
        } else {
          const int bits = static_cast<int>(count.int_imm & (is_wide(t) ? 63 : 31));
          if (in.op == Opcode::kShl) a_.shl(dst, bits);
          else if (in.op == Opcode::kShr) a_.shr(dst, bits);
          else a_.sar(dst, bits);
        }
        finish_def(in.result, d);
        return;
      }
      default: break;
    }
    const Operand* lhs = &in.args[0];
    const Operand* rhs = &in.args[1];
    const bool commutative = in.op == Opcode::kAdd || in.op == Opcode::kMul || in.op == Opcode::kAnd || in.op == Opcode::kOr ||
                             in.op == Opcode::kXor;
    const std::uint8_t d = two_operand_dest(in, commutative, reg::kScratchGp, lhs, rhs);
    const x86::Gp dst = view(d, t);
    const bool imm = !rhs->is_value() && fits_i32(rhs->int_imm);
    if (in.op == Opcode::kMul && imm) {
      const x86::Gp src = use_gp(*lhs, t, d);
      a_.imul(dst, view(src.id(), t), Imm(rhs->int_imm));
      finish_def(in.result, d);
      return;
    }
    emit_move(Location::in_reg(RegClass::kGp, d), operand_loc(*lhs, t));
    const Imm bi(rhs->int_imm);
    const x86::Gp br = imm ? x86::Gp() : view(use_gp(*rhs, t, reg::kScratchGp2).id(), t);
    switch (in.op) {
      case Opcode::kAdd: imm ? a_.add(dst, bi) : a_.add(dst, br); break;
      case Opcode::kSub: imm ? a_.sub(dst, bi) : a_.sub(dst, br); break;
      case Opcode::kMul: a_.imul(dst, br); break;
      case Opcode::kAnd: imm ? a_.and_(dst, bi) : a_.and_(dst, br); break;
      case Opcode::kOr: imm ? a_.or_(dst, bi) : a_.or_(dst, br); break;
      case Opcode::kXor: imm ? a_.xor_(dst, bi) : a_.xor_(dst, br); break;
      default: break;
    }
    finish_def(in.result, d);
  }

  // An xmm operand as an instruction source: a register, or the value's stack slot.
  Operand_ xmm_source(const Operand& op, Type t, std::uint8_t scratch) {
    const Location l = operand_loc(op, t);
    if (l.is_stack()) return x86::ptr(x86::rsp, static_cast<std::int32_t>(l.slot * 8));
    return use_xmm(op, t, scratch);
  }

  void lower_float_binary(const Instr& in) {
    const Type t = in.type;
    const bool single = t.kind == TypeKind::kF32;
    const Operand* lhs = &in.args[0];
    const Operand* rhs = &in.args[1];
    const std::uint8_t d = two_operand_dest(in, in.op == Opcode::kAdd || in.op == Opcode::kMul, reg::kScratchXmm, lhs, rhs);
    emit_move(Location::in_reg(RegClass::kXmm, d), operand_loc(*lhs, t));
    const Operand_ src = xmm_source(*rhs, t, reg::kScratchXmm2);
    InstId id = 0;
    switch (in.op) {
      case Opcode::kAdd: id = single ? x86::Inst::kIdAddss : x86::Inst::kIdAddsd; break;
      case Opcode::kSub: id = single ? x86::Inst::kIdSubss : x86::Inst::kIdSubsd; break;
      case Opcode::kMul: id = single ? x86::Inst::kIdMulss : x86::Inst::kIdMulsd; break;
      default: id = single ? x86::Inst::kIdDivss : x86::Inst::kIdDivsd; break;
    }
    a_.emit(id, x86::xmm(d), src);
    finish_def(in.result, d);
  }

  // Emits the comparison and returns the condition that holds when it is true.
  x86::CondCode emit_compare(const Instr& in) {
    const Type t = in.type;
    if (t.is_float()) {
      const bool single = t.kind == TypeKind::kF32;
      // lt/le compare swapped so that unordered (NaN) operands make every predicate false.
      const bool swap = in.pred == Pred::kLt || in.pred == Pred::kLe;
      const Operand& lhs = swap ? in.args[1] : in.args[0];
      const Operand& rhs = swap ? in.args[0] : in.args[1];
      const x86::Xmm l = use_xmm(lhs, t, reg::kScratchXmm);
      const Operand_ r = xmm_source(rhs, t, reg::kScratchXmm2);
      a_.emit(single ? x86::Inst::kIdUcomiss : x86::Inst::kIdUcomisd, l, r);
      switch (in.pred) {
        case Pred::kLt:
        case Pred::kGt: return x86::CondCode::kA;
        case Pred::kLe:
        case Pred::kGe: return x86::CondCode::kAE;
        case Pred::kEq: return x86::CondCode::kE;
        default: return x86::CondCode::kNE;
      }
    }
    const bool is_signed = in.pred == Pred::kLt || in.pred == Pred::kLe || in.pred == Pred::kGt || in.pred == Pred::kGe;
    const Operand& b = in.args[1];
    if (is_narrow(t)) {
      widen_into(reg::kScratchGp, in.args[0], t, is_signed);
      widen_into(reg::kScratchGp2, b, t, is_signed);
      a_.cmp(x86::r11d, x86::r10d);
    } else {
      const x86::Gp lhs = view(use_gp(in.args[0], t, reg::kScratchGp).id(), t);
      if (!b.is_value() && fits_i32(b.int_imm)) a_.cmp(lhs, Imm(b.int_imm));
      else a_.cmp(lhs, view(use_gp(b, t, reg::kScratchGp2).id(), t));
    }
    switch (in.pred) {
      case Pred::kEq: return x86::CondCode::kE;
      case Pred::kNe: return x86::CondCode::kNE;
      case Pred::kLt: return x86::CondCode::kL;
      case Pred::kLe: return x86::CondCode::kLE;
      case Pred::kGt: return x86::CondCode::kG;
      case Pred::kGe: return x86::CondCode::kGE;
      case Pred::kUlt: return x86::CondCode::kB;
      case Pred::kUle: return x86::CondCode::kBE;
      case Pred::kUgt: return x86::CondCode::kA;
      case Pred::kUge: return x86::CondCode::kAE;
    }
    return x86::CondCode::kE;
  }

  void materialize_cmp(const Instr& in) {
    const std::uint8_t d = def_reg(in.result, reg::kScratchGp);
    const x86::CondCode cond = emit_compare(in);
    a_.set(cond, x86::gpb(d));
    if (in.type.is_float() && (in.pred == Pred::kEq || in.pred == Pred::kNe)) {
      // Unordered operands set PF: equal needs PF clear, not-equal accepts PF set.
      a_.set(in.pred == Pred::kEq ? x86::CondCode::kNP : x86::CondCode::kP, x86::r10b);
      if (in.pred == Pred::kEq) a_.and_(x86::gpb(d), x86::r10b);
      else a_.or_(x86::gpb(d), x86::r10b);
    }
    a_.movzx(x86::gpd(d), x86::gpb(d));
    finish_def(in.result, d);
  }

  // Sets ZF from an i1 operand (clear when true).
  void test_condition(const Operand& c) {
    const x86::Gp r = x86::gpd(use_gp(c, Type::of(TypeKind::kI1), reg::kScratchGp2).id());
    a_.test(r, r);
  }

  void lower_select(const Instr& in) {
    const Type t = in.type;
    test_condition(in.args[0]);
    if (t.is_float()) {
      const std::uint8_t d = def_reg(in.result, reg::kScratchXmm);
      const Label when_true = a_.newLabel(), done = a_.newLabel();
      a_.jnz(when_true);
      emit_move(Location::in_reg(RegClass::kXmm, d), operand_loc(in.args[2], t));
      a_.jmp(done);
      a_.bind(when_true);
      emit_move(Location::in_reg(RegClass::kXmm, d), operand_loc(in.args[1], t));
      a_.bind(done);
      finish_def(in.result, d);
      return;
    }
    // Moves leave the flags alone: the test above decides the cmov.
    const x86::Gp when_true = use_gp(in.args[1], t, reg::kScratchGp2);
    const std::uint8_t d = def_reg(in.result, reg::kScratchGp);
    if (when_true.id() == d) {
      a_.cmovz(gpq(d), use_gp(in.args[2], t, reg::kScratchGp));
    } else {
      emit_move(Location::in_reg(RegClass::kGp, d), operand_loc(in.args[2], t));
      a_.cmovnz(gpq(d), when_true);
    }
    finish_def(in.result, d);
  }

  void lower_conv(const Instr& in) {
    const Type from = in.from;
    const Type to = in.type;
    const Operand& src = in.args[0];
    if (from.is_float() && to.is_float()) {
      const std::uint8_t d = def_reg(in.result, reg::kScratchXmm);
      const x86::Xmm s = use_xmm(src, from, reg::kScratchXmm2);
      if (from == to) a_.movaps(x86::xmm(d), s);
      else if (to.kind == TypeKind::kF64) a_.cvtss2sd(x86::xmm(d), s);
      else a_.cvtsd2ss(x86::xmm(d), s);
      finish_def(in.result, d);
      return;
    }
    if (to.is_float()) {
      // Only conv reaches here (the verifier keeps zext to integers): a signed conversion.
      widen_into(reg::kScratchGp, src, from, true);
      const x86::Gp s = is_wide(from) ? x86::Gp(x86::r11) : x86::Gp(x86::r11d);
      const std::uint8_t d = def_reg(in.result, reg::kScratchXmm);
      a_.xorps(x86::xmm(d), x86::xmm(d));  // breaks the false dependency of cvtsi2s* on the old register value
      if (to.kind == TypeKind::kF64) a_.cvtsi2sd(x86::xmm(d), s);
      else a_.cvtsi2ss(x86::xmm(d), s);
      finish_def(in.result, d);
      return;
    }
    const std::uint8_t d = def_reg(in.result, reg::kScratchGp);
    if (from.is_float()) {
      const x86::Xmm s = use_xmm(src, from, reg::kScratchXmm);
      if (from.kind == TypeKind::kF64) a_.cvttsd2si(view(d, to), s);
      else a_.cvttss2si(view(d, to), s);
      if (to.kind == TypeKind::kI1) a_.and_(x86::gpd(d), 1);
      finish_def(in.result, d);
      return;
    }
    const std::uint8_t s = static_cast<std::uint8_t>(use_gp(src, from, reg::kScratchGp).id());
    const bool is_signed = in.op == Opcode::kConv;
    if (type_size(to) > type_size(from) || (from.kind == TypeKind::kI1 && to.kind != TypeKind::kI1)) {
      switch (from.kind) {
        case TypeKind::kI1: a_.mov(x86::gpd(d), x86::gpd(s)); break;
        case TypeKind::kI8: is_signed ? a_.movsx(gpq(d), x86::gpb(s)) : a_.movzx(x86::gpd(d), x86::gpb(s)); break;
        case TypeKind::kI16: is_signed ? a_.movsx(gpq(d), x86::gpw(s)) : a_.movzx(x86::gpd(d), x86::gpw(s)); break;
        default:  // i32 -> i64
          if (is_signed) a_.movsxd(gpq(d), x86::gpd(s));
          else a_.mov(x86::gpd(d), x86::gpd(s));
          break;
      }
    } else {
      if (is_wide(to)) a_.mov(gpq(d), gpq(s));
      else a_.mov(x86::gpd(d), x86::gpd(s));
      if (to.kind == TypeKind::kI1 && from.kind != TypeKind::kI1) a_.and_(x86::gpd(d), 1);
    }
    finish_def(in.result, d);
  }

  void lower_load(const Instr& in) {
    const Type t = in.type;
    bool used_second = false;
    const x86::Mem m = address_of(in.args[0], t, used_second);
    if (t.is_float()) {
      const std::uint8_t d = def_reg(in.result, reg::kScratchXmm);
      if (t.kind == TypeKind::kF32) a_.movss(x86::xmm(d), m);
      else a_.movsd(x86::xmm(d), m);
      finish_def(in.result, d);
      return;
    }
    const std::uint8_t d = def_reg(in.result, reg::kScratchGp);
    switch (t.kind) {
      case TypeKind::kI1:
      case TypeKind::kI8:
      case TypeKind::kI16: a_.movzx(x86::gpd(d), m); break;
      case TypeKind::kI32: a_.mov(x86::gpd(d), m); break;
      default: a_.mov(gpq(d), m); break;
    }
    finish_def(in.result, d);
  }

  void lower_store(const Instr& in) {
    const Type t = in.type;
    bool used_second = false;
    x86::Mem m = address_of(in.args[1], t, used_second);
    const Operand& v = in.args[0];
    const Location lv = operand_loc(v, t);
    if (!lv.is_reg() && used_second) {
      // Base and index both came from the stack: fold them so r10 is free for the value.
      a_.lea(x86::r11, m);
      m = x86::ptr(x86::r11, 0, type_size(t));
    }
    if (t.is_float()) {
      const x86::Xmm x = use_xmm(v, t, reg::kScratchXmm);
      if (t.kind == TypeKind::kF32) a_.movss(m, x);
      else a_.movsd(m, x);
      return;
    }
    const std::uint32_t size = type_size(t);
    if (!v.is_value() && fits_i32(v.int_imm)) {
      const std::int64_t narrowed = size == 1 ? static_cast<std::int8_t>(v.int_imm) : size == 2 ? static_cast<std::int16_t>(v.int_imm) : v.int_imm;
      a_.mov(m, Imm(narrowed));
      return;
    }
    const std::uint8_t r = static_cast<std::uint8_t>(use_gp(v, t, reg::kScratchGp2).id());
    switch (size) {
      case 1: a_.mov(m, x86::gpb(r)); return;
      case 2: a_.mov(m, x86::gpw(r)); return;
      case 4: a_.mov(m, x86::gpd(r)); return;
      default: a_.mov(m, gpq(r)); return;
    }
  }

  void lower_elemptr(const Instr& in) {
    const std::uint32_t elem = type_size(in.type);
    const x86::Gp base = use_gp(in.args[0], Type::of(TypeKind::kPtr), reg::kScratchGp);
    const std::uint8_t d = def_reg(in.result, reg::kScratchGp);
    if (in.args[1].is_value()) {
      const x86::Gp index = use_gp(in.args[1], Type::of(TypeKind::kI64), reg::kScratchGp2);
      a_.lea(gpq(d), x86::ptr(base, index, scale_shift(elem)));
    } else {
      const std::int64_t offset = in.args[1].int_imm * static_cast<std::int64_t>(elem);
      if (fits_i32(offset)) {
        a_.lea(gpq(d), x86::ptr(base, static_cast<std::int32_t>(offset)));
      } else {
        a_.mov(x86::r10, Imm(offset));
        a_.lea(gpq(d), x86::ptr(base, x86::r10));
      }
    }
    finish_def(in.result, d);
  }

  Result<void> lower_call(const Instr& in) {
    auto target = resolve_(in, mangle(in.callee, in.type_args));
    if (!target) return std::move(target).error();
    const auto abi = abi_locations(target->params);
    std::vector<Move> moves;
    for (std::size_t i = 0; i < in.args.size(); ++i) {
      if (abi[i].kind == Location::Kind::kNone)
        return make_error(spl::ErrorCode::kUnsupported, "call to '@" + in.callee + "': more than 6 integer or 8 float arguments are not supported");
      moves.push_back(Move{abi[i], operand_loc(in.args[i], target->params[i])});
    }
    emit_parallel(std::move(moves));
    for (std::size_t i = 0; i < in.args.size(); ++i) {
      // C callees expect narrow integers extended to 32 bits.
      const Type t = target->params[i];
      if (t.kind == TypeKind::kI8) a_.movsx(x86::gpd(abi[i].reg), x86::gpb(abi[i].reg));
      if (t.kind == TypeKind::kI16) a_.movsx(x86::gpd(abi[i].reg), x86::gpw(abi[i].reg));
    }
    switch (target->kind) {
      case CallTarget::Kind::kSelf: a_.call(entry_); break;
      case CallTarget::Kind::kAddress:
        a_.mov(x86::r11, Imm(target->address));
        a_.call(x86::r11);
        break;
      case CallTarget::Kind::kSlot:
        a_.mov(x86::r11, Imm(target->address));
        a_.call(x86::qword_ptr(x86::r11));
        break;
    }
    if (in.result != kNoValue) {
      if (in.type.kind == TypeKind::kI1) a_.movzx(x86::eax, x86::al);  // C returns a bool in al only
      emit_move(loc(in.result), return_location(in.type));
    }
    return {};
  }

  // The parallel move of branch arguments into the target block's parameters.
  void copy_args(const BranchTarget& t) {
    const Block& target = fn_.blocks[t.block];
    std::vector<Move> moves;
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      const std::uint32_t p = target.params[i];
      if (loc(p).kind != Location::Kind::kNone) moves.push_back(Move{loc(p), operand_loc(t.args[i], fn_.values[p].type)});
    }
    emit_parallel(std::move(moves));
  }

  bool is_next(std::uint32_t block) const { return layout_index_[block] == layout_index_[block_] + 1; }

  void lower_edge(const BranchTarget& t) {
    copy_args(t);
    if (!is_next(t.block)) a_.jmp(labels_[t.block]);
  }

  void lower_branch(const Instr& in) {
    x86::CondCode cond = x86::CondCode::kNZ;
    const Operand& c = in.args[0];
    if (c.is_value() && folded_[c.value]) cond = emit_compare(*defs_[c.value]);
    else test_condition(c);
    const BranchTarget& yes = in.targets[0];
    const BranchTarget& no = in.targets[1];
    if (yes.args.empty() && no.args.empty()) {
      if (is_next(yes.block)) {
        a_.j(x86::negateCond(cond), labels_[no.block]);
      } else {
        a_.j(cond, labels_[yes.block]);
        if (!is_next(no.block)) a_.jmp(labels_[no.block]);
      }
    } else if (no.args.empty()) {
      a_.j(x86::negateCond(cond), labels_[no.block]);
      lower_edge(yes);
    } else if (yes.args.empty()) {
      a_.j(cond, labels_[yes.block]);
      lower_edge(no);
    } else {
      const Label other = a_.newLabel();
      a_.j(x86::negateCond(cond), other);
      copy_args(yes);
      a_.jmp(labels_[yes.block]);
      a_.bind(other);
      lower_edge(no);
    }
  }

  x86::Assembler& a_;
  const Function& fn_;
  const CalleeResolver& resolve_;
  Allocation alloc_;
  std::unique_ptr<bool[]> folded_;
  std::span<const bool> folded_view_;
  std::vector<const Instr*> defs_;
  std::vector<Label> labels_;
  std::vector<std::uint32_t> layout_index_;
  Label entry_;
  std::uint32_t block_ = 0;
  std::int32_t frame_ = 0;
};

Result<CompiledCode> install(CodeHolder& code, ExecutableMemory& memory, StringLogger* logger) {
  if (asmjit::Error err = code.flatten()) return make_error(spl::ErrorCode::kInternal, std::string("asmjit: ") + DebugUtils::errorAsString(err));
  if (asmjit::Error err = code.resolveUnresolvedLinks())
    return make_error(spl::ErrorCode::kInternal, std::string("asmjit: ") + DebugUtils::errorAsString(err));
  const std::size_t estimate = code.codeSize();
  auto block = memory.allocate(estimate);
  if (!block) return std::move(block).error();
  if (asmjit::Error err = code.relocateToBase(reinterpret_cast<std::uint64_t>(block->exec))) {
    memory.free(block->exec);
    return make_error(spl::ErrorCode::kInternal, std::string("asmjit: ") + DebugUtils::errorAsString(err));
  }
  const std::size_t size = code.codeSize();
  if (size > block->size) {
    memory.free(block->exec);
    return make_error(spl::ErrorCode::kInternal, "asmjit: code grew during relocation");
  }
  code.copyFlattenedData(block->write, block->size, CopySectionFlags::kPadTargetBuffer);
  ExecutableMemory::commit(*block);
  CompiledCode out;
  out.entry = block->exec;
  out.size = block->size;
  if (logger != nullptr) out.assembly = logger->data();
  return out;
}

}  // namespace

Result<void> check_host() {
#if defined(__x86_64__) || defined(_M_X64)
  return {};
#else
  return make_error(spl::ErrorCode::kUnsupported, "the spl JIT backend generates x86-64 code only; this host is not x86-64");
#endif
}

Result<CompiledCode> compile_function(const Function& fn, const CalleeResolver& resolve, ExecutableMemory& memory,
                                      bool want_assembly) {
  SPL_TRY(check_host());
  if (fn.is_template()) return make_error(spl::ErrorCode::kInvalidArgument, "cannot compile template '@" + fn.name + "' without type arguments");
  CodeHolder code;
  code.init(Environment::host());
  FirstError errors;
  code.setErrorHandler(&errors);
  StringLogger logger;
  if (want_assembly) code.setLogger(&logger);
  x86::Assembler assembler(&code);
  Lowering lowering(assembler, fn, resolve);
  SPL_TRY(lowering.run());
  if (errors.error != kErrorOk)
    return make_error(spl::ErrorCode::kInternal, "asmjit failed on '@" + fn.name + "': " + errors.text);
  return install(code, memory, want_assembly ? &logger : nullptr);
}

Result<CompiledCode> compile_lazy_thunk(void* (*compile)(void* context, std::uint64_t index), void* context,
                                        std::uint64_t index, ExecutableMemory& memory) {
  SPL_TRY(check_host());
  CodeHolder code;
  code.init(Environment::host());
  FirstError errors;
  code.setErrorHandler(&errors);
  x86::Assembler a(&code);
  const x86::Gp int_args[] = {x86::rdi, x86::rsi, x86::rdx, x86::rcx, x86::r8, x86::r9};
  for (const auto& r : int_args) a.push(r);
  // 6 pushes after the return address leave rsp 8 mod 16; 8 xmm slots + 8 restore alignment.
  constexpr int kFrame = 8 * 16 + 8;
  a.sub(x86::rsp, kFrame);
  for (int i = 0; i < 8; ++i) a.movdqu(x86::ptr(x86::rsp, i * 16), x86::xmm(static_cast<std::uint32_t>(i)));
  a.mov(x86::rdi, Imm(reinterpret_cast<std::uint64_t>(context)));
  a.mov(x86::rsi, Imm(index));
  a.mov(x86::rax, Imm(reinterpret_cast<std::uint64_t>(compile)));
  a.call(x86::rax);
  for (int i = 0; i < 8; ++i) a.movdqu(x86::xmm(static_cast<std::uint32_t>(i)), x86::ptr(x86::rsp, i * 16));
  a.add(x86::rsp, kFrame);
  for (int i = 5; i >= 0; --i) a.pop(int_args[i]);
  a.jmp(x86::rax);
  if (errors.error != kErrorOk) return make_error(spl::ErrorCode::kInternal, "asmjit failed on a lazy thunk: " + errors.text);
  return install(code, memory, nullptr);
}

}  // namespace spl::jit
