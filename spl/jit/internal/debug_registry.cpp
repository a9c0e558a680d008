#include "spl/jit/internal/debug_registry.hpp"

#include <unistd.h>

namespace spl::jit {

DebugRegistry::DebugRegistry(bool perf_map) {
  if (!perf_map) return;
  perf_map_path_ = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  perf_map_ = std::fopen(perf_map_path_.c_str(), "a");
}

DebugRegistry::~DebugRegistry() {
  if (perf_map_ != nullptr) std::fclose(perf_map_);
}

void DebugRegistry::add(const void* code, std::size_t size, std::string_view name) {
  if (perf_map_ == nullptr) return;
  std::fprintf(perf_map_, "%lx %zx %.*s\n", static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(code)), size,
               static_cast<int>(name.size()), name.data());
  std::fflush(perf_map_);  // perf may read the map while we still run
}

}  // namespace spl::jit
