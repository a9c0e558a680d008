#pragma once
// Which sanitizer this translation unit is built with, for the few places that must differ
// (ThreadSanitizer does not model std::atomic_thread_fence, so fenced code needs a variant it
// understands; AddressSanitizer must see frees that a pooling allocator would hide).

#if defined(__SANITIZE_THREAD__)
#define SPL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPL_TSAN 1
#endif
#endif
#ifndef SPL_TSAN
#define SPL_TSAN 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SPL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPL_ASAN 1
#endif
#endif
#ifndef SPL_ASAN
#define SPL_ASAN 0
#endif
