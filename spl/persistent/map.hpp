#pragma once
// PersistentMap: an immutable hash map (CHAMP trie) with structural sharing. Every update
// returns a new version and leaves the old one intact; copies are O(1). Updates on an rvalue
// (`std::move(m).insert(k, v)`) and through a TransientMap change uniquely held nodes in place.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "spl/base/hash.hpp"
#include "spl/base/refcount.hpp"
#include "spl/persistent/internal/champ_root.hpp"

namespace spl::persistent {

namespace internal {
template <class K, class V, class H, class E>
struct MapTraits {
  using Entry = std::pair<K, V>;
  using Key = K;
  using Hash = H;
  using Eq = E;
  static const K& key(const Entry& e) noexcept { return e.first; }
  static bool same_value(const Entry& a, const Entry& b) { return a.second == b.second; }
};
}  // namespace internal

template <class K, class V, class Hash, class Eq, class RefPolicy>
class TransientMap;

template <class K, class V, class Hash = spl::Hash<K>, class Eq = std::equal_to<K>, class RefPolicy = spl::Atomic>
class PersistentMap {
  using Root = internal::ChampRoot<internal::MapTraits<K, V, Hash, Eq>, RefPolicy>;
  using Trie = typename Root::Trie;

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;
  using size_type = std::size_t;
  using iterator = typename Root::Iterator;
  using const_iterator = iterator;
  using transient_type = TransientMap<K, V, Hash, Eq, RefPolicy>;

  PersistentMap() = default;
  PersistentMap(std::initializer_list<value_type> entries) : PersistentMap(entries.begin(), entries.end()) {}
  // Bulk build: later duplicates of a key win.
  template <std::input_iterator It, std::sentinel_for<It> S>
  PersistentMap(It first, S last) {
    root_.insert_range_in_place(first, last, [](const auto& e) { return value_type(e); });
  }

  size_type size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }

