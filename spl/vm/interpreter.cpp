// The dispatch loop. Every register owns one count of the value it holds; the objects in a frame's
// registers are released and their slots zeroed when it returns (zero bits are the double 0.0),
// so the slots above the newest frame never hold a reference (stale numbers may remain).

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>

#include "spl/vm/generator.hpp"
#include "spl/vm/ops.hpp"
#include "spl/vm/vm.hpp"

namespace spl::vm {

namespace {

inline void set_reg(Value& slot, Value v) {
  Value old = slot;
  slot = v;
  release(old);
}

inline void clear_regs(Value* from, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    release(from[i]);
    from[i].bits = 0;
  }
}

// A returning frame's registers: only those holding objects are released and zeroed; numbers,
// bools and nil own nothing and may stay behind (the next frame writes before it reads).
inline void release_frame_regs(Value* from, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    Value v = from[i];
    if (v.is_obj()) {
      from[i].bits = 0;
      release(v);
    }
  }
}

// values_equal, answered inline where the bits decide: identical non-double bits are equal, and
// nil or a bool equals only its own bits (the common `x != nil`).
inline bool quick_equal(Value x, Value y) {
  if (x.bits == y.bits && !x.is_double()) return true;
  if (x.is_nil() || y.is_nil() || x.is_bool() || y.is_bool()) return false;
  return values_equal(x, y);
}

Value copy_object(Value v) {
  Obj* o = v.obj();
  switch (o->type) {
    case ObjType::Array:
    case ObjType::Tuple: {
      auto* a = static_cast<ArrayObj*>(o);
      auto* c = new ArrayObj(o->type);
      c->items = a->items;
      for (Value x : c->items) retain(x);
      return Value::object(c);
    }
    case ObjType::Dict: return Value::object(new DictObj(static_cast<DictObj*>(o)->map));
    case ObjType::Set: return Value::object(new SetObj(static_cast<SetObj*>(o)->set));
    case ObjType::Instance: {
      auto* a = static_cast<InstanceObj*>(o);
      auto* c = new InstanceObj(a->type);
      c->fields = a->fields;
      for (Value x : c->fields) retain(x);
      return Value::object(c);
    }
    default: retain(v); return v;
  }
}

}  // namespace

// Makes the object in `slot` uniquely held (copy on write) unless it has reference semantics.
void make_unique(Value& slot) {
  if (!slot.is_obj() || slot.obj()->rc == 1) return;
  Obj* o = slot.obj();
  if (o->type == ObjType::Instance && static_cast<InstanceObj*>(o)->type->kind == TypeInfo::Kind::Class) return;
  Value c = copy_object(slot);
  set_reg(slot, c);
}

static const char kKindKeys[kKindCount] = {};

// Resolves `name` on the receiver: a user type's method or a builtin one. Returns the callable
// (borrowed) or nil; sets mutating.
static Value find_method(const Vm& vm, Value recv, std::uint32_t name, bool& mutating, const void*& key) {
  mutating = false;
  if (recv.is_obj(ObjType::Instance) || recv.is_obj(ObjType::Enum)) {
    TypeInfo* t = recv.is_obj(ObjType::Instance) ? recv.as<InstanceObj>()->type : recv.as<EnumObj>()->type;
    key = t;
    auto it = t->methods.find(name);
    if (it != t->methods.end()) {
      mutating = t->mutating.count(name) != 0;
      return it->second;
    }
  } else {
    key = &kKindKeys[Vm::value_kind(recv)];
  }
  std::uint8_t kind = Vm::value_kind(recv);
  Value m = vm.builtin_method(kind, name);
  if (!m.is_nil()) {
    mutating = vm.is_mutating_name(name) && (kind == kKindArray || kind == kKindDict || kind == kKindSet);
    return m;
  }
  // Methods every value has (to_string, ...) are registered for kind Opaque as a fallback.
  return vm.builtin_method(kKindOpaque, name);
}

Value Vm::call_method(Value recv, std::uint32_t name, const Value* args, int nargs) {
  bool mutating = false;
  const void* key = nullptr;
  Value target = find_method(*this, recv, name, mutating, key);
  if (target.is_nil()) {
    if (recv.is_nil()) panic(fmt::format("called `{}` on nil", name_of(name)));
    panic(fmt::format("no method `{}` on a value of type {}", name_of(name), type_name(recv)));
  }
  std::vector<Value> all;
  all.reserve(static_cast<std::size_t>(nargs) + 1);
  all.push_back(recv);
  all.insert(all.end(), args, args + nargs);
  return call(target, all.data(), nargs + 1);
}

