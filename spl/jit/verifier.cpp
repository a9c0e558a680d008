#include "spl/jit/verifier.hpp"

#include <algorithm>
#include <unordered_map>

namespace spl::jit {

namespace {

struct VerifyFailure {
  SourceLoc loc;
  std::string message;
};

[[noreturn]] void fail(SourceLoc loc, std::string message) { throw VerifyFailure{loc, std::move(message)}; }

bool int_fits(std::int64_t v, Type t) {
  const std::uint32_t bits = t.kind == TypeKind::kI1 ? 1 : type_size(t) * 8;
  if (bits >= 64) return true;
  if (bits == 1) return v == 0 || v == 1;
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
  const std::int64_t hi = (std::int64_t{1} << bits) - 1;
  return v >= lo && v <= hi;
}

class FunctionVerifier {
 public:
  FunctionVerifier(const Function& fn, const Module& module) : fn_(fn), module_(module) {}

  void run() {
    if (fn_.blocks.empty()) fail(fn_.loc, "function has no blocks");
    compute_definitions();
    for (std::size_t b = 0; b < fn_.blocks.size(); ++b) check_block(static_cast<std::uint32_t>(b));
    compute_dominators();
    check_dominance();
  }

 private:
  std::string type(Type t) const { return "'" + type_name(t, fn_.type_params) + "'"; }
  std::string value_name(std::uint32_t v) const { return "'%" + fn_.values[v].name + "'"; }

  void check_type_valid(Type t, SourceLoc loc) const {
    if (t.is_param() && t.param >= fn_.type_params.size()) fail(loc, "unknown type parameter");
  }

  void compute_definitions() {
    def_block_.assign(fn_.values.size(), kNoValue);
    def_index_.assign(fn_.values.size(), 0);
    for (std::size_t b = 0; b < fn_.blocks.size(); ++b) {
      for (std::uint32_t p : fn_.blocks[b].params) def_block_[p] = static_cast<std::uint32_t>(b);
      for (std::size_t i = 0; i < fn_.blocks[b].instrs.size(); ++i) {
        const std::uint32_t r = fn_.blocks[b].instrs[i].result;
        if (r == kNoValue) continue;
        def_block_[r] = static_cast<std::uint32_t>(b);
        def_index_[r] = static_cast<std::uint32_t>(i + 1);
      }
    }
  }

  void expect_operand(const Operand& op, Type t, SourceLoc loc, std::string_view what) const {
    switch (op.kind) {
      case Operand::Kind::kValue:
        if (op.value >= fn_.values.size() || def_block_[op.value] == kNoValue) fail(loc, "use of an undefined value");
        if (fn_.values[op.value].type != t)
          fail(loc, std::string(what) + " " + value_name(op.value) + " has type " + type(fn_.values[op.value].type) +
                        ", expected " + type(t));
        return;
      case Operand::Kind::kInt:
        if (t.is_param() || t.is_float() || t.is_ptr()) return;
        if (!t.is_int()) fail(loc, std::string(what) + ": an integer literal cannot have type " + type(t));
        if (!int_fits(op.int_imm, t)) fail(loc, std::string(what) + ": literal " + std::to_string(op.int_imm) + " does not fit " + type(t));
        return;
      case Operand::Kind::kFloat:
        if (!t.is_float() && !t.is_param()) fail(loc, std::string(what) + ": a float literal cannot have type " + type(t));
        return;
    }
  }

  void check_target(const BranchTarget& t, SourceLoc loc) const {
    if (t.block >= fn_.blocks.size()) fail(loc, "branch to an unknown block");
    const Block& target = fn_.blocks[t.block];
    if (t.block == 0) fail(loc, "branch to the entry block '" + target.name + "' (it has no predecessors)");
    if (t.args.size() != target.params.size())
      fail(loc, "block '" + target.name + "' takes " + std::to_string(target.params.size()) + " arguments, given " +
                    std::to_string(t.args.size()));
    for (std::size_t i = 0; i < t.args.size(); ++i)
      expect_operand(t.args[i], fn_.values[target.params[i]].type, loc, "argument " + std::to_string(i + 1) + " of '" + target.name + "'");
  }

