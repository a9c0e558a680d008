#pragma once
// Makes generated code visible to profilers and debuggers:
// - the perf map /tmp/perf-<pid>.map ("START SIZE name" lines), which `perf report` reads;
// - the GDB JIT interface: per function, a minimal in-memory ELF file holding one symbol, linked
//   into __jit_debug_descriptor and announced through __jit_debug_register_code().

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spl::jit {

class DebugRegistry {
 public:
  DebugRegistry(bool perf_map, bool gdb);
  ~DebugRegistry();
  DebugRegistry(const DebugRegistry&) = delete;
  DebugRegistry& operator=(const DebugRegistry&) = delete;

  void add(const void* code, std::size_t size, std::string_view name);
  const std::string& perf_map_path() const { return perf_map_path_; }

  // The ELF symbol file for one function, as registered with GDB (exposed for tests).
  static std::vector<char> make_symbol_file(const void* code, std::size_t size, std::string_view name);

 private:
  struct GdbEntry;
  std::FILE* perf_map_ = nullptr;
  std::string perf_map_path_;
  bool gdb_ = false;
  std::vector<std::unique_ptr<GdbEntry>> gdb_entries_;
};

}  // namespace spl::jit
