#pragma once
// Compiled code keyed by template name and type arguments. A dependency graph records which
// instances call which, so invalidating one (or a whole template) invalidates its dependents.
// An optional size limit evicts the oldest entries (with their dependents) when exceeded.
// Not thread-safe: one cache belongs to one Engine.

#include <cstdint>
#include <functional>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spl/jit/ir.hpp"

namespace spl::jit {

struct CacheKey {
  std::string name;
  std::vector<Type> type_args;
};

struct CacheKeyView {
  std::string_view name;
  std::span<const Type> type_args;
};

struct CacheKeyHash {
  using is_transparent = void;
  std::size_t operator()(const CacheKeyView& k) const noexcept;
  std::size_t operator()(const CacheKey& k) const noexcept { return (*this)(CacheKeyView{k.name, k.type_args}); }
};

struct CacheKeyEq {
  using is_transparent = void;
  static bool same(const CacheKeyView& a, const CacheKeyView& b) noexcept {
    return a.name == b.name && std::equal(a.type_args.begin(), a.type_args.end(), b.type_args.begin(), b.type_args.end());
  }
  bool operator()(const CacheKey& a, const CacheKey& b) const noexcept { return same({a.name, a.type_args}, {b.name, b.type_args}); }
  bool operator()(const CacheKeyView& a, const CacheKey& b) const noexcept { return same(a, {b.name, b.type_args}); }
  bool operator()(const CacheKey& a, const CacheKeyView& b) const noexcept { return same({a.name, a.type_args}, b); }
};

struct CacheEntry {
  void* code = nullptr;
  std::size_t code_bytes = 0;
  std::vector<CacheKey> dependents;  // instances whose code calls this one
  std::list<CacheKey>::iterator age;  // position in insertion order (for eviction)
};

class CodeCache {
 public:
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t evictions = 0;      // removed to respect the size limit
    std::uint64_t invalidations = 0;  // removed by invalidate()
    std::uint64_t code_bytes = 0;     // bytes of code currently cached
    std::uint64_t entries = 0;
  };
  // Called for every entry removed (evicted or invalidated), before it is erased.
  using RemoveHook = std::function<void(const CacheKey& key, const CacheEntry& entry)>;

  explicit CodeCache(std::size_t size_limit = 0) : size_limit_(size_limit) {}

  void set_remove_hook(RemoveHook hook) { on_remove_ = std::move(hook); }
  void set_size_limit(std::size_t bytes);

  // The entry's code, or nullptr (counted as a hit or a miss).
  void* find(std::string_view name, std::span<const Type> type_args) {
    auto it = entries_.find(CacheKeyView{name, type_args});
    if (it == entries_.end()) {
      ++stats_.misses;
      return nullptr;
    }
    ++stats_.hits;
    return it->second.code;
  }
  bool contains(std::string_view name, std::span<const Type> type_args) const {
    return entries_.find(CacheKeyView{name, type_args}) != entries_.end();
  }

  // Adds (or replaces) an entry; may evict older entries when over the size limit.
  void insert(const CacheKey& key, void* code, std::size_t code_bytes);
  // Records that `dependent`'s code calls `dependency` (both must be cached).
  void add_dependency(const CacheKey& dependent, const CacheKey& dependency);
  // Removes the entry and, transitively, everything that depends on it; returns how many.
  std::size_t invalidate(std::string_view name, std::span<const Type> type_args);
  // Removes every instance of a template (and their dependents).
  std::size_t invalidate_template(std::string_view name);

  const Stats& stats() const { return stats_; }

 private:
  std::size_t remove(const CacheKey& key, bool eviction);
  void enforce_limit(const CacheKey& keep);

  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash, CacheKeyEq> entries_;
  std::list<CacheKey> age_;  // oldest first
  std::size_t size_limit_;
  RemoveHook on_remove_;
  Stats stats_;
};

}  // namespace spl::jit
