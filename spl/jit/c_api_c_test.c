/* Compiled as C99: the header is valid C and the calls link from C. */
#include <string.h>

#include "spl/jit/c_api.h"

int spl_jit_c_api_from_c(void) {
  const char* ir = "module c\nfunc @add(%a: i64, %b: i64) -> i64 {\nentry:\n  %s = add i64 %a, %b\n  ret %s\n}\n";
  rt_jit* jit = rt_jit_create(0);
  int64_t args[2] = {40, 2};
  int64_t sum = 0;
  int ok = jit != NULL && rt_jit_load(jit, "c.ir", ir, strlen(ir)) == RT_JIT_OK &&
           rt_jit_call_i64(jit, "add", args, 2, &sum) == RT_JIT_OK && sum == 42;
  rt_jit_destroy(jit);
  ok = ok && rt_jit_lookup(NULL, "add") == NULL && rt_last_error()[0] != '\0';
  return ok;
}
