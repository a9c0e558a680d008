#include "spl/jit/internal/regalloc.hpp"

#include <algorithm>

namespace spl::jit {

namespace {

// A set of value ids.
class ValueSet {
 public:
  explicit ValueSet(std::size_t n = 0) : words_((n + 63) / 64, 0) {}
  bool contains(std::uint32_t v) const { return (words_[v / 64] >> (v % 64)) & 1u; }
  void add(std::uint32_t v) { words_[v / 64] |= std::uint64_t{1} << (v % 64); }
  void remove(std::uint32_t v) { words_[v / 64] &= ~(std::uint64_t{1} << (v % 64)); }
  // Adds `other` and returns whether anything was new.
  bool merge(const ValueSet& other) {
    bool changed = false;
    for (std::size_t i = 0; i < words_.size(); ++i) {
      const std::uint64_t before = words_[i];
      words_[i] |= other.words_[i];
      changed |= words_[i] != before;
    }
    return changed;
  }
  // this |= gen | (out - kill); returns whether anything was new.
  bool merge_transfer(const ValueSet& gen, const ValueSet& out, const ValueSet& kill) {
    bool changed = false;
    for (std::size_t i = 0; i < words_.size(); ++i) {
      const std::uint64_t before = words_[i];
      words_[i] |= gen.words_[i] | (out.words_[i] & ~kill.words_[i]);
      changed |= words_[i] != before;
    }
    return changed;
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < words_.size(); ++i) {
      for (std::uint64_t w = words_[i]; w != 0; w &= w - 1) fn(static_cast<std::uint32_t>(i * 64 + static_cast<unsigned>(__builtin_ctzll(w))));
    }
  }

 private:
  std::vector<std::uint64_t> words_;
};

struct Successors {
  std::uint32_t block[2] = {0, 0};
  std::uint32_t count = 0;
  const std::uint32_t* begin() const { return block; }
  const std::uint32_t* end() const { return block + count; }
};

Successors successors(const Block& block) {
  const Instr& term = block.instrs.back();
  if (term.op == Opcode::kJmp) return Successors{{term.targets[0].block, 0}, 1};
  if (term.op == Opcode::kBr) return Successors{{term.targets[0].block, term.targets[1].block}, 2};
  return {};
}

// Reverse post-order; the taken side of a branch is visited last so that it is laid out right
// after the branch (a loop's body follows its header, its exit comes after the body).
std::vector<std::uint32_t> reverse_post_order(const Function& fn) {
  std::vector<std::uint32_t> post;
  std::vector<std::uint8_t> state(fn.blocks.size(), 0);
  struct Frame {
    std::uint32_t block;
    Successors next;
  };
  std::vector<Frame> stack;
  auto push = [&](std::uint32_t b) {
    state[b] = 1;
    stack.push_back(Frame{b, successors(fn.blocks[b])});
  };
  push(0);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next.count == 0) {
      post.push_back(top.block);
      stack.pop_back();
      continue;
    }
    const std::uint32_t s = top.next.block[--top.next.count];
    if (state[s] == 0) push(s);
  }
  std::reverse(post.begin(), post.end());
  return post;
}

bool is_clobbered_div(const Instr& in) {
  return in.op == Opcode::kDiv || in.op == Opcode::kRem || in.op == Opcode::kUDiv || in.op == Opcode::kURem;
}
bool is_variable_shift(const Instr& in) {
  return (in.op == Opcode::kShl || in.op == Opcode::kShr || in.op == Opcode::kSar) && in.args[1].is_value();
}

}  // namespace

RegClass reg_class(Type t) { return t.is_float() ? RegClass::kXmm : RegClass::kGp; }

bool LiveInterval::covers(std::uint32_t pos) const {
  for (const LiveRange& r : ranges) {
    if (pos < r.from) return false;
    if (pos < r.to) return true;
  }
  return false;
}

bool LiveInterval::intersects(const LiveInterval& other) const {
  std::size_t i = 0, j = 0;
  while (i < ranges.size() && j < other.ranges.size()) {
    const LiveRange& a = ranges[i];
    const LiveRange& b = other.ranges[j];
    if (a.from < b.to && b.from < a.to) return true;
    if (a.to <= b.to) ++i;
    else ++j;
  }
  return false;
}

