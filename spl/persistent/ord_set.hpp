#pragma once
// PersistentOrdSet: an immutable ordered set on the persistent B-tree of PersistentOrdMap.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <utility>

#include "spl/base/refcount.hpp"
#include "spl/persistent/internal/ord_root.hpp"
#include "spl/persistent/ord_map.hpp"

namespace spl::persistent {

namespace internal {
template <class K, class L>
struct OrdSetTraits {
  using Entry = K;
  using Key = K;
  using Less = L;
  static const K& key(const Entry& e) noexcept { return e; }
};
}  // namespace internal

template <class K, class Less = std::less<K>, class RefPolicy = spl::Atomic>
class PersistentOrdSet {
  using Root = internal::OrdRoot<internal::OrdSetTraits<K, Less>, RefPolicy>;

 public:
  using key_type = K;
  using value_type = K;
  using size_type = std::size_t;
  using iterator = typename Root::Iterator;
  using const_iterator = iterator;

  PersistentOrdSet() = default;
  PersistentOrdSet(std::initializer_list<K> keys) : PersistentOrdSet(keys.begin(), keys.end()) {}
  template <std::input_iterator It, std::sentinel_for<It> S>
  PersistentOrdSet(It first, S last) {
    for (; first != last; ++first) root_.insert_in_place(K(*first));
  }

  size_type size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }
  PersistentOrdSet insert(K key) const& { return PersistentOrdSet(root_.inserted(std::move(key))); }
  PersistentOrdSet insert(K key) && {
    root_.insert_in_place(std::move(key));
    return std::move(*this);
  }
  PersistentOrdSet remove(const K& key) const { return PersistentOrdSet(root_.removed(key)); }

  iterator begin() const { return root_.begin(); }
  iterator end() const { return root_.end(); }
  iterator lower_bound(const K& key) const { return root_.lower_bound(key); }
  iterator upper_bound(const K& key) const { return root_.upper_bound(key); }
  internal::IteratorRange<iterator> range(const K& lo, const K& hi) const {
    if (Less{}(hi, lo)) return {end(), end()};
    return {lower_bound(lo), lower_bound(hi)};
  }
  const K* first() const { return root_.first(); }
  const K* last() const { return root_.last(); }
  // (keys < `key`, keys >= `key`) in O(log n), sharing this set's nodes off the split path.
  std::pair<PersistentOrdSet, PersistentOrdSet> split(const K& key) const {
    auto [lo, hi] = root_.split(key);
    return {PersistentOrdSet(std::move(lo)), PersistentOrdSet(std::move(hi))};
  }

  friend bool operator==(const PersistentOrdSet& a, const PersistentOrdSet& b) {
    return a.root_.equals(b.root_, [](const K& x, const K& y) { return !Less{}(x, y) && !Less{}(y, x); });
  }

  // Calls on_change(key, now_present) for each key in exactly one version, in key order
  // (true: added in `after`); shared nodes are skipped by pointer.
  template <class F>
  friend void diff(const PersistentOrdSet& before, const PersistentOrdSet& after, F&& on_change) {
    auto fn = [&](const K* b, const K* a) { on_change(b ? *b : *a, a != nullptr); };
    Root::diff(before.root_, after.root_, [](const K&, const K&) { return true; }, fn);
  }

  bool check_invariants() const { return root_.check(); }

 private:
  explicit PersistentOrdSet(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

}  // namespace spl::persistent
