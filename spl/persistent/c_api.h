/* C ABI of spl's persistent collections (C99). Each handle is one immutable version owned by
 * the caller: every function that returns a handle returns a new one, and the argument
 * handles stay valid and unchanged. A NULL handle is reported (NULL or a negative result,
 * with rt_last_error() saying why), never a crash. A freed handle is reported only while its
 * memory is not reused: debug builds keep freed handles in a quarantine, so a use after free or
 * a second free is reliably reported there; in release builds using a freed handle is undefined
 * behaviour, as for any freed C object. A failed allocation gives NULL with rt_last_error()
 * saying "out of memory". Handles may be shared across threads. Reference counts of the int64
 * collections are biased to the thread that made each node (docs/persistent.md): nodes that
 * other threads free are returned to that thread, which reclaims them whenever it next builds a
 * version, when it exits, or when it calls rt_persistent_reclaim(). Pointer collections are not
 * biased: freeing the last handle, on any thread, releases every item at once. */
#ifndef SPL_PERSISTENT_C_API_H
#define SPL_PERSISTENT_C_API_H

#include <stdint.h>

#include "spl/base/c_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rt_dict rt_dict;
typedef struct rt_vec rt_vec;
typedef struct rt_set rt_set;

/* Hash map from int64 keys to int64 values. */
rt_dict* rt_persistent_dict_empty(void);
rt_dict* rt_persistent_dict_insert(const rt_dict* d, int64_t key, int64_t value); /* new version, d unchanged */
rt_dict* rt_persistent_dict_remove(const rt_dict* d, int64_t key); /* an absent key gives an equal version */
int rt_persistent_dict_get(const rt_dict* d, int64_t key, int64_t* value_out); /* 1 found, 0 absent, <0 error */
int64_t rt_persistent_dict_len(const rt_dict* d);                              /* <0 error */
rt_dict* rt_persistent_dict_clone(const rt_dict* d);                           /* O(1) */
void rt_persistent_dict_free(rt_dict* d);                                      /* NULL is a no-op */

/* Vector of int64 values. */
rt_vec* rt_persistent_vec_empty(void);
rt_vec* rt_persistent_vec_push(const rt_vec* v, int64_t x);
rt_vec* rt_persistent_vec_pop(const rt_vec* v);                          /* NULL (error) when empty */
rt_vec* rt_persistent_vec_set(const rt_vec* v, int64_t index, int64_t x); /* NULL when out of range */
int rt_persistent_vec_get(const rt_vec* v, int64_t index, int64_t* out);  /* 1 ok, 0 out of range, <0 error */
rt_vec* rt_persistent_vec_concat(const rt_vec* a, const rt_vec* b);
rt_vec* rt_persistent_vec_slice(const rt_vec* v, int64_t begin, int64_t end); /* [begin, end) */
int64_t rt_persistent_vec_len(const rt_vec* v);                               /* <0 error */
rt_vec* rt_persistent_vec_clone(const rt_vec* v);                             /* O(1) */
void rt_persistent_vec_free(rt_vec* v);                                       /* NULL is a no-op */

/* Hash set of int64 keys. */
rt_set* rt_persistent_set_empty(void);
rt_set* rt_persistent_set_insert(const rt_set* s, int64_t key);
rt_set* rt_persistent_set_remove(const rt_set* s, int64_t key);
int rt_persistent_set_contains(const rt_set* s, int64_t key); /* 1 yes, 0 no, <0 error */
int64_t rt_persistent_set_len(const rt_set* s);               /* <0 error */
rt_set* rt_persistent_set_clone(const rt_set* s);             /* O(1) */
void rt_persistent_set_free(rt_set* s);                       /* NULL is a no-op */

/* Hash map and hash set over opaque pointers. The caller says how keys hash and compare and
 * how stored items are kept alive:
 *   hash(key, context)         64-bit hash of a key (equal keys must hash equally);
 *   eq(a, b, context)          nonzero when two keys are equal;
 *   retain(item, context)      an item (key or value) is now held by one more version's node;
 *   release(item, context)     one such hold has ended; once every handle is freed, each
 *                              retain has been matched by exactly one release.
 * retain and release may be NULL (the caller keeps items alive some other way); NULL items are
 * stored without calling them. The struct is copied by *_empty and shared by every version
 * derived from that empty collection; `context` must stay valid until the last of them is
 * freed. Callbacks may run on any thread that uses a handle and must not call back into the
 * same collection. */
typedef struct rt_ptr_callbacks {
  uint64_t (*hash)(const void* key, void* context);
  int (*eq)(const void* a, const void* b, void* context);
  void (*retain)(const void* item, void* context);
  void (*release)(const void* item, void* context);
  void* context;
} rt_ptr_callbacks;

typedef struct rt_pdict rt_pdict;
typedef struct rt_pset rt_pset;

/* Hash map from pointer keys to pointer values. */
rt_pdict* rt_persistent_pdict_empty(const rt_ptr_callbacks* callbacks); /* NULL unless hash and eq are set */
rt_pdict* rt_persistent_pdict_insert(const rt_pdict* d, const void* key, const void* value);
rt_pdict* rt_persistent_pdict_remove(const rt_pdict* d, const void* key); /* absent key: an equal version */
int rt_persistent_pdict_get(const rt_pdict* d, const void* key, const void** value_out); /* 1, 0 absent, <0 */
int64_t rt_persistent_pdict_len(const rt_pdict* d);                                     /* <0 error */
rt_pdict* rt_persistent_pdict_clone(const rt_pdict* d);                                 /* O(1) */
void rt_persistent_pdict_free(rt_pdict* d);                                             /* NULL is a no-op */

/* Hash set of pointer keys. */
rt_pset* rt_persistent_pset_empty(const rt_ptr_callbacks* callbacks);
rt_pset* rt_persistent_pset_insert(const rt_pset* s, const void* key);
rt_pset* rt_persistent_pset_remove(const rt_pset* s, const void* key);
int rt_persistent_pset_contains(const rt_pset* s, const void* key); /* 1 yes, 0 no, <0 error */
int64_t rt_persistent_pset_len(const rt_pset* s);                   /* <0 error */
rt_pset* rt_persistent_pset_clone(const rt_pset* s);                /* O(1) */
void rt_persistent_pset_free(rt_pset* s);                           /* NULL is a no-op */

/* Frees the nodes this thread made that other threads have since let go of. A thread that builds
 * versions, hands them to others and then only waits calls this to return their memory sooner;
 * any other thread need not. */
void rt_persistent_reclaim(void);

/* Negative results of the int-returning functions. */
#define RT_ERR_NULL_HANDLE (-1)
#define RT_ERR_BAD_HANDLE (-2)
#define RT_ERR_OUT_OF_MEMORY (-3) /* reserved: no int-returning function allocates */

#ifdef __cplusplus
}
#endif

#endif /* SPL_PERSISTENT_C_API_H */
