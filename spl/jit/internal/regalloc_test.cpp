#include "spl/jit/internal/regalloc.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "spl/jit/engine.hpp"
#include "spl/jit/reader.hpp"
#include "spl/jit/verifier.hpp"
#include "spl/jit/internal/testdata.hpp"

namespace spl::jit {
namespace {

Function parse_function(const std::string& text, std::string_view name) {
  auto module = read_module(text, "t.ir");
  EXPECT_TRUE(module.ok()) << module.error().message;
  if (!module.ok()) return {};
  auto ok = verify_module(*module, "t.ir");
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  const Function* fn = module->find_function(name);
  EXPECT_NE(fn, nullptr);
  return fn == nullptr ? Function{} : *fn;
}

std::uint32_t value_named(const Function& fn, std::string_view name) {
  for (std::uint32_t v = 0; v < fn.values.size(); ++v) {
    if (fn.values[v].name == name) return v;
  }
  ADD_FAILURE() << "no value " << name;
  return 0;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges_of(const Liveness& lv, std::uint32_t v) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const LiveRange& r : lv.intervals[v].ranges) out.emplace_back(r.from, r.to);
  return out;
}

using Ranges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// The invariants every allocation keeps; returns a description of the first violation.
std::string check_allocation(const Function& fn, const Allocation& a) {
  const auto& iv = a.liveness.intervals;
  for (std::uint32_t v = 0; v < fn.values.size(); ++v) {
    const Location& l = a.locations[v];
    if (iv[v].empty()) continue;
    if (l.kind != Location::Kind::kReg && l.kind != Location::Kind::kStack) return "value " + fn.values[v].name + " has no location";
    if (!l.is_reg()) continue;
    if (l.cls == RegClass::kGp && (l.reg == reg::kRsp || l.reg == reg::kScratchGp || l.reg == reg::kScratchGp2))
      return fn.values[v].name + " in a reserved register";
    if (l.cls == RegClass::kXmm && l.reg >= reg::kScratchXmm2) return fn.values[v].name + " in a reserved xmm register";
    if (iv[v].forbidden >> l.reg & 1u) return fn.values[v].name + " in a register clobbered while it lives";
    if (iv[v].crosses_call && (l.cls == RegClass::kXmm || !(reg::kCalleeSavedGp >> l.reg & 1u)))
      return fn.values[v].name + " lives across a call in a caller-saved register";
    for (std::uint32_t w = v + 1; w < fn.values.size(); ++w) {
      const Location& m = a.locations[w];
      if (m.is_reg() && m.cls == l.cls && m.reg == l.reg && iv[w].intersects(iv[v]))
        return fn.values[v].name + " and " + fn.values[w].name + " share a register while both live";
    }
  }
  for (std::uint32_t v = 0; v < fn.values.size(); ++v) {
    for (std::uint32_t w = v + 1; w < fn.values.size(); ++w) {
      if (a.locations[v].is_stack() && a.locations[w].is_stack() && a.locations[v].slot == a.locations[w].slot) return "shared stack slot";
    }
  }
  return {};
}

TEST(Liveness, StraightLineIntervals) {
  const Function fn = parse_function(R"(
func @f(%a: i64, %b: i64) -> i64 {
entry:
  %c = add i64 %a, %b
  %d = mul i64 %c, %a
  %unused = sub i64 %d, 1
  ret %d
}
)", "f");
  const Liveness lv = compute_liveness(fn);
  EXPECT_EQ(ranges_of(lv, value_named(fn, "a")), (Ranges{{0, 4}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "b")), (Ranges{{0, 2}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "c")), (Ranges{{2, 4}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "d")), (Ranges{{4, 8}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "unused")), (Ranges{{6, 7}}));  // written, so it occupies its register there
}

TEST(Liveness, LoopValuesLiveAroundTheBackEdgeAndHoles) {
  const Function fn = parse_function(R"(
func @g(%n: i64) -> i64 {
entry:
  jmp loop(0, 0)
loop(%i: i64, %acc: i64):
  %more = cmp lt i64 %i, %n
  br %more, body, done
body:
  %acc2 = add i64 %acc, %i
  %i2 = add i64 %i, 1
  jmp loop(%i2, %acc2)
done:
  ret %acc
}
)", "g");
  const Liveness lv = compute_liveness(fn);
  EXPECT_EQ(lv.order, (std::vector<std::uint32_t>{0, 1, 2, 3}));  // the body follows its header
  EXPECT_EQ(lv.block_start, (std::vector<std::uint32_t>{0, 4, 10, 18}));
  // %n is read in the header only, but the back edge keeps it live through the whole loop.
  EXPECT_EQ(ranges_of(lv, value_named(fn, "n")), (Ranges{{0, 18}}));
  // %acc has a hole: dead in the body after its last read, live again in the exit.
  EXPECT_EQ(ranges_of(lv, value_named(fn, "acc")), (Ranges{{4, 12}, {18, 20}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "i")), (Ranges{{4, 14}}));
  EXPECT_EQ(ranges_of(lv, value_named(fn, "i2")), (Ranges{{14, 16}}));
  const Allocation a = allocate_registers(fn);
  EXPECT_EQ(check_allocation(fn, a), "");
  EXPECT_EQ(a.spilled, 0u);
  // Loop-carried values take their parameter's register: the back edge needs no moves.
  EXPECT_EQ(a.locations[value_named(fn, "i2")], a.locations[value_named(fn, "i")]);
  EXPECT_EQ(a.locations[value_named(fn, "acc2")], a.locations[value_named(fn, "acc")]);
}

TEST(RegAlloc, ValuesLiveAcrossCallsTakeCalleeSavedRegisters) {
  const Function fn = parse_function(read_testdata("fib.ir"), "fib");
  const Allocation a = allocate_registers(fn);
  EXPECT_EQ(check_allocation(fn, a), "");
  EXPECT_EQ(a.spilled, 0u);
  for (const char* name : {"n", "a"}) {
    const LiveInterval& iv = a.liveness.intervals[value_named(fn, name)];
    EXPECT_TRUE(iv.crosses_call) << name;
    const Location l = a.locations[value_named(fn, name)];
    ASSERT_TRUE(l.is_reg()) << name;
    EXPECT_TRUE(reg::kCalleeSavedGp >> l.reg & 1u) << name;
  }
  // Neither the arguments nor the results cross a call: they stay in caller-saved registers.
  EXPECT_FALSE(a.liveness.intervals[value_named(fn, "n1")].crosses_call);
  EXPECT_FALSE(a.locations[value_named(fn, "b")].is_reg() && (reg::kCalleeSavedGp >> a.locations[value_named(fn, "b")].reg & 1u));
  EXPECT_EQ(a.used_callee_saved & ~reg::kCalleeSavedGp, 0u);
  EXPECT_NE(a.used_callee_saved, 0u);
}

TEST(RegAlloc, FloatsAcrossCallsAndDivisionClobbers) {
  const Function fn = parse_function(R"(
extern @sqrt(f64) -> f64
func @h(%x: f64, %p: i64, %q: i64, %c: i64) -> f64 {
entry:
  %r = call f64 @sqrt(%x)
  %s = add f64 %r, %x
  %d = div i64 %p, %q
  %sh = shl i64 %d, %c
  %e = add i64 %sh, %p
  %f = conv i64 %e to f64
  %g = add f64 %s, %f
  ret %g
}
)", "h");
  const Allocation a = allocate_registers(fn);
  EXPECT_EQ(check_allocation(fn, a), "");
  // No xmm register survives a call in the C convention: %x lives in a stack slot.
  EXPECT_TRUE(a.locations[value_named(fn, "x")].is_stack());
  const LiveInterval& p = a.liveness.intervals[value_named(fn, "p")];
  EXPECT_EQ(p.forbidden & ((1u << reg::kRax) | (1u << reg::kRdx)), (1u << reg::kRax) | (1u << reg::kRdx));
  EXPECT_NE(a.liveness.intervals[value_named(fn, "s")].forbidden & (1u << reg::kRcx), 0u);
}

// `count` integer values all live at once (each read once more at the end).
std::string pressure_program(int count) {
  std::string text = "func @p(%base: ptr, %k: i64) -> i64 {\nentry:\n";
  for (int i = 0; i < count; ++i) {
    text += "  %q" + std::to_string(i) + " = elemptr i64 %base, " + std::to_string(i) + "\n";
    text += "  %l" + std::to_string(i) + " = load i64 %q" + std::to_string(i) + "\n";
    text += "  %v" + std::to_string(i) + " = mul i64 %l" + std::to_string(i) + ", %k\n";
  }
  text += "  %s0x = add i64 %v0, 0\n";
  for (int i = 1; i < count; ++i) {
    text += "  %s" + std::to_string(i) + " = mul i64 %s" + std::to_string(i - 1) + "x, 3\n";
    text += "  %t" + std::to_string(i) + " = add i64 %s" + std::to_string(i) + ", %v" + std::to_string(count - i) + "\n";
    text += "  %s" + std::to_string(i) + "x = xor i64 %t" + std::to_string(i) + ", %v" + std::to_string(i) + "\n";
  }
  text += "  ret %s" + std::to_string(count - 1) + "x\n}\n";
  return text;
}

TEST(RegAlloc, SpillsOnlyWhenRegistersRunOut) {
  {
    const Function fn = parse_function(pressure_program(10), "p");
    const Allocation a = allocate_registers(fn);
    EXPECT_EQ(check_allocation(fn, a), "");
    EXPECT_EQ(a.spilled, 0u);
  }
  const int count = 24;
  const std::string text = pressure_program(count);
  const Function fn = parse_function(text, "p");
  const Allocation a = allocate_registers(fn);
  EXPECT_EQ(check_allocation(fn, a), "");
  EXPECT_GT(a.spilled, 0u);
  EXPECT_LT(a.spilled, static_cast<std::uint32_t>(count));  // spilled values are the ones with the furthest reach, not all of them
  EXPECT_EQ(a.stack_slots, a.spilled);

  std::vector<std::int64_t> memory(count);
  for (int i = 0; i < count; ++i) memory[static_cast<std::size_t>(i)] = i * 1000003 - 77;
  auto model = [&](std::int64_t k) {
    std::vector<std::uint64_t> v(count);
    for (int i = 0; i < count; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(memory[static_cast<std::size_t>(i)]) * static_cast<std::uint64_t>(k);
    std::uint64_t s = v[0];
    for (int i = 1; i < count; ++i) s = ((s * 3) + v[static_cast<std::size_t>(count - i)]) ^ v[static_cast<std::size_t>(i)];
    return static_cast<std::int64_t>(s);
  };
  Engine engine;
  ASSERT_TRUE(engine.load(text, "pressure.ir").ok());
  auto code = engine.get("p");
  ASSERT_TRUE(code.ok());
  auto p = reinterpret_cast<std::int64_t (*)(std::int64_t*, std::int64_t)>(*code);
  for (std::int64_t k : {1, -3, 77, 1234567}) EXPECT_EQ(p(memory.data(), k), model(k));
}

TEST(Engine, SwapsBlockArgumentsThroughACycle) {
  Engine engine;
  ASSERT_TRUE(engine.load(R"(
func @rot(%a: i64, %b: i64, %c: i64, %n: i64) -> i64 {
entry:
  jmp loop(0, %a, %b, %c)
loop(%i: i64, %x: i64, %y: i64, %z: i64):
  %more = cmp lt i64 %i, %n
  br %more, body, done
body:
  %i2 = add i64 %i, 1
  jmp loop(%i2, %y, %z, %x)
done:
  %t = mul i64 %x, 100
  %u = mul i64 %y, 10
  %r = add i64 %t, %u
  %r2 = add i64 %r, %z
  ret %r2
}
func @swapf(%a: f64, %b: f64, %n: i64) -> f64 {
entry:
  jmp loop(0, %a, %b)
loop(%i: i64, %x: f64, %y: f64):
  %more = cmp lt i64 %i, %n
  br %more, body, done
body:
  %i2 = add i64 %i, 1
  jmp loop(%i2, %y, %x)
done:
  %t = mul f64 %x, 10.0
  %r = add f64 %t, %y
  ret %r
}
)", "swap.ir").ok());
  auto rot = reinterpret_cast<std::int64_t (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t)>(*engine.get("rot"));
  EXPECT_EQ(rot(1, 2, 3, 0), 123);
  EXPECT_EQ(rot(1, 2, 3, 1), 231);
  EXPECT_EQ(rot(1, 2, 3, 2), 312);
  EXPECT_EQ(rot(1, 2, 3, 3), 123);
  auto swapf = reinterpret_cast<double (*)(double, double, std::int64_t)>(*engine.get("swapf"));
  EXPECT_EQ(swapf(1.0, 2.0, 0), 12.0);
  EXPECT_EQ(swapf(1.0, 2.0, 1), 21.0);
  EXPECT_EQ(swapf(1.0, 2.0, 4), 12.0);
}

extern "C" double rt_regalloc_nine(double a, double, double, double, double, double, double, double, double) { return a; }

TEST(Engine, RejectsStackPassedArgumentsClearly) {
  Engine engine;
  engine.symbols().register_runtime("many", reinterpret_cast<void*>(&rt_regalloc_nine));
  auto params = engine.load(R"(
func @seven(%a: i64, %b: i64, %c: i64, %d: i64, %e: i64, %f: i64, %g: i64) -> i64 {
entry:
  ret %g
}
)", "seven.ir");
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(params.error().message.find("more than 6 integer or 8 float parameters"), std::string::npos) << params.error().message;
  auto calls = engine.load(R"(
extern @many(f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
func @caller(%x: f64) -> f64 {
entry:
  %r = call f64 @many(%x, %x, %x, %x, %x, %x, %x, %x, %x)
  ret %r
}
)", "many.ir");
  ASSERT_FALSE(calls.ok());
  EXPECT_EQ(calls.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(calls.error().message.find("more than 6 integer or 8 float arguments"), std::string::npos) << calls.error().message;
}

// Parallel moves: executing the sequence on a model machine gives every destination the value
// its source held before any move.
RC_GTEST_PROP(ParallelMoves, SequenceMatchesSimultaneousAssignment, ()) {
  const int count = *rc::gen::inRange(0, 12);
  auto location = [](int code) {
    // Codes 0..7: general registers, 8..11: xmm registers, 12..15: stack slots.
    if (code < 8) return Location::in_reg(RegClass::kGp, static_cast<std::uint8_t>(code));
    if (code < 12) return Location::in_reg(RegClass::kXmm, static_cast<std::uint8_t>(code - 8));
    return Location::on_stack(code < 14 ? RegClass::kGp : RegClass::kXmm, static_cast<std::uint32_t>(code - 12));
  };
  auto same_class = [](int a, int b) {
    auto cls = [](int c) { return c < 8 || c == 12 || c == 13 ? 0 : 1; };
    return cls(a) == cls(b);
  };
  std::vector<Move> moves;
  std::vector<bool> written(16, false);
  for (int i = 0; i < count; ++i) {
    const int dst = *rc::gen::inRange(0, 16);
    if (written[static_cast<std::size_t>(dst)]) continue;  // a destination is written once
    written[static_cast<std::size_t>(dst)] = true;
    Location src;
    if (*rc::gen::inRange(0, 5) == 0) {
      src = Location::immediate(location(dst).cls, *rc::gen::inRange<std::int64_t>(1000, 2000));
    } else {
      int s = *rc::gen::inRange(0, 16);
      while (!same_class(s, dst)) s = (s + 1) % 16;
      src = location(s);
    }
    moves.push_back(Move{location(dst), src});
  }
  auto key = [](const Location& l) {
    return std::tuple(static_cast<int>(l.kind), static_cast<int>(l.cls), static_cast<int>(l.reg), l.slot);
  };
  std::map<std::tuple<int, int, int, std::uint32_t>, std::int64_t> state;
  auto read = [&](const Location& l) -> std::int64_t {
    if (l.kind == Location::Kind::kImm) return l.imm;
    auto it = state.find(key(l));
    return it == state.end() ? static_cast<std::int64_t>(std::get<0>(key(l)) * 100000 + std::get<1>(key(l)) * 1000 + std::get<2>(key(l)) * 10 + std::get<3>(key(l)))
                             : it->second;
  };
  std::vector<std::int64_t> expected;
  for (const Move& m : moves) expected.push_back(read(m.src));
  for (const Move& m : sequence_moves(moves)) {
    RC_ASSERT(m.dst.kind != Location::Kind::kImm);
    RC_ASSERT(m.dst.cls == m.src.cls);
    state[key(m.dst)] = read(m.src);
  }
  for (std::size_t i = 0; i < moves.size(); ++i) RC_ASSERT(read(moves[i].dst) == expected[i]);
}

// Random well-typed programs (straight-line arithmetic with many live values, loops with block
// arguments, calls into C, floats) run by the JIT and by a plain IR interpreter: same result.
extern "C" std::int64_t rt_regalloc_mix(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * 31 + static_cast<std::uint64_t>(b ^ 7));
}

class Interpreter {
 public:
  explicit Interpreter(const Function& fn) : fn_(fn), vals_(fn.values.size(), 0) {}

  std::uint64_t run(std::span<const std::uint64_t> args) {
    std::uint32_t block = 0;
    std::vector<std::uint64_t> incoming(args.begin(), args.end());
    while (true) {
      const Block& b = fn_.blocks[block];
      for (std::size_t i = 0; i < b.params.size(); ++i) vals_[b.params[i]] = incoming[i];
      for (const Instr& in : b.instrs) {
        const BranchTarget* next = nullptr;
        switch (in.op) {
          case Opcode::kRet: return in.args.empty() ? 0 : get(in.args[0], fn_.ret);
          case Opcode::kJmp: next = &in.targets[0]; break;
          case Opcode::kBr: next = &in.targets[get(in.args[0], Type::of(TypeKind::kI1)) & 1 ? 0 : 1]; break;
          default: vals_[in.result] = eval(in); break;
        }
        if (next != nullptr) {
          incoming.clear();
          const Block& target = fn_.blocks[next->block];
          for (std::size_t i = 0; i < next->args.size(); ++i) incoming.push_back(get(next->args[i], fn_.values[target.params[i]].type));
          block = next->block;
          break;
        }
      }
    }
  }

 private:
  static double as_f64(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  static std::uint64_t bits_of(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof d);
    return bits;
  }

  std::uint64_t get(const Operand& op, Type t) const {
    if (op.is_value()) return vals_[op.value];
    if (t.is_float()) return bits_of(op.kind == Operand::Kind::kFloat ? op.float_imm : static_cast<double>(op.int_imm));
    return static_cast<std::uint64_t>(op.int_imm);
  }

  // i64 <-> f64 like cvtsi2sd / cvttsd2si (NaN and out-of-range values become INT64_MIN).
  static std::uint64_t convert(std::uint64_t x, Type to) {
    if (to.is_float()) return bits_of(static_cast<double>(static_cast<std::int64_t>(x)));
    const double d = as_f64(x);
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::uint64_t{1} << 63;
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
  }

  std::uint64_t eval(const Instr& in) const {
    const Type t = in.type;
    if (is_binary(in.op) && t.is_float()) {
      const double x = as_f64(get(in.args[0], t)), y = as_f64(get(in.args[1], t));
      switch (in.op) {
        case Opcode::kAdd: return bits_of(x + y);
        case Opcode::kSub: return bits_of(x - y);
        case Opcode::kMul: return bits_of(x * y);
        default: return bits_of(x / y);
      }
    }
    if (is_binary(in.op)) {
      const std::uint64_t x = get(in.args[0], t), y = get(in.args[1], t);
      const auto sx = static_cast<std::int64_t>(x), sy = static_cast<std::int64_t>(y);
      switch (in.op) {
        case Opcode::kAdd: return x + y;
        case Opcode::kSub: return x - y;
        case Opcode::kMul: return x * y;
        case Opcode::kDiv: return static_cast<std::uint64_t>(sx / sy);
        case Opcode::kRem: return static_cast<std::uint64_t>(sx % sy);
        case Opcode::kUDiv: return x / y;
        case Opcode::kURem: return x % y;
        case Opcode::kAnd: return x & y;
        case Opcode::kOr: return x | y;
        case Opcode::kXor: return x ^ y;
        case Opcode::kShl: return x << (y & 63);
        case Opcode::kShr: return x >> (y & 63);
        default: return static_cast<std::uint64_t>(sx >> (y & 63));
      }
    }
    switch (in.op) {
      case Opcode::kCmp: {
        const auto x = static_cast<std::int64_t>(get(in.args[0], t)), y = static_cast<std::int64_t>(get(in.args[1], t));
        const auto ux = static_cast<std::uint64_t>(x), uy = static_cast<std::uint64_t>(y);
        switch (in.pred) {
          case Pred::kEq: return x == y;
          case Pred::kNe: return x != y;
          case Pred::kLt: return x < y;
          case Pred::kLe: return x <= y;
          case Pred::kGt: return x > y;
          case Pred::kGe: return x >= y;
          case Pred::kUlt: return ux < uy;
          case Pred::kUle: return ux <= uy;
          case Pred::kUgt: return ux > uy;
          case Pred::kUge: return ux >= uy;
        }
        return 0;
      }
      case Opcode::kSelect: return get(in.args[0], Type::of(TypeKind::kI1)) & 1 ? get(in.args[1], t) : get(in.args[2], t);
      case Opcode::kConv: return convert(get(in.args[0], in.from), t);
      case Opcode::kCall: return static_cast<std::uint64_t>(rt_regalloc_mix(static_cast<std::int64_t>(get(in.args[0], t)), static_cast<std::int64_t>(get(in.args[1], t))));
      default: return 0;
    }
  }

  const Function& fn_;
  std::vector<std::uint64_t> vals_;
};

// Builds a random program in the text form.
class ProgramGen {
 public:
  std::string generate() {
    text_ = "extern @rt_regalloc_mix(i64, i64) -> i64\nfunc @f(%p0: i64, %p1: i64, %p2: i64, %x0: f64) -> i64 {\nentry:\n";
    ints_ = {"%p0", "%p1", "%p2"};
    floats_ = {"%x0"};
    const int segments = *rc::gen::inRange(1, 4);
    for (int s = 0; s < segments; ++s) {
      straight_line(*rc::gen::inRange(2, 14));
      if (*rc::gen::inRange(0, 3) != 0) loop();
    }
    // Every integer value is read here, so all of them are live until the end.
    std::string acc = ints_[0];
    for (std::size_t i = 1; i < ints_.size(); ++i) {
      const std::string next = fresh();
      line(next + " = " + (i % 2 ? "add" : "xor") + " i64 " + acc + ", " + ints_[i]);
      acc = next;
    }
    const std::string f = fresh();
    line(f + " = conv f64 " + floats_.back() + " to i64");
    const std::string r = fresh();
    line(r + " = add i64 " + acc + ", " + f);
    line("ret " + r);
    text_ += "}\n";
    return text_;
  }

 private:
  std::string fresh() { return "%v" + std::to_string(next_++); }
  void line(const std::string& s) { text_ += "  " + s + "\n"; }
  std::string pick_int() { return ints_[static_cast<std::size_t>(*rc::gen::inRange<int>(0, static_cast<int>(ints_.size())))]; }
  std::string pick_float() { return floats_[static_cast<std::size_t>(*rc::gen::inRange<int>(0, static_cast<int>(floats_.size())))]; }
  std::string int_operand() { return *rc::gen::inRange(0, 4) == 0 ? std::to_string(*rc::gen::inRange<std::int64_t>(-50, 50)) : pick_int(); }

  void straight_line(int steps) {
    static const char* kOps[] = {"add", "sub", "mul", "and", "or", "xor"};
    for (int i = 0; i < steps; ++i) {
      const std::string r = fresh();
      switch (*rc::gen::inRange(0, 9)) {
        case 0:
        case 1:
        case 2: line(r + " = " + kOps[*rc::gen::inRange(0, 6)] + " i64 " + pick_int() + ", " + int_operand()); break;
        case 3: {
          static const char* kShifts[] = {"shl", "shr", "sar"};
          const char* op = kShifts[*rc::gen::inRange(0, 3)];
          if (*rc::gen::inRange(0, 2) == 0) {
            line(r + " = " + op + " i64 " + pick_int() + ", " + std::to_string(*rc::gen::inRange(0, 64)));
          } else {
            const std::string c = fresh();
            line(c + " = and i64 " + pick_int() + ", 63");
            line(r + " = " + op + " i64 " + pick_int() + ", " + c);
          }
          break;
        }
        case 4: {
          static const char* kDivs[] = {"div", "rem", "udiv", "urem"};
          const std::string m = fresh(), d = fresh();
          line(m + " = and i64 " + pick_int() + ", 255");
          line(d + " = or i64 " + m + ", 1");  // 1..255: never a trap
          line(r + " = " + kDivs[*rc::gen::inRange(0, 4)] + " i64 " + pick_int() + ", " + d);
          break;
        }
        case 5: {
          static const char* kPreds[] = {"eq", "ne", "lt", "le", "gt", "ge", "ult", "ule", "ugt", "uge"};
          const std::string c = fresh();
          line(c + " = cmp " + kPreds[*rc::gen::inRange(0, 10)] + " i64 " + pick_int() + ", " + int_operand());
          line(r + " = select i64 " + c + ", " + pick_int() + ", " + int_operand());
          break;
        }
        case 6: line(r + " = call i64 @rt_regalloc_mix(" + pick_int() + ", " + int_operand() + ")"); break;
        case 7: {
          static const char* kFops[] = {"add", "sub", "mul"};
          const std::string m = fresh(), c = fresh();
          line(m + " = and i64 " + pick_int() + ", 65535");
          line(c + " = conv i64 " + m + " to f64");
          line(r + " = " + kFops[*rc::gen::inRange(0, 3)] + " f64 " + pick_float() + ", " + c);
          floats_.push_back(r);
          continue;
        }
        default: {
          line(r + " = conv f64 " + pick_float() + " to i64");
          break;
        }
      }
      ints_.push_back(r);
    }
  }

  void loop() {
    const std::string header = "l" + std::to_string(blocks_++), body = "b" + std::to_string(blocks_++), exit = "x" + std::to_string(blocks_++);
    const int carried = *rc::gen::inRange(1, 5);
    std::vector<std::string> init, params;
    for (int k = 0; k < carried; ++k) init.push_back(pick_int());
    std::string args = "0";
    for (const auto& v : init) args += ", " + v;
    line("jmp " + header + "(" + args + ")");
    const std::string i = fresh();
    std::string sig = i + ": i64";
    for (int k = 0; k < carried; ++k) {
      params.push_back(fresh());
      sig += ", " + params.back() + ": i64";
    }
    text_ += header + "(" + sig + "):\n";
    const std::string more = fresh();
    line(more + " = cmp lt i64 " + i + ", " + std::to_string(*rc::gen::inRange(0, 5)));
    line("br " + more + ", " + body + ", " + exit);
    text_ += body + ":\n";
    const auto outer_ints = ints_;
    const auto outer_floats = floats_;
    for (const auto& p : params) ints_.push_back(p);
    straight_line(*rc::gen::inRange(1, 8));
    const std::string i2 = fresh();
    line(i2 + " = add i64 " + i + ", 1");
    // New values for the parameters, often a permutation of the old ones (parallel-move cycles).
    std::string back = i2;
    for (int k = 0; k < carried; ++k) {
      back += ", " + (*rc::gen::inRange(0, 2) == 0 ? params[static_cast<std::size_t>((k + 1) % carried)] : pick_int());
    }
    line("jmp " + header + "(" + back + ")");
    text_ += exit + ":\n";
    ints_ = outer_ints;
    floats_ = outer_floats;
    for (const auto& p : params) ints_.push_back(p);
    ints_.push_back(i);
  }

  std::string text_;
  std::vector<std::string> ints_, floats_;
  int next_ = 0;
  int blocks_ = 0;
};

RC_GTEST_PROP(RegAlloc, RandomProgramsMatchTheInterpreter, ()) {
  const std::string text = ProgramGen().generate();
  auto module = read_module(text, "random.ir");
  RC_ASSERT(module.ok());
  RC_ASSERT(verify_module(*module, "random.ir").ok());
  const Function& fn = *module->find_function("f");
  const Allocation allocation = allocate_registers(fn);
  const std::string problem = check_allocation(fn, allocation);
  if (!problem.empty()) RC_FAIL(problem + "\n" + text);

  const auto p0 = *rc::gen::arbitrary<std::int64_t>();
  const auto p1 = *rc::gen::inRange<std::int64_t>(-1000, 1000);
  const auto p2 = *rc::gen::arbitrary<std::int64_t>();
  const double x0 = *rc::gen::inRange(-100000, 100000) / 8.0;
  std::uint64_t x0_bits = 0;
  std::memcpy(&x0_bits, &x0, sizeof x0_bits);
  const std::uint64_t args[] = {static_cast<std::uint64_t>(p0), static_cast<std::uint64_t>(p1), static_cast<std::uint64_t>(p2), x0_bits};
  const auto expected = static_cast<std::int64_t>(Interpreter(fn).run(args));

  Engine engine;
  engine.symbols().register_runtime("rt_regalloc_mix", reinterpret_cast<void*>(&rt_regalloc_mix));
  auto loaded = engine.load(text, "random.ir");
  if (!loaded.ok()) RC_FAIL(loaded.error().message);
  auto f = reinterpret_cast<std::int64_t (*)(std::int64_t, std::int64_t, std::int64_t, double)>(*engine.get("f"));
  const std::int64_t got = f(p0, p1, p2, x0);
  if (got != expected) RC_FAIL("jit " + std::to_string(got) + " != interpreter " + std::to_string(expected) + "\n" + text);
}

}  // namespace
}  // namespace spl::jit
