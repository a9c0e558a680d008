#pragma once
// Persistent B-tree under PersistentOrdMap. Entries live in every node (up to 31 each, at
// least 15 outside the root); updates copy the path from the root. Nodes have fixed capacity
// (one spare entry so an insert can overflow before it splits), so an insert into a uniquely
// held node happens in place.
//
// Ownership follows the CHAMP protocol: with `edit` the caller hands over its reference to the
// node; without it the node is left untouched and fresh nodes are returned.
//
// Allocation failure: an operation that throws has released every node it built and every
// child reference it was handed, and leaves the node it was called on unchanged and still the
// caller's (also with `edit`). In place, a node we own is changed only once nothing can fail
// any more: before descending into a child that may split (insert) or underflow (remove), the
// node the split needs is taken, or the sibling that will be borrowed from or merged with is
// made ours.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "spl/base/refcount.hpp"
#include "spl/persistent/alloc.hpp"

namespace spl::persistent::internal {

inline constexpr unsigned kBTreeMax = 31;
inline constexpr unsigned kBTreeMin = 15;
inline constexpr unsigned kBTreeMaxDepth = 32;

template <class Entry, class Policy>
struct BNode {
  RefCount<Policy> refs;
  std::uint16_t count = 0;
  bool leaf = true;
  std::size_t total = 0;  // inner nodes: entries in the whole subtree (for O(log n) split)

  static_assert(std::is_nothrow_move_constructible_v<Entry>, "keys and values must move without throwing");
  // The fields above, rounded to whole words.
  static constexpr std::size_t kFields =
      (sizeof(RefCount<Policy>) + sizeof(std::uint16_t) + sizeof(bool) + 7) / 8 * 8 + sizeof(std::size_t);
  static constexpr std::size_t kEntriesOffset = (kFields + alignof(Entry) - 1) / alignof(Entry) * alignof(Entry);
  static constexpr std::size_t kChildrenOffset =
      (kEntriesOffset + (kBTreeMax + 1) * sizeof(Entry) + 7) / 8 * 8;
  static constexpr std::size_t kLeafBytes = kEntriesOffset + (kBTreeMax + 1) * sizeof(Entry);
  static constexpr std::size_t kInnerBytes = kChildrenOffset + (kBTreeMax + 2) * sizeof(BNode*);

  Entry* entries() noexcept {
    return std::launder(reinterpret_cast<Entry*>(reinterpret_cast<char*>(this) + kEntriesOffset));
  }
  const Entry* entries() const noexcept { return const_cast<BNode*>(this)->entries(); }
  BNode** children() noexcept { return reinterpret_cast<BNode**>(reinterpret_cast<char*>(this) + kChildrenOffset); }
  BNode* const* children() const noexcept { return const_cast<BNode*>(this)->children(); }
};

// Traits: Entry, Key, static const Key& key(const Entry&), Less.
template <class Traits, class Policy>
class BTree {
 public:
  using Entry = typename Traits::Entry;
  using Key = typename Traits::Key;
  using Node = BNode<Entry, Policy>;
  static_assert(sizeof(Node) <= Node::kFields);

  static bool less(const Key& a, const Key& b) { return typename Traits::Less{}(a, b); }

  static void retain(Node* n) noexcept {
    if (n) n->refs.retain();
  }
  static void release(Node* n) noexcept {
    if (n && n->refs.release(Reclaim{&destroy_erased, 0})) destroy(n);
  }