Liveness compute_liveness(const Function& fn, std::span<const bool> folded) {
  const std::size_t nv = fn.values.size();
  const std::size_t nb = fn.blocks.size();
  auto is_folded = [&](std::uint32_t v) { return v < folded.size() && folded[v]; };
  std::vector<const Instr*> defs(nv, nullptr);
  for (const auto& block : fn.blocks) {
    for (const auto& in : block.instrs) {
      if (in.result != kNoValue) defs[in.result] = &in;
    }
  }
  // The values an instruction reads; a folded value stands for the operands of its definition.
  auto for_each_read = [&](const Instr& in, auto&& visit) {
    auto read = [&](const Operand& op, auto&& self) -> void {
      if (!op.is_value()) return;
      if (is_folded(op.value) && defs[op.value] != nullptr) {
        for (const Operand& inner : defs[op.value]->args) self(inner, self);
        return;
      }
      visit(op.value);
    };
    for (const Operand& op : in.args) read(op, read);
    for (const BranchTarget& t : in.targets) {
      for (const Operand& op : t.args) read(op, read);
    }
  };

  Liveness out;
  out.order = reverse_post_order(fn);
  out.block_start.assign(nb, 0);
  std::uint32_t pos = 0;
  for (std::uint32_t b : out.order) {
    out.block_start[b] = pos;
    pos += 2 * (static_cast<std::uint32_t>(fn.blocks[b].instrs.size()) + 1);
  }

  // Backward dataflow to a fixed point: live_in = (live_out - defs - params) + upward uses.
  std::vector<ValueSet> gen(nb, ValueSet(nv)), kill(nb, ValueSet(nv)), live_in(nb, ValueSet(nv)), live_out(nb, ValueSet(nv));
  for (std::uint32_t b = 0; b < nb; ++b) {
    const Block& block = fn.blocks[b];
    for (std::uint32_t p : block.params) kill[b].add(p);
    for (const auto& in : block.instrs) {
      for_each_read(in, [&](std::uint32_t v) {
        if (!kill[b].contains(v)) gen[b].add(v);
      });
      if (in.result != kNoValue) kill[b].add(in.result);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = out.order.rbegin(); it != out.order.rend(); ++it) {
      const std::uint32_t b = *it;
      for (std::uint32_t s : successors(fn.blocks[b])) live_out[b].merge(live_in[s]);
      changed |= live_in[b].merge_transfer(gen[b], live_out[b], kill[b]);
    }
  }

  out.intervals.resize(nv);
  for (std::uint32_t v = 0; v < nv; ++v) {
    out.intervals[v].value = v;
    out.intervals[v].cls = reg_class(fn.values[v].type);
  }
  auto add_range = [&](std::uint32_t v, std::uint32_t from, std::uint32_t to) {
    if (from < to) out.intervals[v].ranges.push_back(LiveRange{from, to});
  };
  std::vector<std::uint32_t> live_until(nv, 0);
  for (std::uint32_t b = 0; b < nb; ++b) {
    const Block& block = fn.blocks[b];
    const std::uint32_t start = out.block_start[b];
    const std::uint32_t end = start + 2 * (static_cast<std::uint32_t>(block.instrs.size()) + 1);
    ValueSet live = live_out[b];
    live.for_each([&](std::uint32_t v) { live_until[v] = end; });
    for (std::size_t k = block.instrs.size(); k-- > 0;) {
      const Instr& in = block.instrs[k];
      const std::uint32_t p = out.position(b, k);
      if (in.result != kNoValue && !is_folded(in.result)) {
        if (live.contains(in.result)) {
          add_range(in.result, p, live_until[in.result]);
          live.remove(in.result);
        } else {
          add_range(in.result, p, p + 1);  // unused, but written here: it must not share a live register
        }
      }
      // What is still live was live before this instruction and is needed after it.
      if (in.op == Opcode::kCall) {
        out.has_calls = true;
        live.for_each([&](std::uint32_t v) { out.intervals[v].crosses_call = true; });
      }
      if (is_clobbered_div(in)) live.for_each([&](std::uint32_t v) { out.intervals[v].forbidden |= (1u << reg::kRax) | (1u << reg::kRdx); });
      if (is_variable_shift(in)) live.for_each([&](std::uint32_t v) { out.intervals[v].forbidden |= 1u << reg::kRcx; });
      if (is_folded(in.result)) continue;
      for_each_read(in, [&](std::uint32_t v) {
        if (live.contains(v)) return;
        live.add(v);
        live_until[v] = p;
      });
    }
    for (std::uint32_t param : block.params) {
      if (!live.contains(param)) continue;
      add_range(param, start, live_until[param]);
      live.remove(param);
    }
    live.for_each([&](std::uint32_t v) { add_range(v, start, live_until[v]); });
  }
  for (auto& interval : out.intervals) {
    auto& r = interval.ranges;
    std::sort(r.begin(), r.end(), [](const LiveRange& a, const LiveRange& b) { return a.from < b.from; });
    std::size_t w = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (w > 0 && r[i].from <= r[w - 1].to) r[w - 1].to = std::max(r[w - 1].to, r[i].to);
      else r[w++] = r[i];
    }
    r.resize(w);
  }

  // Hints: ABI registers for parameters, call arguments and results, returned values; the
  // other side of a block argument.
  auto hint = [&](std::uint32_t v, std::uint8_t r) {
    if (v < nv && out.intervals[v].hint_reg < 0) out.intervals[v].hint_reg = static_cast<std::int8_t>(r);
  };
  auto abi_reg = [&](std::span<const Type> types, std::size_t index) -> int {
    int ints = 0, floats = 0;
    for (std::size_t i = 0; i < index; ++i) (types[i].is_float() ? floats : ints)++;
    if (types[index].is_float()) return floats < reg::kFloatArgs ? floats : -1;
    return ints < 6 ? reg::kIntArgs[ints] : -1;
  };
  std::vector<Type> types;
  for (std::uint32_t p : fn.blocks[0].params) types.push_back(fn.values[p].type);
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (int r = abi_reg(types, i); r >= 0) hint(fn.blocks[0].params[i], static_cast<std::uint8_t>(r));
  }
  for (const auto& block : fn.blocks) {
    for (const auto& in : block.instrs) {
      if (in.op == Opcode::kCall) {
        if (in.result != kNoValue) hint(in.result, 0);
        types.clear();
        for (const Operand& a : in.args) {
          types.push_back(a.is_value() ? fn.values[a.value].type : Type::of(a.kind == Operand::Kind::kFloat ? TypeKind::kF64 : TypeKind::kI64));
        }
        for (std::size_t i = 0; i < in.args.size(); ++i) {
          if (!in.args[i].is_value()) continue;
          if (int r = abi_reg(types, i); r >= 0) hint(in.args[i].value, static_cast<std::uint8_t>(r));
        }
      }
      if (in.op == Opcode::kRet && !in.args.empty() && in.args[0].is_value()) hint(in.args[0].value, 0);
      const std::size_t edges = in.op == Opcode::kJmp ? 1 : in.op == Opcode::kBr ? 2 : 0;
      for (std::size_t e = 0; e < edges; ++e) {
        const BranchTarget& t = in.targets[e];
        const Block& target = fn.blocks[t.block];
        for (std::size_t j = 0; j < t.args.size(); ++j) {
          if (!t.args[j].is_value()) continue;
          out.intervals[t.args[j].value].hint_values.push_back(target.params[j]);
          out.intervals[target.params[j]].hint_values.push_back(t.args[j].value);
        }
      }
    }
  }
  return out;
}

