#pragma once
// Liveness, live intervals and linear-scan register allocation for the x86-64 baseline tier,
// plus the sequencing of parallel moves (block arguments, call arguments, incoming parameters).
//
// Positions: blocks are laid out in reverse post-order; each block gets an even position for its
// start (where its parameters are defined), then each instruction the next even position. An
// interval is a sorted list of half-open ranges [from, to): a value used by the instruction at p
// ends at p and a value defined at p starts at p, so an instruction's result may take the
// register of an operand it reads last. A value is live across p when it is live just before
// and just after p; across a call it needs a callee-saved register (or a stack slot).

#include <cstdint>
#include <span>
#include <vector>

#include "spl/jit/ir.hpp"

namespace spl::jit {

enum class RegClass : std::uint8_t { kGp, kXmm };

// Physical register numbers follow the hardware encoding (rax 0, rcx 1, rdx 2, rbx 3, rsp 4,
// rbp 5, rsi 6, rdi 7, r8..r15 8..15; xmm0..xmm15 0..15).
namespace reg {
inline constexpr std::uint8_t kRax = 0, kRcx = 1, kRdx = 2, kRbx = 3, kRsp = 4, kRbp = 5, kRsi = 6, kRdi = 7;
inline constexpr std::uint8_t kR8 = 8, kR9 = 9, kR10 = 10, kR11 = 11, kR12 = 12, kR13 = 13, kR14 = 14, kR15 = 15;
// Never allocated: free for the emitter within one instruction and for breaking move cycles.
inline constexpr std::uint8_t kScratchGp = kR11, kScratchGp2 = kR10, kScratchXmm = 15, kScratchXmm2 = 14;
inline constexpr std::uint32_t kCalleeSavedGp = (1u << kRbx) | (1u << kRbp) | (1u << kR12) | (1u << kR13) | (1u << kR14) | (1u << kR15);
inline constexpr std::uint8_t kIntArgs[6] = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};
inline constexpr int kFloatArgs = 8;
}  // namespace reg

RegClass reg_class(Type t);

struct LiveRange {
  std::uint32_t from = 0;
  std::uint32_t to = 0;  // exclusive
};

struct LiveInterval {
  std::uint32_t value = kNoValue;
  RegClass cls = RegClass::kGp;
  std::vector<LiveRange> ranges;     // sorted by position, disjoint, not adjacent
  std::uint32_t forbidden = 0;       // registers this value may not take (clobbered while it lives)
  bool crosses_call = false;
  std::int8_t hint_reg = -1;         // a register that would save a move (ABI argument/result)
  std::vector<std::uint32_t> hint_values;  // values whose register would save a move (block arguments)

  bool empty() const { return ranges.empty(); }
  std::uint32_t start() const { return ranges.front().from; }
  std::uint32_t end() const { return ranges.back().to; }
  bool covers(std::uint32_t pos) const;
  bool intersects(const LiveInterval& other) const;
};

struct Liveness {
  std::vector<std::uint32_t> order;        // block ids in layout order (reverse post-order)
  std::vector<std::uint32_t> block_start;  // by block id: the position of its start
  std::vector<LiveInterval> intervals;     // by value id; empty for values without a register
  bool has_calls = false;                 // some instruction is a call (the frame must align rsp)
  // The position of instruction `index` of block `block`.
  std::uint32_t position(std::uint32_t block, std::size_t index) const { return block_start[block] + 2 * (static_cast<std::uint32_t>(index) + 1); }
};

// Values in `folded` get no register: the lowering folds them into their users (an elemptr
// into an address, a cmp into a branch), so their operands are read where they are used.
// `fn` must be verified and concrete.
Liveness compute_liveness(const Function& fn, std::span<const bool> folded = {});

struct Location {
  enum class Kind : std::uint8_t { kNone, kReg, kStack, kImm };
  Kind kind = Kind::kNone;
  RegClass cls = RegClass::kGp;
  std::uint8_t reg = 0;
  std::uint32_t slot = 0;  // 8-byte stack slot index
  std::int64_t imm = 0;    // integer, or the bit pattern of a float in its class

  static Location in_reg(RegClass c, std::uint8_t r) { return Location{Kind::kReg, c, r, 0, 0}; }
  static Location on_stack(RegClass c, std::uint32_t s) { return Location{Kind::kStack, c, 0, s, 0}; }
  static Location immediate(RegClass c, std::int64_t bits) { return Location{Kind::kImm, c, 0, 0, bits}; }
  bool is_reg() const { return kind == Kind::kReg; }
  bool is_stack() const { return kind == Kind::kStack; }
  friend bool operator==(const Location& a, const Location& b) {
    if (a.kind != b.kind || a.cls != b.cls) return false;
    switch (a.kind) {
      case Kind::kReg: return a.reg == b.reg;
      case Kind::kStack: return a.slot == b.slot;
      case Kind::kImm: return a.imm == b.imm;
      case Kind::kNone: return true;
    }
    return true;
  }
};

struct Allocation {
  Liveness liveness;
  std::vector<Location> locations;    // by value id
  std::uint32_t stack_slots = 0;
  std::uint32_t used_callee_saved = 0;  // bit mask of callee-saved GPRs holding some value
  std::uint32_t spilled = 0;            // values living in stack slots
};

// Linear scan (Poletto-Sarkar with lifetime holes): intervals in order of start; a register is
// free for an interval when no active interval holds it and no inactive one (in a hole) on it
// intersects. When none is free, the interval (this one or an active one) reaching furthest is
// spilled to its own 8-byte slot for its whole life.
Allocation allocate_registers(const Function& fn, std::span<const bool> folded = {});

struct Move {
  Location dst;  // a register or stack slot
  Location src;  // a register, stack slot or immediate
};

// Orders a parallel move (all sources read before any destination is written) into sequential
// moves. Cycles are broken through reg::kScratchGp / reg::kScratchXmm; moves between two stack
// slots are left for the emitter (which goes through reg::kScratchGp2 / reg::kScratchXmm2).
std::vector<Move> sequence_moves(std::vector<Move> moves);

}  // namespace spl::jit
