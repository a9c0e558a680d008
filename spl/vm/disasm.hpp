#pragma once
// A readable listing of a function's bytecode (`spl run --disasm`).

#include <string>

#include "spl/vm/bytecode.hpp"

namespace spl::vm {

std::string disassemble(const Proto& p);

}  // namespace spl::vm
