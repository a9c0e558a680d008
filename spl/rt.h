/* The spl C ABI: every component's rt_* functions, for generated code and other languages. */
#ifndef SPL_RT_H
#define SPL_RT_H

#include "spl/actor/c_api.h"
#include "spl/jit/c_api.h"
#include "spl/persistent/c_api.h"
#include "spl/syntax/c_api.h"

#endif
