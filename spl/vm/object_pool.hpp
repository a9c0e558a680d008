#pragma once
// Storage for the VM's heap objects (Obj and its kinds): per-thread free lists by size class.
// A program makes and drops objects at a high rate (a string per str(i), an instance per tree
// node, a closure per lambda); taking a block off a list costs a few instructions where malloc
// and free cost around a hundred. Blocks come from 64 KiB chunks that live as long as the
// process; a freed block goes to the list of the thread that frees it. Objects larger than the
// largest class, and every object in a sanitizer build (so ASan still sees each one), use the
// global operator new.

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SPL_VM_OBJECT_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SPL_VM_OBJECT_POOL 0
#endif
#endif
#ifndef SPL_VM_OBJECT_POOL
#define SPL_VM_OBJECT_POOL 1
#endif

namespace spl::vm {

inline constexpr bool kObjectPool = SPL_VM_OBJECT_POOL != 0;
inline constexpr std::size_t kLargestPooledObject = 128;

void* allocate_object(std::size_t size);
void free_object(void* p, std::size_t size) noexcept;

}  // namespace spl::vm
