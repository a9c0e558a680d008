#include "spl/jit/ir.hpp"

#include <array>

namespace spl::jit {

namespace {

constexpr std::array<std::string_view, 10> kTypeNames = {"void", "i1", "i8", "i16", "i32",
                                                        "i64",  "f32", "f64", "ptr", "?"};

Type substitute_type(Type t, std::span<const Type> type_args) {
  return t.is_param() ? type_args[t.param] : t;
}

}  // namespace

std::uint32_t type_size(Type t) {
  switch (t.kind) {
    case TypeKind::kI1:
    case TypeKind::kI8: return 1;
    case TypeKind::kI16: return 2;
    case TypeKind::kI32:
    case TypeKind::kF32: return 4;
    case TypeKind::kI64:
    case TypeKind::kF64:
    case TypeKind::kPtr: return 8;
    case TypeKind::kVoid:
    case TypeKind::kParam: return 0;
  }
  return 0;
}

std::string type_name(Type t, std::span<const std::string> param_names) {
  if (!t.is_param()) return std::string(kTypeNames[static_cast<std::size_t>(t.kind)]);
  if (t.param < param_names.size()) return param_names[t.param];
  return "$" + std::to_string(t.param);
}

bool parse_type_name(std::string_view text, Type& out) {
  for (std::size_t i = 0; i + 1 < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == text) {
      out = Type::of(static_cast<TypeKind>(i));
      return true;
    }
  }
  return false;
}

std::string_view opcode_name(Opcode op) {
  static constexpr std::array<std::string_view, 23> names = {
      "add",  "sub",  "mul",   "div",  "rem",     "udiv",   "urem", "and",
      "or",   "xor",  "shl",   "shr",  "sar",     "cmp",    "select", "conv",
      "zext", "load", "store", "elemptr", "sizeof", "call", "jmp"};
  if (op == Opcode::kBr) return "br";
  if (op == Opcode::kRet) return "ret";
  return names[static_cast<std::size_t>(op)];
}

bool is_terminator(Opcode op) { return op == Opcode::kJmp || op == Opcode::kBr || op == Opcode::kRet; }

bool is_binary(Opcode op) { return op <= Opcode::kSar; }

std::string_view pred_name(Pred p) {
  static constexpr std::array<std::string_view, 10> names = {"eq", "ne",  "lt",  "le",  "gt",
                                                             "ge", "ult", "ule", "ugt", "uge"};
  return names[static_cast<std::size_t>(p)];
}

const Function* Module::find_function(std::string_view fn_name) const {
  for (const auto& f : functions) {
    if (f.name == fn_name) return &f;
  }
  return nullptr;
}

const ExternDecl* Module::find_extern(std::string_view ext_name) const {
  for (const auto& e : externs) {
    if (e.name == ext_name) return &e;
  }
  return nullptr;
}

std::string mangle(std::string_view name, std::span<const Type> type_args) {
  std::string out(name);
  if (type_args.empty()) return out;
  out += '<';
  for (std::size_t i = 0; i < type_args.size(); ++i) {
    if (i) out += ',';
    out += type_name(type_args[i]);
  }
  out += '>';
  return out;
}

Function substitute(const Function& tmpl, std::span<const Type> type_args) {
  Function fn = tmpl;
  fn.name = mangle(tmpl.name, type_args);
  fn.type_params.clear();
  for (auto& t : fn.param_types) t = substitute_type(t, type_args);
  fn.ret = substitute_type(fn.ret, type_args);
  for (auto& v : fn.values) v.type = substitute_type(v.type, type_args);
  for (auto& block : fn.blocks) {
    for (auto& instr : block.instrs) {
      instr.type = substitute_type(instr.type, type_args);
      instr.from = substitute_type(instr.from, type_args);
      for (auto& t : instr.type_args) t = substitute_type(t, type_args);
    }
  }
  return fn;
}

}  // namespace spl::jit
