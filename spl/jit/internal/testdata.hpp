#pragma once
// The text of a file in spl/jit/testdata, for the jit tests and benchmarks (which define
// SPL_JIT_TESTDATA); empty if it cannot be read.

#include <fstream>
#include <sstream>
#include <string>

namespace spl::jit {

inline std::string read_testdata(const std::string& name) {
  std::ifstream in(std::string(SPL_JIT_TESTDATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace spl::jit
