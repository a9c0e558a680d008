#include "spl/jit/symbol_resolver.hpp"

#include <dlfcn.h>

#include "spl/base/hash.hpp"

namespace spl::jit {

std::size_t StringHash::operator()(std::string_view s) const noexcept { return hash_string(s); }

void SymbolResolver::define_jit(std::string_view name, void* address) {
  jit_.insert_or_assign(std::string(name), address);
  cache_.erase(std::string(name));
}

void SymbolResolver::remove_jit(std::string_view name) {
  if (auto it = jit_.find(name); it != jit_.end()) jit_.erase(it);
  if (auto it = cache_.find(name); it != cache_.end()) cache_.erase(it);
}

void SymbolResolver::register_runtime(std::string_view name, void* address) {
  runtime_.insert_or_assign(std::string(name), address);
  if (auto it = cache_.find(name); it != cache_.end()) cache_.erase(it);
}

void* SymbolResolver::resolve_slow(std::string_view name) {
  ++stats_.misses;
  void* address = nullptr;
  if (auto it = jit_.find(name); it != jit_.end()) {
    address = it->second;
  } else if (auto rt = runtime_.find(name); rt != runtime_.end()) {
    address = rt->second;
  } else {
    const std::string c_name(name);
    address = dlsym(RTLD_DEFAULT, c_name.c_str());
  }
  if (address == nullptr) {
    ++stats_.not_found;
    return nullptr;
  }
  cache_.emplace(std::string(name), address);
  return address;
}

bool SymbolResolver::tier_of(std::string_view name, Tier& out) {
  if (resolve(name) == nullptr) return false;
  if (jit_.find(name) != jit_.end()) out = Tier::kJit;
  else if (runtime_.find(name) != runtime_.end()) out = Tier::kRuntime;
  else out = Tier::kDlsym;
  return true;
}

}  // namespace spl::jit
