#include "spl/base/c_error.hpp"

#include <utility>

namespace {

thread_local const char* t_last_error = "";
thread_local std::string t_owned_message;

}  // namespace

namespace spl {

void set_last_error(const char* why) noexcept { t_last_error = why ? why : ""; }

void set_last_error(std::string why) noexcept {
  t_owned_message = std::move(why);
  t_last_error = t_owned_message.c_str();
}

}  // namespace spl

extern "C" const char* rt_last_error(void) { return t_last_error; }
