#include "spl/vm/vm.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace spl::vm {
namespace {

// Runs source in a fresh VM and returns what it printed; a panic's message is returned after "panic: ".
std::string run(const std::string& source) {
  testing::internal::CaptureStdout();
  std::string panic;
  {
    Options o;
    o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
    Vm vm(o);
    try {
      vm.run_source("test.spl", source, {});
    } catch (const Panic& p) {
      panic = std::string("panic: ") + p.what();
    }
  }
  return testing::internal::GetCapturedStdout() + panic;
}

TEST(Vm, ArithmeticAndPrint) { EXPECT_EQ(run("print 1 + 2 * 3\n"), "7\n"); }

}  // namespace
}  // namespace spl::vm
