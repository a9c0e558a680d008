#include "spl/base/c_handle.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace spl::c_abi {
namespace {

struct Counted {
  static inline int live = 0;
  Counted() { ++live; }
  Counted(const Counted&) { ++live; }
  Counted& operator=(const Counted&) = default;
  ~Counted() { --live; }
};

struct Box : Handle<0x5350'4C54'4553'5401ULL, std::shared_ptr<Counted>> {};
struct Other : Handle<0x5350'4C54'4553'5402ULL, int> {};

TEST(CHandle, LiveHandlesPassAndOthersAreReported) {
  Box* box = wrap<Box>(std::make_shared<Counted>());
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(check(box));
  EXPECT_FALSE(check(static_cast<const Box*>(nullptr)));
  EXPECT_STREQ(rt_last_error(), "null handle");
  EXPECT_FALSE(check(reinterpret_cast<const Other*>(box)));
  EXPECT_STREQ(rt_last_error(), "not a live handle of this kind");
  free_handle(box);
}

TEST(CHandle, FreeReleasesTheValueAtOnce) {
  const int before = Counted::live;
  Box* box = wrap<Box>(std::make_shared<Counted>());
  EXPECT_EQ(Counted::live, before + 1);
  free_handle(box);
  EXPECT_EQ(Counted::live, before);
}

#ifndef NDEBUG
TEST(CHandle, DebugBuildsReportUseAfterFreeAndDoubleFree) {
  Box* box = wrap<Box>(std::make_shared<Counted>());
  free_handle(box);
  EXPECT_FALSE(check(box));
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
  set_last_error("");
  free_handle(box);
  EXPECT_STREQ(rt_last_error(), "handle used after it was freed");
}
#endif

TEST(CHandle, GuardedTurnsExceptionsIntoResults) {
  EXPECT_EQ(guarded(-1, [] { return 3; }), 3);
  EXPECT_EQ(guarded(-1, []() -> int { throw std::bad_alloc(); }), -1);
  EXPECT_STREQ(rt_last_error(), "out of memory");
  EXPECT_EQ(guarded(-1, []() -> int { throw std::runtime_error("boom"); }), -1);
  EXPECT_STREQ(rt_last_error(), "internal error");
}

}  // namespace
}  // namespace spl::c_abi
