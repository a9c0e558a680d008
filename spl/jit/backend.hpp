#pragma once
// The baseline tier: lowers verified, concrete IR to x86-64 through asmjit's x86::Assembler,
// with our own linear-scan register allocator (internal/regalloc.hpp): SSA values stay in
// registers, values live across calls in callee-saved ones; stack slots only under pressure.
// Code follows the host C calling convention, so generated code and C++ call each other.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "spl/base/result.hpp"
#include "spl/jit/executable_memory.hpp"
#include "spl/jit/ir.hpp"

namespace spl::jit {

// Where a call instruction goes.
struct CallTarget {
  enum class Kind : std::uint8_t {
    kSelf,     // the function being compiled (direct call to its own entry)
    kAddress,  // compiled code or a C function at `address`
    kSlot,     // an indirect call through the pointer stored at `address` (lazy stubs)
  };
  Kind kind = Kind::kAddress;
  std::uint64_t address = 0;
  std::vector<Type> params;  // the callee's concrete signature
  Type ret;
};

// Resolves the callee of a call (`mangled` is "name" or "name<T,...>").
using CalleeResolver = std::function<Result<CallTarget>(const Instr& call, const std::string& mangled)>;

struct CompiledCode {
  void* entry = nullptr;
  std::size_t size = 0;
  std::string assembly;  // filled when asked for
};

// OK on x86-64 hosts; a clear kUnsupported error elsewhere.
Result<void> check_host();

// Compiles `fn` (verified, no type parameters) into `memory`.
Result<CompiledCode> compile_function(const Function& fn, const CalleeResolver& resolve, ExecutableMemory& memory,
                                      bool want_assembly = false);

// Emits the thunk behind a lazy function: it saves the argument registers, calls
// `compile(context, index)` (which returns the code to run), restores them and jumps there.
Result<CompiledCode> compile_lazy_thunk(void* (*compile)(void* context, std::uint64_t index), void* context,
                                        std::uint64_t index, ExecutableMemory& memory);

}  // namespace spl::jit
