/* C ABI of the JIT (C99): load IR modules, get native code for functions and template instances
 * ("name" or "name<i64,f64>"), register runtime functions for JIT'd code to call, invalidate,
 * and read statistics. Functions return RT_JIT_OK (0) or a negative status, or NULL, and
 * rt_last_error() says why (IR errors carry file:line:column). A NULL or destroyed handle is an
 * error, never a crash. One rt_jit must not be used by two threads at once (its code, once
 * compiled, may run on any thread). */
#ifndef SPL_JIT_C_API_H
#define SPL_JIT_C_API_H

#include <stddef.h>
#include <stdint.h>

#include "spl/base/c_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RT_JIT_OK 0
#define RT_JIT_NULL_HANDLE (-1)
#define RT_JIT_BAD_HANDLE (-2)
#define RT_JIT_INVALID (-3)     /* bad IR, unknown name, wrong signature or argument count */
#define RT_JIT_UNSUPPORTED (-4) /* not an x86-64 host with the System V C convention */
#define RT_JIT_FAILED (-5)      /* anything else (out of memory, code memory exhausted) */

typedef struct rt_jit rt_jit;

typedef struct rt_jit_statistics {
  uint64_t instantiations; /* functions and template instances compiled */
  uint64_t failures;
  uint64_t lazy_compiles; /* compiled on their first call */
  uint64_t cache_hits;
  uint64_t cache_misses;
  uint64_t cache_evictions;
  uint64_t code_bytes; /* bytes of code currently cached */
  uint64_t compile_ns; /* time spent instantiating and compiling */
} rt_jit_statistics;

/* lazy != 0: functions compile on their first call instead of on load. NULL on an unsupported
 * host. */
rt_jit* rt_jit_create(int lazy);
/* Reads, verifies and compiles (or stubs) a module of IR text; `filename` names it in errors. */
int rt_jit_load(rt_jit* jit, const char* filename, const char* ir_text, size_t len);
/* Makes `address` callable from IR as `name` (declared there with `extern @name(...)`). */
int rt_jit_register_symbol(rt_jit* jit, const char* name, void* address);
/* The native code of a function or instance, instantiating it if needed; NULL on error. */
void* rt_jit_lookup(rt_jit* jit, const char* name);
/* Calls a function whose parameters are all integers or pointers and whose result is an
 * integer, pointer or void (then *result is 0); checks the argument count against the IR. */
int rt_jit_call_i64(rt_jit* jit, const char* name, const int64_t* args, size_t nargs, int64_t* result);
/* Drops the code of every instance of a template and of all its callers; how many, or <0. */
int64_t rt_jit_invalidate(rt_jit* jit, const char* template_name);
int rt_jit_stats(const rt_jit* jit, rt_jit_statistics* out);
void rt_jit_destroy(rt_jit* jit); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif

#endif
