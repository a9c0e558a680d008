#pragma once
// PersistentVector: an immutable vector (RRB tree with a tail) with structural sharing.
// push_back/pop_back are O(1) amortised, get/set O(log32 n), concat and slice O(log n); every
// update returns a new version and leaves the old one intact. Updates on an rvalue and through
// a TransientVector change uniquely held nodes in place.

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "spl/base/refcount.hpp"
#include "spl/persistent/internal/rrb.hpp"

namespace spl::persistent {

template <class T, class RefPolicy = spl::Atomic>
class PersistentVector;
template <class T, class RefPolicy>
class TransientVector;

namespace internal {

// The vector's representation: an RRB tree plus a tail of up to 32 elements. PersistentVector
// keeps one in a counted box; TransientVector holds one directly.
template <class T, class RefPolicy>
class VectorTree {
  using Tree = internal::Rrb<T, RefPolicy>;
  using Node = typename Tree::Node;

 public:
  using value_type = T;
  using size_type = std::size_t;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    iterator() = default;
    reference operator*() const noexcept { return chunk_[index_ - chunk_begin_]; }
    pointer operator->() const noexcept { return &**this; }
    iterator& operator++() {
      if (++index_ == chunk_end_ && index_ < vec_->size_) load();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.index_ == b.index_; }

   private:
    friend VectorTree;
    iterator(const VectorTree* v, std::size_t index) : vec_(v), index_(index) {
      if (index_ < vec_->size_) load();
    }
    void load() {
      const Node* leaf = vec_->leaf_for(index_, chunk_begin_);
      chunk_ = leaf->elems();
      chunk_end_ = chunk_begin_ + leaf->count;
    }

    const VectorTree* vec_ = nullptr;
    std::size_t index_ = 0;
    const T* chunk_ = nullptr;
    std::size_t chunk_begin_ = 0;
    std::size_t chunk_end_ = 0;
  };
  using const_iterator = iterator;

