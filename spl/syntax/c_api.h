/* C ABI of the Simple front end (C99): check source text and read its diagnostics, in the same
 * JSON and rustc-style text `spl check` prints, and the source with every machine-applicable
 * fix-it applied (what `spl fix` writes). A NULL or freed handle gives NULL or a negative result
 * and rt_last_error() says why, never a crash. Strings returned stay valid until the handle is
 * freed. */
#ifndef SPL_SYNTAX_C_API_H
#define SPL_SYNTAX_C_API_H

#include <stddef.h>
#include <stdint.h>

#include "spl/base/c_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rt_syntax_check rt_syntax_check;

/* Parses `len` bytes of `source`; `path` names it in messages (NULL: "<input>"). Malformed
 * source is not an error: it yields diagnostics. NULL only when `source` is NULL with len > 0,
 * or memory runs out. */
rt_syntax_check* rt_syntax_check_source(const char* path, const char* source, size_t len);

int64_t rt_syntax_diagnostic_count(const rt_syntax_check* c); /* <0 error */
int64_t rt_syntax_error_count(const rt_syntax_check* c);      /* diagnostics of severity error; <0 error */
/* Diagnostic `index` (0-based, in report order) as one JSON object; NULL when out of range. */
const char* rt_syntax_diagnostic_json(const rt_syntax_check* c, int64_t index);
/* The same rendered rustc-style with file:line:column and a caret (no colour). */
const char* rt_syntax_diagnostic_text(const rt_syntax_check* c, int64_t index);
/* The language the source seems written in when it is not Simple: "Python", "Rust",
 * "TypeScript/JavaScript", "Java", "C", or "" when none stands out. */
const char* rt_syntax_language(const rt_syntax_check* c);
/* The source with every non-overlapping machine-applicable fix-it applied; its length goes to
 * `*len_out` when that is not NULL. */
const char* rt_syntax_fixed_source(const rt_syntax_check* c, size_t* len_out);
int64_t rt_syntax_fixes_applied(const rt_syntax_check* c); /* <0 error */
void rt_syntax_check_free(rt_syntax_check* c);             /* NULL is a no-op */

#ifdef __cplusplus
}
#endif

#endif
