#include "spl/vm/extern_fn.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <mutex>

#include "spl/jit/symbol_resolver.hpp"
#include "spl/persistent/c_api.h"
#include "spl/vm/vm.hpp"

// Runtime functions the standard library declares with `extern fn` (the `rt_*` C ABI).
extern "C" {
// The value of an environment variable, or NULL when it is not set.
const char* rt_env_get(const char* key) { return key ? std::getenv(key) : nullptr; }
}

namespace spl::vm {

namespace {

struct ExternObj : OpaqueObj {
  ExternSignature sig;
  void* address;
  ExternObj(ExternSignature s, void* a) : OpaqueObj("extern fn"), sig(std::move(s)), address(a) {}
};

using IntFn = std::int64_t (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, double,
                               double, double, double, double, double, double, double);
using DblFn = double (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, double, double,
                         double, double, double, double, double, double);

const char* type_label(ExternType t) {
  switch (t) {
    case ExternType::I64: return "i64";
    case ExternType::F64: return "f64";
    case ExternType::Bool: return "bool";
    case ExternType::Text: return "text";
    case ExternType::Value: return "rt_value";
    default: return "()";
  }
}

}  // namespace

spl::jit::SymbolResolver& extern_resolver() {
  static spl::jit::SymbolResolver resolver;
  static std::once_flag once;
  std::call_once(once, [] {
#define SPL_VM_RUNTIME(fn) resolver.register_runtime(#fn, reinterpret_cast<void*>(&fn))
    SPL_VM_RUNTIME(rt_persistent_dict_empty);
    SPL_VM_RUNTIME(rt_persistent_dict_insert);
    SPL_VM_RUNTIME(rt_persistent_dict_remove);
    SPL_VM_RUNTIME(rt_persistent_dict_get);
    SPL_VM_RUNTIME(rt_persistent_dict_len);
    SPL_VM_RUNTIME(rt_persistent_dict_clone);
    SPL_VM_RUNTIME(rt_persistent_dict_free);
    SPL_VM_RUNTIME(rt_persistent_vec_empty);
    SPL_VM_RUNTIME(rt_persistent_vec_push);
    SPL_VM_RUNTIME(rt_persistent_vec_pop);
    SPL_VM_RUNTIME(rt_persistent_vec_set);
    SPL_VM_RUNTIME(rt_persistent_vec_get);
    SPL_VM_RUNTIME(rt_persistent_vec_len);
    SPL_VM_RUNTIME(rt_persistent_vec_free);
    SPL_VM_RUNTIME(rt_persistent_set_empty);
    SPL_VM_RUNTIME(rt_persistent_set_insert);
    SPL_VM_RUNTIME(rt_persistent_set_remove);
    SPL_VM_RUNTIME(rt_persistent_set_contains);
    SPL_VM_RUNTIME(rt_persistent_set_len);
    SPL_VM_RUNTIME(rt_persistent_set_free);
    SPL_VM_RUNTIME(rt_last_error);
    SPL_VM_RUNTIME(rt_env_get);
#undef SPL_VM_RUNTIME
  });
  return resolver;
}

static Value call_extern(Vm& vm, Value* args, int nargs) {
  // args[0] is the bound ExternObj (natives of extern fns are bound methods of it).
  auto* ext = static_cast<ExternObj*>(args[0].obj());
  const ExternSignature& sig = ext->sig;
  int n = nargs - 1;
  if (n != static_cast<int>(sig.params.size()))
    vm.panic(fmt::format("extern fn `{}` takes {} argument(s), {} given", sig.name, sig.params.size(), n));
  std::int64_t ints[6] = {};
  double dbls[8] = {};
  int ni = 0, nd = 0;
  for (int i = 0; i < n; ++i) {
    Value a = args[1 + i];
    ExternType t = sig.params[static_cast<std::size_t>(i)];
    auto bad = [&] {
      vm.panic(fmt::format("extern fn `{}`: argument {} must be {}, found {}", sig.name, i + 1, type_label(t), type_name(a)));
    };
    switch (t) {
      case ExternType::I64:
        if (!a.is_int()) bad();
        ints[ni++] = a.as_int();
        break;
      case ExternType::Bool:
        if (!a.is_bool()) bad();
        ints[ni++] = a.boolean() ? 1 : 0;
        break;
      case ExternType::Text:
        if (!a.is_obj(ObjType::Str)) bad();
        ints[ni++] = reinterpret_cast<std::int64_t>(a.as<StrObj>()->s.c_str());
        break;
      case ExternType::Value: ints[ni++] = static_cast<std::int64_t>(a.bits); break;
      case ExternType::F64:
        if (a.is_double()) dbls[nd++] = a.dbl();
        else if (a.is_int()) dbls[nd++] = static_cast<double>(a.as_int());
        else bad();
        break;
      case ExternType::Void: bad();
    }
  }
  if (sig.result == ExternType::F64) {
    double r = reinterpret_cast<DblFn>(ext->address)(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], dbls[0], dbls[1],
                                                      dbls[2], dbls[3], dbls[4], dbls[5], dbls[6], dbls[7]);
    return Value::of_double(r);
  }
  std::int64_t r = reinterpret_cast<IntFn>(ext->address)(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], dbls[0], dbls[1],
                                                          dbls[2], dbls[3], dbls[4], dbls[5], dbls[6], dbls[7]);
  switch (sig.result) {
    case ExternType::I64: return Value::integer(r);
    case ExternType::Bool: return Value::of_bool((r & 0xFF) != 0);
    case ExternType::Text: {
      const char* s = reinterpret_cast<const char*>(r);
      return s ? make_str(s) : Value::nil();
    }
    case ExternType::Value: {
      Value v{static_cast<std::uint64_t>(r)};
      retain(v);
      return v;
    }
    default: return Value::nil();
  }
}

Value bind_extern(Vm& vm, const ExternSignature& sig, std::string& error) {
  int ni = 0, nd = 0;
  for (ExternType t : sig.params) {
    if (t == ExternType::F64) ++nd;
    else if (t == ExternType::Void) {
      error = fmt::format("extern fn `{}`: a parameter cannot be ()", sig.name);
      return Value::nil();
    } else {
      ++ni;
    }
  }
  if (ni > 6 || nd > 8) {
    error = fmt::format("extern fn `{}`: at most 6 integer-class and 8 f64 parameters are supported", sig.name);
    return Value::nil();
  }
  void* address = extern_resolver().resolve(sig.name);
  if (address == nullptr) {
    error = fmt::format("extern fn `{}`: no such symbol (not a registered runtime function, not found by dlsym)", sig.name);
    return Value::nil();
  }
  Value ext = Value::object(new ExternObj(sig, address));
  Value fn = Value::object(new NativeObj(&call_extern, "extern fn"));
  (void)vm;
  return Value::object(new BoundObj(ext, fn));
}

}  // namespace spl::vm
