#pragma once
// PersistentSet: an immutable hash set (CHAMP trie) with structural sharing; the set twin of
// PersistentMap, with the same versioning, in-place rvalue updates and transients.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <utility>

#include "spl/base/hash.hpp"
#include "spl/base/refcount.hpp"
#include "spl/persistent/internal/champ_root.hpp"

namespace spl::persistent {

namespace internal {
template <class K, class H, class E>
struct SetTraits {
  using Entry = K;
  using Key = K;
  using Hash = H;
  using Eq = E;
  static const K& key(const Entry& e) noexcept { return e; }
  static bool same_value(const Entry&, const Entry&) noexcept { return true; }
};
}  // namespace internal

template <class K, class Hash, class Eq, class RefPolicy>
class TransientSet;

template <class K, class Hash = spl::Hash<K>, class Eq = std::equal_to<K>, class RefPolicy = spl::Atomic>
class PersistentSet {
  using Root = internal::ChampRoot<internal::SetTraits<K, Hash, Eq>, RefPolicy>;
  using Trie = typename Root::Trie;

 public:
  using key_type = K;
  using value_type = K;
  using size_type = std::size_t;
  using iterator = typename Root::Iterator;
  using const_iterator = iterator;
  using transient_type = TransientSet<K, Hash, Eq, RefPolicy>;

  PersistentSet() = default;
  PersistentSet(std::initializer_list<K> keys) : PersistentSet(keys.begin(), keys.end()) {}
  template <std::input_iterator It, std::sentinel_for<It> S>
  PersistentSet(It first, S last) {
    root_.insert_range_in_place(first, last, [](const auto& k) { return K(k); });
  }

  size_type size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }

  PersistentSet insert(K key) const& { return PersistentSet(root_.inserted(std::move(key))); }
  PersistentSet insert(K key) && {
    root_.insert_in_place(std::move(key));
    return std::move(*this);
  }
  PersistentSet remove(const K& key) const& { return PersistentSet(root_.removed(key)); }
  PersistentSet remove(const K& key) && {
    root_.remove_in_place(key);
    return std::move(*this);
  }

  // Set algebra; shared subtrees are reused by pointer, so combining a set with an edited copy
  // of itself costs (and allocates) in proportion to the edit. Operators: | & -.
  PersistentSet union_with(const PersistentSet& other) const { return combined<Trie::Combine::kUnion>(other); }
  PersistentSet intersection(const PersistentSet& other) const {
    return combined<Trie::Combine::kIntersection>(other);
  }
  PersistentSet difference(const PersistentSet& other) const { return combined<Trie::Combine::kDifference>(other); }
  friend PersistentSet operator|(const PersistentSet& a, const PersistentSet& b) { return a.union_with(b); }
  friend PersistentSet operator&(const PersistentSet& a, const PersistentSet& b) { return a.intersection(b); }
  friend PersistentSet operator-(const PersistentSet& a, const PersistentSet& b) { return a.difference(b); }

  // Calls on_change(key, now_present) for each key in exactly one of the two versions: true
  // when `after` added it, false when it removed it. Shared subtrees are skipped, so the cost
  // follows the size of the change.
  template <class F>
  friend void diff(const PersistentSet& before, const PersistentSet& after, F&& on_change) {
    auto fn = [&](const K* b, const K* a) { on_change(b ? *b : *a, a != nullptr); };
    Root::diff(before.root_, after.root_, fn);
  }

  transient_type transient() const& { return transient_type(root_); }
  transient_type transient() && { return transient_type(std::move(root_)); }

  iterator begin() const { return root_.begin(); }
  iterator end() const { return root_.end(); }

  friend bool operator==(const PersistentSet& a, const PersistentSet& b) { return a.root_.equals(b.root_); }

  std::size_t node_count() const { return root_.node_count(); }
  bool is_canonical() const { return root_.canonical(); }
  const void* identity() const noexcept { return root_.root(); }

 private:
  friend transient_type;
  explicit PersistentSet(Root root) noexcept : root_(std::move(root)) {}

  template <typename Trie::Combine Op>
  PersistentSet combined(const PersistentSet& other) const {
    typename Trie::KeepLeft keep;
    return PersistentSet(root_.template combined<Op>(other.root_, keep));
  }

  Root root_;
};

// A set being built or changed in place, like TransientMap: reads are reads, one thread at a
// time.
template <class K, class Hash, class Eq, class RefPolicy>
class TransientSet {
  using Set = PersistentSet<K, Hash, Eq, RefPolicy>;
  using Root = typename Set::Root;

 public:
  TransientSet() = default;

  std::size_t size() const noexcept { return root_.size(); }
  bool empty() const noexcept { return root_.size() == 0; }
  bool contains(const K& key) const { return root_.find(key) != nullptr; }
  void insert(K key) { root_.insert_in_place(std::move(key)); }
  // Inserts every key of the range (see TransientMap::insert_range).
  template <std::input_iterator It, std::sentinel_for<It> S>
  void insert_range(It first, S last) {
    root_.insert_range_in_place(first, last, [](const auto& k) { return K(k); });
  }
  bool remove(const K& key) { return root_.remove_in_place(key); }

  typename Set::iterator begin() const { return root_.begin(); }
  typename Set::iterator end() const { return root_.end(); }

  Set persistent() && { return Set(std::move(root_)); }

 private:
  friend Set;
  explicit TransientSet(Root root) noexcept : root_(std::move(root)) {}

  Root root_;
};

template <class K, class Hash = spl::Hash<K>, class Eq = std::equal_to<K>>
using LocalPersistentSet = PersistentSet<K, Hash, Eq, spl::Local>;

}  // namespace spl::persistent