  void check_block(std::uint32_t b) {
    const Block& block = fn_.blocks[b];
    if (block.instrs.empty()) fail(block.loc, "block '" + block.name + "' is empty (it must end with jmp, br or ret)");
    for (std::uint32_t p : block.params) {
      check_type_valid(fn_.values[p].type, block.loc);
      if (fn_.values[p].type.is_void()) fail(block.loc, "parameter " + value_name(p) + " has no type");
    }
    for (std::size_t i = 0; i < block.instrs.size(); ++i) {
      const Instr& in = block.instrs[i];
      const bool last = i + 1 == block.instrs.size();
      if (is_terminator(in.op) && !last) fail(in.loc, "'" + std::string(opcode_name(in.op)) + "' must end its block");
      if (!is_terminator(in.op) && last) fail(in.loc, "block '" + block.name + "' must end with jmp, br or ret");
      check_instr(in);
    }
  }

  void check_result(const Instr& in, Type t) const {
    if (in.result == kNoValue) fail(in.loc, "'" + std::string(opcode_name(in.op)) + "' needs a result");
    if (fn_.values[in.result].type != t) fail(in.loc, "result has type " + type(fn_.values[in.result].type) + ", expected " + type(t));
  }

  void check_instr(const Instr& in) {
    const SourceLoc loc = in.loc;
    check_type_valid(in.type, loc);
    check_type_valid(in.from, loc);
    const Type t = in.type;
    const bool generic = t.is_param();
    if (is_binary(in.op)) {
      const bool int_only = in.op >= Opcode::kRem;
      if (!generic) {
        if (!t.is_int() && !t.is_float()) fail(loc, "'" + std::string(opcode_name(in.op)) + "' does not apply to " + type(t));
        if (int_only && t.is_float()) fail(loc, "'" + std::string(opcode_name(in.op)) + "' needs an integer type, not " + type(t));
        if (t.kind == TypeKind::kI1 && in.op != Opcode::kAnd && in.op != Opcode::kOr && in.op != Opcode::kXor)
          fail(loc, "only and, or and xor apply to 'i1'");
      }
      expect_operand(in.args[0], t, loc, "left operand");
      expect_operand(in.args[1], t, loc, "right operand");
      check_result(in, t);
      return;
    }
    switch (in.op) {
      case Opcode::kCmp: {
        const bool unsigned_pred = in.pred >= Pred::kUlt;
        if (!generic) {
          if (t.is_void()) fail(loc, "cannot compare 'void'");
          if (t.is_float() && unsigned_pred) fail(loc, "unsigned comparison '" + std::string(pred_name(in.pred)) + "' on " + type(t));
        }
        expect_operand(in.args[0], t, loc, "left operand");
        expect_operand(in.args[1], t, loc, "right operand");
        check_result(in, Type::of(TypeKind::kI1));
        return;
      }
      case Opcode::kSelect:
        expect_operand(in.args[0], Type::of(TypeKind::kI1), loc, "condition");
        expect_operand(in.args[1], t, loc, "first choice");
        expect_operand(in.args[2], t, loc, "second choice");
        check_result(in, t);
        return;
      case Opcode::kConv:
      case Opcode::kZext: {
        const Type from = in.from;
        if (!from.is_param() && !t.is_param()) {
          const bool ok = in.op == Opcode::kZext
                              ? from.is_int() && t.is_int() && type_size(from) <= type_size(t) && from.kind <= t.kind
                              : ((from.is_int() || from.is_float()) && (t.is_int() || t.is_float())) ||
                                    (from.is_ptr() && (t.kind == TypeKind::kI64 || t.is_ptr())) ||
                                    (t.is_ptr() && from.kind == TypeKind::kI64);
          if (!ok) fail(loc, "cannot " + std::string(opcode_name(in.op)) + " " + type(from) + " to " + type(t));
        }
        expect_operand(in.args[0], from, loc, "operand");
        check_result(in, t);
        return;
      }
      case Opcode::kLoad:
        expect_operand(in.args[0], Type::of(TypeKind::kPtr), loc, "address");
        check_result(in, t);
        return;
      case Opcode::kStore:
        expect_operand(in.args[0], t, loc, "stored value");
        expect_operand(in.args[1], Type::of(TypeKind::kPtr), loc, "address");
        return;
      case Opcode::kElemPtr:
        expect_operand(in.args[0], Type::of(TypeKind::kPtr), loc, "base");
        expect_operand(in.args[1], Type::of(TypeKind::kI64), loc, "index");
        check_result(in, Type::of(TypeKind::kPtr));
        return;
      case Opcode::kSizeOf: check_result(in, Type::of(TypeKind::kI64)); return;
      case Opcode::kCall: check_call(in); return;
      case Opcode::kJmp: check_target(in.targets[0], loc); return;
      case Opcode::kBr:
        expect_operand(in.args[0], Type::of(TypeKind::kI1), loc, "branch condition");
        check_target(in.targets[0], loc);
        check_target(in.targets[1], loc);
        return;
      case Opcode::kRet:
        if (fn_.ret.is_void()) {
          if (!in.args.empty()) fail(loc, "function returns nothing, but 'ret' has a value");
        } else {
          if (in.args.empty()) fail(loc, "function returns " + type(fn_.ret) + ", but 'ret' has no value");
          expect_operand(in.args[0], fn_.ret, loc, "returned value");
        }
        return;
      default: fail(loc, "unknown instruction");
    }
  }

