#pragma once
// The C++ side of rt_last_error(): every component's C ABI records its failures here, so a
// caller reads one channel whatever component failed.

#include <string>

#include "spl/base/c_error.h"

namespace spl {

// `why` must outlive the thread's next failure (string literals do).
void set_last_error(const char* why) noexcept;
// For messages built at run time; the text is copied into thread-local storage.
void set_last_error(std::string why) noexcept;

}  // namespace spl
