#include "spl/vm/vm.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "spl/sema/prelude.hpp"

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

// sema's prelude and the runtime's global functions are one list: a builtin sema does not know is
// reported as undefined by `spl check`, and a prelude name the runtime lacks fails at run time.
TEST(Vm, PreludeIsWhatTheRuntimeDefines) {
  Vm vm;
  std::set<std::string> runtime;
  for (const std::string& name : vm.builtin_names())
    if (!name.starts_with("__")) runtime.insert(name);
  std::set<std::string> prelude(sema::runtime_prelude().begin(), sema::runtime_prelude().end());
  prelude.erase("None");  // nil, compiled as a literal
  EXPECT_EQ(runtime, prelude);
}

}  // namespace
}  // namespace spl::vm
