#include "spl/sema/prelude.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace spl::sema {
namespace {

TEST(Prelude, IsExactlyTheRuntimeList) {
  std::set<std::string_view> got(runtime_prelude().begin(), runtime_prelude().end());
  std::set<std::string_view> want = {"print", "eprint", "panic", "Some",  "None",   "Ok",
                                     "Err",   "str",    "int",   "float", "len",    "abs",
                                     "min",   "max",    "sqrt",  "hash",  "type_of"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(runtime_prelude().size(), want.size());  // no duplicates
  EXPECT_TRUE(is_prelude_name("print"));
  EXPECT_FALSE(is_prelude_name("self"));  // only inside methods
}

TEST(Prelude, EnvironmentNamesAreNotRuntimeNames) {
  for (std::string_view n : environment_names()) EXPECT_FALSE(is_prelude_name(n)) << n;
}

}  // namespace
}  // namespace spl::sema
