#pragma once
// Compiled code keyed by template name and type arguments. A dependency graph records which
// instances call which, so invalidating one (or a whole template) invalidates its dependents.
// An optional size limit evicts the oldest entries (with their dependents) when exceeded.
// Not thread-safe: one cache belongs to one Engine.

#include <cstdint>
#include <cstring>
#include <functional>
#include <algorithm>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spl/jit/ir.hpp"
#include "spl/jit/symbol_resolver.hpp"

namespace spl::jit {

struct CacheKey {
  std::string name;
  std::vector<Type> type_args;
};

struct CacheKeyEq {
  bool operator()(const CacheKey& a, const CacheKey& b) const noexcept { return a.name == b.name && a.type_args == b.type_args; }
};

struct CacheEntry {
  CacheKey key;
  void* code = nullptr;
  std::size_t code_bytes = 0;
  std::vector<std::string> dependents;  // encoded keys of instances whose code calls this one
  std::list<std::string>::iterator age;  // position in insertion order (for eviction)
  std::uint64_t hash = 0;                // CodeCache::key_hash of the key
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

  // The entry's code, or nullptr (counted as a hit or a miss). Probes a flat index by a hash
  // of the name and type arguments: no key is built and nothing is allocated.
  void* find(std::string_view name, std::span<const Type> type_args) {
    if (const IndexSlot* slot = lookup(name, type_args)) {
      ++stats_.hits;
      return slot->code;
    }
    ++stats_.misses;
    return nullptr;
  }
  bool contains(std::string_view name, std::span<const Type> type_args) const { return lookup(name, type_args) != nullptr; }

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
  // Keys are encoded as one string (the name, a 0 byte, a byte per type argument) so that a
  // lookup hashes and compares one short string, without allocating.
  class KeyBuffer {
   public:
    std::string_view encode(std::string_view name, std::span<const Type> type_args) {
      const std::size_t size = name.size() + 1 + type_args.size();
      char* out = size <= sizeof inline_ ? inline_ : (heap_.resize(size), heap_.data());
      name.copy(out, name.size());
      out[name.size()] = '\0';
      for (std::size_t i = 0; i < type_args.size(); ++i) out[name.size() + 1 + i] = static_cast<char>(static_cast<int>(type_args[i].kind) + 1);
      return {out, size};
    }

   private:
    char inline_[64];
    std::string heap_;
  };
  static std::string encode(const CacheKey& key) {
    KeyBuffer buffer;
    return std::string(buffer.encode(key.name, key.type_args));
  }

  // Up to 7 bytes as one word, with fixed-size loads only (a variable-size memcpy is a call).
  static std::uint64_t load_tail(const char* p, std::size_t n) noexcept {
    std::uint32_t lo = 0, hi = 0;
    if (n >= 4) {
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      return (std::uint64_t{hi} << 32 | lo) ^ n;
    }
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) w = w << 8 | static_cast<unsigned char>(p[i]);
    return w;
  }
  static bool equal_bytes(const char* a, const char* b, std::size_t n) noexcept {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
    }
    return load_tail(a, n) == load_tail(b, n);
  }

  // Open addressing with linear probing over entries_ (whose nodes never move); at most half
  // full. A slot is one cache line holding the code and, when short enough, the key itself, so
  // a lookup usually touches nothing else.
  struct alignas(64) IndexSlot {
    static constexpr std::size_t kInlineKey = 38;
    std::uint64_t hash = 0;
    CacheEntry* entry = nullptr;
    void* code = nullptr;
    std::uint8_t name_size = 0;
    std::uint8_t type_count = 0;
    char key[kInlineKey] = {};  // the name, then a byte per type argument (when they fit)

    static bool fits(std::string_view name, std::span<const Type> type_args) { return name.size() + type_args.size() <= kInlineKey; }
    bool matches(std::string_view name, std::span<const Type> type_args) const {
      if (!fits(name, type_args)) {
        return entry->key.name == name &&
               std::equal(type_args.begin(), type_args.end(), entry->key.type_args.begin(), entry->key.type_args.end());
      }
      if (name_size != name.size() || type_count != type_args.size() || !equal_bytes(key, name.data(), name.size())) return false;
      for (std::size_t i = 0; i < type_args.size(); ++i) {
        if (key[name.size() + i] != static_cast<char>(type_args[i].kind)) return false;
      }
      return true;
    }
  };

  static std::uint64_t key_hash(std::string_view name, std::span<const Type> type_args) noexcept {
    constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;
    std::uint64_t h = name.size() * kMul;
    const char* p = name.data();
    std::size_t n = name.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    h = (h ^ load_tail(p, n)) * kMul;
    for (Type t : type_args) h = (h ^ (static_cast<std::uint64_t>(t.kind) + 1)) * kMul;
    return h ^ (h >> 32);
  }
  const IndexSlot* lookup(std::string_view name, std::span<const Type> type_args) const noexcept {
    if (index_.empty()) return nullptr;
    const std::uint64_t h = key_hash(name, type_args);
    const std::size_t mask = index_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const IndexSlot& slot = index_[i];
      if (slot.entry == nullptr) return nullptr;
      if (slot.hash == h && slot.matches(name, type_args)) return &slot;
    }
  }
  void index_insert(CacheEntry* entry);
  void index_erase(const CacheEntry* entry);

  std::size_t remove(const std::string& encoded, bool eviction);
  void enforce_limit(const std::string& keep);

  std::unordered_map<std::string, CacheEntry, StringHash, std::equal_to<>> entries_;
  std::list<std::string> age_;  // encoded keys, oldest first
  std::vector<IndexSlot> index_;
  std::size_t indexed_ = 0;
  std::size_t size_limit_;
  RemoveHook on_remove_;
  Stats stats_;
};

}  // namespace spl::jit