  VectorTree() noexcept = default;
  VectorTree(std::initializer_list<T> items) : VectorTree(items.begin(), items.end()) {}
  template <std::input_iterator It, std::sentinel_for<It> S>
  VectorTree(It first, S last) {
    for (; first != last; ++first) push_back_in_place(T(*first));
  }
  VectorTree(const VectorTree& o) noexcept
      : root_(o.root_), tail_(o.tail_), size_(o.size_), shift_(o.shift_) {
    Tree::retain(root_);
    Tree::retain(tail_);
  }
  VectorTree(VectorTree&& o) noexcept
      : root_(std::exchange(o.root_, nullptr)),
        tail_(std::exchange(o.tail_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        shift_(std::exchange(o.shift_, 0)) {}
  VectorTree& operator=(const VectorTree& o) noexcept {
    VectorTree copy(o);
    swap(copy);
    return *this;
  }
  VectorTree& operator=(VectorTree&& o) noexcept {
    VectorTree moved(std::move(o));
    swap(moved);
    return *this;
  }
  ~VectorTree() {
    Tree::release(root_, shift_);
    Tree::release(tail_, 0);
  }
  void swap(VectorTree& o) noexcept {
    std::swap(root_, o.root_);
    std::swap(tail_, o.tail_);
    std::swap(size_, o.size_);
    std::swap(shift_, o.shift_);
  }

  size_type size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Unchecked access (index < size()).
  const T& operator[](size_type i) const noexcept {
    const size_type off = tail_offset();
    if (i >= off) return tail_->elems()[i - off];
    return Tree::leaf_for(root_, shift_, i)->elems()[i];
  }
  const T& at(size_type i) const {
    if (i >= size_) throw std::out_of_range("spl::persistent::PersistentVector: index out of range");
    return (*this)[i];
  }
  const T& front() const { return at(0); }
  const T& back() const { return at(size_ - 1); }

  // This vector followed by `other`, sharing both (O(log n)).
  VectorTree concat(const VectorTree& other) const {
    if (other.size_ == 0) return *this;
    if (size_ == 0) return other;
    VectorTree out(*this);
    if (!other.root_) {
      for (unsigned i = 0; i < other.tail_->count; ++i) out.push_back_in_place(T(other.tail_->elems()[i]));
      return out;
    }
    // Our tail goes into our tree first; the result's tail is other's.
    Tree::push_leaf(out.root_, out.shift_, tree_size(), out.tail_, true);
    out.tail_ = nullptr;  // now in the tree
    Node* left = std::exchange(out.root_, nullptr);
    const unsigned left_shift = std::exchange(out.shift_, 0);
    unsigned shift = 0;
    Node* root;
    try {
      root = Tree::concat(left, left_shift, other.root_, other.shift_, shift);
    } catch (...) {
      Tree::release(left, left_shift);
      throw;
    }
    Tree::release(left, left_shift);
    out.root_ = root;
    out.shift_ = shift;
    out.tail_ = other.tail_;
    Tree::retain(out.tail_);
    out.size_ = size_ + other.size_;
    return out;
  }

  // Elements [begin, end) (O(log n)); throws std::out_of_range unless begin <= end <= size().
  VectorTree slice(size_type begin, size_type end) const {
    if (begin > end || end > size_) throw std::out_of_range("spl::persistent::PersistentVector::slice");
    if (begin == end) return {};
    if (begin == 0 && end == size_) return *this;
    VectorTree out;
    const size_type tree_end = tree_size();
    if (begin >= tree_end) {
      out.tail_ = Tree::new_leaf();
      try {
        std::uninitialized_copy(tail_->elems() + (begin - tree_end), tail_->elems() + (end - tree_end),
                                out.tail_->elems());
      } catch (...) {
        Tree::release(std::exchange(out.tail_, nullptr), 0);
        throw;
      }
      out.tail_->count = static_cast<std::uint16_t>(end - begin);
      out.size_ = end - begin;
      return out;
    }
    const size_type cut = std::min(end, tree_end);
    out.root_ = Tree::take(root_, shift_, cut);
    out.shift_ = shift_;
    Tree::collapse(out.root_, out.shift_);
    if (begin > 0) {
      Node* dropped = Tree::drop(out.root_, out.shift_, cut, begin);
      Tree::release(out.root_, out.shift_);
      out.root_ = dropped;
      Tree::collapse(out.root_, out.shift_);
    }
    out.size_ = cut - begin;
    if (end > tree_end) {
      const unsigned n = static_cast<unsigned>(end - tree_end);
      if (n == tail_->count) {
        out.tail_ = tail_;
        Tree::retain(tail_);
      } else {
        out.tail_ = Tree::copy_leaf(tail_, n);
      }
      out.size_ += n;
    } else {
      out.move_last_leaf_to_tail();
    }
    return out;
  }

  // Inserts before `index` (index <= size()) / removes at `index` (< size()), in O(log n).
  VectorTree insert(size_type index, T value) const {
    if (index > size_) throw std::out_of_range("spl::persistent::PersistentVector::insert");
    VectorTree head = slice(0, index);
    head.push_back_in_place(std::move(value));
    return index == size_ ? head : head.concat(slice(index, size_));
  }
  VectorTree erase(size_type index) const {
    if (index >= size_) throw std::out_of_range("spl::persistent::PersistentVector::erase");
    return slice(0, index).concat(slice(index + 1, size_));
  }

  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size_); }

  // Leaves shared by both sides at the same position are skipped without comparing elements.
  friend bool operator==(const VectorTree& a, const VectorTree& b) {
    if (a.size_ != b.size_) return false;
    if (a.root_ == b.root_ && a.tail_ == b.tail_) return true;
    std::size_t i = 0;
    while (i < a.size_) {
      std::size_t begin_a, begin_b;
      const Node* la = a.leaf_for(i, begin_a);
      const Node* lb = b.leaf_for(i, begin_b);
      const std::size_t end_a = begin_a + la->count;
      const std::size_t end_b = begin_b + lb->count;
      if (la == lb && begin_a == begin_b) {
        i = end_a;
        continue;
      }
      const std::size_t stop = std::min(end_a, end_b);
      for (; i < stop; ++i) {
        if (!(la->elems()[i - begin_a] == lb->elems()[i - begin_b])) return false;
      }
    }
    return true;
  }