  // First index whose key is not less than `key`.
  static unsigned lower_index(const Node* n, const Key& key) {
    const Entry* e = n->entries();
    unsigned lo = 0, hi = n->count;
    while (lo < hi) {
      const unsigned mid = (lo + hi) / 2;
      if (less(Traits::key(e[mid]), key)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
  static unsigned upper_index(const Node* n, const Key& key) {
    const Entry* e = n->entries();
    unsigned lo = 0, hi = n->count;
    while (lo < hi) {
      const unsigned mid = (lo + hi) / 2;
      if (!less(key, Traits::key(e[mid]))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static const Entry* find(const Node* n, const Key& key) {
    while (n) {
      const unsigned i = lower_index(n, key);
      if (i < n->count && !less(key, Traits::key(n->entries()[i]))) return &n->entries()[i];
      n = n->leaf ? nullptr : n->children()[i];
    }
    return nullptr;
  }

  // ---- insert ----

  struct Inserted {
    Node* node;
    Node* right = nullptr;  // set when the node split: `node`, then the separator, then `right`
    Entry* separator = nullptr;
  };

  // Inserts or replaces; the root caller grows the tree when the result splits.
  static Node* insert_root(Node* root, Entry&& entry, bool edit, bool& added) {
    if (!root) {
      Node* n = new_node(true);
      ::new (n->entries()) Entry(std::move(entry));
      n->count = 1;
      added = true;
      return n;
    }
    // In place the root may grow in place: take what its split needs first.
    Spare top, right;
    if (edit && root->count == kBTreeMax) {
      top.reserve(false);
      right.reserve(root->leaf);
    }
    Node* n = insert(root, std::move(entry), edit, added);
    if (n->count <= kBTreeMax) return n;
    if (!top.held()) {  // `n` is a fresh copy: on failure it is all we have to release
      try {
        top.reserve(false);
        right.reserve(n->leaf);
      } catch (...) {
        release(n);
        throw;
      }
    }
    return split_root(n, top.take(), right.take());
  }

  // ---- remove ----

  // The tree without `key` (nullptr when empty). `found` false: nothing was built or consumed
  // and `root` is still the answer. With `edit` the caller hands over its reference to `root`
  // (when found) and nodes held by nobody else change in place.
  static Node* remove_root(Node* root, const Key& key, bool edit, bool& found) {
    found = false;
    if (!root) return nullptr;
    Node* n = remove(root, key, edit, found);
    if (!found) return nullptr;
    if (n->count == 0) {
      Node* only = n->leaf ? nullptr : n->children()[0];
      retain(only);
      release(n);
      return only;
    }
    return n;
  }

  // ---- split ----

  // Splits `root` into the entries whose keys are below `key` and the rest, as two new trees
  // (`root` itself is untouched; off the split path both halves share its nodes). O(log n):
  // the pieces beside the path are glued back with joins whose costs telescope.
  static void split(const Node* root, const Key& key, Node*& below, Node*& rest) {
    below = rest = nullptr;
    if (!root) return;
    auto [lo, hi] = split_node(root, height_of(root), key);
    below = lo.take();
    rest = hi.take();
  }

  // Entries in the tree.
  static std::size_t size_of(const Node* n) noexcept { return n ? (n->leaf ? n->count : n->total) : 0; }

  // ---- structural diff ----

  // Calls fn(before, after) for each key whose entry differs between trees a and b (nullptr on
  // the side without the key); same(x, y) says whether entries with equal keys are equal. Both
  // trees are walked in key order; whenever the two walks reach the same node they skip it by
  // pointer, so a version compared with one derived from it costs in proportion to the change
  // (times the tree height).
  template <class Same, class F>
  static void diff(const Node* a, const Node* b, Same same, F& fn) {
    if (a == b) return;
    Walker wa(a), wb(b);
    while (true) {
      const Step ka = wa.step(), kb = wb.step();
      if (ka == Step::kEnd && kb == Step::kEnd) return;
      if (ka == Step::kChild && kb == Step::kChild) {
        if (wa.child() == wb.child()) {
          wa.pass();
          wb.pass();
          continue;
        }
        const int ha = wa.child_height(), hb = wb.child_height();
        if (ha >= hb) wa.enter();
        if (hb >= ha) wb.enter();
        continue;
      }
      if (ka == Step::kChild || kb == Step::kChild) {
        // One side waits at a subtree, the other at an entry (or done): an entry below the
        // subtree's smallest key cannot be on the waiting side.
        Walker& sub = ka == Step::kChild ? wa : wb;
        Walker& other = ka == Step::kChild ? wb : wa;
        if (other.step() == Step::kEntry && less(Traits::key(other.entry()), sub.child_min())) {
          &other == &wa ? fn(&wa.entry(), nullptr) : fn(nullptr, &wb.entry());
          other.pass();
        } else {
          sub.enter();
        }
        continue;
      }
      if (kb == Step::kEnd || (ka == Step::kEntry && less(Traits::key(wa.entry()), Traits::key(wb.entry())))) {
        fn(&wa.entry(), nullptr);
        wa.pass();
      } else if (ka == Step::kEnd || less(Traits::key(wb.entry()), Traits::key(wa.entry()))) {
        fn(nullptr, &wb.entry());
        wb.pass();
      } else {
        if (!same(wa.entry(), wb.entry())) fn(&wa.entry(), &wb.entry());
        wa.pass();
        wb.pass();
      }
    }
  }

  // ---- iteration ----

  class Cursor {
   public:
    Cursor() = default;
    const Entry* get() const noexcept { return depth_ ? &stack_[depth_ - 1].node->entries()[stack_[depth_ - 1].i] : nullptr; }

    static Cursor first(const Node* root) {
      Cursor c;
      if (root) c.descend_left(root);
      return c;
    }
    static Cursor last(const Node* root) {
      Cursor c;
      const Node* n = root;
      while (n) {
        if (n->leaf) {
          c.stack_[c.depth_++] = {n, n->count - 1u};
          return c;
        }
        c.stack_[c.depth_++] = {n, n->count};
        n = n->children()[n->count];
      }
      return c;
    }
    // First entry whose key is >= key (`strict`: > key).
    static Cursor bound(const Node* root, const Key& key, bool strict) {
      Cursor c;
      const Node* n = root;
      while (n) {
        const unsigned i = strict ? upper_index(n, key) : lower_index(n, key);
        c.stack_[c.depth_++] = {n, i};
        if (n->leaf) break;
        if (!strict && i < n->count && !less(key, Traits::key(n->entries()[i]))) return c;
        n = n->children()[i];
      }
      c.pop_finished();
      return c;
    }

    void next() {
      Frame& f = stack_[depth_ - 1];
      if (!f.node->leaf) {
        const Node* child = f.node->children()[f.i + 1];
        ++f.i;
        descend_left(child);
        return;
      }
      ++f.i;
      pop_finished();
    }

   private:
    struct Frame {
      const Node* node;
      unsigned i;
    };
    void descend_left(const Node* n) {
      while (true) {
        stack_[depth_++] = {n, 0};
        if (n->leaf) return;
        n = n->children()[0];
      }
    }
    void pop_finished() {
      while (depth_ > 0 && stack_[depth_ - 1].i >= stack_[depth_ - 1].node->count) --depth_;
    }

    Frame stack_[kBTreeMaxDepth];
    unsigned depth_ = 0;
  };

  // ---- checks, for tests ----

  // Verifies order, fill and equal leaf depth; returns the entry count or -1.
  static std::ptrdiff_t check(const Node* n, bool is_root, const Key* lo, const Key* hi, int depth, int& leaf_depth) {
    if (!n) return 0;
    if (n->count > kBTreeMax || (!is_root && n->count < kBTreeMin) || n->count == 0) return -1;
    const Entry* e = n->entries();
    for (unsigned i = 0; i < n->count; ++i) {
      if (lo && !less(*lo, Traits::key(e[i]))) return -1;
      if (hi && !less(Traits::key(e[i]), *hi)) return -1;
      if (i > 0 && !less(Traits::key(e[i - 1]), Traits::key(e[i]))) return -1;
    }
    if (n->leaf) {
      if (leaf_depth < 0) leaf_depth = depth;
      return leaf_depth == depth ? std::ptrdiff_t(n->count) : -1;
    }
    std::ptrdiff_t total = n->count;
    for (unsigned i = 0; i <= n->count; ++i) {
      const Key* clo = i == 0 ? lo : &Traits::key(e[i - 1]);
      const Key* chi = i == n->count ? hi : &Traits::key(e[i]);
      const std::ptrdiff_t s = check(n->children()[i], false, clo, chi, depth + 1, leaf_depth);
      if (s < 0) return -1;
      total += s;
    }
    return std::size_t(total) == n->total ? total : -1;
  }

 private:
  // ---- split machinery ----

  // An owned reference to a tree and its height (leaves are at 0; -1 when empty).
  class Part {
   public:
    Part() = default;
    Part(Node* root, int height) noexcept : root_(root), height_(height) {}
    Part(Part&& o) noexcept : root_(std::exchange(o.root_, nullptr)), height_(std::exchange(o.height_, -1)) {}
    Part& operator=(Part&& o) noexcept {
      Part moved(std::move(o));
      std::swap(root_, moved.root_);
      std::swap(height_, moved.height_);
      return *this;
    }
    ~Part() { release(root_); }
    Node* root() const noexcept { return root_; }
    int height() const noexcept { return height_; }
    Node* take() noexcept {
      height_ = -1;
      return std::exchange(root_, nullptr);
    }

   private:
    Node* root_ = nullptr;
    int height_ = -1;
  };

  static int height_of(const Node* n) noexcept {
    int h = 0;
    for (; !n->leaf; n = n->children()[0]) ++h;
    return h;
  }

  static Part retained(Node* n, int height) noexcept {
    retain(n);
    return Part(n, height);
  }

  // A node of `entries[from, to)` and, unless `leaf`, `children[from, to]` (retained).
  static Node* build(bool leaf, const Entry* const* entries, Node* const* children, unsigned from, unsigned to) {
    Node* out = new_node(leaf);
    unsigned k = 0;
    try {
      for (; from + k < to; ++k) ::new (&out->entries()[k]) Entry(*entries[from + k]);
    } catch (...) {
      std::destroy_n(out->entries(), k);
      out->~Node();
      deallocate_node(out, leaf ? Node::kLeafBytes : Node::kInnerBytes);
      throw;
    }
    out->count = static_cast<std::uint16_t>(to - from);
    if (!leaf) {
      for (unsigned c = 0; c <= to - from; ++c) {
        out->children()[c] = children[from + c];
        retain(out->children()[c]);
      }
      recount(out);
    }
    return out;
  }

  // The entries [from, to) of `n` with the children between them.
  static Node* slice(const Node* n, unsigned from, unsigned to) {
    const Entry* entries[kBTreeMax + 1];
    for (unsigned k = from; k < to; ++k) entries[k] = &n->entries()[k];
    return build(n->leaf, entries, n->leaf ? nullptr : n->children(), from, to);
  }

  // Lays out a's entries, `sep`, then b's (and their children) for rebuilding at one level.
  static unsigned gather(const Node* a, const Entry* sep, const Node* b, const Entry** entries, Node** children) {
    unsigned n = 0;
    for (unsigned k = 0; k < a->count; ++k) entries[n++] = &a->entries()[k];
    entries[n++] = sep;
    for (unsigned k = 0; k < b->count; ++k) entries[n++] = &b->entries()[k];
    if (!a->leaf) {
      unsigned c = 0;
      for (unsigned k = 0; k <= a->count; ++k) children[c++] = a->children()[k];
      for (unsigned k = 0; k <= b->count; ++k) children[c++] = b->children()[k];
    }
    return n;
  }

  static std::pair<Part, Part> split_node(const Node* n, int height, const Key& key) {
    const unsigned i = lower_index(n, key);
    if (n->leaf) {
      Part lo = i > 0 ? Part(slice(n, 0, i), 0) : Part();
      Part hi = i < n->count ? Part(slice(n, i, n->count), 0) : Part();
      return {std::move(lo), std::move(hi)};
    }
    auto halves = split_node(n->children()[i], height - 1, key);
    Part lo = std::move(halves.first);
    Part hi = std::move(halves.second);
    if (i > 0) {  // children [0, i) and entries [0, i) stay below the key
      Part prefix = i == 1 ? retained(n->children()[0], height - 1) : Part(slice(n, 0, i - 1), height);
      lo = join(std::move(prefix), Entry(n->entries()[i - 1]), std::move(lo));
    }
    if (i < n->count) {  // entries [i, count) and children (i, count] are at or above it
      Part suffix =
          i + 1 == n->count ? retained(n->children()[n->count], height - 1) : Part(slice(n, i + 1, n->count), height);
      hi = join(std::move(hi), Entry(n->entries()[i]), std::move(suffix));
    }
    return {std::move(lo), std::move(hi)};
  }

  // The tree of l's entries, `sep`, then r's entries (l's keys < sep < r's keys).
  static Part join(Part l, Entry&& sep, Part r) {
    if (!l.root() && !r.root()) {
      Node* n = new_node(true);
      ::new (n->entries()) Entry(std::move(sep));
      n->count = 1;
      return Part(n, 0);
    }
    if (!l.root() || !r.root()) {
      Part& t = l.root() ? l : r;
      bool added = false;
      Node* n = insert_root(t.root(), std::move(sep), true, added);
      t.take();  // handed over to insert_root, which has answered
      return Part(n, height_of(n));
    }
    if (l.height() == r.height()) return join_level(std::move(l), sep, std::move(r));
    const bool tall_left = l.height() > r.height();
    const int h = tall_left ? l.height() : r.height();
    Part joined(tall_left ? join_right(l.take(), h, std::move(sep), r) : join_left(r.take(), h, std::move(sep), l), h);
    if (joined.root()->count <= kBTreeMax) return joined;
    Spare top, right;
    top.reserve(false);
    right.reserve(joined.root()->leaf);
    return Part(split_root(joined.take(), top.take(), right.take()), h + 1);
  }

  // Joins two trees of equal height: one node when everything fits, else two under a new root.
  static Part join_level(Part l, const Entry& sep, Part r) {
    const Entry* entries[2 * kBTreeMax + 1];
    Node* children[2 * kBTreeMax + 2];
    const unsigned total = gather(l.root(), &sep, r.root(), entries, children);
    const bool leaf = l.root()->leaf;
    const int h = l.height();
    if (total <= kBTreeMax) return Part(build(leaf, entries, children, 0, total), h);
    const unsigned mid = total / 2;
    Part left(build(leaf, entries, children, 0, mid), h);
    Part right(build(leaf, entries, children, mid + 1, total), h);
    Node* top = new_node(false);
    try {
      ::new (top->entries()) Entry(*entries[mid]);
    } catch (...) {
      deallocate_node(top, Node::kInnerBytes);
      throw;
    }
    top->count = 1;
    top->children()[0] = left.take();
    top->children()[1] = right.take();
    recount(top);
    return Part(top, h + 1);
  }

  // `n` itself when uniquely held, else a copy (the reference to `n` is handed over, also when
  // the copy cannot be made).
  static Node* own(Node* n) {
    try {
      return own_child(n);
    } catch (...) {
      release(n);
      throw;
    }
  }

  // Hangs `sep` and tree r (height below h) at the right edge of `n` (height h, handed over);
  // the result may hold one entry too many (the caller splits it).
  static Node* join_right(Node* n, int h, Entry&& sep, Part& r) {
    Node* out = own(n);
    try {
      if (h == r.height() + 1) {
        ::new (&out->entries()[out->count]) Entry(std::move(sep));
        out->children()[out->count + 1] = r.take();
        ++out->count;
        recount(out);
        if (out->children()[out->count]->count < kBTreeMin) rebalance_pair(out, out->count - 1u);
        return out;
      }
      Node* child = join_right(std::exchange(out->children()[out->count], nullptr), h - 1, std::move(sep), r);
      out->children()[out->count] = child;
      if (child->count > kBTreeMax) split_child(out, out->count, new_node(child->leaf));
      recount(out);
      return out;
    } catch (...) {
      release(out);
      throw;
    }
  }

  // The mirror of join_right: tree l and `sep` at the left edge of `n`.
  static Node* join_left(Node* n, int h, Entry&& sep, Part& l) {
    Node* out = own(n);
    try {
      Node** c = out->children();
      if (h == l.height() + 1) {
        open_gap(out, 0);
        ::new (&out->entries()[0]) Entry(std::move(sep));
        c[1] = c[0];
        c[0] = l.take();
        ++out->count;
        recount(out);
        if (c[0]->count < kBTreeMin) rebalance_pair(out, 0);
        return out;
      }
      Node* child = join_left(std::exchange(c[0], nullptr), h - 1, std::move(sep), l);
      c[0] = child;
      if (child->count > kBTreeMax) split_child(out, 0, new_node(child->leaf));
      recount(out);
      return out;
    } catch (...) {
      release(out);
      throw;
    }
  }

  // Children j and j + 1 of `parent` (owned) where one is short of the minimum: merged when
  // they fit in one node, else their entries are shared out evenly.
  static void rebalance_pair(Node* parent, unsigned j) {
    Node** pc = parent->children();
    Node* l = pc[j];
    Node* r = pc[j + 1];
    const Entry* entries[2 * kBTreeMax + 1];
    Node* children[2 * kBTreeMax + 2];
    const unsigned total = gather(l, &parent->entries()[j], r, entries, children);
    if (total <= kBTreeMax) {
      merge_children(parent, j);
      return;
    }
    const unsigned mid = total / 2;
    Part left(build(l->leaf, entries, children, 0, mid), 0);
    Part right(build(l->leaf, entries, children, mid + 1, total), 0);
    Entry sep(*entries[mid]);
    parent->entries()[j] = std::move(sep);
    pc[j] = left.take();
    pc[j + 1] = right.take();
    release(l);
    release(r);
  }

  enum class Step { kChild, kEntry, kEnd };

  // An in-order walk that stops before each subtree (which the caller enters or passes) and
  // at each entry. Inner node positions alternate: child 0, entry 0, child 1, ..., child count.
  class Walker {
   public:
    explicit Walker(const Node* root) {
      for (const Node* n = root; n && !n->leaf; n = n->children()[0]) ++height_;
      if (root) stack_[depth_++] = {root, 0};
    }
    Step step() const noexcept {
      if (depth_ == 0) return Step::kEnd;
      const Frame& f = stack_[depth_ - 1];
      return f.node->leaf || f.pos % 2 == 1 ? Step::kEntry : Step::kChild;
    }
    const Node* child() const noexcept {
      const Frame& f = stack_[depth_ - 1];
      return f.node->children()[f.pos / 2];
    }
    const Entry& entry() const noexcept {
      const Frame& f = stack_[depth_ - 1];
      return f.node->entries()[f.node->leaf ? f.pos : f.pos / 2];
    }
    // Height above the leaves of the subtree we wait at.
    int child_height() const noexcept { return height_ - int(depth_); }
    // Smallest key of the subtree we wait at.
    const Key& child_min() const noexcept {
      const Node* n = child();
      while (!n->leaf) n = n->children()[0];
      return Traits::key(n->entries()[0]);
    }
    void enter() noexcept {
      const Node* c = child();
      stack_[depth_++] = {c, 0};
    }
    // Moves past the current entry or subtree.
    void pass() noexcept {
      ++stack_[depth_ - 1].pos;
      while (depth_ > 0) {
        const Frame& f = stack_[depth_ - 1];
        if (f.pos < (f.node->leaf ? f.node->count : 2u * f.node->count + 1u)) return;
        if (--depth_ > 0) ++stack_[depth_ - 1].pos;
      }
    }

   private:
    struct Frame {
      const Node* node;
      unsigned pos;
    };
    Frame stack_[kBTreeMaxDepth];
    unsigned depth_ = 0;
    int height_ = 0;
  };

  static void recount(Node* n) noexcept {
    if (n->leaf) return;
    std::size_t total = n->count;
    for (unsigned i = 0; i <= n->count; ++i) total += size_of(n->children()[i]);
    n->total = total;
  }

  static Node* new_node(bool leaf) {
    Node* n = ::new (allocate_node(leaf ? Node::kLeafBytes : Node::kInnerBytes)) Node;
    n->leaf = leaf;
    return n;
  }
  static void free_shell(Node* n) noexcept {
    std::destroy_n(n->entries(), n->count);
    const std::size_t bytes = n->leaf ? Node::kLeafBytes : Node::kInnerBytes;
    n->~Node();
    deallocate_node(n, bytes);
  }
  // `refs` is a node's first member, so its address is the node's.
  static void destroy_erased(void* n, unsigned) noexcept { destroy(static_cast<Node*>(n)); }
  static void destroy(Node* n) noexcept {
    if (!n->leaf) {
      for (unsigned i = 0; i <= n->count; ++i) release(n->children()[i]);
    }
    free_shell(n);
  }

  // A copy of `src` (entries copied, children retained).
  static Node* copy(const Node* src) {
    Node* out = new_node(src->leaf);
    try {
      std::uninitialized_copy_n(src->entries(), src->count, out->entries());
    } catch (...) {
      free_shell(out);
      throw;
    }
    out->count = src->count;
    out->total = src->total;
    if (!src->leaf) {
      for (unsigned i = 0; i <= src->count; ++i) {
        out->children()[i] = src->children()[i];
        retain(out->children()[i]);
      }
    }
    return out;
  }

  // Opens a gap at entry index i (and child index i + 1) of a node we own.
  static void open_gap(Node* n, unsigned i) noexcept {
    Entry* e = n->entries();
    if (i < n->count) {
      ::new (&e[n->count]) Entry(std::move(e[n->count - 1]));
      for (unsigned k = n->count - 1; k > i; --k) e[k] = std::move(e[k - 1]);
      std::destroy_at(&e[i]);
    }
    if (!n->leaf) {
      Node** c = n->children();
      for (unsigned k = n->count + 1; k > i + 1; --k) c[k] = c[k - 1];
    }
  }

  // Inserts into the subtree; the result may hold kBTreeMax + 1 entries (the caller splits it).
  static Node* insert(Node* n, Entry&& entry, bool edit, bool& added) {
    const bool mine = edit && n->refs.unique();
    const unsigned i = lower_index(n, Traits::key(entry));
    Node* out;
    if (i < n->count && !less(Traits::key(entry), Traits::key(n->entries()[i]))) {
      out = mine ? n : copy(n);
      out->entries()[i] = std::move(entry);
    } else if (n->leaf) {
      out = mine ? n : copy(n);
      open_gap(out, i);
      ::new (&out->entries()[i]) Entry(std::move(entry));
      ++out->count;
      added = true;
    } else {
      Node* c = n->children()[i];
      // In place nothing may fail after the child has changed: a full child takes the node
      // its split would need now (rare; freed when the key was only replaced).
      Spare right;
      if (mine && c->count == kBTreeMax) right.reserve(c->leaf);
      Node* child = insert(c, std::move(entry), mine, added);
      out = with_child(n, mine, i, child);
      if (added) ++out->total;
      if (child->count > kBTreeMax) {
        if (!right.held()) {  // only for a copy, which is all there is to release
          try {
            right.reserve(child->leaf);
          } catch (...) {
            release(out);
            throw;
          }
        }
        split_child(out, i, right.take());
      }
    }
    if (edit && !mine) release(n);
    return out;
  }

  // A node taken ahead of the change that may need it; freed unless taken.
  class Spare {
   public:
    Spare() = default;
    Spare(const Spare&) = delete;
    Spare& operator=(const Spare&) = delete;
    ~Spare() {
      if (node_) free_shell(node_);
    }
    void reserve(bool leaf) { node_ = new_node(leaf); }
    bool held() const noexcept { return node_ != nullptr; }
    Node* take() noexcept { return std::exchange(node_, nullptr); }

   private:
    Node* node_ = nullptr;
  };

  // Splits the overfull child i of `parent` (which we own, as that child) around its middle
  // entry; its upper half goes to `right`, an empty node of the child's kind.
  static void split_child(Node* parent, unsigned i, Node* right) noexcept {
    Node* child = parent->children()[i];
    const unsigned mid = child->count / 2;
    const unsigned right_count = child->count - mid - 1;
    Entry* ce = child->entries();
    std::uninitialized_move_n(ce + mid + 1, right_count, right->entries());
    right->count = static_cast<std::uint16_t>(right_count);
    if (!child->leaf) std::copy_n(child->children() + mid + 1, right_count + 1, right->children());
    open_gap(parent, i);
    ::new (&parent->entries()[i]) Entry(std::move(ce[mid]));
    parent->children()[i + 1] = right;
    ++parent->count;
    std::destroy_n(ce + mid, child->count - mid);
    child->count = static_cast<std::uint16_t>(mid);
    recount(child);
    recount(right);
  }

  // A new root over the two halves of the overfull root `n` (handed over); `top` and `right`
  // are empty nodes taken beforehand.
  static Node* split_root(Node* n, Node* top, Node* right) noexcept {
    top->children()[0] = n;
    top->total = size_of(n);
    split_child(top, 0, right);
    return top;
  }

  // Removal under the ownership protocol of insert; the returned node may be one entry short
  // of the minimum (the parent fixes that). `found` false: nothing was built or consumed and
  // the result is meaningless.
  static Node* remove(Node* n, const Key& key, bool edit, bool& found) {
    const unsigned i = lower_index(n, key);
    const bool here = i < n->count && !less(key, Traits::key(n->entries()[i]));
    if (n->leaf && !here) return nullptr;
    const bool mine = edit && n->refs.unique();
    Node* out;
    if (n->leaf) {
      found = true;
      if (mine) {
        erase_leaf_entry(n, i);
        return n;
      }
      out = new_node(true);
      const Entry* e = n->entries();
      try {
        std::uninitialized_copy_n(e, i, out->entries());
        out->count = static_cast<std::uint16_t>(i);
        std::uninitialized_copy_n(e + i + 1, n->count - i - 1, out->entries() + i);
      } catch (...) {
        free_shell(out);
        throw;
      }
      out->count = static_cast<std::uint16_t>(n->count - 1);
    } else {
      // A key found here is replaced by its predecessor, taken from the end of the left subtree.
      std::optional<Entry> predecessor;
      Node* child;
      if (mine) own_partner(n, i);
      if (here) {
        found = true;
        child = remove_last(n->children()[i], predecessor, mine);
      } else {
        child = remove(n->children()[i], key, mine, found);
        if (!found) return nullptr;
      }
      out = with_child(n, mine, i, child);
      if (here) out->entries()[i] = std::move(*predecessor);
      --out->total;
      if (child->count < kBTreeMin) fix_child(out, mine, i);
    }
    if (edit && !mine) release(n);
    return out;
  }

  // The subtree without its last entry, which is returned through `last`; ownership as remove.
  static Node* remove_last(Node* n, std::optional<Entry>& last, bool edit) {
    const bool mine = edit && n->refs.unique();
    Node* out;
    if (n->leaf) {
      if (mine) {
        last.emplace(std::move(n->entries()[n->count - 1]));
        erase_leaf_entry(n, n->count - 1u);
        return n;
      }
      last.emplace(n->entries()[n->count - 1]);
      out = new_node(true);
      try {
        std::uninitialized_copy_n(n->entries(), n->count - 1, out->entries());
      } catch (...) {
        free_shell(out);
        throw;
      }
      out->count = static_cast<std::uint16_t>(n->count - 1);
    } else {
      if (mine) own_partner(n, n->count);
      Node* child = remove_last(n->children()[n->count], last, mine);
      out = with_child(n, mine, n->count, child);
      --out->total;
      if (child->count < kBTreeMin) fix_child(out, mine, out->count);
    }
    if (edit && !mine) release(n);
    return out;
  }

  // `n` itself when it is ours, else a copy; either way with `child` (a reference taken over,
  // also when the copy cannot be allocated) at index i.
  static Node* with_child(Node* n, bool mine, unsigned i, Node* child) {
    if (mine) {
      n->children()[i] = child;
      return n;
    }
    Node* out;
    try {
      out = copy(n);
    } catch (...) {
      release(child);
      throw;
    }
    release(out->children()[i]);
    out->children()[i] = child;
    return out;
  }

  static void erase_leaf_entry(Node* n, unsigned i) noexcept {
    Entry* e = n->entries();
    for (unsigned k = i; k + 1 < n->count; ++k) e[k] = std::move(e[k + 1]);
    std::destroy_at(&e[n->count - 1]);
    --n->count;
  }

  // Child `slot` of a node we own, made ours too: itself when nobody else holds it (only a
  // transient's own nodes; after a path copy every sibling is shared with the original). If
  // the copy cannot be made, `slot` is left as it was.
  static Node* own_child(Node*& slot) {
    if (slot->refs.unique()) return slot;
    Node* copied = copy(slot);
    release(slot);
    slot = copied;
    return copied;
  }

  // The sibling fix_underflow(parent, i) borrows from (one that can spare an entry, the left
  // one first) or else merges with.
  static unsigned partner(const Node* parent, unsigned i) noexcept {
    Node* const* pc = parent->children();
    if (i > 0 && pc[i - 1]->count > kBTreeMin) return i - 1;
    if (i < parent->count && pc[i + 1]->count > kBTreeMin) return i + 1;
    return i > 0 ? i - 1 : i + 1;
  }

  // Before a removal descends into child i of `parent` (ours, changed in place): when that
  // child may come back short, its partner is made ours now, so that fixing it cannot fail
  // (borrowing needs the sibling owned; merging two owned children happens in place).
  static void own_partner(Node* parent, unsigned i) {
    if (parent->children()[i]->count > kBTreeMin) return;
    own_child(parent->children()[partner(parent, i)]);
  }

  // fix_underflow on `out`: in place it cannot fail (own_partner ran); a copy is released
  // when it does.
  static void fix_child(Node* out, bool mine, unsigned i) {
    if (mine) {
      fix_underflow(out, i);
      return;
    }
    try {
      fix_underflow(out, i);
    } catch (...) {
      release(out);
      throw;
    }
  }

  // Child i of `parent` (owned, as is that child) has kBTreeMin - 1 entries: borrow from a
  // sibling that can spare one, or merge with a sibling.
  static void fix_underflow(Node* parent, unsigned i) {
    Node** pc = parent->children();
    Node* child = pc[i];
    const unsigned sibling = partner(parent, i);
    const bool can_spare = pc[sibling]->count > kBTreeMin;
    if (can_spare && sibling < i) {
      Node* left = own_child(pc[i - 1]);
      open_gap(child, 0);
      ::new (&child->entries()[0]) Entry(std::move(parent->entries()[i - 1]));
      if (!child->leaf) {
        child->children()[1] = child->children()[0];
        child->children()[0] = left->children()[left->count];
      }
      ++child->count;
      parent->entries()[i - 1] = std::move(left->entries()[left->count - 1]);
      std::destroy_at(&left->entries()[left->count - 1]);
      --left->count;
      recount(left);
      recount(child);
      return;
    }
    if (can_spare) {
      Node* right = own_child(pc[i + 1]);
      ::new (&child->entries()[child->count]) Entry(std::move(parent->entries()[i]));
      if (!child->leaf) child->children()[child->count + 1] = right->children()[0];
      ++child->count;
      parent->entries()[i] = std::move(right->entries()[0]);
      close_front(right);
      recount(right);
      recount(child);
      return;
    }
    merge_children(parent, std::min(i, sibling));
  }

  // Removes entry 0 (and child 0) of a node we own whose child 0 has been handed elsewhere.
  static void close_front(Node* n) noexcept {
    Entry* e = n->entries();
    for (unsigned k = 0; k + 1 < n->count; ++k) e[k] = std::move(e[k + 1]);
    std::destroy_at(&e[n->count - 1]);
    if (!n->leaf) {
      Node** c = n->children();
      for (unsigned k = 0; k < n->count; ++k) c[k] = c[k + 1];
    }
    --n->count;
  }

  // Merges children j and j + 1 of `parent` (owned) with the separator between them.
  static void merge_children(Node* parent, unsigned j) {
    Node** pc = parent->children();
    Node* left = pc[j];
    Node* right = pc[j + 1];
    if (left->refs.unique() && right->refs.unique()) {
      merge_in_place(parent, j);
      return;
    }
    const Entry* entries[2 * kBTreeMax + 1];
    Node* children[2 * kBTreeMax + 2];
    const unsigned total = gather(left, &parent->entries()[j], right, entries, children);
    Node* merged = build(left->leaf, entries, children, 0, total);
    release(left);
    release(right);
    pc[j] = merged;
    drop_separator(parent, j);
  }

  // merge_children when both children are ours alone: right's entries and children move into
  // left, and right's shell is freed.
  static void merge_in_place(Node* parent, unsigned j) noexcept {
    Node** pc = parent->children();
    Node* left = pc[j];
    Node* right = pc[j + 1];
    const std::size_t total = size_of(left) + 1 + size_of(right);
    Entry* le = left->entries();
    ::new (&le[left->count]) Entry(std::move(parent->entries()[j]));
    std::uninitialized_move_n(right->entries(), right->count, le + left->count + 1);
    if (!left->leaf) std::copy_n(right->children(), right->count + 1, left->children() + left->count + 1);
    left->count = static_cast<std::uint16_t>(left->count + 1 + right->count);
    left->total = total;
    free_shell(right);  // its entries are moved-from and its children now belong to left
    drop_separator(parent, j);
  }

  // Removes entry j and child j + 1 of `parent` (child j + 1 has been merged into child j).
  static void drop_separator(Node* parent, unsigned j) noexcept {
    Node** pc = parent->children();
    Entry* pe = parent->entries();
    for (unsigned k = j; k + 1 < parent->count; ++k) pe[k] = std::move(pe[k + 1]);
    std::destroy_at(&pe[parent->count - 1]);
    for (unsigned k = j + 1; k < parent->count; ++k) pc[k] = pc[k + 1];
    --parent->count;
  }
};

}  // namespace spl::persistent::internal
