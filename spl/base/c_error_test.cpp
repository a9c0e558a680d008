#include "spl/base/c_error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace spl {
namespace {

TEST(CError, LiteralAndBuiltMessagesAreReported) {
  set_last_error("null handle");
  EXPECT_STREQ(rt_last_error(), "null handle");
  set_last_error(std::string("index ") + std::to_string(7) + " out of range");
  EXPECT_STREQ(rt_last_error(), "index 7 out of range");
  set_last_error(nullptr);
  EXPECT_STREQ(rt_last_error(), "");
}

TEST(CError, EachThreadSeesOnlyItsOwnFailure) {
  set_last_error("main thread failure");
  std::string seen_in_thread;
  std::thread other([&] {
    seen_in_thread = rt_last_error();
    set_last_error(std::string("other thread failure"));
  });
  other.join();
  EXPECT_EQ(seen_in_thread, "");
  EXPECT_STREQ(rt_last_error(), "main thread failure");
}

}  // namespace
}  // namespace spl
