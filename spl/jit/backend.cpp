#include "spl/jit/backend.hpp"

#include <asmjit/x86.h>

#include <functional>


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

TypeId abi_type(Type t) {
  switch (t.kind) {
    case TypeKind::kVoid: return TypeId::kVoid;
    case TypeKind::kI1:
    case TypeKind::kI8:
    case TypeKind::kI16:
    case TypeKind::kI32: return TypeId::kInt32;  // narrow values travel in 32-bit registers
    case TypeKind::kI64: return TypeId::kInt64;
    case TypeKind::kPtr: return TypeId::kUIntPtr;
    case TypeKind::kF32: return TypeId::kFloat32;
    case TypeKind::kF64: return TypeId::kFloat64;
    case TypeKind::kParam: break;
  }
  return TypeId::kVoid;
}

FuncSignatureBuilder signature(const std::vector<Type>& params, Type ret) {
  FuncSignatureBuilder sig(CallConvId::kHost);
  sig.setRet(abi_type(ret));
  for (Type p : params) sig.addArg(abi_type(p));
  return sig;
}

bool is_wide(Type t) { return t.kind == TypeKind::kI64 || t.kind == TypeKind::kPtr; }
bool fits_i32(std::int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
std::uint32_t scale_shift(std::uint32_t size) { return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3; }

// Integer representation: i1..i32 live in 32-bit registers whose bits above the type's width are
// unspecified (except i1, always 0 or 1); i64 and ptr in 64-bit registers. Operations that look
// at the high bits (compare, divide, right shift, widen) extend first.
class Lowering {
 public:
  Lowering(x86::Compiler& cc, const Function& fn, const CalleeResolver& resolve) : cc_(cc), fn_(fn), resolve_(resolve) {}

  Result<void> run() {
    count_uses();
    regs_.resize(fn_.values.size());
    for (std::uint32_t v = 0; v < fn_.values.size(); ++v) {
      if (!folded_[v]) regs_[v] = new_reg(fn_.values[v].type);
    }
    coalesce_block_arguments();
    func_ = cc_.addFunc(signature(fn_.param_types, fn_.ret));
    for (std::size_t i = 0; i < fn_.blocks[0].params.size(); ++i) func_->setArg(i, regs_[fn_.blocks[0].params[i]]);
    labels_.reserve(fn_.blocks.size());
    for (std::size_t b = 0; b < fn_.blocks.size(); ++b) labels_.push_back(cc_.newLabel());
    for (std::uint32_t b = 0; b < fn_.blocks.size(); ++b) {
      block_ = b;
      cc_.bind(labels_[b]);
      const auto& instrs = fn_.blocks[b].instrs;
      for (std::size_t i = 0; i < instrs.size(); ++i) SPL_TRY(lower(instrs[i]));
    }
    cc_.endFunc();
    return {};
  }

 private:
  BaseReg new_reg(Type t) {
    switch (t.kind) {
      case TypeKind::kF32: return cc_.newXmmSs();
      case TypeKind::kF64: return cc_.newXmmSd();
      case TypeKind::kI64:
      case TypeKind::kPtr: return cc_.newGpq();
      default: return cc_.newGpd();
    }
  }

  // Folds `elemptr` into the addressing mode of the loads and stores that use it, and `cmp` into
  // the conditional jump of the `br` right after it.
  void count_uses() {
    folded_.assign(fn_.values.size(), false);
    std::vector<std::uint32_t> uses(fn_.values.size(), 0), address_uses(fn_.values.size(), 0);
    for (const auto& block : fn_.blocks) {
      for (const auto& in : block.instrs) {
        for (std::size_t i = 0; i < in.args.size(); ++i) {
          if (!in.args[i].is_value()) continue;
          ++uses[in.args[i].value];
          const bool is_address = (in.op == Opcode::kLoad && i == 0) || (in.op == Opcode::kStore && i == 1);
          if (is_address) ++address_uses[in.args[i].value];
        }
        for (const auto& t : in.targets) {
          for (const auto& a : t.args) {
            if (a.is_value()) ++uses[a.value];
          }
        }
      }
    }
    uses_ = uses;
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
          if (next.op == Opcode::kBr && next.args[0].is_value() && next.args[0].value == in.result && !float_equality) {
            folded_[in.result] = true;
          }
        }
      }
    }
    defs_.assign(fn_.values.size(), nullptr);
    for (const auto& block : fn_.blocks) {
      for (const auto& in : block.instrs) {
        if (in.result != kNoValue) defs_[in.result] = &in;
      }
    }
  }

  // The values an instruction reads, including those of an elemptr folded into its address.
  void for_each_read(const Instr& in, const std::function<void(std::uint32_t)>& fn) const {
    auto visit = [&](const Operand& op) {
      if (!op.is_value()) return;
      if (folded_[op.value] && defs_[op.value]->op == Opcode::kElemPtr) {
        for (const Operand& inner : defs_[op.value]->args) {
          if (inner.is_value()) fn(inner.value);
        }
        return;
      }
      fn(op.value);
    };
    for (const Operand& op : in.args) visit(op);
    for (const BranchTarget& t : in.targets) {
      for (const Operand& op : t.args) visit(op);
    }
  }

  // A value computed only to be passed to a block parameter over a `jmp` is computed straight
  // into the parameter's register when the parameter's old value is not read afterwards; this
  // removes the copies on loop back edges.
  void coalesce_block_arguments() {
    for (const auto& block : fn_.blocks) {
      const Instr& term = block.instrs.back();
      if (term.op != Opcode::kJmp) continue;
      const Block& target = fn_.blocks[term.targets[0].block];
      for (std::size_t j = 0; j < term.targets[0].args.size(); ++j) {
        const Operand& arg = term.targets[0].args[j];
        if (!arg.is_value() || folded_[arg.value] || uses_[arg.value] != 1 || defs_[arg.value] == nullptr) continue;
        const std::uint32_t v = arg.value;
        const std::uint32_t p = target.params[j];
        std::size_t k = 0;
        while (k < block.instrs.size() && block.instrs[k].result != v) ++k;
        if (k == block.instrs.size()) continue;  // defined in another block
        const Instr& def = block.instrs[k];
        bool safe = true;
        // The defining instruction may read p only as the first operand of a two-operand
        // operation (which moves it into the destination before anything else is written).
        std::size_t position = 0;
        for (const Operand& op : def.args) {
          if (op.is_value() && op.value == p && !(position == 0 && is_binary(def.op))) safe = false;
          ++position;
        }
        for_each_read(def, [&](std::uint32_t r) {
          if (r == p && !(is_binary(def.op) && def.args[0].is_value() && def.args[0].value == p)) safe = false;
        });
        for (std::size_t later = k + 1; later + 1 < block.instrs.size() && safe; ++later) {
          for_each_read(block.instrs[later], [&](std::uint32_t r) { safe &= r != p; });
        }
        for (std::size_t other = 0; other < term.targets[0].args.size(); ++other) {
          const Operand& o = term.targets[0].args[other];
          if (other != j && o.is_value() && o.value == p) safe = false;
        }
        if (safe) regs_[v] = regs_[p];
      }
    }
  }

  x86::Gp gp(std::uint32_t v) const { return regs_[v].as<x86::Gp>(); }
  x86::Xmm xmm(std::uint32_t v) const { return regs_[v].as<x86::Xmm>(); }

  // An integer operand in a register (immediates are materialised).
  x86::Gp gp_of(const Operand& op, Type t) {
    if (op.is_value()) return gp(op.value);
    x86::Gp r = is_wide(t) ? cc_.newGpq() : cc_.newGpd();
    if (is_wide(t)) cc_.mov(r, Imm(op.int_imm));
    else cc_.mov(r, Imm(static_cast<std::int32_t>(op.int_imm)));
    return r;
  }

  double float_imm(const Operand& op) const { return op.kind == Operand::Kind::kFloat ? op.float_imm : static_cast<double>(op.int_imm); }

  x86::Mem float_const(const Operand& op, Type t) {
    if (t.kind == TypeKind::kF32) return cc_.newFloatConst(ConstPoolScope::kLocal, static_cast<float>(float_imm(op)));
    return cc_.newDoubleConst(ConstPoolScope::kLocal, float_imm(op));
  }

  x86::Xmm xmm_of(const Operand& op, Type t) {
    if (op.is_value()) return xmm(op.value);
    x86::Xmm r = t.kind == TypeKind::kF32 ? cc_.newXmmSs() : cc_.newXmmSd();
    move_float(r, float_const(op, t), t);
    return r;
  }

  void move_float(const x86::Xmm& dst, const Operand_& src, Type t) {
    if (src.isMem()) {
      if (t.kind == TypeKind::kF32) cc_.movss(dst, src.as<x86::Mem>());
      else cc_.movsd(dst, src.as<x86::Mem>());
    } else {
      cc_.movaps(dst, src.as<x86::Xmm>());
    }
  }

  // Moves an operand of type t into the register dst (same class).
  void move_into(const BaseReg& dst, const Operand& src, Type t) {
    if (t.is_float()) {
      if (src.is_value() && regs_[src.value].id() == dst.id()) return;
      if (src.is_value()) cc_.movaps(dst.as<x86::Xmm>(), xmm(src.value));
      else move_float(dst.as<x86::Xmm>(), float_const(src, t), t);
      return;
    }
    const x86::Gp d = dst.as<x86::Gp>();
    if (src.is_value() && regs_[src.value].id() == dst.id()) return;
    if (src.is_value()) cc_.mov(d, gp(src.value));
    else if (is_wide(t)) cc_.mov(d, Imm(src.int_imm));
    else cc_.mov(d, Imm(static_cast<std::int32_t>(src.int_imm)));
  }

  // A copy of an integer widened to 32 bits (signed or not) when its type is narrower.
  x86::Gp widened(const Operand& op, Type t, bool is_signed) {
    x86::Gp r = gp_of(op, t);
    if (t.kind != TypeKind::kI8 && t.kind != TypeKind::kI16) return r;
    x86::Gp w = cc_.newGpd();
    const x86::Gp part = t.kind == TypeKind::kI8 ? x86::Gp(r.r8()) : x86::Gp(r.r16());
    if (is_signed) cc_.movsx(w, part);
    else cc_.movzx(w, part);
    return w;
  }

  x86::Mem address_of(const Operand& op, Type access) {
    const std::uint32_t size = type_size(access);
    if (op.is_value() && folded_[op.value]) {
      const Instr& ep = *defs_[op.value];
      const x86::Gp base = gp(ep.args[0].value);
      const std::uint32_t elem = type_size(ep.type);
      if (ep.args[1].is_value()) return x86::ptr(base, gp(ep.args[1].value), scale_shift(elem), 0, size);
      return x86::ptr(base, static_cast<std::int32_t>(ep.args[1].int_imm * elem), size);
    }
    return x86::ptr(gp_of(op, Type::of(TypeKind::kPtr)), 0, size);
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
        if (!folded_[in.result]) {
          const std::uint32_t elem = type_size(in.type);
          const x86::Gp base = gp_of(in.args[0], Type::of(TypeKind::kPtr));
          if (in.args[1].is_value()) {
            cc_.lea(gp(in.result), x86::ptr(base, gp(in.args[1].value), scale_shift(elem)));
          } else {
            const std::int64_t offset = in.args[1].int_imm * static_cast<std::int64_t>(elem);
            if (fits_i32(offset)) {
              cc_.lea(gp(in.result), x86::ptr(base, static_cast<std::int32_t>(offset)));
            } else {
              cc_.mov(gp(in.result), Imm(offset));
              cc_.add(gp(in.result), base);
            }
          }
        }
        return {};
      case Opcode::kSizeOf: cc_.mov(gp(in.result), Imm(type_size(in.type))); return {};
      case Opcode::kCall: return lower_call(in);
      case Opcode::kJmp: lower_edge(in.targets[0]); return {};
      case Opcode::kBr: lower_branch(in); return {};
      case Opcode::kRet:
        if (in.args.empty()) {
          cc_.ret();
        } else if (fn_.ret.is_float()) {
          cc_.ret(xmm_of(in.args[0], fn_.ret));
        } else {
          cc_.ret(gp_of(in.args[0], fn_.ret));
        }
        return {};
      default: return make_error(spl::ErrorCode::kInternal, "backend: unexpected instruction");
    }
  }

  void lower_int_binary(const Instr& in) {
    const Type t = in.type;
    const x86::Gp dst = gp(in.result);
    const Operand& a = in.args[0];
    const Operand& b = in.args[1];
    switch (in.op) {
      case Opcode::kDiv:
      case Opcode::kRem:
      case Opcode::kUDiv:
      case Opcode::kURem: {
        const bool is_signed = in.op == Opcode::kDiv || in.op == Opcode::kRem;
        const bool wide = is_wide(t);
        const x86::Gp lo = wide ? cc_.newGpq() : cc_.newGpd();
        const x86::Gp hi = wide ? cc_.newGpq() : cc_.newGpd();
        cc_.mov(lo, widened(a, t, is_signed));
        const x86::Gp divisor = widened(b, t, is_signed);
        if (is_signed) {
          if (wide) cc_.cqo(hi, lo);
          else cc_.cdq(hi, lo);
          cc_.idiv(hi, lo, divisor);
        } else {
          cc_.xor_(hi, hi);
          cc_.div(hi, lo, divisor);
        }
        cc_.mov(dst, (in.op == Opcode::kDiv || in.op == Opcode::kUDiv) ? lo : hi);
        return;
      }
      case Opcode::kShl:
      case Opcode::kShr:
      case Opcode::kSar: {
        if (in.op == Opcode::kShl) move_into(dst, a, t);
        else cc_.mov(dst, widened(a, t, in.op == Opcode::kSar));
        if (!b.is_value()) {
          const int count = static_cast<int>(b.int_imm & (is_wide(t) ? 63 : 31));
          if (in.op == Opcode::kShl) cc_.shl(dst, count);
          else if (in.op == Opcode::kShr) cc_.shr(dst, count);
          else cc_.sar(dst, count);
          return;
        }
        const x86::Gp count = cc_.newGpd();
        cc_.mov(count, gp(b.value).r32());
        if (in.op == Opcode::kShl) cc_.shl(dst, count.r8());
        else if (in.op == Opcode::kShr) cc_.shr(dst, count.r8());
        else cc_.sar(dst, count.r8());
        return;
      }
      default: break;
    }
    move_into(dst, a, t);
    const bool imm = !b.is_value() && fits_i32(b.int_imm);
    const Imm bi(static_cast<std::int32_t>(b.int_imm));
    const x86::Gp br = imm ? x86::Gp() : gp_of(b, t);
    switch (in.op) {
      case Opcode::kAdd: imm ? cc_.add(dst, bi) : cc_.add(dst, br); break;
      case Opcode::kSub: imm ? cc_.sub(dst, bi) : cc_.sub(dst, br); break;
      case Opcode::kMul: imm ? cc_.imul(dst, dst, bi) : cc_.imul(dst, br); break;
      case Opcode::kAnd: imm ? cc_.and_(dst, bi) : cc_.and_(dst, br); break;
      case Opcode::kOr: imm ? cc_.or_(dst, bi) : cc_.or_(dst, br); break;
      case Opcode::kXor: imm ? cc_.xor_(dst, bi) : cc_.xor_(dst, br); break;
      default: break;
    }
  }

  void lower_float_binary(const Instr& in) {
    const Type t = in.type;
    const bool single = t.kind == TypeKind::kF32;
    const x86::Xmm dst = xmm(in.result);
    move_into(dst, in.args[0], t);
    const Operand& b = in.args[1];
    Operand_ src = b.is_value() ? Operand_(xmm(b.value)) : Operand_(float_const(b, t));
    InstId id = 0;
    switch (in.op) {
      case Opcode::kAdd: id = single ? x86::Inst::kIdAddss : x86::Inst::kIdAddsd; break;
      case Opcode::kSub: id = single ? x86::Inst::kIdSubss : x86::Inst::kIdSubsd; break;
      case Opcode::kMul: id = single ? x86::Inst::kIdMulss : x86::Inst::kIdMulsd; break;
      default: id = single ? x86::Inst::kIdDivss : x86::Inst::kIdDivsd; break;
    }
    cc_.emit(id, dst, src);
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
      const x86::Xmm l = xmm_of(lhs, t);
      const Operand_ r = rhs.is_value() ? Operand_(xmm(rhs.value)) : Operand_(float_const(rhs, t));
      cc_.emit(single ? x86::Inst::kIdUcomiss : x86::Inst::kIdUcomisd, l, r);
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
    const x86::Gp a = widened(in.args[0], t, is_signed);
    const Operand& b = in.args[1];
    const bool narrow = t.kind == TypeKind::kI8 || t.kind == TypeKind::kI16;
    if (!b.is_value() && fits_i32(b.int_imm) && !narrow) cc_.cmp(a, Imm(static_cast<std::int32_t>(b.int_imm)));
    else cc_.cmp(a, widened(b, t, is_signed));
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
    const x86::Gp dst = gp(in.result);
    const x86::CondCode cond = emit_compare(in);
    cc_.set(cond, dst.r8());
    if (in.type.is_float() && (in.pred == Pred::kEq || in.pred == Pred::kNe)) {
      // Unordered operands set PF: equal needs PF clear, not-equal accepts PF set.
      const x86::Gp parity = cc_.newGpd();
      cc_.set(in.pred == Pred::kEq ? x86::CondCode::kNP : x86::CondCode::kP, parity.r8());
      if (in.pred == Pred::kEq) cc_.and_(dst.r8(), parity.r8());
      else cc_.or_(dst.r8(), parity.r8());
    }
    cc_.movzx(dst, dst.r8());
  }

  void lower_select(const Instr& in) {
    const Type t = in.type;
    const x86::Gp cond = gp_of(in.args[0], Type::of(TypeKind::kI1));
    if (t.is_float()) {
      const x86::Xmm dst = xmm(in.result);
      const Label done = cc_.newLabel();
      move_into(dst, in.args[1], t);
      cc_.test(cond, cond);
      cc_.jnz(done);
      move_into(dst, in.args[2], t);
      cc_.bind(done);
      return;
    }
    const x86::Gp dst = gp(in.result);
    const x86::Gp when_true = gp_of(in.args[1], t);
    move_into(dst, in.args[2], t);
    cc_.test(cond, cond);
    cc_.cmovnz(dst, when_true);
  }

  void lower_conv(const Instr& in) {
    const Type from = in.from;
    const Type to = in.type;
    const Operand& src = in.args[0];
    if (from.is_float() && to.is_float()) {
      const x86::Xmm s = xmm_of(src, from);
      if (from == to) cc_.movaps(xmm(in.result), s);
      else if (to.kind == TypeKind::kF64) cc_.cvtss2sd(xmm(in.result), s);
      else cc_.cvtsd2ss(xmm(in.result), s);
      return;
    }
    if (to.is_float()) {
      // Only conv reaches here (the verifier keeps zext to integers): a signed conversion.
      const x86::Gp s = widened(src, from, true);
      const x86::Xmm dst = xmm(in.result);
      cc_.xorps(dst, dst);  // breaks the false dependency of cvtsi2s* on the old register value
      if (to.kind == TypeKind::kF64) cc_.cvtsi2sd(dst, s);
      else cc_.cvtsi2ss(dst, s);
      return;
    }
    const x86::Gp dst = gp(in.result);
    if (from.is_float()) {
      const x86::Xmm s = xmm_of(src, from);
      const x86::Gp d = is_wide(to) ? dst : dst.r32();
      if (from.kind == TypeKind::kF64) cc_.cvttsd2si(d, s);
      else cc_.cvttss2si(d, s);
      if (to.kind == TypeKind::kI1) cc_.and_(dst, 1);
      return;
    }
    const x86::Gp s = gp_of(src, from);
    const bool is_signed = in.op == Opcode::kConv;
    if (type_size(to) > type_size(from) || (from.kind == TypeKind::kI1 && to.kind != TypeKind::kI1)) {
      switch (from.kind) {
        case TypeKind::kI1: cc_.mov(dst.r32(), s.r32()); break;
        case TypeKind::kI8: is_signed ? cc_.movsx(dst, s.r8()) : cc_.movzx(dst, s.r8()); break;
        case TypeKind::kI16: is_signed ? cc_.movsx(dst, s.r16()) : cc_.movzx(dst, s.r16()); break;
        default:  // i32 -> i64
          if (is_signed) cc_.movsxd(dst, s.r32());
          else cc_.mov(dst.r32(), s.r32());
          break;
      }
      return;
    }
    if (is_wide(to)) cc_.mov(dst, s.r64());
    else cc_.mov(dst.r32(), s.r32());
    if (to.kind == TypeKind::kI1 && from.kind != TypeKind::kI1) cc_.and_(dst, 1);
  }

  void lower_load(const Instr& in) {
    const Type t = in.type;
    const x86::Mem m = address_of(in.args[0], t);
    switch (t.kind) {
      case TypeKind::kF32: cc_.movss(xmm(in.result), m); return;
      case TypeKind::kF64: cc_.movsd(xmm(in.result), m); return;
      case TypeKind::kI1:
      case TypeKind::kI8:
      case TypeKind::kI16: cc_.movzx(gp(in.result), m); return;
      default: cc_.mov(gp(in.result), m); return;
    }
  }

  void lower_store(const Instr& in) {
    const Type t = in.type;
    const x86::Mem m = address_of(in.args[1], t);
    const Operand& v = in.args[0];
    if (t.is_float()) {
      const x86::Xmm x = xmm_of(v, t);
      if (t.kind == TypeKind::kF32) cc_.movss(m, x);
      else cc_.movsd(m, x);
      return;
    }
    if (!v.is_value() && fits_i32(v.int_imm)) {
      cc_.mov(m, Imm(static_cast<std::int32_t>(v.int_imm)));
      return;
    }
    const x86::Gp r = gp_of(v, t);
    switch (type_size(t)) {
      case 1: cc_.mov(m, r.r8()); return;
      case 2: cc_.mov(m, r.r16()); return;
      case 4: cc_.mov(m, r.r32()); return;
      default: cc_.mov(m, r.r64()); return;
    }
  }

  Result<void> lower_call(const Instr& in) {
    auto target = resolve_(in, mangle(in.callee, in.type_args));
    if (!target) return std::move(target).error();
    const FuncSignatureBuilder sig = signature(target->params, target->ret);
    // Arguments are prepared before the call node: anything emitted later would follow the call.
    std::vector<BaseReg> args;
    for (std::size_t i = 0; i < in.args.size(); ++i) {
      const Type t = target->params[i];
      if (t.is_float()) args.push_back(xmm_of(in.args[i], t));
      else if (t.kind == TypeKind::kI1 || t.kind == TypeKind::kI8 || t.kind == TypeKind::kI16)
        args.push_back(widened(in.args[i], t, t.kind != TypeKind::kI1));  // C callees expect 32-bit extension
      else args.push_back(gp_of(in.args[i], t));
    }
    x86::Gp slot;
    if (target->kind == CallTarget::Kind::kSlot) {
      slot = cc_.newIntPtr();
      cc_.mov(slot, Imm(target->address));
    }
    InvokeNode* node = nullptr;
    switch (target->kind) {
      case CallTarget::Kind::kSelf: cc_.invoke(&node, func_->label(), sig); break;
      case CallTarget::Kind::kAddress: cc_.invoke(&node, target->address, sig); break;
      case CallTarget::Kind::kSlot: cc_.invoke(&node, x86::ptr(slot), sig); break;
    }
    if (node == nullptr) return make_error(spl::ErrorCode::kInternal, "backend: asmjit could not emit a call to '@" + in.callee + "'");
    for (std::size_t i = 0; i < args.size(); ++i) node->setArg(i, args[i]);
    if (in.result != kNoValue) {
      node->setRet(0, regs_[in.result]);
      if (in.type.kind == TypeKind::kI1) cc_.movzx(gp(in.result), gp(in.result).r8());
    }
    return {};
  }

  // Parallel copy of branch arguments into the target block's parameters.
  void copy_args(const BranchTarget& t) {
    const Block& target = fn_.blocks[t.block];
    auto same_reg = [&](const Operand& a, std::uint32_t p) { return a.is_value() && regs_[a.value].id() == regs_[p].id(); };
    // Sequential moves are wrong only when an argument reads a parameter written before it.
    bool overlap = false;
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      for (std::size_t k = 0; k < target.params.size(); ++k) overlap |= (i != k && same_reg(t.args[i], target.params[k]));
    }
    if (!overlap) {
      for (std::size_t i = 0; i < t.args.size(); ++i) {
        const std::uint32_t p = target.params[i];
        if (same_reg(t.args[i], p)) continue;
        move_into(regs_[p], t.args[i], fn_.values[p].type);
      }
      return;
    }
    std::vector<BaseReg> temps(t.args.size());
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      if (!t.args[i].is_value()) continue;
      const Type ty = fn_.values[target.params[i]].type;
      temps[i] = new_reg(ty);
      move_into(temps[i], t.args[i], ty);
    }
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      const std::uint32_t p = target.params[i];
      const Type ty = fn_.values[p].type;
      if (!t.args[i].is_value()) {
        move_into(regs_[p], t.args[i], ty);
      } else if (ty.is_float()) {
        cc_.movaps(xmm(p), temps[i].as<x86::Xmm>());
      } else {
        cc_.mov(gp(p), temps[i].as<x86::Gp>());
      }
    }
  }

  bool is_next(std::uint32_t block) const { return block == block_ + 1; }

  void lower_edge(const BranchTarget& t) {
    copy_args(t);
    if (!is_next(t.block)) cc_.jmp(labels_[t.block]);
  }

  void lower_branch(const Instr& in) {
    x86::CondCode cond = x86::CondCode::kNZ;
    const Operand& c = in.args[0];
    if (c.is_value() && folded_[c.value]) {
      cond = emit_compare(*defs_[c.value]);
    } else {
      const x86::Gp r = gp_of(c, Type::of(TypeKind::kI1));
      cc_.test(r, r);
    }
    const BranchTarget& yes = in.targets[0];
    const BranchTarget& no = in.targets[1];
    if (yes.args.empty() && no.args.empty()) {
      if (is_next(yes.block)) {
        cc_.j(x86::negateCond(cond), labels_[no.block]);
      } else {
        cc_.j(cond, labels_[yes.block]);
        if (!is_next(no.block)) cc_.jmp(labels_[no.block]);
      }
    } else if (no.args.empty()) {
      cc_.j(x86::negateCond(cond), labels_[no.block]);
      lower_edge(yes);
    } else if (yes.args.empty()) {
      cc_.j(cond, labels_[yes.block]);
      lower_edge(no);
    } else {
      const Label other = cc_.newLabel();
      cc_.j(x86::negateCond(cond), other);
      copy_args(yes);
      cc_.jmp(labels_[yes.block]);
      cc_.bind(other);
      lower_edge(no);
    }
  }

  x86::Compiler& cc_;
  const Function& fn_;
  const CalleeResolver& resolve_;
  FuncNode* func_ = nullptr;
  std::vector<BaseReg> regs_;
  std::vector<Label> labels_;
  std::vector<bool> folded_;
  std::vector<const Instr*> defs_;
  std::vector<std::uint32_t> uses_;
  std::uint32_t block_ = 0;
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
  x86::Compiler cc(&code);
  Lowering lowering(cc, fn, resolve);
  SPL_TRY(lowering.run());
  cc.finalize();
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
