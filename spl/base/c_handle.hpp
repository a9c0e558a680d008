#pragma once
// What every component's C ABI does with the handles it gives out. A live handle starts with a
// tag word naming its kind; freeing poisons the tag; debug builds keep freed shells for a while,
// so a second free or a use after free reads the poison and is reported instead of touching
// reused memory. No exception crosses into C: failures become a result plus rt_last_error().

#include <cstdint>
#include <new>
#include <utility>

#include "spl/base/c_error.hpp"

namespace spl::c_abi {

inline constexpr std::uint64_t kFreedTag = 0xDEAD'F4EE'DEAD'F4EEULL;

// The C struct behind an opaque handle type derives from this:
//   struct rt_dict : spl::c_abi::Handle<kDictTag, Map> {};
template <std::uint64_t Tag, class Value>
struct Handle {
  static constexpr std::uint64_t kTag = Tag;
  std::uint64_t tag = Tag;
  Value value{};
};

// True for a live handle of H's kind; otherwise records why in rt_last_error().
template <class H>
bool check(const H* h) noexcept {
  if (!h) {
    set_last_error("null handle");
    return false;
  }
  if (h->tag == H::kTag) return true;
  set_last_error(h->tag == kFreedTag ? "handle used after it was freed" : "not a live handle of this kind");
  return false;
}

// A new handle holding `value`; NULL (and "out of memory") when allocation fails.
template <class H, class V>
H* wrap(V&& value) noexcept {
  H* h = new (std::nothrow) H;
  if (!h) {
    set_last_error("out of memory");
    return nullptr;
  }
  h->value = std::forward<V>(value);
  return h;
}

// Runs `body`, turning any exception into `on_error` and a message.
template <class R, class F>
R guarded(R on_error, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
  } catch (...) {
    set_last_error("internal error");
  }
  return on_error;
}

namespace internal {
// Keeps a freed shell until 16k newer ones have arrived; false when there is no room to keep it.
bool quarantine(void* shell, void (*destroy)(void*)) noexcept;
}  // namespace internal

// Frees a live handle (NULL is a no-op; a dead one is reported, never freed twice).
template <class H>
void free_handle(H* h) noexcept {
  if (!h || !check(h)) return;
  h->tag = kFreedTag;
  h->value = {};
#ifndef NDEBUG
  if (internal::quarantine(h, [](void* p) { delete static_cast<H*>(p); })) return;
#endif
  delete h;
}

}  // namespace spl::c_abi
