#pragma once
// Makes generated code visible to profilers: appends "START SIZE name" lines to the perf map
// /tmp/perf-<pid>.map, which `perf report` reads to name JIT'd frames.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace spl::jit {

class DebugRegistry {
 public:
  explicit DebugRegistry(bool perf_map);
  ~DebugRegistry();
  DebugRegistry(const DebugRegistry&) = delete;
  DebugRegistry& operator=(const DebugRegistry&) = delete;

  void add(const void* code, std::size_t size, std::string_view name);
  const std::string& perf_map_path() const { return perf_map_path_; }

 private:
  std::FILE* perf_map_ = nullptr;
  std::string perf_map_path_;
};

}  // namespace spl::jit
