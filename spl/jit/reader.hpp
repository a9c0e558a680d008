#pragma once
// Reads the IR text form (docs/jit.md). Errors name the file, line and column.

#include <string_view>

#include "spl/base/result.hpp"
#include "spl/jit/ir.hpp"

namespace spl::jit {

// Parses a module. The result is well formed syntactically; run verify_module() before use.
Result<Module> read_module(std::string_view text, std::string_view filename = "<input>");

}  // namespace spl::jit