  void check_call(const Instr& in) {
    const SourceLoc loc = in.loc;
    std::vector<Type> params;
    Type ret;
    if (const Function* callee = module_.find_function(in.callee)) {
      if (callee->type_params.size() != in.type_args.size()) {
        if (callee->is_template())
          fail(loc, "template '@" + in.callee + "' takes " + std::to_string(callee->type_params.size()) + " type arguments, given " +
                        std::to_string(in.type_args.size()));
        fail(loc, "'@" + in.callee + "' is not a template; it takes no type arguments");
      }
      auto bind = [&](Type x) { return x.is_param() ? in.type_args[x.param] : x; };
      for (Type p : callee->param_types) params.push_back(bind(p));
      ret = bind(callee->ret);
      for (Type a : in.type_args) check_type_valid(a, loc);
    } else if (const ExternDecl* ext = module_.find_extern(in.callee)) {
      if (!in.type_args.empty()) fail(loc, "extern '@" + in.callee + "' takes no type arguments");
      params = ext->param_types;
      ret = ext->ret;
    } else {
      fail(loc, "call to unknown function '@" + in.callee + "' (declare it with 'extern' or define it)");
    }
    if (params.size() != in.args.size())
      fail(loc, "'@" + in.callee + "' takes " + std::to_string(params.size()) + " arguments, given " + std::to_string(in.args.size()));
    for (std::size_t i = 0; i < params.size(); ++i) expect_operand(in.args[i], params[i], loc, "argument " + std::to_string(i + 1));
    if (ret.is_void()) {
      if (in.result != kNoValue) fail(loc, "'@" + in.callee + "' returns nothing; its call has no result");
    } else if (in.result != kNoValue) {
      if (in.type != ret) fail(loc, "'@" + in.callee + "' returns " + type(ret) + ", not " + type(in.type));
      check_result(in, ret);
    }
  }

  // Cooper, Harvey and Kennedy's iterative dominator algorithm over reverse post-order.
  void compute_dominators() {
    const std::size_t n = fn_.blocks.size();
    std::vector<std::vector<std::uint32_t>> preds(n);
    std::vector<std::uint32_t> order;
    std::vector<std::uint8_t> state(n, 0);
    std::vector<std::pair<std::uint32_t, int>> stack{{0, 0}};
    state[0] = 1;
    auto successors = [&](std::uint32_t b) {
      const Instr& term = fn_.blocks[b].instrs.back();
      std::vector<std::uint32_t> out;
      if (term.op == Opcode::kJmp) out.push_back(term.targets[0].block);
      if (term.op == Opcode::kBr) out = {term.targets[0].block, term.targets[1].block};
      return out;
    };
    for (std::uint32_t b = 0; b < n; ++b) {
      for (std::uint32_t s : successors(b)) preds[s].push_back(b);
    }
    while (!stack.empty()) {
      auto& [b, next] = stack.back();
      const auto succ = successors(b);
      if (next < static_cast<int>(succ.size())) {
        const std::uint32_t s = succ[static_cast<std::size_t>(next++)];
        if (state[s] == 0) {
          state[s] = 1;
          stack.emplace_back(s, 0);
        }
      } else {
        order.push_back(b);
        stack.pop_back();
      }
    }
    for (std::uint32_t b = 0; b < n; ++b) {
      if (state[b] == 0) fail(fn_.blocks[b].loc, "block '" + fn_.blocks[b].name + "' is unreachable");
    }
    std::reverse(order.begin(), order.end());
    std::vector<std::uint32_t> rpo_index(n);
    for (std::uint32_t i = 0; i < order.size(); ++i) rpo_index[order[i]] = i;
    idom_.assign(n, kNoValue);
    idom_[0] = 0;
    auto intersect = [&](std::uint32_t a, std::uint32_t b) {
      while (a != b) {
        while (rpo_index[a] > rpo_index[b]) a = idom_[a];
        while (rpo_index[b] > rpo_index[a]) b = idom_[b];
      }
      return a;
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t i = 1; i < order.size(); ++i) {
        const std::uint32_t b = order[i];
        std::uint32_t new_idom = kNoValue;
        for (std::uint32_t p : preds[b]) {
          if (idom_[p] == kNoValue) continue;
          new_idom = new_idom == kNoValue ? p : intersect(p, new_idom);
        }
        if (new_idom != idom_[b]) {
          idom_[b] = new_idom;
          changed = true;
        }
      }
    }
  }