  // Calls on_change(index, before, after) for each index whose element differs between the two
  // versions (`const T*`; nullptr past the end of the shorter one). Where the trees line up
  // (versions derived by set, push_back, pop_back or transients), subtrees both share are
  // skipped by pointer, so the cost follows the size of the change; elsewhere elements are
  // compared leaf by leaf, skipping leaves shared at the same position.
  template <class F>
  friend void diff(const VectorTree& before, const VectorTree& after, F&& on_change) {
    const std::size_t common = std::min(before.size_, after.size_);
    std::size_t done = 0;  // [0, done) compared through the trees
    if (before.root_ && after.root_) {
      const Node* a = before.root_;
      const Node* b = after.root_;
      unsigned sa = before.shift_, sb = after.shift_;
      std::size_t za = before.tree_size(), zb = after.tree_size();
      // A taller tree's leftmost subtree at the other's height covers the same first positions.
      for (; sa > sb; sa -= internal::kRrbBits) {
        za = Tree::child_size(a, sa, za, 0);
        a = a->children()[0];
      }
      for (; sb > sa; sb -= internal::kRrbBits) {
        zb = Tree::child_size(b, sb, zb, 0);
        b = b->children()[0];
      }
      done = std::min(za, zb);
      diff_nodes(before, after, a, b, sa, 0, za, zb, on_change);
    }
    diff_elements(before, after, done, common, on_change);
    for (std::size_t i = common; i < before.size_; ++i) on_change(i, &before[i], static_cast<const T*>(nullptr));
    for (std::size_t i = common; i < after.size_; ++i) on_change(i, static_cast<const T*>(nullptr), &after[i]);
  }

  // Structure, for tests: sizes, counts and regular-node invariants hold.
  bool check_invariants() const {
    if (size_ == 0) return !root_ && !tail_;
    if (!tail_ || tail_->count == 0 || tail_->count > internal::kRrbWidth) return false;
    if (!root_) return size_ == tail_->count;
    const std::ptrdiff_t n = Tree::check(root_, shift_);
    return n >= 0 && std::size_t(n) + tail_->count == size_;
  }
  unsigned height() const noexcept { return root_ ? shift_ / internal::kRrbBits + 1 : 0; }

 private:
  friend PersistentVector<T, RefPolicy>;
  friend TransientVector<T, RefPolicy>;

  size_type tail_offset() const noexcept { return size_ - (tail_ ? tail_->count : 0); }
  size_type tree_size() const noexcept { return tail_offset(); }

  // The leaf holding element i, and the index of its first element.
  const Node* leaf_for(std::size_t i, std::size_t& leaf_begin) const noexcept {
    const size_type off = tail_offset();
    if (i >= off) {
      leaf_begin = off;
      return tail_;
    }
    std::size_t rel = i;
    const Node* leaf = Tree::leaf_for(root_, shift_, rel);
    leaf_begin = i - rel;
    return leaf;
  }

  // Compares positions [start, start + min(za, zb)) held by subtrees a (za elements) and b (zb)
  // at the same shift; children starting at the same position are compared pairwise.
  template <class F>
  static void diff_nodes(const VectorTree& va, const VectorTree& vb, const Node* a, const Node* b,
                         unsigned shift, std::size_t start, std::size_t za, std::size_t zb, F& fn) {
    if (a == b) return;
    const std::size_t limit = std::min(za, zb);
    if (shift == 0) {
      for (std::size_t k = 0; k < limit; ++k) {
        if (!(a->elems()[k] == b->elems()[k])) fn(start + k, &a->elems()[k], &b->elems()[k]);
      }
      return;
    }
    std::size_t covered = 0;
    for (unsigned j = 0; j < a->count && j < b->count && covered < limit; ++j) {
      const std::size_t ca = Tree::child_start(a, shift, j);
      if (ca != Tree::child_start(b, shift, j)) break;
      const std::size_t sa = Tree::child_size(a, shift, za, j);
      const std::size_t sb = Tree::child_size(b, shift, zb, j);
      diff_nodes(va, vb, a->children()[j], b->children()[j], shift - internal::kRrbBits, start + ca, sa, sb, fn);
      covered = ca + std::min(sa, sb);
    }
    if (covered < limit) diff_elements(va, vb, start + covered, start + limit, fn);
  }

