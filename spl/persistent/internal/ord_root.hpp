#pragma once
// A B-tree root and size with the whole-collection operations PersistentOrdMap and
// PersistentOrdSet share.

#include <cstddef>
#include <iterator>
#include <utility>

#include "spl/persistent/internal/btree.hpp"
#include "spl/persistent/internal/counted_root.hpp"

namespace spl::persistent::internal {

template <class Traits, class Policy>
class OrdRoot : public CountedRoot<BTree<Traits, Policy>> {
  using Base = CountedRoot<BTree<Traits, Policy>>;
  using Base::root_;
  using Base::size_;

 public:
  using Tree = BTree<Traits, Policy>;
  using Node = typename Tree::Node;
  using Entry = typename Traits::Entry;
  using Key = typename Traits::Key;

  using Base::root;
  using Base::size;

  const Entry* find(const Key& key) const { return Tree::find(root_, key); }

  void insert_in_place(Entry&& entry) {
    bool added = false;
    root_ = Tree::insert_root(root_, std::move(entry), true, added);
    size_ += added ? 1 : 0;
  }
  OrdRoot inserted(Entry&& entry) const {
    OrdRoot out;
    bool added = false;
    out.root_ = Tree::insert_root(root_, std::move(entry), false, added);
    out.size_ = size_ + (added ? 1 : 0);
    return out;
  }
  OrdRoot removed(const Key& key) const {
    bool found = false;
    Node* n = Tree::remove_root(const_cast<Node*>(root_), key, false, found);
    if (!found) return *this;
    OrdRoot out;
    out.root_ = n;
    out.size_ = size_ - 1;
    return out;
  }
  bool remove_in_place(const Key& key) {
    bool found = false;
    Node* n = Tree::remove_root(root_, key, true, found);
    if (!found) return false;
    root_ = n;
    --size_;
    return true;
  }

  // (entries with keys below `key`, the rest), in O(log n).
  std::pair<OrdRoot, OrdRoot> split(const Key& key) const {
    std::pair<OrdRoot, OrdRoot> out;
    Tree::split(root_, key, out.first.root_, out.second.root_);
    out.first.size_ = Tree::size_of(out.first.root_);
    out.second.size_ = size_ - out.first.size_;
    return out;
  }

  bool check() const {
    int leaf_depth = -1;
    const std::ptrdiff_t n = Tree::check(root_, true, nullptr, nullptr, 0, leaf_depth);
    return n >= 0 && std::size_t(n) == size_;
  }

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = const Entry*;
    using reference = const Entry&;

    Iterator() = default;
    explicit Iterator(typename Tree::Cursor c) : cursor_(c) {}
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
    typename Tree::Cursor cursor_;
  };

  Iterator begin() const { return Iterator(Tree::Cursor::first(root_)); }
  Iterator end() const { return Iterator(); }
  Iterator lower_bound(const Key& k) const { return Iterator(Tree::Cursor::bound(root_, k, false)); }
  Iterator upper_bound(const Key& k) const { return Iterator(Tree::Cursor::bound(root_, k, true)); }
  const Entry* first() const { return Tree::Cursor::first(root_).get(); }
  const Entry* last() const { return Tree::Cursor::last(root_).get(); }

  template <class Same, class F>
  static void diff(const OrdRoot& before, const OrdRoot& after, Same same, F& fn) {
    Tree::diff(before.root_, after.root_, same, fn);
  }

  bool equals(const OrdRoot& o, bool (*same)(const Entry&, const Entry&)) const {
    if (size_ != o.size_) return false;
    if (root_ == o.root_) return true;
    for (auto a = begin(), b = o.begin(); a != end(); ++a, ++b) {
      if (!same(*a, *b)) return false;
    }
    return true;
  }

};

}  // namespace spl::persistent::internal
