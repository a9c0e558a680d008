#pragma once
// Prints IR in the text form read_module() reads (a round trip gives the same text).

#include <string>

#include "spl/jit/ir.hpp"

namespace spl::jit {

std::string print_function(const Function& fn);
std::string print_module(const Module& module);

}  // namespace spl::jit