  // The value for `key`, or nullptr.
  const V* find(const K& key) const {
    const value_type* e = root_.find(key);
    return e ? &e->second : nullptr;
  }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }
  // The value for `key`, to be changed in place, when no other version shares a node on its path
  // (the change is then seen by this map alone); nullptr when the key is absent or the path is
  // shared. `std::move(m).insert(k, v)` covers every case; this one skips copying the key and
  // rebuilding when only a value changes. The pointer is valid until the map's next update.
  V* find_mutable(const K& key) & {
    value_type* e = root_.find_unique(key);
    return e ? &e->second : nullptr;
  }
  const V& at(const K& key) const {
    const V* v = find(key);
    if (!v) throw std::out_of_range("spl::persistent::PersistentMap::at: key not present");
    return *v;
  }

  // A version with `key` mapped to `value` (replacing any earlier value).
  PersistentMap insert(K key, V value) const& {
    return PersistentMap(root_.inserted(value_type(std::move(key), std::move(value))));
  }
  PersistentMap insert(K key, V value) && {
    root_.insert_in_place(value_type(std::move(key), std::move(value)));
    return std::move(*this);
  }

  // A version without `key`; removing an absent key gives an equal map.
  PersistentMap remove(const K& key) const& { return PersistentMap(root_.removed(key)); }
  PersistentMap remove(const K& key) && {
    root_.remove_in_place(key);
    return std::move(*this);
  }

  // A version where `key` maps to fn(old), old being a `const V*` (nullptr when absent).
  template <class F>
  PersistentMap update_with(const K& key, F&& fn) const& {
    return insert(key, std::invoke(std::forward<F>(fn), find(key)));
  }
  template <class F>
  PersistentMap update_with(const K& key, F&& fn) && {
    V value = std::invoke(std::forward<F>(fn), find(key));
    root_.insert_in_place(value_type(key, std::move(value)));
    return std::move(*this);
  }

  // Set algebra on keys. Subtrees both maps share are reused by pointer, a part only one side
  // has is taken as it is, and a result node equal to one of this map's is that node, so
  // combining a map with an edited copy of itself costs (and allocates) in proportion to the
  // edit.
  //
  // Every key of either map; where both have a key, this map's value.
  PersistentMap union_with(const PersistentMap& other) const {
    typename Trie::KeepLeft keep;
    return PersistentMap(root_.template combined<Trie::Combine::kUnion>(other.root_, keep));
  }
  // Every key of either map; where both have a key, merge(key, this value, other value). The
  // merge function is called for every common key, shared subtrees included.
  template <class F>
  PersistentMap union_with(const PersistentMap& other, F&& merge) const {
    auto entries = [&](const value_type& mine, const value_type& theirs) {
      return value_type(mine.first, std::invoke(merge, mine.first, mine.second, theirs.second));
    };
    typename Trie::template MergeWith<decltype(entries)> with{entries};
    return PersistentMap(root_.template combined<Trie::Combine::kUnion>(other.root_, with));
  }
  // This map's entries whose keys `other` also has.
  PersistentMap intersection(const PersistentMap& other) const {
    typename Trie::KeepLeft keep;
    return PersistentMap(root_.template combined<Trie::Combine::kIntersection>(other.root_, keep));
  }
  // This map's entries whose keys `other` does not have.
  PersistentMap difference(const PersistentMap& other) const {
    typename Trie::KeepLeft keep;
    return PersistentMap(root_.template combined<Trie::Combine::kDifference>(other.root_, keep));
  }

  transient_type transient() const& { return transient_type(root_); }
  transient_type transient() && { return transient_type(std::move(root_)); }

  iterator begin() const { return root_.begin(); }
  iterator end() const { return root_.end(); }

  // Shared subtrees compare equal by pointer without being visited.
  friend bool operator==(const PersistentMap& a, const PersistentMap& b) { return a.root_.equals(b.root_); }

  // Calls on_change(key, before, after) for each key whose entry differs between the two
  // versions (`const V*`, nullptr where absent). Shared subtrees are skipped, so comparing a
  // version with one derived from it costs in proportion to the change.
  template <class F>
  friend void diff(const PersistentMap& before, const PersistentMap& after, F&& on_change) {
    auto fn = [&](const value_type* b, const value_type* a) {
      on_change(b ? b->first : a->first, b ? &b->second : nullptr, a ? &a->second : nullptr);
    };
    Root::diff(before.root_, after.root_, fn);
  }

  // Structure, for tests and diagnostics.
  std::size_t node_count() const { return root_.node_count(); }
  bool is_canonical() const { return root_.canonical(); }
  const void* identity() const noexcept { return root_.root(); }

 private:
  friend transient_type;
  explicit PersistentMap(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

// A map being built or changed in place; nodes shared with any persistent version are copied
// on first write and never touched. Reads are reads: they neither change the transient nor
// allocate. A transient belongs to one thread at a time and may be handed to another; there
// the nodes the first thread made are copied on their first write (once: the copies belong to
// the new thread, see docs/persistent.md).
template <class K, class V, class Hash, class Eq, class RefPolicy>
class TransientMap {
  using Map = PersistentMap<K, V, Hash, Eq, RefPolicy>;
  using Root = typename Map::Root;

 public:
  TransientMap() = default;

  std::size_t size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }
  const V* find(const K& key) const {
    const auto* e = root_.find(key);
    return e ? &e->second : nullptr;
  }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }

  void insert(K key, V value) { root_.insert_in_place(std::pair<K, V>(std::move(key), std::move(value))); }
  // Inserts every (key, value) of the range in order, a later duplicate winning; faster than
  // one insert at a time for small plain entries (their cache misses overlap, see
  // ChampRoot::insert_range_in_place). If one fails, those before it are in.
  template <std::input_iterator It, std::sentinel_for<It> S>
  void insert_range(It first, S last) {
    root_.insert_range_in_place(first, last, [](const auto& e) { return std::pair<K, V>(e); });
  }
  // True when the key was present.
  bool remove(const K& key) { return root_.remove_in_place(key); }
  template <class F>
  void update_with(const K& key, F&& fn) {
    V value = std::invoke(std::forward<F>(fn), find(key));
    root_.insert_in_place(std::pair<K, V>(key, std::move(value)));
  }

  typename Map::iterator begin() const { return root_.begin(); }
  typename Map::iterator end() const { return root_.end(); }

  // Seals the transient into a persistent map (the transient is left empty).
  Map persistent() && { return Map(std::move(root_)); }

 private:
  friend Map;
  explicit TransientMap(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

// Shorthand for maps that stay on one thread (no atomic reference counts).
template <class K, class V, class Hash = spl::Hash<K>, class Eq = std::equal_to<K>>
using LocalPersistentMap = PersistentMap<K, V, Hash, Eq, spl::Local>;

}  // namespace spl::persistent