Allocation allocate_registers(const Function& fn, std::span<const bool> folded) {
  Allocation out;
  out.liveness = compute_liveness(fn, folded);
  auto& intervals = out.liveness.intervals;
  out.locations.assign(fn.values.size(), Location{});
  std::vector<std::uint32_t> unhandled;
  for (const auto& interval : intervals) {
    if (!interval.empty()) unhandled.push_back(interval.value);
  }
  std::sort(unhandled.begin(), unhandled.end(), [&](std::uint32_t a, std::uint32_t b) {
    return intervals[a].start() != intervals[b].start() ? intervals[a].start() < intervals[b].start() : a < b;
  });

  // Caller-saved first (no save/restore), then callee-saved; values live across a call take
  // callee-saved registers only (the C convention has no callee-saved xmm registers).
  static constexpr std::uint8_t kGpOrder[] = {reg::kRax, reg::kRcx, reg::kRdx, reg::kRsi, reg::kRdi, reg::kR8,  reg::kR9,
                                              reg::kRbx, reg::kR12, reg::kR13, reg::kR14, reg::kR15, reg::kRbp};
  static constexpr std::uint32_t kAllocatableXmm = (1u << 14) - 1;  // xmm0..xmm13
  std::uint32_t allocatable_gp = 0;
  for (std::uint8_t r : kGpOrder) allocatable_gp |= 1u << r;

  std::vector<std::uint32_t> active, inactive, still_active, still_inactive;
  auto spill = [&](std::uint32_t v) {
    out.locations[v] = Location::on_stack(intervals[v].cls, out.stack_slots++);
    ++out.spilled;
  };
  for (std::uint32_t v : unhandled) {
    const LiveInterval& cur = intervals[v];
    const std::uint32_t pos = cur.start();
    still_active.clear();
    still_inactive.clear();
    for (std::uint32_t a : active) {
      if (intervals[a].end() <= pos) continue;
      (intervals[a].covers(pos) ? still_active : still_inactive).push_back(a);
    }
    for (std::uint32_t a : inactive) {
      if (intervals[a].end() <= pos) continue;
      (intervals[a].covers(pos) ? still_active : still_inactive).push_back(a);
    }
    active.swap(still_active);
    inactive.swap(still_inactive);

    std::uint32_t allowed = cur.cls == RegClass::kGp ? allocatable_gp : kAllocatableXmm;
    allowed &= ~cur.forbidden;
    if (cur.crosses_call) allowed &= cur.cls == RegClass::kGp ? reg::kCalleeSavedGp : 0u;
    std::uint32_t free = allowed;
    std::uint32_t blocked_by_inactive = 0;
    for (std::uint32_t a : active) {
      if (intervals[a].cls == cur.cls) free &= ~(1u << out.locations[a].reg);
    }
    for (std::uint32_t a : inactive) {
      if (intervals[a].cls == cur.cls && intervals[a].intersects(cur)) {
        free &= ~(1u << out.locations[a].reg);
        blocked_by_inactive |= 1u << out.locations[a].reg;
      }
    }
    int chosen = -1;
    for (std::uint32_t h : cur.hint_values) {
      const Location& l = out.locations[h];
      if (l.is_reg() && l.cls == cur.cls && (free >> l.reg & 1u)) {
        chosen = l.reg;
        break;
      }
    }
    if (chosen < 0 && cur.hint_reg >= 0 && (free >> cur.hint_reg & 1u)) chosen = cur.hint_reg;
    if (chosen < 0 && free != 0) {
      if (cur.cls == RegClass::kXmm) {
        chosen = __builtin_ctz(free);
      } else {
        for (std::uint8_t r : kGpOrder) {
          if ((free >> r & 1u) && (!cur.crosses_call || (reg::kCalleeSavedGp >> r & 1u))) {
            chosen = r;
            break;
          }
        }
      }
    }
    if (chosen >= 0) {
      out.locations[v] = Location::in_reg(cur.cls, static_cast<std::uint8_t>(chosen));
      active.push_back(v);
      continue;
    }
    // No register: spill whichever of this interval and the active ones ends furthest away.
    std::size_t victim = active.size();
    for (std::size_t i = 0; i < active.size(); ++i) {
      const LiveInterval& a = intervals[active[i]];
      const std::uint8_t r = out.locations[active[i]].reg;
      if (a.cls != cur.cls || !(allowed >> r & 1u) || (blocked_by_inactive >> r & 1u)) continue;
      if (victim == active.size() || a.end() > intervals[active[victim]].end()) victim = i;
    }
    if (victim < active.size() && intervals[active[victim]].end() > cur.end()) {
      const std::uint32_t evicted = active[victim];
      out.locations[v] = out.locations[evicted];
      spill(evicted);
      active[victim] = v;
    } else {
      spill(v);
    }
  }
  for (const Location& l : out.locations) {
    if (l.is_reg() && l.cls == RegClass::kGp && (reg::kCalleeSavedGp >> l.reg & 1u)) out.used_callee_saved |= 1u << l.reg;
  }
  return out;
}

std::vector<Move> sequence_moves(std::vector<Move> moves) {
  std::erase_if(moves, [](const Move& m) { return m.dst == m.src; });
  std::vector<Move> out;
  while (!moves.empty()) {
    bool progress = false;
    for (std::size_t i = 0; i < moves.size(); ++i) {
      bool read_later = false;
      for (std::size_t j = 0; j < moves.size() && !read_later; ++j) read_later = j != i && moves[j].src == moves[i].dst;
      if (read_later) continue;
      out.push_back(moves[i]);
      moves.erase(moves.begin() + static_cast<std::ptrdiff_t>(i));
      progress = true;
      break;
    }
    if (progress) continue;
    // Every destination is still to be read: a cycle. Save one destination in the scratch
    // register and let its readers read the copy.
    const Location saved = moves.front().dst;
    const Location scratch = Location::in_reg(saved.cls, saved.cls == RegClass::kGp ? reg::kScratchGp : reg::kScratchXmm);
    out.push_back(Move{scratch, saved});
    for (Move& m : moves) {
      if (m.src == saved) m.src = scratch;
    }
  }
  return out;
}

}  // namespace spl::jit
