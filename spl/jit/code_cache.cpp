#include "spl/jit/code_cache.hpp"

#include "spl/base/hash.hpp"

namespace spl::jit {

std::size_t CacheKeyHash::operator()(const CacheKeyView& k) const noexcept {
  std::uint64_t h = hash_string(k.name);
  for (Type t : k.type_args) h = hash_combine(h, static_cast<std::uint64_t>(t.kind) | (std::uint64_t{t.param} << 8));
  return h;
}

void CodeCache::set_size_limit(std::size_t bytes) {
  size_limit_ = bytes;
  if (!age_.empty()) enforce_limit(age_.back());
}

void CodeCache::insert(const CacheKey& key, void* code, std::size_t code_bytes) {
  if (entries_.find(key) != entries_.end()) remove(key, false);
  age_.push_back(key);
  CacheEntry entry;
  entry.code = code;
  entry.code_bytes = code_bytes;
  entry.age = std::prev(age_.end());
  entries_.emplace(key, std::move(entry));
  stats_.code_bytes += code_bytes;
  ++stats_.entries;
  enforce_limit(key);
}

void CodeCache::add_dependency(const CacheKey& dependent, const CacheKey& dependency) {
  auto it = entries_.find(dependency);
  if (it == entries_.end() || entries_.find(dependent) == entries_.end()) return;
  for (const auto& d : it->second.dependents) {
    if (CacheKeyEq{}(d, dependent)) return;
  }
  it->second.dependents.push_back(dependent);
}

std::size_t CodeCache::remove(const CacheKey& key, bool eviction) {
  // Worklist rather than recursion: dependency chains can be long (and cyclic).
  std::vector<CacheKey> work{key};
  std::size_t removed = 0;
  while (!work.empty()) {
    CacheKey k = std::move(work.back());
    work.pop_back();
    auto it = entries_.find(k);
    if (it == entries_.end()) continue;
    if (on_remove_) on_remove_(it->first, it->second);
    for (auto& d : it->second.dependents) work.push_back(std::move(d));
    stats_.code_bytes -= it->second.code_bytes;
    --stats_.entries;
    age_.erase(it->second.age);
    entries_.erase(it);
    ++removed;
    if (eviction) ++stats_.evictions;
    else ++stats_.invalidations;
  }
  return removed;
}

std::size_t CodeCache::invalidate(std::string_view name, std::span<const Type> type_args) {
  auto it = entries_.find(CacheKeyView{name, type_args});
  if (it == entries_.end()) return 0;
  const CacheKey key = it->first;
  return remove(key, false);
}

std::size_t CodeCache::invalidate_template(std::string_view name) {
  std::vector<CacheKey> matching;
  for (const auto& [key, entry] : entries_) {
    if (key.name == name) matching.push_back(key);
  }
  std::size_t removed = 0;
  for (const auto& key : matching) removed += remove(key, false);
  return removed;
}

void CodeCache::enforce_limit(const CacheKey& keep) {
  if (size_limit_ == 0) return;
  while (stats_.code_bytes > size_limit_ && !age_.empty()) {
    const CacheKey oldest = age_.front();
    if (CacheKeyEq{}(oldest, keep)) {
      if (age_.size() == 1) return;  // the newest entry alone exceeds the limit: keep it
      age_.splice(age_.end(), age_, age_.begin());
      continue;
    }
    remove(oldest, true);
  }
}

}  // namespace spl::jit
