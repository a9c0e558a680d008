#pragma once
// Compiles a parsed Simple module to bytecode: resolves names (locals, captures, module globals,
// imports, builtins), lays out registers, and lowers every construct the VM runs. Problems that
// stop a program from running (an undefined name, an unsupported construct) are reported as
// diagnostics with file, line, column and caret, and compilation throws CompileError.

#include <iosfwd>
#include <memory>
#include <string>

#include "spl/vm/bytecode.hpp"

namespace spl::vm {

class Vm;

struct CompiledModule {
  Proto* init = nullptr;     // runs the module's top-level statements
  bool has_main = false;
  bool calls_main = false;   // the top level calls main() itself
  std::uint32_t main_slot = 0;
  bool yields_value = false;  // REPL entry: init returns the value of its last expression
};

// With repl, the module is one entry of an interactive session keyed by `key`: the names that
// earlier entries defined (globals and types) stay in scope, and when the last statement is an
// expression, init returns its value.
CompiledModule compile_module(Vm& vm, std::shared_ptr<SourceFile> file, const std::string& key, std::ostream& diagnostics,
                              bool color, bool repl = false);

}  // namespace spl::vm
