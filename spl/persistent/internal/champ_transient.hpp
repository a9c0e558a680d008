#pragma once
// The root of a TransientMap or TransientSet: a ChampRoot whose inserts are applied in batches.
//
// An insert into a large trie waits on a cache miss per level, one after another. Inserts of
// small plain entries (copied as bytes, nothing to destroy) therefore wait in a batch (up to 16,
// at most 256 bytes) and are applied together by ChampRoot::insert_batch_in_place, whose walk
// overlaps the misses of the whole batch. Every other operation applies the batch first, so it
// sees every insert.
//
// Applying happens inside const members too (size, find, iteration): a transient must not be
// used from two threads at once, not even for reading. An operation that applies the batch
// reports a failure of any insert in it (an allocation); the inserts not yet applied stay in
// the batch, so an insert that returned is never lost.

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "spl/persistent/internal/champ_root.hpp"

namespace spl::persistent::internal {

template <class Traits, class Policy>
class TransientChampRoot {
 public:
  using Root = ChampRoot<Traits, Policy>;
  using Entry = typename Traits::Entry;
  using Key = typename Traits::Key;

  // Entries whose copies and moves are plain byte copies (std::pair of scalars, for one) can
  // wait without owning anything, and a failed insert leaves them intact; others are inserted
  // at once.
  static constexpr bool kPlain = std::is_trivially_copy_constructible_v<Entry> &&
                                 std::is_trivially_move_constructible_v<Entry> &&
                                 std::is_trivially_destructible_v<Entry>;
  static constexpr unsigned kBatch =
      kPlain && sizeof(Entry) <= 128
          ? static_cast<unsigned>(std::min<std::size_t>(Root::kMaxBatch, 256 / sizeof(Entry)))
          : 0;

  TransientChampRoot() = default;
  explicit TransientChampRoot(Root root) noexcept : root_(std::move(root)) {}
  TransientChampRoot(const TransientChampRoot& o) : root_(o.root_), count_(o.count_) { copy_batch(o); }
  TransientChampRoot(TransientChampRoot&& o) noexcept : root_(std::move(o.root_)), count_(o.count_) {
    copy_batch(o);
    o.count_ = 0;
  }
  TransientChampRoot& operator=(const TransientChampRoot& o) {
    if (this != &o) {
      root_ = o.root_;
      count_ = o.count_;
      copy_batch(o);
    }
    return *this;
  }
  TransientChampRoot& operator=(TransientChampRoot&& o) noexcept {
    if (this != &o) {
      root_ = std::move(o.root_);
      count_ = o.count_;
      copy_batch(o);
      o.count_ = 0;
    }
    return *this;
  }

  std::size_t size() const {
    apply();
    return root_.size();
  }
  bool empty() const noexcept { return count_ == 0 && root_.size() == 0; }
  const Entry* find(const Key& key) const {
    apply();
    return root_.find(key);
  }

  void insert(Entry&& entry) {
    if constexpr (kBatch == 0) {
      root_.insert_in_place(std::move(entry));
    } else {
      if (count_ == kBatch) apply();
      ::new (slot(count_)) Entry(std::move(entry));
      ++count_;
    }
  }
  bool remove(const Key& key) {
    apply();
    return root_.remove_in_place(key);
  }

  typename Root::Iterator begin() const {
    apply();
    return root_.begin();
  }
  typename Root::Iterator end() const { return root_.end(); }

  Root take() && {
    apply();
    return std::move(root_);
  }

 private:
  void* slot(unsigned i) const noexcept { return storage_ + i * sizeof(Entry); }
  Entry* batch() const noexcept { return std::launder(reinterpret_cast<Entry*>(slot(0))); }

  void copy_batch(const TransientChampRoot& o) noexcept {
    for (unsigned i = 0; i < count_; ++i) ::new (slot(i)) Entry(o.batch()[i]);
  }

  void apply() const {
    if constexpr (kBatch > 0) {
      if (count_ == 0) return;
      unsigned applied = 0;
      try {
        root_.insert_batch_in_place(batch(), count_, applied);
      } catch (...) {
        if (applied > 0) {  // the rest moves to the front (none of it is its own source)
          count_ -= applied;
          for (unsigned i = 0; i < count_; ++i) ::new (slot(i)) Entry(std::move(batch()[applied + i]));
        }
        throw;
      }
      count_ = 0;
    }
  }

  mutable Root root_;
  mutable unsigned count_ = 0;
  alignas(Entry) mutable unsigned char storage_[kBatch > 0 ? kBatch * sizeof(Entry) : 1];
};

}  // namespace spl::persistent::internal
