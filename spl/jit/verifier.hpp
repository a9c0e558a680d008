#pragma once
// The verifier: bad IR never reaches the backend. It checks block structure, types of every
// operand, calls against signatures, branch arguments, reachability and SSA dominance.

#include <string_view>

#include "spl/base/result.hpp"
#include "spl/jit/ir.hpp"

namespace spl::jit {

// Checks every function, extern and `need` of the module. Templates are checked generically
// (their type parameters stand for any type); instances are checked again once substituted.
Result<void> verify_module(const Module& module, std::string_view filename = "<input>");

// Checks one function; calls resolve against `module`. A template instance is concrete.
Result<void> verify_function(const Function& fn, const Module& module, std::string_view filename = "<input>");

}  // namespace spl::jit