  bool dominates(std::uint32_t a, std::uint32_t b) const {
    while (true) {
      if (a == b) return true;
      if (b == 0) return false;
      b = idom_[b];
    }
  }

  void check_use(const Operand& op, std::uint32_t block, std::uint32_t index, SourceLoc loc) const {
    if (!op.is_value()) return;
    const std::uint32_t db = def_block_[op.value];
    const bool ok = db == block ? def_index_[op.value] < index : dominates(db, block);
    if (!ok) fail(loc, value_name(op.value) + " is used where its definition does not dominate the use");
  }

  void check_dominance() const {
    for (std::uint32_t b = 0; b < fn_.blocks.size(); ++b) {
      const auto& instrs = fn_.blocks[b].instrs;
      for (std::uint32_t i = 0; i < instrs.size(); ++i) {
        const Instr& in = instrs[i];
        for (const Operand& op : in.args) check_use(op, b, i + 1, in.loc);
        for (const BranchTarget& t : in.targets) {
          for (const Operand& op : t.args) check_use(op, b, i + 1, in.loc);
        }
      }
    }
  }

  const Function& fn_;
  const Module& module_;
  std::vector<std::uint32_t> def_block_;
  std::vector<std::uint32_t> def_index_;
  std::vector<std::uint32_t> idom_;
};

Error located(std::string_view filename, SourceLoc loc, std::string_view fn_name, const std::string& message) {
  std::string text = std::string(filename) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
  if (!fn_name.empty()) text += "in '@" + std::string(fn_name) + "': ";
  return make_error(ErrorCode::kInvalidArgument, text + message);
}

}  // namespace

Result<void> verify_function(const Function& fn, const Module& module, std::string_view filename) {
  try {
    FunctionVerifier(fn, module).run();
    return {};
  } catch (const VerifyFailure& failure) {
    return located(filename, failure.loc, fn.name, failure.message);
  }
}

Result<void> verify_module(const Module& module, std::string_view filename) {
  std::unordered_map<std::string_view, const Function*> names;
  for (const auto& e : module.externs) {
    if (!names.emplace(e.name, nullptr).second) return located(filename, e.loc, "", "'@" + e.name + "' is declared twice");
  }
  for (const auto& fn : module.functions) {
    if (!names.emplace(fn.name, &fn).second) return located(filename, fn.loc, "", "'@" + fn.name + "' is defined twice");
  }
  for (const auto& need : module.needs) {
    auto named = names.find(need.name);
    const Function* fn = named == names.end() ? nullptr : named->second;
    if (fn == nullptr || !fn->is_template())
      return located(filename, need.loc, "", "'need @" + need.name + "' names no template of this module");
    if (fn->type_params.size() != need.type_args.size())
      return located(filename, need.loc, "",
                     "template '@" + need.name + "' takes " + std::to_string(fn->type_params.size()) + " type arguments, given " +
                         std::to_string(need.type_args.size()));
  }
  for (const auto& fn : module.functions) {
    SPL_TRY(verify_function(fn, module, filename));
  }
  return {};
}

}  // namespace spl::jit
