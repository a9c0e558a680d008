#pragma once
// The JIT engine: loads IR modules, instantiates templates (on load for the module's `need`
// list, on demand, or lazily on first call through a stub), compiles them with the baseline
// backend, installs the code and keeps it in the code cache.
//
// Not thread-safe: load, get and the lazy first-call compilation of one Engine must not run
// concurrently. Already compiled code may run on any thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spl/base/result.hpp"
#include "spl/jit/backend.hpp"
#include "spl/jit/code_cache.hpp"
#include "spl/jit/executable_memory.hpp"
#include "spl/jit/ir.hpp"
#include "spl/jit/symbol_resolver.hpp"

namespace spl::jit {

class DebugRegistry;

struct EngineOptions {
  bool lazy = false;              // compile on first call (through stubs) instead of on load
  std::size_t code_size_limit = 0;  // bytes of cached code before eviction; 0 = no limit
  unsigned max_depth = 50;        // nested instantiations before giving up
  bool perf_map = false;          // write /tmp/perf-<pid>.map
  bool gdb = false;               // register code with the GDB JIT interface
  bool keep_assembly = false;     // keep each function's assembly text (for --dump-asm)
};

struct InstantiatorStats {
  std::uint64_t instantiations = 0;    // functions and template instances compiled
  std::uint64_t failures = 0;          // instantiations that failed (verify or compile)
  std::uint64_t lazy_compiles = 0;     // compiled on first call through a stub
  std::uint64_t cycles = 0;            // calls into an instance still being compiled (via a slot)
  std::uint64_t max_depth_seen = 0;
  std::chrono::nanoseconds compile_time{0};
};

struct Signature {
  std::vector<Type> params;
  Type ret;
};

// An argument or result of call_native: integers (and pointers) in `i`, floats in `f`.
union NativeValue {
  std::int64_t i;
  double f;
};

// Calls compiled code (or any C function) with the given signature. Supports up to six
// integer/pointer and eight float arguments (what the x86-64 C convention passes in registers).
Result<NativeValue> call_native(void* code, const Signature& sig, std::span<const NativeValue> args);

// Parses "name" or "name<i64,f64>" into a name and type arguments.
Result<CacheKey> parse_instance_name(std::string_view text);

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Reads, verifies and registers a module; compiles its functions and `need` instances (or
  // installs lazy stubs for them). Names must not clash with already loaded modules.
  Result<void> load(std::string_view text, std::string_view filename = "<input>");
  Result<void> load_module(Module module, std::string_view filename = "<module>");

  // The code of a function or template instance, instantiating it if missing. In lazy mode a
  // missing one yields its stub, which compiles on the first call.
  Result<void*> get(std::string_view name, std::span<const Type> type_args = {});
  Result<Signature> signature(std::string_view name, std::span<const Type> type_args = {}) const;

  // Throws away compiled code of a template (all instances) and of everything that calls it;
  // it is compiled again when next needed. Call only when none of that code is running.
  std::size_t invalidate(std::string_view template_name);
  // Frees the memory of invalidated or evicted code. Call only when none of it can be running.
  void collect();

  SymbolResolver& symbols() { return symbols_; }
  const CodeCache& cache() const { return cache_; }
  CodeCache& cache() { return cache_; }
  const InstantiatorStats& stats() const { return stats_; }
  const ExecutableMemory& memory() const { return memory_; }
  // Instances compiled so far (mangled names, in compile order), and their assembly if kept.
  const std::vector<std::string>& compiled() const { return compiled_; }
  std::string assembly(std::string_view mangled) const;
  // Errors of lazy compilations (which cannot return an error to their caller).
  const std::vector<std::string>& lazy_errors() const { return lazy_errors_; }

 private:
  struct Definition {
    const Module* module;
    const Function* function;
    std::string filename;
  };
  struct Slot {
    void* target = nullptr;  // read by generated code: `call [slot]`
    CacheKey key;
    void* thunk = nullptr;
  };

  Result<void*> instantiate(const CacheKey& key, unsigned depth);
  Result<Slot*> slot_for(const CacheKey& key);
  static void* lazy_entry(void* engine, std::uint64_t index);
  void on_remove(const CacheKey& key, const CacheEntry& entry);

  EngineOptions options_;
  ExecutableMemory memory_;
  SymbolResolver symbols_;
  CodeCache cache_;
  InstantiatorStats stats_;
  std::deque<Module> modules_;
  std::unordered_map<std::string, Definition, StringHash, std::equal_to<>> definitions_;
  std::deque<Slot> slots_;
  std::unordered_map<std::string, std::size_t> slot_index_;  // by mangled name
  std::vector<CacheKey> in_progress_;
  std::vector<std::string> compiled_;
  std::unordered_map<std::string, std::string> assembly_;
  std::vector<std::string> lazy_errors_;
  std::vector<void*> retired_;  // invalidated code, freed by collect() (it may still be running)
  void* failed_stub_ = nullptr;
  std::unique_ptr<DebugRegistry> debug_;
};

}  // namespace spl::jit
