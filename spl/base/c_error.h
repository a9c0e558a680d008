/* The one error channel every rt_* function of the spl C ABI shares. */
#ifndef SPL_BASE_C_ERROR_H
#define SPL_BASE_C_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Why the last failed rt_* call on this thread failed; "" when none has failed yet. The
 * pointer stays valid until the next failing rt_* call on the same thread. */
const char* rt_last_error(void);

#ifdef __cplusplus
}
#endif

#endif
