#pragma once
// A CHAMP trie's root and size with the whole-collection operations that PersistentMap,
// PersistentSet and their transients share.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "spl/persistent/internal/champ.hpp"
#include "spl/persistent/internal/counted_root.hpp"

namespace spl::persistent::internal {

template <class Traits, class Policy>
class ChampRoot : public CountedRoot<Champ<Traits, Policy>> {
  using Base = CountedRoot<Champ<Traits, Policy>>;
  using Base::root_;
  using Base::size_;

 public:
  using Trie = Champ<Traits, Policy>;
  using Node = typename Trie::Node;
  using Entry = typename Traits::Entry;
  using Key = typename Traits::Key;

  using Base::root;
  using Base::size;

  const Entry* find(const Key& key) const {
    return root_ ? Trie::find(root_, Trie::hash_of(key), key) : nullptr;
  }

  Entry* find_unique(const Key& key) { return root_ ? Trie::find_unique(root_, Trie::hash_of(key), key) : nullptr; }

  // Changes this root in place wherever its nodes are uniquely held.
  void insert_in_place(Entry&& entry) { insert_in_place(Trie::hash_of(Traits::key(entry)), std::move(entry)); }

  // Entries whose copies are plain byte copies (std::pair of scalars, for one) and that own
  // nothing are inserted by insert_range_in_place in batches of up to 16 (at most 256 bytes);
  // others one at a time.
  static constexpr unsigned kMaxBatch = 16;
  static constexpr bool kPlain = std::is_trivially_copy_constructible_v<Entry> &&
                                 std::is_trivially_move_constructible_v<Entry> &&
                                 std::is_trivially_destructible_v<Entry>;
  static constexpr unsigned kBatch =
      kPlain && sizeof(Entry) <= 128 ? static_cast<unsigned>(std::min<std::size_t>(kMaxBatch, 256 / sizeof(Entry)))
                                     : 0;

  // insert_in_place for make(x) of every x in [first, last), in order (a later duplicate key
  // wins). If one fails, the entries before it are in and the rest are not. An insert into a
  // large trie waits on a cache miss per level, one after another; batches of plain entries
  // (see kBatch) walk their paths together, so those misses overlap.
  template <class It, class S, class Make>
  void insert_range_in_place(It first, S last, Make make) {
    if constexpr (kBatch == 0) {
      for (; first != last; ++first) insert_in_place(make(*first));
    } else {
      alignas(Entry) unsigned char storage[kBatch * sizeof(Entry)];
      for (;;) {
        unsigned n = 0;
        try {
          for (; n < kBatch && first != last; ++first, ++n) ::new (storage + n * sizeof(Entry)) Entry(make(*first));
        } catch (...) {
          unsigned applied = 0;  // the entries made before the failure still go in
          insert_batch_in_place(std::launder(reinterpret_cast<Entry*>(storage)), n, applied);
          throw;
        }
        if (n == 0) return;
        unsigned applied = 0;
        insert_batch_in_place(std::launder(reinterpret_cast<Entry*>(storage)), n, applied);
      }
    }
  }

  // insert_in_place for entries[0..n) in order (n at most kMaxBatch), counting in `applied` the
  // ones done (the rest are left as they were if one fails). Their paths are first walked level
  // by level, one level of every path at a time with the next nodes asked for ahead, so that
  // the cache misses of the whole batch overlap instead of coming one after another.
  void insert_batch_in_place(Entry* entries, unsigned n, unsigned& applied) {
    assert(n <= kMaxBatch);
    std::uint64_t hashes[kMaxBatch];
    const Node* at[kMaxBatch];
    for (unsigned i = 0; i < n; ++i) {
      hashes[i] = Trie::hash_of(Traits::key(entries[i]));
      at[i] = root_;
    }
    for (unsigned shift = 0; root_ && shift < kCollisionShift; shift += kChampBits) {
      bool deeper = false;
      for (unsigned i = 0; i < n; ++i) {
        const Node* node = at[i];
        if (!node) continue;
        const std::uint32_t bit = 1u << champ_fragment(hashes[i], shift);
        at[i] = (node->nodemap & bit) ? node->children()[champ_index(node->nodemap, bit)] : nullptr;
        if (at[i]) {
          Trie::prefetch_node(at[i]);
          deeper = true;
        }
      }
      if (!deeper) break;
    }
    for (; applied < n; ++applied) insert_in_place(hashes[applied], std::move(entries[applied]));
  }

  void insert_in_place(std::uint64_t hash, Entry&& entry) {
    if (!root_) {
      root_ = Trie::make_leaf(hash, std::move(entry));
      size_ = 1;
      return;
    }
    bool added = false;
    root_ = Trie::insert(root_, 0, hash, std::move(entry), true, added);
    size_ += added ? 1 : 0;
  }

  ChampRoot inserted(Entry&& entry) const {
    const std::uint64_t hash = Trie::hash_of(Traits::key(entry));
    ChampRoot out;
    if (!root_) {
      out.root_ = Trie::make_leaf(hash, std::move(entry));
      out.size_ = 1;
      return out;
    }
    bool added = false;
    out.root_ = Trie::insert(root_, 0, hash, std::move(entry), false, added);
    out.size_ = size_ + (added ? 1 : 0);
    return out;
  }

  bool remove_in_place(const Key& key) {
    if (!root_) return false;
    std::optional<Entry> single;
    auto r = Trie::remove(root_, 0, Trie::hash_of(key), key, true, single);
    if (r.kind == Trie::Removed::kNotFound) return false;
    root_ = r.kind == Trie::Removed::kNode ? r.node : nullptr;
    --size_;
    return true;
  }

  ChampRoot removed(const Key& key) const {
    if (!root_) return {};
    std::optional<Entry> single;
    auto r = Trie::remove(root_, 0, Trie::hash_of(key), key, false, single);
    if (r.kind == Trie::Removed::kNotFound) return *this;
    ChampRoot out;
    out.root_ = r.kind == Trie::Removed::kNode ? r.node : nullptr;
    out.size_ = size_ - 1;
    return out;
  }

  // Union, intersection or difference with `other` (see Champ::combine_root).
  template <typename Trie::Combine Op, class Merge>
  ChampRoot combined(const ChampRoot& other, Merge& merge) const {
    ChampRoot out;
    out.root_ = Trie::template combine_root<Op>(root_, size_, other.root_, other.size_, merge, out.size_);
    return out;
  }

  bool equals(const ChampRoot& other) const {
    return size_ == other.size_ && Trie::equal(root_, other.root_, 0);
  }

  template <class F>
  static void diff(const ChampRoot& before, const ChampRoot& after, F& fn) {
    Trie::diff(before.root_, after.root_, 0, fn);
  }

  std::size_t node_count() const { return Trie::count_nodes(root_); }
  bool canonical() const { return Trie::canonical(root_); }

  // Forward iterator over the entries; the order is fixed by the content.
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = const Entry*;
    using reference = const Entry&;

    Iterator() = default;
    explicit Iterator(const Node* root) : cursor_(root) {}
    reference operator*() const noexcept { return *cursor_.get(); }
    pointer operator->() const noexcept { return cursor_.get(); }
    Iterator& operator++() {
      cursor_.next();
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      cursor_.next();
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
      return a.cursor_.get() == b.cursor_.get();
    }

   private:
    typename Trie::Cursor cursor_;
  };

  Iterator begin() const { return Iterator(root_); }
  Iterator end() const { return Iterator(); }

};

}  // namespace spl::persistent::internal
