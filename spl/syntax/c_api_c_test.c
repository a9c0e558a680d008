/* Compiled as C99: the header is valid C and the calls link from C. */
#include <stddef.h>
#include <string.h>

#include "spl/syntax/c_api.h"

int spl_syntax_c_api_from_c(void) {
  const char* source = "def greet(name):\n    return name\n";
  rt_syntax_check* c = rt_syntax_check_source("greet.spl", source, strlen(source));
  int ok = c != NULL && rt_syntax_diagnostic_count(c) > 0 && rt_syntax_diagnostic_json(c, 0) != NULL;
  ok = ok && strcmp(rt_syntax_language(c), "Python") == 0;
  rt_syntax_check_free(c);
  ok = ok && rt_syntax_error_count(NULL) < 0 && rt_last_error()[0] != '\0';
  return ok;
}
