#include "spl/jit/code_cache.hpp"

namespace spl::jit {

void CodeCache::set_size_limit(std::size_t bytes) {
  size_limit_ = bytes;
  if (!age_.empty()) enforce_limit(age_.back());
}

void CodeCache::insert(const CacheKey& key, void* code, std::size_t code_bytes) {
  std::string encoded = encode(key);
  if (entries_.find(encoded) != entries_.end()) remove(encoded, false);
  age_.push_back(encoded);
  CacheEntry entry;
  entry.key = key;
  entry.code = code;
  entry.code_bytes = code_bytes;
  entry.age = std::prev(age_.end());
  entry.hash = key_hash(key.name, key.type_args);
  auto placed = entries_.emplace(encoded, std::move(entry)).first;
  index_insert(&placed->second);
  stats_.code_bytes += code_bytes;
  ++stats_.entries;
  enforce_limit(encoded);
}

void CodeCache::add_dependency(const CacheKey& dependent, const CacheKey& dependency) {
  auto it = entries_.find(encode(dependency));
  const std::string dependent_key = encode(dependent);
  if (it == entries_.end() || entries_.find(dependent_key) == entries_.end()) return;
  // A dependent records its edges one after another, so a repeat is the last one; a repeat
  // further back would only be skipped again on removal (removing a missing key is a no-op).
  auto& dependents = it->second.dependents;
  if (!dependents.empty() && dependents.back() == dependent_key) return;
  dependents.push_back(dependent_key);
}

void CodeCache::index_insert(CacheEntry* entry) {
  if (2 * (indexed_ + 1) > index_.size()) {
    std::vector<IndexSlot> old = std::move(index_);
    index_.assign(old.empty() ? 64 : old.size() * 2, IndexSlot{});
    indexed_ = 0;
    for (const IndexSlot& slot : old) {
      if (slot.entry != nullptr) index_insert(slot.entry);
    }
  }
  const std::size_t mask = index_.size() - 1;
  std::size_t i = entry->hash & mask;
  while (index_[i].entry != nullptr) i = (i + 1) & mask;
  IndexSlot& slot = index_[i];
  slot = IndexSlot{};
  slot.hash = entry->hash;
  slot.entry = entry;
  slot.code = entry->code;
  const auto& key = entry->key;
  if (IndexSlot::fits(key.name, key.type_args)) {
    slot.name_size = static_cast<std::uint8_t>(key.name.size());
    slot.type_count = static_cast<std::uint8_t>(key.type_args.size());
    key.name.copy(slot.key, key.name.size());
    for (std::size_t t = 0; t < key.type_args.size(); ++t) slot.key[key.name.size() + t] = static_cast<char>(key.type_args[t].kind);
  }
  ++indexed_;
}

void CodeCache::index_erase(const CacheEntry* entry) {
  const std::size_t mask = index_.size() - 1;
  std::size_t i = entry->hash & mask;
  while (index_[i].entry != entry) i = (i + 1) & mask;
  // Backward-shift deletion: move later members of the probe run into the hole so that every
  // entry stays reachable from its home slot without tombstones.
  for (std::size_t j = (i + 1) & mask; index_[j].entry != nullptr; j = (j + 1) & mask) {
    const std::size_t home = index_[j].hash & mask;
    const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      index_[i] = index_[j];
      i = j;
    }
  }
  index_[i] = IndexSlot{};
  --indexed_;
}

std::size_t CodeCache::remove(const std::string& encoded, bool eviction) {
  // Worklist rather than recursion: dependency chains can be long (and cyclic).
  std::vector<std::string> work{encoded};
  std::size_t removed = 0;
  while (!work.empty()) {
    std::string k = std::move(work.back());
    work.pop_back();
    auto it = entries_.find(k);
    if (it == entries_.end()) continue;
    if (on_remove_) on_remove_(it->second.key, it->second);
    for (auto& d : it->second.dependents) work.push_back(std::move(d));
    stats_.code_bytes -= it->second.code_bytes;
    --stats_.entries;
    index_erase(&it->second);
    age_.erase(it->second.age);
    entries_.erase(it);
    ++removed;
    if (eviction) ++stats_.evictions;
    else ++stats_.invalidations;
  }
  return removed;
}

std::size_t CodeCache::invalidate(std::string_view name, std::span<const Type> type_args) {
  KeyBuffer buffer;
  auto it = entries_.find(buffer.encode(name, type_args));
  if (it == entries_.end()) return 0;
  const std::string key = it->first;
  return remove(key, false);
}

std::size_t CodeCache::invalidate_template(std::string_view name) {
  std::vector<std::string> matching;
  for (const auto& [key, entry] : entries_) {
    if (entry.key.name == name) matching.push_back(key);
  }
  std::size_t removed = 0;
  for (const auto& key : matching) removed += remove(key, false);
  return removed;
}

void CodeCache::enforce_limit(const std::string& keep) {
  if (size_limit_ == 0) return;
  while (stats_.code_bytes > size_limit_ && !age_.empty()) {
    const std::string oldest = age_.front();
    if (oldest == keep) {
      if (age_.size() == 1) return;  // the newest entry alone exceeds the limit: keep it
      age_.splice(age_.end(), age_, age_.begin());
      continue;
    }
    remove(oldest, true);
  }
}

}  // namespace spl::jit
