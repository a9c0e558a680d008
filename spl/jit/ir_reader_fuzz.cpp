// libFuzzer target: the IR reader, printer and verifier must never crash on any input, and
// whatever reads and verifies must print to text that reads back to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "spl/jit/printer.hpp"
#include "spl/jit/reader.hpp"
#include "spl/jit/verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto module = spl::jit::read_module(text, "fuzz");
  if (!module) return 0;
  if (!spl::jit::verify_module(*module, "fuzz")) return 0;
  const std::string printed = spl::jit::print_module(*module);
  auto again = spl::jit::read_module(printed, "printed");
  if (!again || !spl::jit::verify_module(*again, "printed") || spl::jit::print_module(*again) != printed) std::abort();
  return 0;
}
