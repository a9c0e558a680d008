/* Compiled as C99: the header is valid C and the calls link from C. */
#include <stddef.h>

#include "spl/persistent/c_api.h"

int spl_persistent_c_api_from_c(void) {
  rt_dict* empty = rt_persistent_dict_empty();
  rt_dict* one = rt_persistent_dict_insert(empty, 7, 70);
  int64_t value = 0;
  int ok = rt_persistent_dict_get(one, 7, &value) == 1 && value == 70 && rt_persistent_dict_len(empty) == 0;
  rt_persistent_dict_free(one);
  rt_persistent_dict_free(empty);

  rt_vec* v = rt_persistent_vec_empty();
  rt_vec* w = rt_persistent_vec_push(v, 5);
  ok = ok && rt_persistent_vec_len(w) == 1 && rt_persistent_vec_get(w, 0, &value) == 1 && value == 5;
  rt_persistent_vec_free(w);
  rt_persistent_vec_free(v);

  rt_set* s = rt_persistent_set_insert(NULL, 1);
  ok = ok && s == NULL && rt_last_error()[0] != '\0';
  return ok;
}
