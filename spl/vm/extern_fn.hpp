#pragma once
// `extern fn`: binds a Simple declaration to a C symbol found by the JIT's symbol resolver
// (registered runtime functions, then dlsym) and calls it with the declared signature. The call
// follows the x86-64 System V convention, where integer and floating-point arguments are
// assigned registers independently: up to 6 integer-class (i64, bool, text as a NUL-terminated
// pointer, rt_value bits) and 8 f64 arguments.

#include <string>
#include <vector>

#include "spl/vm/value.hpp"

namespace spl::jit {
class SymbolResolver;
}

namespace spl::vm {

class Vm;

enum class ExternType : std::uint8_t { Void, I64, F64, Bool, Text, Value };

struct ExternSignature {
  std::string name;
  std::vector<ExternType> params;
  ExternType result = ExternType::Void;
};

// A callable value for the symbol, or nil with error set (unknown symbol, unsupported signature).
Value bind_extern(Vm& vm, const ExternSignature& sig, std::string& error);

// The resolver every VM shares, with the runtime's C ABI (rt_persistent_*, rt_last_error, ...)
// registered in its runtime tier.
spl::jit::SymbolResolver& extern_resolver();

}  // namespace spl::vm
