/* Compiled as C99: the header is valid C and the calls link from C. */
#include <stddef.h>
#include <string.h>

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
  rt_persistent_reclaim();

  rt_set* s = rt_persistent_set_insert(NULL, 1);
  ok = ok && s == NULL && rt_last_error()[0] != '\0';
  return ok;
}

/* The pointer-key ABI from C: string keys compared by content, and counting callbacks. */

struct counts {
  long retains;
  long releases;
};

static uint64_t hash_string(const void* key, void* context) {
  (void)context;
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char* p = (const unsigned char*)key; *p; ++p) h = (h ^ *p) * 1099511628211ULL;
  return h;
}
static int eq_string(const void* a, const void* b, void* context) {
  (void)context;
  return strcmp((const char*)a, (const char*)b) == 0;
}
static void count_retain(const void* item, void* context) {
  (void)item;
  ((struct counts*)context)->retains++;
}
static void count_release(const void* item, void* context) {
  (void)item;
  ((struct counts*)context)->releases++;
}

int spl_persistent_ptr_api_from_c(void) {
  struct counts counts = {0, 0};
  rt_ptr_callbacks cb = {hash_string, eq_string, count_retain, count_release, &counts};
  char key_copy[] = "apple";
  rt_pdict* d0 = rt_persistent_pdict_empty(&cb);
  rt_pdict* d1 = rt_persistent_pdict_insert(d0, "apple", "red");
  rt_pdict* d2 = rt_persistent_pdict_insert(d1, "pear", "green");
  rt_pdict* d3 = rt_persistent_pdict_remove(d2, key_copy); /* equal by content, not address */
  const void* value = NULL;
  int ok = d0 && d1 && d2 && d3;
  ok = ok && rt_persistent_pdict_get(d2, key_copy, &value) == 1 && strcmp((const char*)value, "red") == 0;
  ok = ok && rt_persistent_pdict_get(d3, "apple", &value) == 0 && rt_persistent_pdict_len(d3) == 1;
  ok = ok && rt_persistent_pdict_len(d1) == 1 && counts.retains > 0;
  rt_persistent_pdict_free(d3);
  rt_persistent_pdict_free(d2);
  rt_persistent_pdict_free(d1);
  rt_persistent_pdict_free(d0);

  rt_pset* s0 = rt_persistent_pset_empty(&cb);
  rt_pset* s1 = rt_persistent_pset_insert(s0, "kiwi");
  ok = ok && rt_persistent_pset_contains(s1, "kiwi") == 1 && rt_persistent_pset_contains(s0, "kiwi") == 0;
  rt_persistent_pset_free(s1);
  rt_persistent_pset_free(s0);

  ok = ok && rt_persistent_pdict_empty(NULL) == NULL && rt_persistent_pdict_len(NULL) == RT_ERR_NULL_HANDLE;
  return ok && counts.retains == counts.releases;
}
