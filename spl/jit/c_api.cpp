// The C ABI over Engine. Every error becomes a status and a message for rt_last_error(); no
// exception leaves this file.

#include "spl/jit/c_api.h"

#include <memory>
#include <string>
#include <vector>

#include "spl/base/c_handle.hpp"
#include "spl/jit/engine.hpp"

namespace {

constexpr std::uint64_t kJitTag = 0x5350'4C4A'4954'5401ULL;

using spl::ErrorCode;
using spl::jit::Engine;

int fail(const spl::Error& error) {
  spl::set_last_error(error.to_string());
  switch (error.code) {
    case ErrorCode::kUnsupported: return RT_JIT_UNSUPPORTED;
    case ErrorCode::kInternal:
    case ErrorCode::kIo:
    case ErrorCode::kFull: return RT_JIT_FAILED;
    default: return RT_JIT_INVALID;
  }
}

int fail(int status, const char* why) {
  spl::set_last_error(why);
  return status;
}

bool is_integer(spl::jit::Type t) {
  using spl::jit::TypeKind;
  return t.kind != TypeKind::kF32 && t.kind != TypeKind::kF64 && t.kind != TypeKind::kParam &&
         t.kind != TypeKind::kVoid;
}

}  // namespace

// The engine lives behind a pointer so a freed handle's shell stays small in the quarantine.
struct rt_jit : spl::c_abi::Handle<kJitTag, std::unique_ptr<Engine>> {};

using spl::c_abi::check;
using spl::c_abi::guarded;

namespace {

int status_of(const rt_jit* jit) { return jit ? RT_JIT_BAD_HANDLE : RT_JIT_NULL_HANDLE; }

// Resolves "name" or "name<T,...>" to its code and signature.
spl::Result<void*> code_of(Engine& engine, const char* name, spl::jit::Signature* signature) {
  auto key = spl::jit::parse_instance_name(name);
  if (!key) return std::move(key).error();
  if (signature) {
    auto sig = engine.signature(key->name, key->type_args);
    if (!sig) return std::move(sig).error();
    *signature = std::move(*sig);
  }
  return engine.get(key->name, key->type_args);
}

}  // namespace

extern "C" {

rt_jit* rt_jit_create(int lazy) {
  return guarded<rt_jit*>(nullptr, [&]() -> rt_jit* {
    if (auto host = spl::jit::check_host(); !host) {
      fail(host.error());
      return nullptr;
    }
    spl::jit::EngineOptions options;
    options.lazy = lazy != 0;
    return spl::c_abi::wrap<rt_jit>(std::make_unique<Engine>(options));
  });
}

int rt_jit_load(rt_jit* jit, const char* filename, const char* ir_text, size_t len) {
  if (!check(jit)) return status_of(jit);
  if (!ir_text && len > 0) return fail(RT_JIT_INVALID, "null IR text with a non-zero length");
  return guarded<int>(RT_JIT_FAILED, [&] {
    auto loaded = jit->value->load(std::string_view(ir_text ? ir_text : "", len), filename ? filename : "<input>");
    return loaded ? RT_JIT_OK : fail(loaded.error());
  });
}

int rt_jit_register_symbol(rt_jit* jit, const char* name, void* address) {
  if (!check(jit)) return status_of(jit);
  if (!name || !*name || !address) return fail(RT_JIT_INVALID, "a symbol needs a name and an address");
  return guarded<int>(RT_JIT_FAILED, [&] {
    jit->value->symbols().register_runtime(name, address);
    return RT_JIT_OK;
  });
}

void* rt_jit_lookup(rt_jit* jit, const char* name) {
  if (!check(jit)) return nullptr;
  if (!name) return fail(RT_JIT_INVALID, "null name"), nullptr;
  return guarded<void*>(nullptr, [&]() -> void* {
    auto code = code_of(*jit->value, name, nullptr);
    if (!code) return fail(code.error()), nullptr;
    return *code;
  });
}

int rt_jit_call_i64(rt_jit* jit, const char* name, const int64_t* args, size_t nargs, int64_t* result) {
  if (!check(jit)) return status_of(jit);
  if (!name || !result || (!args && nargs > 0)) return fail(RT_JIT_INVALID, "null name, result or arguments");
  return guarded<int>(RT_JIT_FAILED, [&] {
    spl::jit::Signature sig;
    auto code = code_of(*jit->value, name, &sig);
    if (!code) return fail(code.error());
    if (sig.params.size() != nargs) return fail(RT_JIT_INVALID, "argument count does not match the function");
    for (spl::jit::Type t : sig.params) {
      if (!is_integer(t)) return fail(RT_JIT_INVALID, "rt_jit_call_i64 takes only integer and pointer parameters");
    }
    if (sig.ret.kind != spl::jit::TypeKind::kVoid && !is_integer(sig.ret))
      return fail(RT_JIT_INVALID, "rt_jit_call_i64 needs an integer, pointer or void result");
    std::vector<spl::jit::NativeValue> values(nargs);
    for (std::size_t i = 0; i < nargs; ++i) values[i].i = args[i];
    auto out = spl::jit::call_native(*code, sig, values);
    if (!out) return fail(out.error());
    *result = sig.ret.kind == spl::jit::TypeKind::kVoid ? 0 : out->i;
    return RT_JIT_OK;
  });
}

int64_t rt_jit_invalidate(rt_jit* jit, const char* template_name) {
  if (!check(jit)) return status_of(jit);
  if (!template_name) return fail(RT_JIT_INVALID, "null template name");
  return guarded<int64_t>(RT_JIT_FAILED, [&] { return static_cast<int64_t>(jit->value->invalidate(template_name)); });
}

int rt_jit_stats(const rt_jit* jit, rt_jit_statistics* out) {
  if (!check(jit)) return status_of(jit);
  if (!out) return fail(RT_JIT_INVALID, "null stats output");
  const auto& engine = *jit->value;
  const auto& cache = engine.cache().stats();
  out->instantiations = engine.stats().instantiations;
  out->failures = engine.stats().failures;
  out->lazy_compiles = engine.stats().lazy_compiles;
  out->cache_hits = cache.hits;
  out->cache_misses = cache.misses;
  out->cache_evictions = cache.evictions;
  out->code_bytes = cache.code_bytes;
  out->compile_ns = static_cast<uint64_t>(engine.stats().compile_time.count());
  return RT_JIT_OK;
}

void rt_jit_destroy(rt_jit* jit) { spl::c_abi::free_handle(jit); }

}  // extern "C"
