#include "spl/sema/prelude.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace spl::sema {
namespace {

// That the list is exactly what the VM defines is checked in spl/vm (Vm.PreludeIsWhatTheRuntimeDefines).
TEST(Prelude, HasNoDuplicates) {
  std::set<std::string_view> got(runtime_prelude().begin(), runtime_prelude().end());
  EXPECT_EQ(runtime_prelude().size(), got.size());
  EXPECT_TRUE(is_prelude_name("print"));
  EXPECT_FALSE(is_prelude_name("self"));  // only inside methods
}

TEST(Prelude, EnvironmentNamesAreNotRuntimeNames) {
  for (std::string_view n : environment_names()) EXPECT_FALSE(is_prelude_name(n)) << n;
}

}  // namespace
}  // namespace spl::sema