  // Compares positions [lo, hi) element by element, skipping leaves shared at the same place.
  template <class F>
  static void diff_elements(const VectorTree& a, const VectorTree& b, std::size_t lo, std::size_t hi,
                            F& fn) {
    std::size_t i = lo;
    while (i < hi) {
      std::size_t begin_a, begin_b;
      const Node* la = a.leaf_for(i, begin_a);
      const Node* lb = b.leaf_for(i, begin_b);
      const std::size_t stop = std::min({hi, begin_a + la->count, begin_b + lb->count});
      if (la == lb && begin_a == begin_b) {
        i = stop;
        continue;
      }
      for (; i < stop; ++i) {
        const T& x = la->elems()[i - begin_a];
        const T& y = lb->elems()[i - begin_b];
        if (!(x == y)) fn(i, &x, &y);
      }
    }
  }

  void push_back_in_place(T&& value) {
    if (tail_ && tail_->count < internal::kRrbWidth) {
      if (!tail_->refs.unique()) {
        Node* copy = Tree::copy_leaf(tail_, tail_->count);
        Tree::release(tail_, 0);
        tail_ = copy;
      }
      ::new (tail_->elems() + tail_->count) T(std::move(value));
      ++tail_->count;
      ++size_;
      return;
    }
    push_back_new_tail(std::move(value));
  }

  // push_back_in_place when the tail is full (or absent): apart, so that the common case above
  // stays small enough to inline.
  [[gnu::noinline]] void push_back_new_tail(T&& value) {
    Node* fresh = Tree::new_leaf();
    ::new (fresh->elems()) T(std::move(value));
    fresh->count = 1;
    if (tail_) {
      try {
        Tree::push_leaf(root_, shift_, tree_size(), tail_, true);
      } catch (...) {
        Tree::release(fresh, 0);
        throw;
      }
    }
    tail_ = fresh;
    ++size_;
  }

  // The checks of pop_back and set, also made by PersistentVector before it copies anything.
  void check_pop() const {
    if (size_ == 0) throw std::out_of_range("spl::persistent::PersistentVector::pop_back on an empty vector");
  }
  void check_set(size_type index) const {
    if (index >= size_) throw std::out_of_range("spl::persistent::PersistentVector::set: index out of range");
  }

  void pop_back_in_place() {
    check_pop();
    if (tail_->count > 1) {
      if (tail_->refs.unique()) {
        std::destroy_at(tail_->elems() + tail_->count - 1);
        --tail_->count;
      } else {
        Node* copy = Tree::copy_leaf(tail_, tail_->count - 1u);
        Tree::release(tail_, 0);
        tail_ = copy;
      }
      --size_;
      return;
    }
    Node* last = std::exchange(tail_, nullptr);
    if (root_) {
      try {
        move_last_leaf_to_tail();
      } catch (...) {
        tail_ = last;
        throw;
      }
    }
    Tree::release(last, 0);
    --size_;
  }

  // Makes the tree's rightmost leaf the tail (the tail must be empty). On failure nothing
  // has changed.
  void move_last_leaf_to_tail() {
    Node* leaf = nullptr;
    Node* rest = Tree::pop_tail(root_, shift_, leaf);
    Tree::release(root_, shift_);
    root_ = rest;
    if (!root_) shift_ = 0;
    Tree::collapse(root_, shift_);
    tail_ = leaf;
  }

  void set_in_place(size_type index, T&& value) {
    check_set(index);
    const size_type off = tail_offset();
    if (index >= off) {
      if (!tail_->refs.unique()) {
        Node* copy = Tree::copy_leaf(tail_, tail_->count);
        Tree::release(tail_, 0);
        tail_ = copy;
      }
      tail_->elems()[index - off] = std::move(value);
      return;
    }
    root_ = Tree::update(root_, shift_, index, std::move(value), true);
  }

  Node* root_ = nullptr;
  Node* tail_ = nullptr;
  size_type size_ = 0;
  unsigned shift_ = 0;
};

}  // namespace internal