Value Vm::execute(std::size_t entry) {
  Frame* fr = &frames_.back();
  const Instr* pc = fr->pc;
  Value* base = fr->base;
  Value* k = fr->proto->consts.data();
  const Instr* code = fr->proto->code.data();
  std::uint8_t* fb = fr->proto->feedback.data();
  InlineCache* caches = fr->proto->caches.data();
  (void)entry;

#define RELOAD()                  \
  do {                            \
    fr = &frames_.back();         \
    pc = fr->pc;                  \
    base = fr->base;              \
    k = fr->proto->consts.data(); \
    code = fr->proto->code.data(); \
    fb = fr->proto->feedback.data(); \
    caches = fr->proto->caches.data(); \
  } while (0)
#define R(i) base[i]
#define FEEDBACK(bits) fb[I - code] |= (bits)
  // Rewrites the running instruction (the VM runs one thread; a VM shared by threads will need an
  // atomic store here). A generic op that has seen other operand types stays generic.
#define QUICKEN(op_specialised)                                         \
  do {                                                                   \
    if (!(fb[I - code] & kSeenOther)) const_cast<Instr*>(I)->op = (op_specialised); \
  } while (0)
#define GENERIC(op_generic)                              \
  do {                                                   \
    const_cast<Instr*>(I)->op = (op_generic);            \
    FEEDBACK(kSeenOther);                                \
  } while (0)

  // Threaded dispatch: every handler jumps straight to the next one. Locals with destructors
  // live in inner blocks that end before the jump (an indirect goto cannot run destructors).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
  static const void* const kLabels[] = {
#define SPL_VM_OP_LABEL(name) &&L_##name,
      SPL_VM_OPS(SPL_VM_OP_LABEL)
#undef SPL_VM_OP_LABEL
  };
#define DISPATCH()                                \
  do {                                            \
    I = pc++;                                     \
    goto* kLabels[static_cast<std::size_t>(I->op)]; \
  } while (0)
  // The frame's pc is stored only where it is read: before a call (returns resume from it) and
  // before anything that can panic (the trace names its line). Fast paths skip the store.
#define SAVE_PC() (fr->pc = pc)
  // A pointer, not a copy: the handlers read only the fields they use, so dispatch does not
  // decode (and spill) every field of every instruction.
  const Instr* I;
  DISPATCH();
  {
      L_Move: {
        Value v = R(I->b);
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_LoadK: {
        Value v = k[I->b];
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_LoadInt: set_reg(R(I->a), Value::small_int(static_cast<std::int16_t>(I->b))); DISPATCH();
      L_LoadNil: set_reg(R(I->a), Value::nil()); DISPATCH();
      L_LoadTrue: set_reg(R(I->a), Value::of_bool(true)); DISPATCH();
      L_LoadFalse: set_reg(R(I->a), Value::of_bool(false)); DISPATCH();
      L_GetGlobal: {
        Value& g = globals_[I->b];
        Value v = g;
        if (I->flags) {
          g = Value::nil();  // taken for an in-place update
        } else {
          retain(v);
        }
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_SetGlobal: {
        Value v = R(I->a);
        retain(v);
        set_reg(globals_[I->b], v);
        DISPATCH();
      }
      L_GetUp: {
        Value v = fr->closure->up[I->b];
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_GetCell: {
        Value v = R(I->b).as<CellObj>()->v;
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_SetCell: {
        Value v = R(I->b);
        retain(v);
        CellObj* c = R(I->a).as<CellObj>();
        set_reg(c->v, v);
        DISPATCH();
      }
      L_NewCell: {
        Value v = R(I->a);
        R(I->a) = Value::object(new CellObj(v));
        DISPATCH();
      }
      L_SelfClosure: {
        Value v = Value::object(fr->closure);
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_Add:
      L_Sub:
      L_Mul: {
        Value x = R(I->b), y = R(I->c);
        Value r;
        if (x.is_int48() && y.is_int48()) {
          std::int64_t s;
          if (I->op == Op::Add) {
            s = x.int48() + y.int48();
          } else if (I->op == Op::Sub) {
            s = x.int48() - y.int48();
          } else if (__builtin_mul_overflow(x.int48(), y.int48(), &s)) {
            SAVE_PC();
            panic(fmt::format("integer overflow: {} * {}", x.int48(), y.int48()));
          }
          r = Value::integer(s);
          FEEDBACK(kSeenInt);
          QUICKEN(I->op == Op::Add ? Op::AddInt : I->op == Op::Sub ? Op::SubInt : Op::MulInt);
        } else if (x.is_double() && y.is_double()) {
          double a = x.dbl(), b = y.dbl();
          r = Value::of_double(I->op == Op::Add ? a + b : I->op == Op::Sub ? a - b : a * b);
          FEEDBACK(kSeenFloat);
          QUICKEN(I->op == Op::Add ? Op::AddFloat : I->op == Op::Sub ? Op::SubFloat : Op::MulFloat);
        } else {
          SAVE_PC();
          r = arith(*this, I->op, x, y);
          FEEDBACK(kSeenOther);
        }
        set_reg(R(I->a), r);
        DISPATCH();
      }
      L_Div:
      L_Mod: {
        Value x = R(I->b), y = R(I->c);
        if (x.is_int48() && y.is_int48() && y.int48() != 0) {
          // 48-bit operands cannot overflow i64 (-2^47 / -1 needs 49 bits: integer() boxes it); C++
          // division truncates toward zero like Simple's.
          std::int64_t a = x.int48(), b = y.int48();
          set_reg(R(I->a), Value::integer(I->op == Op::Div ? a / b : a % b));
          FEEDBACK(kSeenInt);
          DISPATCH();
        }
        if (I->op == Op::Div && x.is_double() && y.is_double()) {
          set_reg(R(I->a), Value::of_double(x.dbl() / y.dbl()));
          FEEDBACK(kSeenFloat);
          QUICKEN(Op::DivFloat);
          DISPATCH();
        }
        SAVE_PC();
        set_reg(R(I->a), arith(*this, I->op, x, y));
        DISPATCH();
      }
      L_Pow:
      L_BitAnd:
      L_BitOr:
      L_BitXor:
      L_Shl:
      L_Shr: SAVE_PC(); set_reg(R(I->a), arith(*this, I->op, R(I->b), R(I->c))); DISPATCH();
      L_Neg: {
        SAVE_PC();
        Value x = R(I->b);
        Value r;
        if (x.is_int48()) {
          r = Value::integer(-x.int48());
        } else if (x.is_double()) {
          r = Value::of_double(-x.dbl());
        } else if (x.is_int()) {
          std::int64_t s;
          if (__builtin_sub_overflow(std::int64_t{0}, x.as_int(), &s)) panic("integer overflow: negating the minimum i64");
          r = Value::integer(s);
        } else {
          panic(fmt::format("cannot negate a value of type {}", type_name(x)));
        }
        set_reg(R(I->a), r);
        DISPATCH();
      }
      L_BitNot: {
        SAVE_PC();
        Value x = R(I->b);
        if (!x.is_int()) panic(fmt::format("`~` needs an integer, found {}", type_name(x)));
        set_reg(R(I->a), Value::integer(~x.as_int()));
        DISPATCH();
      }
      L_Not: set_reg(R(I->a), Value::of_bool(!truthy(R(I->b)))); DISPATCH();
      L_Truthy: set_reg(R(I->a), Value::of_bool(truthy(R(I->b)))); DISPATCH();
      L_Eq: set_reg(R(I->a), Value::of_bool(quick_equal(R(I->b), R(I->c)))); DISPATCH();
      L_Ne: set_reg(R(I->a), Value::of_bool(!quick_equal(R(I->b), R(I->c)))); DISPATCH();
      L_Lt:
      L_Le:
      L_Gt:
      L_Ge: {
        Value x = R(I->b), y = R(I->c);
        bool r;
        if (x.is_int48() && y.is_int48()) {
          std::int64_t a = x.int48(), b = y.int48();
          r = I->op == Op::Lt ? a < b : I->op == Op::Le ? a <= b : I->op == Op::Gt ? a > b : a >= b;
        } else {
          SAVE_PC();
          r = compare_holds(*this, I->op, x, y);
        }
        set_reg(R(I->a), Value::of_bool(r));
        DISPATCH();
      }
      L_In: SAVE_PC(); set_reg(R(I->a), Value::of_bool(contains(*this, R(I->c), R(I->b)))); DISPATCH();
      L_Jump: {
        std::int32_t off = I->sbx();
        // Backward jumps are loop back-edges: they spend the step budget (the preemption point).
        if (off < 0 && --steps_left_ == 0) {
          SAVE_PC();
          out_of_steps();
        }
        pc += off;
        DISPATCH();
      }
      L_JumpIfFalse: {
        Value x = R(I->a);
        if (x.bits == Value::of_bool(false).bits || x.is_nil()) pc += static_cast<std::int16_t>(I->b);
        DISPATCH();
      }
      L_JumpIfTrue: {
        Value x = R(I->a);
        if (truthy(x)) pc += static_cast<std::int16_t>(I->b);
        DISPATCH();
      }
      L_JumpIfNil:
        if (R(I->a).is_nil()) pc += static_cast<std::int16_t>(I->b);
        DISPATCH();
      // A comparison fused with the conditional jump of an if/while: jump by c when it is false.
      // One handler per comparison, so the fast path is one compare; the I forms compare with the
      // small integer in b.
#define SPL_VM_CMP_JUMP(name, cmp, generic_op)                                 \
  L_##name: {                                                                 \
    Value x = R(I->a), y = R(I->b);                                           \
    bool r;                                                                   \
    if (Value::both_int48(x, y)) {                                            \
      r = x.scaled48() cmp y.scaled48(); /* scaling keeps the order */        \
    } else {                                                                  \
      SAVE_PC();                                                              \
      r = compare_holds(*this, Op::generic_op, x, y);                         \
    }                                                                         \
    if (!r) pc += static_cast<std::int16_t>(I->c);                            \
    DISPATCH();                                                               \
  }                                                                           \
  L_##name##I: {                                                              \
    Value x = R(I->a);                                                        \
    std::int64_t imm = static_cast<std::int16_t>(I->b);                       \
    bool r;                                                                   \
    if (x.is_int48()) {                                                       \
      r = x.int48() cmp imm;                                                  \
    } else {                                                                  \
      SAVE_PC();                                                              \
      r = compare_holds(*this, Op::generic_op, x, Value::small_int(imm));     \
    }                                                                         \
    if (!r) pc += static_cast<std::int16_t>(I->c);                            \
    DISPATCH();                                                               \
  }
      SPL_VM_CMP_JUMP(JumpIfNotLt, <, Lt)
      SPL_VM_CMP_JUMP(JumpIfNotLe, <=, Le)
      SPL_VM_CMP_JUMP(JumpIfNotGt, >, Gt)
      SPL_VM_CMP_JUMP(JumpIfNotGe, >=, Ge)
#undef SPL_VM_CMP_JUMP
      L_JumpIfNotEq:
      L_JumpIfNotNe: {
        Value x = R(I->a), y = R(I->b);
        bool eq = quick_equal(x, y);
        if (eq != (I->op == Op::JumpIfNotEq)) pc += static_cast<std::int16_t>(I->c);
        DISPATCH();
      }
      L_JumpIfNotEqI:
      L_JumpIfNotNeI: {
        Value x = R(I->a);
        Value y = Value::small_int(static_cast<std::int16_t>(I->b));
        bool eq = x.bits == y.bits || (!x.is_int48() && quick_equal(x, y));
        if (eq != (I->op == Op::JumpIfNotEqI)) pc += static_cast<std::int16_t>(I->c);
        DISPATCH();
      }
      L_AddImm: {
        Value x = R(I->b);
        std::int64_t imm = static_cast<std::int16_t>(I->c);
        Value r;
        if (x.is_int48()) {
          if (!Value::add48(x, Value::small_int(imm), r)) r = Value::integer(x.int48() + imm);
        } else {
          SAVE_PC();
          r = arith(*this, Op::Add, x, Value::small_int(imm));
          FEEDBACK(kSeenOther);
        }
        set_reg(R(I->a), r);
        DISPATCH();
      }
      L_JumpIfNotNil:
        if (!R(I->a).is_nil()) pc += static_cast<std::int16_t>(I->b);
        DISPATCH();
      L_ForPrep: {
        // R[a] counter, R[a+1] limit, R[a+2] step, R[a+3] the loop variable; flags: inclusive.
        SAVE_PC();
        Value lo = R(I->a), hi = R(I->a + 1), st = R(I->a + 2);
        if (!lo.is_int() || !hi.is_int() || !st.is_int())
          panic(fmt::format("a range needs integer bounds, found {}..{}", type_name(lo), type_name(hi)));
        std::int64_t step = st.as_int();
        if (step == 0) panic("a range step cannot be 0");
        std::int64_t a = lo.as_int(), b = hi.as_int();
        if (!Value::fits48(a) || !Value::fits48(b)) panic("a range bound exceeds 48 bits");
        bool empty = step > 0 ? (I->flags ? a > b : a >= b) : (I->flags ? a < b : a <= b);
        if (empty) {
          pc += I->sbx();
        } else {
          set_reg(R(I->a + 3), Value::small_int(a));
        }
        DISPATCH();
      }
      L_ForLoop: {
        std::int64_t step = R(I->a + 2).int48();
        std::int64_t next = R(I->a).int48() + step;
        std::int64_t limit = R(I->a + 1).int48();
        bool more = step > 0 ? (I->flags ? next <= limit : next < limit) : (I->flags ? next >= limit : next > limit);
        if (more) {
          if (--steps_left_ == 0) {
            SAVE_PC();
            out_of_steps();
          }
          R(I->a) = Value::small_int(next);
          set_reg(R(I->a + 3), Value::small_int(next));
          pc += I->sbx();
        }
        DISPATCH();
      }
      L_ToF64Guard: {
        // Guards `x.to_f64()` (a CallMethod and its Extra word follow): a number converts here.
        Value x = R(I->a);
        if (x.is_int48()) {
          R(I->a) = Value::of_double(static_cast<double>(x.int48()));
          pc += 2;
        } else if (x.is_double()) {
          pc += 2;
        }
        DISPATCH();
      }
      L_Yield: {
        // Suspends the generator body running in this frame (see generator.hpp): its registers
        // move into the generator, the frame leaves the stack, and the resume's execute() returns
        // the value. The body's frame is always an entry frame.
        SAVE_PC();
        if (generators_.empty() || generators_.back().depth != frames_.size())
          panic("`yield` outside a generator body (only the function given to `generator` can yield)");
        GeneratorObj* g = generators_.back().gen;
        Value v = R(I->b);
        retain(v);
        g->resume_reg = I->a;
        g->pc = pc;
        g->regs.assign(base, base + fr->proto->nregs);
        for (std::size_t i = 0; i < fr->proto->nregs; ++i) base[i].bits = 0;
        g->state = GeneratorObj::State::Suspended;
        frames_.pop_back();
        return v;
      }
      L_Cast: {
        // `x as T`: flags 0 converts to a builtin type (c: CastTarget); flags 1 checks that the
        // value is an instance or enum value of the declared type c.
        SAVE_PC();
        Value v = R(I->b);
        if (I->flags == 0) {
          set_reg(R(I->a), cast_value(*this, v, static_cast<CastTarget>(I->c)));
          DISPATCH();
        }
        const TypeInfo* t = types_[I->c].get();
        const bool ok = (v.is_obj(ObjType::Instance) && v.as<InstanceObj>()->type == t) ||
                        (v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == t);
        if (!ok) panic(fmt::format("cannot cast a value of type {} to {}", type_name(v), t->name));
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_ForLoopInc: {
        // ForLoop for a range without `by`: the step is 1.
        std::int64_t next = R(I->a).int48() + 1;
        std::int64_t limit = R(I->a + 1).int48();
        if (I->flags ? next <= limit : next < limit) {
          if (--steps_left_ == 0) {
            SAVE_PC();
            out_of_steps();
          }
          R(I->a) = Value::small_int(next);
          set_reg(R(I->a + 3), Value::small_int(next));
          pc += I->sbx();
        }
        DISPATCH();
      }
      L_IterPrep: {
        SAVE_PC();
        Value it = iterable(*this, R(I->b));
        set_reg(R(I->a), it);
        set_reg(R(I->a + 1), Value::small_int(0));
        DISPATCH();
      }
      L_IterNext: {
        Value coll = R(I->a);
        std::int64_t i = R(I->a + 1).int48();
        Value item;
        if (coll.is_obj(ObjType::Range)) {
          auto* r = coll.as<RangeObj>();
          if (i >= r->count()) {
            pc += I->sbx();
            DISPATCH();
          }
          item = Value::integer(r->at(i));
        } else if (GeneratorObj* g = coll.is_obj(ObjType::Opaque) ? as_generator(coll) : nullptr) {
          SAVE_PC();
          if (!resume_generator(g, item)) {
            pc += I->sbx();
            DISPATCH();
          }
        } else {
          auto& items = coll.as<ArrayObj>()->items;
          if (static_cast<std::size_t>(i) >= items.size()) {
            pc += I->sbx();
            DISPATCH();
          }
          item = items[static_cast<std::size_t>(i)];
          retain(item);
        }
        R(I->a + 1) = Value::small_int(i + 1);
        set_reg(R(I->a + 2), item);
        DISPATCH();
      }
      L_Call: {
        SAVE_PC();
        Value* slot = &R(I->a);
        Value f = *slot;
        int n = I->b;
        if (--steps_left_ == 0) out_of_steps();
        if (f.is_obj(ObjType::Closure)) {
          auto* c = f.as<ClosureObj>();
          Proto* p = c->proto;
          if (n == p->nparams && !p->variadic && slot + p->nregs + 3 <= stack_end_ && !frames_.full()) {
            frames_.push_back(Frame{p, c, p->code.data(), slot + 1, slot, nullptr, static_cast<std::uint32_t>(n), false});
          } else {
            enter(c, slot + 1, n, slot, nullptr, false);
          }
          RELOAD();
          DISPATCH();
        }
        Value r = call_other(f, slot + 1, n);
        clear_regs(slot + 1, static_cast<std::size_t>(n));
        set_reg(*slot, r);
        RELOAD();
        DISPATCH();
      }
      L_CallMethod: {
        // R[a] receiver, R[a+1..a+b] arguments, c the name; the next word names the receiver's
        // home register for methods that change it (or kNoReg).
        const Instr X = *pc++;
        SAVE_PC();
        Value recv = R(I->a);
        InlineCache& ic = caches[pc - 2 - code];
        const void* key = nullptr;
        if (recv.is_obj(ObjType::Instance)) {
          key = recv.as<InstanceObj>()->type;
        } else if (recv.is_obj(ObjType::Enum)) {
          key = recv.as<EnumObj>()->type;
        } else {
          key = &kKindKeys[value_kind(recv)];
        }
        Value target;
        bool mutating;
        if (ic.key == key) {
          target = ic.target;
          mutating = ic.slot != 0;
        } else {
          target = find_method(*this, recv, I->c, mutating, key);
          if (target.is_nil()) {
            // A field holding a function: call it without a receiver.
            if (recv.is_obj(ObjType::Instance)) {
              auto* inst = recv.as<InstanceObj>();
              auto f = inst->type->field_index.find(I->c);
              if (f != inst->type->field_index.end()) {
                Value fn = inst->fields[f->second];
                retain(fn);
                set_reg(R(I->a), fn);
                Value r = call(fn, &R(I->a + 1), I->b);
                clear_regs(&R(I->a + 1), I->b);
                set_reg(R(I->a), r);
                RELOAD();
                DISPATCH();
              }
            }
            if (recv.is_nil()) panic(fmt::format("called `{}` on nil", name_of(I->c)));
            panic(fmt::format("no method `{}` on a value of type {}", name_of(I->c), type_name(recv)));
          }
          retain(target);
          release(ic.target);
          ic.key = key;
          ic.target = target;
          ic.slot = mutating ? 1 : 0;
        }
        bool in_place = mutating && X.a != kNoReg;
        if (in_place) {
          // The receiver moves out of its home for the call, so a value held once is changed in place.
          Value h = R(X.a);
          R(X.a) = Value::nil();
          release(h);
        }
        if (target.is_obj(ObjType::Closure)) {
          enter(target.as<ClosureObj>(), &R(I->a), I->b + 1, &R(I->a), in_place ? &R(X.a) : nullptr, false);
          RELOAD();
          DISPATCH();
        }
        Value r = target.as<NativeObj>()->fn(*this, &R(I->a), I->b + 1);
        if (in_place) {
          set_reg(R(X.a), R(I->a));
          R(I->a).bits = 0;
        }
        clear_regs(&R(I->a + 1), I->b);
        set_reg(R(I->a), r);
        RELOAD();
        DISPATCH();
      }
      L_Return:
      L_ReturnNil: {
        Value r = Value::nil();
        if (I->op == Op::Return) {
          r = R(I->a);
          R(I->a).bits = 0;
        }
        if (fr->writeback) {
          Value self = base[0];
          base[0].bits = 0;
          set_reg(*fr->writeback, self);
        }
        release_frame_regs(base, fr->proto->nregs);
        Value* ret = fr->ret;
        bool entry_frame = fr->entry;
        frames_.pop_back();
        if (entry_frame) return r;
        set_reg(*ret, r);
        RELOAD();
        DISPATCH();
      }
      L_NewArray:
      L_NewTuple: {
        SAVE_PC();
        {
          std::vector<Value> items(I->c);
          for (std::uint16_t i = 0; i < I->c; ++i) {
            items[i] = R(I->b + i);
            retain(items[i]);
          }
          set_reg(R(I->a), make_array(std::move(items), I->op == Op::NewArray ? ObjType::Array : ObjType::Tuple));
        }
        DISPATCH();
      }
      L_NewDict: {
        SAVE_PC();
        auto* d = new DictObj();
        Value dv = Value::object(d);
        for (std::uint16_t i = 0; i < I->c; ++i)
          d->map = std::move(d->map).insert(Val(R(I->b + 2 * i)), Val(R(I->b + 2 * i + 1)));
        set_reg(R(I->a), dv);
        DISPATCH();
      }
      L_NewSet: {
        SAVE_PC();
        auto* s = new SetObj();
        Value sv = Value::object(s);
        for (std::uint16_t i = 0; i < I->c; ++i) s->set = std::move(s->set).insert(Val(R(I->b + i)));
        set_reg(R(I->a), sv);
        DISPATCH();
      }
      L_NewRange: {
        SAVE_PC();
        // R[b] lo, R[b+1] hi, R[b+2] step; flags: inclusive.
        Value lo = R(I->b), hi = R(I->b + 1), st = R(I->b + 2);
        if (!lo.is_int() || !hi.is_int() || !st.is_int()) panic("a range needs integer bounds");
        if (st.as_int() == 0) panic("a range step cannot be 0");
        set_reg(R(I->a), Value::object(new RangeObj(lo.as_int(), hi.as_int(), st.as_int(), I->flags != 0)));
        DISPATCH();
      }
      L_NewObject: {
        SAVE_PC();
        TypeInfo* t = types_[I->b].get();
        auto* o = new InstanceObj(t);
        o->fields.resize(t->fields.size());
        for (std::size_t i = 0; i < t->fields.size(); ++i) {
          o->fields[i] = R(I->c + i);
          retain(o->fields[i]);
        }
        set_reg(R(I->a), Value::object(o));
        DISPATCH();
      }
      L_NewEnum: {
        const Instr X = *pc++;
        SAVE_PC();
        auto [t, variant] = variants_[I->b];
        auto* e = new EnumObj(t, variant);
        e->payload.resize(X.b);
        for (std::uint16_t i = 0; i < X.b; ++i) {
          e->payload[i] = R(X.a + i);
          retain(e->payload[i]);
        }
        set_reg(R(I->a), Value::object(e));
        DISPATCH();
      }
      L_Closure: {
        SAVE_PC();
        Proto* p = protos_[I->b].get();
        auto* c = new ClosureObj(p);
        c->up.reserve(p->captures.size());
        for (const Capture& cap : p->captures) {
          Value v = cap.from_parent_reg ? R(cap.index) : fr->closure->up[cap.index];
          retain(v);
          c->up.push_back(v);
        }
        set_reg(R(I->a), Value::object(c));
        DISPATCH();
      }
      L_GetIndex: {
        Value v = R(I->b), ix = R(I->c);
        if (v.is_obj(ObjType::Array) && ix.is_int48()) {
          // In range and not from the end (a negative index wraps to a huge unsigned one).
          const auto& items = v.as<ArrayObj>()->items;
          auto i = static_cast<std::uint64_t>(ix.int48());
          if (i < items.size()) {
            Value x = items[i];
            retain(x);
            set_reg(R(I->a), x);
            DISPATCH();
          }
        }
        SAVE_PC();
        set_reg(R(I->a), get_index(*this, v, ix));
        DISPATCH();
      }
      L_SetIndex: {
        SAVE_PC();
        make_unique(R(I->a));
        set_index(*this, R(I->a), R(I->b), R(I->c));
        DISPATCH();
      }
      L_TakeIndex: {
        SAVE_PC();
        make_unique(R(I->b));
        set_reg(R(I->a), take_index(*this, R(I->b), R(I->c)));
        DISPATCH();
      }
      L_GetSlice: {
        SAVE_PC();
        // R[b] the value, R[b+1..b+3] start, end, step (nil when absent)
        set_reg(R(I->a), get_slice(*this, R(I->b), R(I->b + 1), R(I->b + 2), R(I->b + 3)));
        DISPATCH();
      }
      L_GetField: {
        Value o = R(I->b);
        if (o.is_obj(ObjType::Instance)) {
          auto* inst = o.as<InstanceObj>();
          InlineCache& ic = caches[I - code];
          if (ic.key == inst->type) {
            Value v = inst->fields[ic.slot];
            retain(v);
            set_reg(R(I->a), v);
            DISPATCH();
          }
          auto f = inst->type->field_index.find(I->c);
          if (f != inst->type->field_index.end()) {
            ic.key = inst->type;
            ic.slot = f->second;
            Value v = inst->fields[f->second];
            retain(v);
            set_reg(R(I->a), v);
            DISPATCH();
          }
        }
        SAVE_PC();
        set_reg(R(I->a), get_field_slow(*this, o, I->c));
        RELOAD();
        DISPATCH();
      }
      L_SetField: {
        // R[a].name(b) = R[c]. The cache holds the field's slot for the last type seen; a struct
        // (a value) held more than once is copied first.
        Value o = R(I->a);
        InlineCache& ic = caches[I - code];
        if (o.is_obj(ObjType::Instance)) {
          auto* inst = o.as<InstanceObj>();
          if (ic.key == inst->type && (o.obj()->rc == 1 || inst->type->kind == TypeInfo::Kind::Class)) {
            Value v = R(I->c);
            retain(v);
            set_reg(inst->fields[ic.slot], v);
            DISPATCH();
          }
        }
        SAVE_PC();
        make_unique(R(I->a));
        set_field(*this, R(I->a), I->b, R(I->c));
        if (R(I->a).is_obj(ObjType::Instance)) {
          auto* inst = R(I->a).as<InstanceObj>();
          ic.key = inst->type;
          ic.slot = inst->type->field_index.at(I->b);
        }
        DISPATCH();
      }
      L_TakeField: {
        SAVE_PC();
        make_unique(R(I->b));
        set_reg(R(I->a), take_field(*this, R(I->b), I->c));
        DISPATCH();
      }
      L_TakeLocal: {
        Value v = R(I->b);
        R(I->b) = Value::nil();
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_TupleGet: {
        Value t = R(I->b);
        if (!(t.is_obj(ObjType::Tuple) || t.is_obj(ObjType::Array)) || t.as<ArrayObj>()->items.size() <= I->c) {
          if (t.is_obj(ObjType::Instance) && t.as<InstanceObj>()->fields.size() > I->c) {
            Value v = t.as<InstanceObj>()->fields[I->c];
            retain(v);
            set_reg(R(I->a), v);
            DISPATCH();
          }
          SAVE_PC();
          panic(fmt::format("no element .{} in a value of type {}", I->c, type_name(t)));
        }
        Value v = t.as<ArrayObj>()->items[I->c];
        retain(v);
        set_reg(R(I->a), v);
        DISPATCH();
      }
      L_IsVariant: {
        Value v = R(I->b);
        auto [t, variant] = variants_[I->c];
        bool r = v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == t && v.as<EnumObj>()->variant == variant;
        set_reg(R(I->a), Value::of_bool(r));
        DISPATCH();
      }
      L_GetPayload: {
        SAVE_PC();
        Value v = R(I->b);
        auto* e = v.as<EnumObj>();
        if (I->c >= e->payload.size()) panic("pattern has more fields than the variant");
        Value p = e->payload[I->c];
        retain(p);
        set_reg(R(I->a), p);
        DISPATCH();
      }
      L_IsType: set_reg(R(I->a), Value::of_bool(value_kind(R(I->b)) == I->c)); DISPATCH();
      L_IsInstance: {
        Value v = R(I->b);
        bool r = v.is_obj(ObjType::Instance) && v.as<InstanceObj>()->type == types_[I->c].get();
        set_reg(R(I->a), Value::of_bool(r));
        DISPATCH();
      }
      L_Len: SAVE_PC(); set_reg(R(I->a), Value::integer(length_of(*this, R(I->b)))); DISPATCH();
      L_Concat: {
        SAVE_PC();
        {
          std::string s;
          for (std::uint16_t i = 0; i < I->c; ++i) {
            Value v = R(I->b + i);
            if (v.is_obj(ObjType::Str)) {
              s += str_of(v);
            } else {
              s += to_display(v);
            }
          }
          set_reg(R(I->a), make_str(std::move(s)));
        }
        DISPATCH();
      }
      L_Exists: SAVE_PC(); set_reg(R(I->a), exists(R(I->b))); DISPATCH();
      L_Propagate: {
        // Ok(v) -> v; Some(v) -> v; nil and Err(e) return from the function (or, flagged, jump by c
        // to the function's deferred work, which returns).
        Value v = R(I->b);
        if (v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == result_type_) {
          auto* e = v.as<EnumObj>();
          if (e->variant == 0) {
            Value p = e->payload.empty() ? Value::nil() : e->payload[0];
            retain(p);
            set_reg(R(I->a), p);
            DISPATCH();
          }
        } else if (!v.is_nil()) {
          retain(v);
          set_reg(R(I->a), v);
          DISPATCH();
        }
        retain(v);
        set_reg(R(I->a), v);
        if (I->flags != 0) {  // the function has deferred work: it runs before the return
          pc += static_cast<std::int16_t>(I->c);
          DISPATCH();
        }
        // return R[a]
        Value r = R(I->a);
        R(I->a).bits = 0;
        Frame f = *fr;
        release_frame_regs(base, f.proto->nregs);
        frames_.pop_back();
        if (f.entry) return r;
        set_reg(*f.ret, r);
        RELOAD();
        DISPATCH();
      }
      L_AssertFail: {
        SAVE_PC();
        std::string msg = std::string(str_of(k[I->b]));
        if (I->a != kNoReg) msg = I->flags ? msg + " " + to_repr(R(I->a)) : to_display(R(I->a)) + " (" + msg + ")";
        assertion_failed(std::move(msg));  // never returns
      }
      L_Extra: DISPATCH();
      L_AddInt:
      L_SubInt: {
        Value x = R(I->b), y = R(I->c);
        if (Value::both_int48(x, y)) {
          Value r;
          if (!(I->op == Op::AddInt ? Value::add48(x, y, r) : Value::sub48(x, y, r))) {
            std::int64_t p = x.int48(), q = y.int48();
            r = Value::integer(I->op == Op::AddInt ? p + q : p - q);  // 49 bits at most: boxed
          }
          set_reg(R(I->a), r);
          DISPATCH();
        }
        GENERIC(I->op == Op::AddInt ? Op::Add : Op::Sub);
        goto L_Add;
      }
      L_MulInt: {
        Value x = R(I->b), y = R(I->c);
        Value r;
        if (Value::both_int48(x, y) && Value::mul48(x, y, r)) {
          set_reg(R(I->a), r);
          DISPATCH();
        }
        GENERIC(Op::Mul);
        goto L_Add;
      }
      L_AddFloat:
      L_SubFloat:
      L_MulFloat: {
        Value x = R(I->b), y = R(I->c);
        if (x.is_double() && y.is_double()) {
          double p = x.dbl(), q = y.dbl();
          set_reg(R(I->a), Value::of_double(I->op == Op::AddFloat ? p + q : I->op == Op::SubFloat ? p - q : p * q));
          DISPATCH();
        }
        GENERIC(I->op == Op::AddFloat ? Op::Add : I->op == Op::SubFloat ? Op::Sub : Op::Mul);
        goto L_Add;
      }
      L_AddK:
      L_SubK: {
        Value x = R(I->b), y = k[I->c];
        bool add = I->op == Op::AddK;
        Value r;
        if (Value::both_int48(x, y) && (add ? Value::add48(x, y, r) : Value::sub48(x, y, r))) {
          set_reg(R(I->a), r);
          DISPATCH();
        }
        if (x.is_double() && y.is_double()) {
          set_reg(R(I->a), Value::of_double(add ? x.dbl() + y.dbl() : x.dbl() - y.dbl()));
          DISPATCH();
        }
        goto arith_k;
      }
      L_MulK: {
        Value x = R(I->b), y = k[I->c];
        Value r;
        if (Value::both_int48(x, y) && Value::mul48(x, y, r)) {
          set_reg(R(I->a), r);
          DISPATCH();
        }
        if (x.is_double() && y.is_double()) {
          set_reg(R(I->a), Value::of_double(x.dbl() * y.dbl()));
          DISPATCH();
        }
        goto arith_k;
      }
      L_DivK:
      L_ModK: {
        Value x = R(I->b), y = k[I->c];
        bool div = I->op == Op::DivK;
        if (Value::both_int48(x, y) && y.int48() != 0) {
          // 48-bit operands cannot overflow i64 (-2^47 / -1 needs 49 bits: integer() boxes it); C++
          // division truncates toward zero like Simple's.
          std::int64_t p = x.int48(), q = y.int48();
          set_reg(R(I->a), Value::integer(div ? p / q : p % q));
          DISPATCH();
        }
        if (div && x.is_double() && y.is_double()) {
          set_reg(R(I->a), Value::of_double(x.dbl() / y.dbl()));
          DISPATCH();
        }
        goto arith_k;
      }
      arith_k: {
        // Mixed operand types, a zero divisor or an overflow: the general rules (which may panic).
        SAVE_PC();
        Op generic = I->op == Op::AddK ? Op::Add : I->op == Op::SubK ? Op::Sub : I->op == Op::MulK ? Op::Mul
                   : I->op == Op::DivK ? Op::Div : Op::Mod;
        FEEDBACK(kSeenOther);
        set_reg(R(I->a), arith(*this, generic, R(I->b), k[I->c]));
        DISPATCH();
      }
      L_DivFloat: {
        Value x = R(I->b), y = R(I->c);
        if (x.is_double() && y.is_double()) {
          set_reg(R(I->a), Value::of_double(x.dbl() / y.dbl()));
          DISPATCH();
        }
        GENERIC(Op::Div);
        goto L_Div;
      }
    }
#pragma GCC diagnostic pop
#undef DISPATCH
#undef SAVE_PC
#undef R
#undef RELOAD
#undef FEEDBACK
#undef QUICKEN
#undef GENERIC
}

}  // namespace spl::vm
