#include "spl/vm/disasm.hpp"

#include <fmt/core.h>

namespace spl::vm {

std::string disassemble(const Proto& p) {
  std::string out = fmt::format("fn {} (params {}, registers {}, constants {})\n", p.name, p.nparams, p.nregs, p.consts.size());
  for (std::size_t i = 0; i < p.code.size(); ++i) {
    const Instr& in = p.code[i];
    out += fmt::format("  {:4}  {:<13} {:5} {:5} {:5}", i, op_name(in.op), in.a, in.b, in.c);
    if (in.flags) out += fmt::format("  flags={}", in.flags);
    if (has_sbx_jump(in.op))
      out += fmt::format("  -> {}", static_cast<std::int64_t>(i) + 1 + in.sbx());
    if (in.op == Op::LoadK && in.b < p.consts.size()) out += "  ; " + to_repr(p.consts[in.b]);
    out += '\n';
  }
  return out;
}

}  // namespace spl::vm