// An immutable vector. The tree and the tail sit in one counted box, so that a copy takes
// (and its end drops) a single count; an empty vector normally has no box (an update that
// failed on an empty vector may leave it an empty one).
template <class T, class RefPolicy>
class PersistentVector {
  using Tree = internal::VectorTree<T, RefPolicy>;

  struct Box {
    RefCount<RefPolicy> refs;  // first: Reclaim finds the box at the count's address
    Tree tree;
  };

 public:
  using value_type = T;
  using size_type = std::size_t;
  using transient_type = TransientVector<T, RefPolicy>;
  using iterator = typename Tree::iterator;
  using const_iterator = iterator;

  PersistentVector() noexcept = default;
  PersistentVector(std::initializer_list<T> items) : PersistentVector(Tree(items)) {}
  template <std::input_iterator It, std::sentinel_for<It> S>
  PersistentVector(It first, S last) : PersistentVector(Tree(first, last)) {}
  PersistentVector(const PersistentVector& o) noexcept : box_(o.box_) {
    if (box_) box_->refs.retain();
  }
  PersistentVector(PersistentVector&& o) noexcept : box_(std::exchange(o.box_, nullptr)) {}
  PersistentVector& operator=(const PersistentVector& o) noexcept {
    PersistentVector copy(o);
    swap(copy);
    return *this;
  }
  PersistentVector& operator=(PersistentVector&& o) noexcept {
    PersistentVector moved(std::move(o));
    swap(moved);
    return *this;
  }
  ~PersistentVector() { release(box_); }
  void swap(PersistentVector& o) noexcept { std::swap(box_, o.box_); }

  size_type size() const noexcept { return tree().size(); }
  bool empty() const noexcept { return size() == 0; }

  // Unchecked access (index < size()).
  const T& operator[](size_type i) const noexcept { return box_->tree[i]; }
  const T& at(size_type i) const { return tree().at(i); }
  const T& front() const { return tree().front(); }
  const T& back() const { return tree().back(); }

  PersistentVector push_back(T value) const& {
    PersistentVector out = copy_tree();
    out.box_->tree.push_back_in_place(std::move(value));
    return out;
  }
  PersistentVector push_back(T value) && {
    own().push_back_in_place(std::move(value));
    return std::move(*this);
  }

  // Throws std::out_of_range on an empty vector.
  PersistentVector pop_back() const& {
    tree().check_pop();
    PersistentVector out = copy_tree();
    out.pop_back_here();
    return out;
  }
  PersistentVector pop_back() && {
    pop_back_here();
    return std::move(*this);
  }

  // Throws std::out_of_range when index >= size().
  PersistentVector set(size_type index, T value) const& {
    tree().check_set(index);
    PersistentVector out = copy_tree();
    out.box_->tree.set_in_place(index, std::move(value));
    return out;
  }
  PersistentVector set(size_type index, T value) && {
    set_here(index, std::move(value));
    return std::move(*this);
  }

  // This vector followed by `other`, sharing both (O(log n)).
  PersistentVector concat(const PersistentVector& other) const {
    if (other.empty()) return *this;
    if (empty()) return other;
    return PersistentVector(tree().concat(other.tree()));
  }
  friend PersistentVector operator+(const PersistentVector& a, const PersistentVector& b) { return a.concat(b); }

  // Elements [begin, end) (O(log n)); throws std::out_of_range unless begin <= end <= size().
  PersistentVector slice(size_type begin, size_type end) const {
    if (begin == 0 && end == size()) return *this;
    return PersistentVector(tree().slice(begin, end));
  }
  PersistentVector take(size_type n) const { return slice(0, std::min(n, size())); }
  PersistentVector drop(size_type n) const { return slice(std::min(n, size()), size()); }

  // Inserts before `index` (index <= size()) / removes at `index` (< size()), in O(log n).
  PersistentVector insert(size_type index, T value) const {
    return PersistentVector(tree().insert(index, std::move(value)));
  }
  PersistentVector erase(size_type index) const { return PersistentVector(tree().erase(index)); }

