#pragma once
// Resolves symbol names to addresses in three tiers: JIT'd functions, registered runtime
// functions (the `rt_*` C ABI), then dlsym in the process. Every answer is cached.
// Not thread-safe: one resolver belongs to one Engine.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace spl::jit {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept;
};

class SymbolResolver {
 public:
  enum class Tier : std::uint8_t { kJit, kRuntime, kDlsym };

  struct Stats {
    std::uint64_t hits = 0;    // answered from the cache
    std::uint64_t misses = 0;  // looked up through the tiers
    std::uint64_t not_found = 0;
  };

  void define_jit(std::string_view name, void* address);
  void remove_jit(std::string_view name);
  void register_runtime(std::string_view name, void* address);

  // The address of `name`, or nullptr when no tier has it.
  void* resolve(std::string_view name) {
    if (auto it = cache_.find(name); it != cache_.end()) {
      ++stats_.hits;
      return it->second;
    }
    return resolve_slow(name);
  }
  // Which tier `name` resolves from (resolving it if needed); false when unknown.
  bool tier_of(std::string_view name, Tier& out);

  const Stats& stats() const { return stats_; }

 private:
  void* resolve_slow(std::string_view name);

  using Map = std::unordered_map<std::string, void*, StringHash, std::equal_to<>>;
  Map jit_;
  Map runtime_;
  Map cache_;
  Stats stats_;
};

}  // namespace spl::jit
