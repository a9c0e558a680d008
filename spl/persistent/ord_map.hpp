#pragma once
// PersistentOrdMap: an immutable ordered map (persistent B-tree) with structural sharing:
// ordered iteration, range queries, lower/upper bound, first/last and split at a key. Updates
// return a new version and leave the old one intact; rvalue inserts and a TransientOrdMap
// insert into uniquely held nodes in place.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "spl/base/refcount.hpp"
#include "spl/persistent/internal/ord_root.hpp"

namespace spl::persistent {

namespace internal {
template <class K, class V, class L>
struct OrdMapTraits {
  using Entry = std::pair<K, V>;
  using Key = K;
  using Less = L;
  static const K& key(const Entry& e) noexcept { return e.first; }
};

// A half-open run of a collection's iterators, usable in a range-for.
template <class It>
struct IteratorRange {
  It first;
  It last;
  It begin() const { return first; }
  It end() const { return last; }
};
}  // namespace internal

template <class K, class V, class Less, class RefPolicy>
class TransientOrdMap;

template <class K, class V, class Less = std::less<K>, class RefPolicy = spl::Atomic>
class PersistentOrdMap {
  using Root = internal::OrdRoot<internal::OrdMapTraits<K, V, Less>, RefPolicy>;

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;
  using size_type = std::size_t;
  using iterator = typename Root::Iterator;
  using const_iterator = iterator;
  using transient_type = TransientOrdMap<K, V, Less, RefPolicy>;

  PersistentOrdMap() = default;
  PersistentOrdMap(std::initializer_list<value_type> entries) : PersistentOrdMap(entries.begin(), entries.end()) {}
  template <std::input_iterator It, std::sentinel_for<It> S>
  PersistentOrdMap(It first, S last) {
    for (; first != last; ++first) root_.insert_in_place(value_type(*first));
  }

  size_type size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }
  const V* find(const K& key) const {
    const value_type* e = root_.find(key);
    return e ? &e->second : nullptr;
  }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }
  const V& at(const K& key) const {
    const V* v = find(key);
    if (!v) throw std::out_of_range("spl::persistent::PersistentOrdMap::at: key not present");
    return *v;
  }

  PersistentOrdMap insert(K key, V value) const& {
    return PersistentOrdMap(root_.inserted(value_type(std::move(key), std::move(value))));
  }
  PersistentOrdMap insert(K key, V value) && {
    root_.insert_in_place(value_type(std::move(key), std::move(value)));
    return std::move(*this);
  }
  PersistentOrdMap remove(const K& key) const { return PersistentOrdMap(root_.removed(key)); }
  template <class F>
  PersistentOrdMap update_with(const K& key, F&& fn) const {
    return insert(key, std::invoke(std::forward<F>(fn), find(key)));
  }

  // Ordered iteration and queries.
  iterator begin() const { return root_.begin(); }
  iterator end() const { return root_.end(); }
  iterator lower_bound(const K& key) const { return root_.lower_bound(key); }  // first key >= key
  iterator upper_bound(const K& key) const { return root_.upper_bound(key); }  // first key > key
  // Entries with lo <= key < hi, in order.
  internal::IteratorRange<iterator> range(const K& lo, const K& hi) const {
    if (Less{}(hi, lo)) return {end(), end()};
    return {lower_bound(lo), lower_bound(hi)};
  }
  // Smallest and largest entries (nullptr when empty).
  const value_type* first() const { return root_.first(); }
  const value_type* last() const { return root_.last(); }
  // (entries with key < `key`, entries with key >= `key`) in O(log n); both halves share this
  // map's nodes off the split path.
  std::pair<PersistentOrdMap, PersistentOrdMap> split(const K& key) const {
    auto [lo, hi] = root_.split(key);
    return {PersistentOrdMap(std::move(lo)), PersistentOrdMap(std::move(hi))};
  }

  transient_type transient() const& { return transient_type(root_); }
  transient_type transient() && { return transient_type(std::move(root_)); }

  friend bool operator==(const PersistentOrdMap& a, const PersistentOrdMap& b) {
    return a.root_.equals(b.root_, [](const value_type& x, const value_type& y) {
      return !Less{}(x.first, y.first) && !Less{}(y.first, x.first) && x.second == y.second;
    });
  }

  // Calls on_change(key, before, after) for each key whose entry differs (`const V*`, nullptr
  // where absent), in key order. Nodes both versions share are skipped by pointer, so comparing
  // a version with one derived from it costs in proportion to the change.
  template <class F>
  friend void diff(const PersistentOrdMap& before, const PersistentOrdMap& after, F&& on_change) {
    auto fn = [&](const value_type* b, const value_type* a) {
      on_change(b ? b->first : a->first, b ? &b->second : nullptr, a ? &a->second : nullptr);
    };
    Root::diff(before.root_, after.root_, [](const value_type& x, const value_type& y) { return x.second == y.second; },
               fn);
  }

  bool check_invariants() const { return root_.check(); }
  const void* identity() const noexcept { return root_.root(); }

 private:
  friend transient_type;
  explicit PersistentOrdMap(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

template <class K, class V, class Less, class RefPolicy>
class TransientOrdMap {
  using Map = PersistentOrdMap<K, V, Less, RefPolicy>;
  using Root = typename Map::Root;

 public:
  TransientOrdMap() = default;
  std::size_t size() const noexcept { return root_.size(); }
  const V* find(const K& key) const {
    const auto* e = root_.find(key);
    return e ? &e->second : nullptr;
  }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }
  void insert(K key, V value) { root_.insert_in_place(std::pair<K, V>(std::move(key), std::move(value))); }
  // True when the key was present. Nodes the transient holds alone change in place.
  bool remove(const K& key) { return root_.remove_in_place(key); }
  Map persistent() && { return Map(std::move(root_)); }

 private:
  friend Map;
  explicit TransientOrdMap(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

}  // namespace spl::persistent
