#include "spl/jit/printer.hpp"

#include <fmt/format.h>

namespace spl::jit {

namespace {

class Printer {
 public:
  explicit Printer(const Function& fn) : fn_(fn) {}

  void function(std::string& out) {
    out += fn_.is_template() ? "template @" : "func @";
    out += fn_.name;
    if (fn_.is_template()) {
      out += '<';
      for (std::size_t i = 0; i < fn_.type_params.size(); ++i) {
        if (i) out += ", ";
        out += fn_.type_params[i];
      }
      out += '>';
    }
    out += '(';
    params(out, fn_.blocks.empty() ? std::vector<std::uint32_t>{} : fn_.blocks[0].params);
    out += ')';
    if (!fn_.ret.is_void()) out += " -> " + type(fn_.ret);
    out += " {\n";
    for (std::size_t b = 0; b < fn_.blocks.size(); ++b) {
      const Block& block = fn_.blocks[b];
      out += block.name;
      if (b != 0 && !block.params.empty()) {
        out += '(';
        params(out, block.params);
        out += ')';
      }
      out += ":\n";
      for (const Instr& in : block.instrs) {
        out += "  ";
        instr(out, in);
        out += '\n';
      }
    }
    out += "}\n";
  }

 private:
  std::string type(Type t) const { return type_name(t, fn_.type_params); }

  void params(std::string& out, const std::vector<std::uint32_t>& ids) const {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ", ";
      out += '%' + fn_.values[ids[i]].name + ": " + type(fn_.values[ids[i]].type);
    }
  }

  void operand(std::string& out, const Operand& op) const {
    switch (op.kind) {
      case Operand::Kind::kValue: out += '%' + fn_.values[op.value].name; break;
      case Operand::Kind::kInt: out += std::to_string(op.int_imm); break;
      case Operand::Kind::kFloat: {
        std::string text = fmt::format("{}", op.float_imm);
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        out += text;
        break;
      }
    }
  }

  void operands(std::string& out, const std::vector<Operand>& ops, std::size_t from = 0) const {
    for (std::size_t i = from; i < ops.size(); ++i) {
      if (i != from) out += ", ";
      operand(out, ops[i]);
    }
  }

  void target(std::string& out, const BranchTarget& t) const {
    out += fn_.blocks[t.block].name;
    if (!t.args.empty()) {
      out += '(';
      operands(out, t.args);
      out += ')';
    }
  }

  void instr(std::string& out, const Instr& in) const {
    if (in.result != kNoValue) out += '%' + fn_.values[in.result].name + " = ";
    out += opcode_name(in.op);
    switch (in.op) {
      case Opcode::kCmp:
        out += ' ';
        out += pred_name(in.pred);
        out += ' ' + type(in.type) + ' ';
        operands(out, in.args);
        break;
      case Opcode::kConv:
      case Opcode::kZext:
        out += ' ' + type(in.from) + ' ';
        operand(out, in.args[0]);
        out += " to " + type(in.type);
        break;
      case Opcode::kSizeOf: out += ' ' + type(in.type); break;
      case Opcode::kCall:
        if (in.result != kNoValue) out += ' ' + type(in.type);
        out += " @" + in.callee;
        if (!in.type_args.empty()) {
          out += '<';
          for (std::size_t i = 0; i < in.type_args.size(); ++i) {
            if (i) out += ", ";
            out += type(in.type_args[i]);
          }
          out += '>';
        }
        out += '(';
        operands(out, in.args);
        out += ')';
        break;
      case Opcode::kJmp:
        out += ' ';
        target(out, in.targets[0]);
        break;
      case Opcode::kBr:
        out += ' ';
        operand(out, in.args[0]);
        out += ", ";
        target(out, in.targets[0]);
        out += ", ";
        target(out, in.targets[1]);
        break;
      case Opcode::kRet:
        if (!in.args.empty()) {
          out += ' ';
          operand(out, in.args[0]);
        }
        break;
      default:
        out += ' ' + type(in.type) + ' ';
        operands(out, in.args);
        break;
    }
  }

  const Function& fn_;
};

std::string signature_types(const std::vector<Type>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += type_name(types[i]);
  }
  return out;
}

}  // namespace

std::string print_function(const Function& fn) {
  std::string out;
  Printer(fn).function(out);
  return out;
}

std::string print_module(const Module& module) {
  std::string out;
  if (!module.name.empty()) out += "module " + module.name + "\n";
  for (const auto& e : module.externs) {
    out += "extern @" + e.name + "(" + signature_types(e.param_types) + ")";
    if (!e.ret.is_void()) out += " -> " + type_name(e.ret);
    out += '\n';
  }
  for (const auto& n : module.needs) out += "need @" + mangle(n.name, n.type_args) + "\n";
  for (const auto& fn : module.functions) {
    out += '\n';
    out += print_function(fn);
  }
  return out;
}

}  // namespace spl::jit
