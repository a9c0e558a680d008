// Feeds arbitrary programs to sema and the VM: neither may crash or hang (runs are bounded by a
// step limit and a small stack), whatever the input.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "spl/base/arena.hpp"
#include "spl/sema/sema.hpp"
#include "spl/syntax/parser.hpp"
#include "spl/vm/vm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  {
    spl::Arena arena;
    std::vector<spl::syntax::Diagnostic> diags;
    spl::syntax::ParseResult parsed = spl::syntax::parse(source, arena, diags);
    spl::sema::analyze(parsed.root, source, parsed.tokens, spl::sema::options_after(diags));
  }
  std::ostringstream out;
  std::ostringstream err;
  spl::vm::Options options;
  options.max_steps = 20000;
  options.stack_slots = 1u << 16;
  options.out = &out;
  options.diagnostics = &err;
  options.allow_io = false;
  spl::vm::Vm vm(options);
  try {
    vm.run_source("fuzz.spl", source, {});
  } catch (const spl::vm::Panic&) {
  } catch (const spl::vm::CompileError&) {
  }
  return 0;
}