  transient_type transient() const& { return transient_type(Tree(tree())); }
  transient_type transient() && {
    if (box_ && box_->refs.unique()) {
      transient_type t(std::move(box_->tree));
      release(std::exchange(box_, nullptr));
      return t;
    }
    return transient_type(Tree(tree()));
  }

  iterator begin() const { return tree().begin(); }
  iterator end() const { return tree().end(); }

  // Leaves shared by both sides at the same position are skipped without comparing elements.
  friend bool operator==(const PersistentVector& a, const PersistentVector& b) {
    return a.box_ == b.box_ || a.tree() == b.tree();
  }

  // Calls on_change(index, before, after) for each index whose element differs between the two
  // versions (`const T*`; nullptr past the end of the shorter one). Where the trees line up
  // (versions derived by set, push_back, pop_back or transients), subtrees both share are
  // skipped by pointer, so the cost follows the size of the change; elsewhere elements are
  // compared leaf by leaf, skipping leaves shared at the same position.
  template <class F>
  friend void diff(const PersistentVector& before, const PersistentVector& after, F&& on_change) {
    if (before.box_ != after.box_) diff(before.tree(), after.tree(), on_change);
  }

  // Structure, for tests: sizes, counts and regular-node invariants hold.
  bool check_invariants() const { return tree().check_invariants(); }
  unsigned height() const noexcept { return tree().height(); }

 private:
  friend transient_type;

  // Boxes `t` (no box when it is empty).
  explicit PersistentVector(Tree&& t) {
    if (t.size() != 0) box_ = new_box(std::move(t));
  }
  static Box* new_box(Tree&& t) { return ::new (internal::allocate_node(sizeof(Box))) Box{{}, std::move(t)}; }

  const Tree& tree() const noexcept { return box_ ? box_->tree : kEmpty; }

  // A vector with the same content in a box of its own (sharing the nodes), for an update.
  PersistentVector copy_tree() const {
    PersistentVector out;
    out.box_ = new_box(Tree(tree()));
    return out;
  }

  // The tree, in a box this vector alone holds (a shared box is copied first). The content
  // does not change.
  Tree& own() {
    if (!box_ || !box_->refs.unique()) *this = copy_tree();
    return box_->tree;
  }

  void pop_back_here() {
    tree().check_pop();
    own().pop_back_in_place();
    if (box_->tree.size() == 0) release(std::exchange(box_, nullptr));
  }
  void set_here(size_type index, T&& value) {
    tree().check_set(index);
    own().set_in_place(index, std::move(value));
  }

  static void destroy_box(void* box, unsigned) noexcept {
    static_cast<Box*>(box)->~Box();
    internal::deallocate_node(box, sizeof(Box));
  }
  static void release(Box* box) noexcept {
    if (box && box->refs.release(Reclaim{&destroy_box, 0})) destroy_box(box, 0);
  }

  static inline const Tree kEmpty{};
  Box* box_ = nullptr;
};

// A vector changed in place; nodes shared with any persistent version are copied on first write.
template <class T, class RefPolicy>
class TransientVector {
  using Vec = PersistentVector<T, RefPolicy>;
  using Tree = internal::VectorTree<T, RefPolicy>;

 public:
  TransientVector() = default;

  std::size_t size() const noexcept { return tree_.size(); }
  bool empty() const noexcept { return tree_.empty(); }
  const T& operator[](std::size_t i) const noexcept { return tree_[i]; }
  const T& at(std::size_t i) const { return tree_.at(i); }

  void push_back(T value) { tree_.push_back_in_place(std::move(value)); }
  void pop_back() { tree_.pop_back_in_place(); }
  void set(std::size_t index, T value) { tree_.set_in_place(index, std::move(value)); }

  typename Vec::iterator begin() const { return tree_.begin(); }
  typename Vec::iterator end() const { return tree_.end(); }

  Vec persistent() && { return Vec(std::move(tree_)); }

 private:
  friend Vec;
  explicit TransientVector(Tree t) noexcept : tree_(std::move(t)) {}

  Tree tree_;
};

template <class T>
using LocalPersistentVector = PersistentVector<T, spl::Local>;

}  // namespace spl::persistent
