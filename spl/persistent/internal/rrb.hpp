#pragma once
// RRB tree (Bagwell and Rompf 2011; Stucki et al., ICFP 2015) under PersistentVector.
//
// Nodes are 32-way. A leaf holds up to 32 elements; an inner node up to 32 children and, when
// it is relaxed, a table of cumulative child sizes. A regular (non-relaxed) inner node at
// shift s has every child but the last holding exactly 1 << s elements, so indexing is plain
// bit arithmetic; concatenation and slicing produce relaxed nodes along their seams, where
// indexing starts at the radix guess and steps forward through the size table.
//
// The updating functions follow the CHAMP protocol: with `edit` the caller hands over its
// reference to the node and a uniquely referenced node is changed in place; without it the
// node is left untouched and a fresh one is returned.
//
// Allocation failure: an update that throws leaves the node it was called on unchanged and
// still the caller's (also with `edit`), along with any leaf it was to append, and has released
// every node it built. A node we own changes only once every allocation has succeeded.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "spl/base/refcount.hpp"
#include "spl/persistent/alloc.hpp"

namespace spl::persistent::internal {

inline constexpr unsigned kRrbBits = 5;
inline constexpr unsigned kRrbWidth = 32;
inline constexpr std::size_t kRrbMask = kRrbWidth - 1;

template <class T, class Policy>
struct VecNode {
  RefCount<Policy> refs;
  std::uint16_t count = 0;  // elements (leaf) or children (inner)
  bool relaxed = false;

  static_assert(alignof(T) <= 16, "over-aligned elements are not supported");
  static_assert(std::is_nothrow_move_constructible_v<T>, "elements must move without throwing");
  // The fields above, rounded to whole words: where an inner node's children start.
  static constexpr std::size_t kFields = (sizeof(RefCount<Policy>) + sizeof(std::uint16_t) + sizeof(bool) + 7) / 8 * 8;
  static constexpr std::size_t kHeader = std::max<std::size_t>(kFields, alignof(T) > 8 ? 16 : 8);
  static constexpr std::size_t kLeafBytes = kHeader + kRrbWidth * sizeof(T);
  // Inner nodes always have room for a size table, so any node can become relaxed in place.
  static constexpr std::size_t kInnerBytes = kFields + kRrbWidth * (sizeof(VecNode*) + sizeof(std::size_t));

  T* elems() noexcept { return std::launder(reinterpret_cast<T*>(reinterpret_cast<char*>(this) + kHeader)); }
  const T* elems() const noexcept { return const_cast<VecNode*>(this)->elems(); }
  VecNode** children() noexcept { return reinterpret_cast<VecNode**>(reinterpret_cast<char*>(this) + kFields); }
  VecNode* const* children() const noexcept { return const_cast<VecNode*>(this)->children(); }
  std::size_t* sizes() noexcept {
    return reinterpret_cast<std::size_t*>(reinterpret_cast<char*>(this) + kFields + kRrbWidth * sizeof(VecNode*));
  }
  const std::size_t* sizes() const noexcept { return const_cast<VecNode*>(this)->sizes(); }
};

template <class T, class Policy>
class Rrb {
 public:
  using Node = VecNode<T, Policy>;
  static_assert(sizeof(Node) <= Node::kFields);

  // ---- lifetime ----

  static Node* new_leaf() { return ::new (allocate_node(Node::kLeafBytes)) Node; }
  static Node* new_inner(bool relaxed) {
    Node* n = ::new (allocate_node(Node::kInnerBytes)) Node;
    n->relaxed = relaxed;
    return n;
  }
  // new_inner for a node at `shift` that is to take over `child`: if it cannot be allocated,
  // `child` is released.
  static Node* new_inner_for(bool relaxed, unsigned shift, Node* child) {
    try {
      return new_inner(relaxed);
    } catch (...) {
      release(child, shift - kRrbBits);
      throw;
    }
  }
  static void retain(Node* n) noexcept {
    if (n) n->refs.retain();
  }
  // Inlined into destroy loops so that a child that stays alive costs no call.
  [[gnu::always_inline]] static void release(Node* n, unsigned shift) noexcept {
    if (n && n->refs.release(Reclaim{&destroy_erased, shift})) destroy(n, shift);
  }
  // `refs` is a node's first member, so its address is the node's.
  static void destroy_erased(void* n, unsigned shift) noexcept { destroy(static_cast<Node*>(n), shift); }

  // ---- sizes and indexing ----

  static std::size_t node_size(const Node* n, unsigned shift) noexcept {
    std::size_t total = 0;
    while (shift > 0) {
      if (n->relaxed) return total + n->sizes()[n->count - 1];
      total += std::size_t(n->count - 1) << shift;
      n = n->children()[n->count - 1];
      shift -= kRrbBits;
    }
    return total + n->count;
  }

  // The child of inner node `n` holding element `i` (relative to n); `i` becomes relative to it.
  static unsigned child_for(const Node* n, unsigned shift, std::size_t& i) noexcept {
    if (!n->relaxed) {
      const unsigned idx = static_cast<unsigned>((i >> shift) & kRrbMask);
      i &= (std::size_t(1) << shift) - 1;
      return idx;
    }
    const std::size_t* s = n->sizes();
    unsigned idx = static_cast<unsigned>(i >> shift);
    while (s[idx] <= i) ++idx;
    if (idx > 0) i -= s[idx - 1];
    return idx;
  }

  // Where child `idx` of inner node `n` (of size `size`) starts, and how many elements it has.
  static std::size_t child_start(const Node* n, unsigned shift, unsigned idx) noexcept {
    if (idx == 0) return 0;
    return n->relaxed ? n->sizes()[idx - 1] : std::size_t(idx) << shift;
  }
  static std::size_t child_size(const Node* n, unsigned shift, std::size_t size, unsigned idx) noexcept {
    const std::size_t end = idx + 1 == n->count ? size
                            : n->relaxed        ? n->sizes()[idx]
                                                : std::size_t(idx + 1) << shift;
    return end - child_start(n, shift, idx);
  }

  static const Node* leaf_for(const Node* n, unsigned shift, std::size_t& i) noexcept {
    while (shift > 0) {
      n = n->children()[child_for(n, shift, i)];
      shift -= kRrbBits;
    }
    return n;
  }

  // ---- copies ----

  static Node* copy_leaf(const Node* src, unsigned count) {
    Node* out = new_leaf();
    try {
      std::uninitialized_copy_n(src->elems(), count, out->elems());
    } catch (...) {
      free_shell(out, 0);
      throw;
    }
    out->count = static_cast<std::uint16_t>(count);
    return out;
  }

  // A copy of inner node `src` (at `shift`) whose child `replace` (if any) is `with`, a
  // reference it takes over, also when the copy cannot be allocated; every other child is shared.
  static Node* copy_inner(const Node* src, unsigned shift, unsigned replace = kRrbWidth, Node* with = nullptr) {
    return fill_copy(new_inner_for(src->relaxed, shift, with), src, replace, with);
  }

  // copy_inner into `out`, an empty inner node of src's kind taken beforehand.
  static Node* fill_copy(Node* out, const Node* src, unsigned replace, Node* with) noexcept {
    out->count = src->count;
    prefetch_children(src);
    for (unsigned j = 0; j < src->count; ++j) {
      if (j == replace) {
        out->children()[j] = with;
      } else {
        out->children()[j] = src->children()[j];
        retain(out->children()[j]);
      }
    }
    if (src->relaxed) std::copy_n(src->sizes(), src->count, out->sizes());
    return out;
  }

  // Turns a regular inner node of size `size` relaxed, filling its size table.
  static void make_relaxed(Node* n, unsigned shift, std::size_t size) noexcept {
    if (n->relaxed) return;
    for (unsigned j = 0; j + 1 < n->count; ++j) n->sizes()[j] = std::size_t(j + 1) << shift;
    n->sizes()[n->count - 1] = size;
    n->relaxed = true;
  }

  // A chain of single-child regular nodes from `shift` down to `leaf` (taking over its
  // reference, unless this throws).
  static Node* new_path(unsigned shift, Node* leaf) {
    Node* n = leaf;
    try {
      for (unsigned s = kRrbBits; s <= shift; s += kRrbBits) {
        Node* parent = new_inner(false);
        parent->count = 1;
        parent->children()[0] = n;
        n = parent;
      }
    } catch (...) {
      while (n != leaf) {
        Node* below = n->children()[0];
        free_shell(n, kRrbBits);
        n = below;
      }
      throw;
    }
    return n;
  }

  // ---- updates ----

  template <class U>
  static Node* update(Node* n, unsigned shift, std::size_t i, U&& value, bool edit) {
    const bool mine = edit && n->refs.unique();
    if (shift == 0) {
      Node* out = mine ? n : copy_leaf(n, n->count);
      out->elems()[i] = std::forward<U>(value);
      if (edit && !mine) release(n, 0);
      return out;
    }
    const unsigned idx = child_for(n, shift, i);
    if (!mine) prefetch_children(n);  // for the copy on the way back up
    Node* child = update(n->children()[idx], shift - kRrbBits, i, std::forward<U>(value), mine);
    if (mine) {
      n->children()[idx] = child;
      return n;
    }
    Node* out = copy_inner(n, shift, idx, child);
    if (edit) release(n, shift);
    return out;
  }

  // Appends `leaf` (taking over its reference) at the right edge of `n`, a subtree of `size`
  // elements; nullptr (nothing consumed) when the right edge is full.
  static Node* push_tail(Node* n, unsigned shift, std::size_t size, Node* leaf, bool edit) {
    if (shift == 0) return nullptr;
    const bool mine = edit && n->refs.unique();
    const std::size_t leaf_size = leaf->count;
    const unsigned last = n->count - 1u;
    // A copy of `n` is taken before descending: once `leaf` is placed below, nothing may fail.
    Node* shell = mine ? nullptr : new_inner(n->relaxed);
    if (shift > kRrbBits) {
      Node* child = n->children()[last];
      Node* pushed;
      try {
        pushed = push_tail(child, shift - kRrbBits, child_size(n, shift, size, last), leaf, mine);
      } catch (...) {
        if (shell) free_shell(shell, shift);
        throw;
      }
      if (pushed) {
        Node* out = mine ? n : fill_copy(shell, n, last, pushed);
        out->children()[last] = pushed;
        if (out->relaxed) out->sizes()[last] += leaf_size;
        if (edit && !mine) release(n, shift);
        return out;
      }
    }
    if (n->count == kRrbWidth) {
      if (shell) free_shell(shell, shift);
      return nullptr;
    }
    Node* path;
    try {
      path = new_path(shift - kRrbBits, leaf);
    } catch (...) {
      if (shell) free_shell(shell, shift);
      throw;
    }
    Node* out = mine ? n : fill_copy(shell, n, kRrbWidth, nullptr);
    // A regular node stays regular only if every existing child is full.
    if (!out->relaxed && size != (std::size_t(out->count) << shift)) make_relaxed(out, shift, size);
    out->children()[out->count] = path;
    if (out->relaxed) out->sizes()[out->count] = size + leaf_size;
    ++out->count;
    if (edit && !mine) release(n, shift);
    return out;
  }

  // Pushes `leaf` under root (`root`, `shift`, `size`), growing the tree a level when full.
  static void push_leaf(Node*& root, unsigned& shift, std::size_t size, Node* leaf, bool edit) {
    if (!root) {
      root = leaf;
      shift = 0;
      return;
    }
    if (Node* pushed = push_tail(root, shift, size, leaf, edit)) {
      root = pushed;
      return;
    }
    const bool full = size == (std::size_t(1) << (shift + kRrbBits));
    Node* top = new_inner(!full);
    Node* path;
    try {
      path = new_path(shift, leaf);
    } catch (...) {
      free_shell(top, kRrbBits);
      throw;
    }
    top->count = 2;
    top->children()[0] = root;
    if (!edit) retain(root);
    top->children()[1] = path;
    if (!full) {
      top->sizes()[0] = size;
      top->sizes()[1] = size + leaf->count;
    }
    root = top;
    shift += kRrbBits;
  }

  // The rightmost leaf of `n` (a new reference) and `n` without it (nullptr when nothing is
  // left). Persistent: `n` is left as it is; on failure `leaf_out` holds nothing.
  static Node* pop_tail(const Node* n, unsigned shift, Node*& leaf_out) {
    if (shift == 0) {
      leaf_out = const_cast<Node*>(n);
      retain(leaf_out);
      return nullptr;
    }
    const unsigned last = n->count - 1u;
    Node* rest = pop_tail(n->children()[last], shift - kRrbBits, leaf_out);
    if (!rest && last == 0) return nullptr;
    Node* out;
    try {
      out = copy_inner(n, shift, last, rest);
    } catch (...) {
      release(std::exchange(leaf_out, nullptr), 0);
      throw;
    }
    if (rest) {
      if (out->relaxed) out->sizes()[last] -= leaf_out->count;
    } else {
      --out->count;
    }
    return out;
  }

  // Drops single-child roots (taking over the reference to `root`).
  static void collapse(Node*& root, unsigned& shift) noexcept {
    while (root && shift > 0 && root->count == 1) {
      Node* child = root->children()[0];
      retain(child);
      release(root, shift);
      root = child;
      shift -= kRrbBits;
    }
  }

  // ---- slicing ----

  // The first k (>= 1) elements of `n`, as a new reference.
  static Node* take(const Node* n, unsigned shift, std::size_t k) {
    if (shift == 0) {
      if (k == n->count) {
        retain(const_cast<Node*>(n));
        return const_cast<Node*>(n);
      }
      return copy_leaf(n, static_cast<unsigned>(k));
    }
    std::size_t rel = k - 1;
    const unsigned idx = child_for(n, shift, rel);
    Node* child = take(n->children()[idx], shift - kRrbBits, rel + 1);
    Node* out = new_inner_for(n->relaxed, shift, child);
    out->count = static_cast<std::uint16_t>(idx + 1);
    for (unsigned j = 0; j < idx; ++j) {
      out->children()[j] = n->children()[j];
      retain(out->children()[j]);
    }
    out->children()[idx] = child;
    if (n->relaxed) {
      std::copy_n(n->sizes(), idx, out->sizes());
      out->sizes()[idx] = k;
    }
    return out;
  }

  // `n` (of `size` elements) without its first k (< size) elements, as a new reference.
  static Node* drop(const Node* n, unsigned shift, std::size_t size, std::size_t k) {
    if (shift == 0) {
      Node* out = new_leaf();
      try {
        std::uninitialized_copy_n(n->elems() + k, n->count - k, out->elems());
      } catch (...) {
        free_shell(out, 0);
        throw;
      }
      out->count = static_cast<std::uint16_t>(n->count - k);
      return out;
    }
    std::size_t rel = k;
    const unsigned idx = child_for(n, shift, rel);
    const std::size_t first_size = child_size(n, shift, size, idx);
    Node* first = n->children()[idx];
    if (rel == 0) {
      retain(first);
    } else {
      first = drop(first, shift - kRrbBits, first_size, rel);
    }
    Node* out = new_inner_for(true, shift, first);
    out->count = static_cast<std::uint16_t>(n->count - idx);
    out->children()[0] = first;
    out->sizes()[0] = first_size - rel;
    for (unsigned j = idx + 1; j < n->count; ++j) {
      Node* c = n->children()[j];
      retain(c);
      out->children()[j - idx] = c;
      out->sizes()[j - idx] = out->sizes()[j - idx - 1] + child_size(n, shift, size, j);
    }
    return out;
  }

  // ---- concatenation ----

  // Joins two trees (both left untouched); returns a new root and its shift.
  static Node* concat(const Node* a, unsigned sa, const Node* b, unsigned sb, unsigned& shift_out) {
    Node* top = concat_sub(a, sa, b, sb);
    shift_out = std::max(sa, sb) + kRrbBits;
    collapse(top, shift_out);
    return top;
  }

  // ---- checks, for tests ----

  // Verifies sizes, counts and the regular-node invariant; returns the subtree size or -1.
  static std::ptrdiff_t check(const Node* n, unsigned shift) {
    if (shift == 0) return n->count >= 1 && n->count <= kRrbWidth ? n->count : -1;
    if (n->count < 1 || n->count > kRrbWidth) return -1;
    std::size_t total = 0;
    for (unsigned j = 0; j < n->count; ++j) {
      const std::ptrdiff_t s = check(n->children()[j], shift - kRrbBits);
      if (s < 0) return -1;
      total += std::size_t(s);
      if (n->relaxed && n->sizes()[j] != total) return -1;
      if (!n->relaxed && j + 1 < n->count && std::size_t(s) != (std::size_t(1) << shift)) return -1;
    }
    return std::ptrdiff_t(total);
  }

 private:
  // Copying or freeing an inner node touches every child's count, each a likely cache miss;
  // asking for all the lines first lets the misses overlap.
  static void prefetch_children(const Node* n) noexcept {
    for (unsigned j = 0; j < n->count; ++j) __builtin_prefetch(n->children()[j], 1);
  }

  [[gnu::noinline]] static void destroy(Node* n, unsigned shift) noexcept {
    if (shift > 0) {
      prefetch_children(n);
      for (unsigned j = 0; j < n->count; ++j) release(n->children()[j], shift - kRrbBits);
    }
    free_shell(n, shift);
  }
  static void free_shell(Node* n, unsigned shift) noexcept {
    if (shift == 0) {
      std::destroy_n(n->elems(), n->count);
      n->~Node();
      deallocate_node(n, Node::kLeafBytes);
    } else {
      n->~Node();
      deallocate_node(n, Node::kInnerBytes);
    }
  }

  static unsigned slots(const Node* n) noexcept { return n->count; }

  // A node at max(sa, sb) + 5 holding one or two nodes at max(sa, sb): the seam of a and b,
  // rebalanced so that the tree keeps its logarithmic height.
  static Node* concat_sub(const Node* a, unsigned sa, const Node* b, unsigned sb) {
    if (sa == 0 && sb == 0) {
      Node* top = new_inner(true);
      if (a->count + b->count <= kRrbWidth) {
        Node* leaf;
        try {
          leaf = copy_leaf(a, a->count);
        } catch (...) {
          free_shell(top, kRrbBits);
          throw;
        }
        try {
          std::uninitialized_copy_n(b->elems(), b->count, leaf->elems() + a->count);
        } catch (...) {
          release(leaf, 0);
          free_shell(top, kRrbBits);
          throw;
        }
        leaf->count = static_cast<std::uint16_t>(a->count + b->count);
        top->count = 1;
        top->children()[0] = leaf;
        top->sizes()[0] = leaf->count;
      } else {
        top->count = 2;
        top->children()[0] = const_cast<Node*>(a);
        top->children()[1] = const_cast<Node*>(b);
        retain(top->children()[0]);
        retain(top->children()[1]);
        top->sizes()[0] = a->count;
        top->sizes()[1] = std::size_t(a->count) + b->count;
      }
      return top;
    }
    const Node* items[2 * kRrbWidth + 2];
    unsigned n = 0;
    Node* mid;
    unsigned shift;
    if (sa > sb) {
      shift = sa;
      mid = concat_sub(a->children()[a->count - 1], sa - kRrbBits, b, sb);
      for (unsigned j = 0; j + 1 < a->count; ++j) items[n++] = a->children()[j];
      for (unsigned j = 0; j < mid->count; ++j) items[n++] = mid->children()[j];
    } else if (sa < sb) {
      shift = sb;
      mid = concat_sub(a, sa, b->children()[0], sb - kRrbBits);
      for (unsigned j = 0; j < mid->count; ++j) items[n++] = mid->children()[j];
      for (unsigned j = 1; j < b->count; ++j) items[n++] = b->children()[j];
    } else {
      shift = sa;
      mid = concat_sub(a->children()[a->count - 1], sa - kRrbBits, b->children()[0], sb - kRrbBits);
      for (unsigned j = 0; j + 1 < a->count; ++j) items[n++] = a->children()[j];
      for (unsigned j = 0; j < mid->count; ++j) items[n++] = mid->children()[j];
      for (unsigned j = 1; j < b->count; ++j) items[n++] = b->children()[j];
    }
    Node* top;
    try {
      top = rebalance(items, n, shift);
    } catch (...) {
      release(mid, shift);
      throw;
    }
    release(mid, shift);
    return top;
  }

  // Packs `items` (nodes at shift - 5, borrowed) into one or two nodes at `shift` under a new
  // node at shift + 5. Nodes are merged only while there are more than two beyond the optimal
  // count (the RRB search-step invariant); everything else is shared.
  static Node* rebalance(const Node* const* items, unsigned n, unsigned shift) {
    const unsigned child_shift = shift - kRrbBits;
    unsigned plan[2 * kRrbWidth + 2];
    std::size_t total = 0;
    for (unsigned i = 0; i < n; ++i) {
      plan[i] = slots(items[i]);
      total += plan[i];
    }
    const unsigned optimal = static_cast<unsigned>((total + kRrbWidth - 1) / kRrbWidth);
    unsigned count = n;
    constexpr unsigned kExtras = 2;
    unsigned i = 0;
    while (count > optimal + kExtras) {
      while (plan[i] > kRrbWidth - kExtras / 2) ++i;
      unsigned remaining = plan[i];
      do {
        const unsigned merged = std::min(remaining + plan[i + 1], kRrbWidth);
        remaining = remaining + plan[i + 1] - merged;
        plan[i] = merged;
        ++i;
      } while (remaining > 0);
      for (unsigned j = i; j + 1 < count; ++j) plan[j] = plan[j + 1];
      --count;
      --i;
    }

    // At most 64 items come in (31 + 2 + 31), so at most two parents go out.
    Node* built[2 * kRrbWidth + 2];
    unsigned nbuilt = 0;
    const unsigned nparents = (count + kRrbWidth - 1) / kRrbWidth;
    Node* wrapper = new_inner(true);
    try {
      for (unsigned part = 0; part < nparents; ++part) {
        wrapper->children()[part] = new_inner(true);
        wrapper->count = static_cast<std::uint16_t>(part + 1);
      }
      unsigned src = 0;
      unsigned offset = 0;
      for (unsigned k = 0; k < count; ++k) {
        if (offset == 0 && slots(items[src]) == plan[k]) {
          built[nbuilt] = const_cast<Node*>(items[src++]);
          retain(built[nbuilt++]);
          continue;
        }
        Node* out = child_shift == 0 ? new_leaf() : new_inner(true);
        built[nbuilt++] = out;
        while (out->count < plan[k]) {
          const Node* from = items[src];
          const unsigned take_n = std::min<unsigned>(plan[k] - out->count, from->count - offset);
          if (child_shift == 0) {
            std::uninitialized_copy_n(from->elems() + offset, take_n, out->elems() + out->count);
            out->count = static_cast<std::uint16_t>(out->count + take_n);
          } else {
            for (unsigned t = 0; t < take_n; ++t) {
              Node* c = from->children()[offset + t];
              retain(c);
              out->children()[out->count] = c;
              const std::size_t before = out->count ? out->sizes()[out->count - 1] : 0;
              out->sizes()[out->count] = before + node_size(c, child_shift - kRrbBits);
              ++out->count;
            }
          }
          offset += take_n;
          if (offset == from->count) {
            ++src;
            offset = 0;
          }
        }
      }
    } catch (...) {
      for (unsigned k = 0; k < nbuilt; ++k) release(built[k], child_shift);
      release(wrapper, shift + kRrbBits);
      throw;
    }
    for (unsigned k = 0; k < count; ++k) {
      Node* parent = wrapper->children()[k / kRrbWidth];
      parent->children()[parent->count] = built[k];
      const std::size_t before = parent->count ? parent->sizes()[parent->count - 1] : 0;
      parent->sizes()[parent->count] = before + node_size(built[k], child_shift);
      ++parent->count;
    }
    for (unsigned part = 0; part < nparents; ++part) {
      const Node* parent = wrapper->children()[part];
      wrapper->sizes()[part] = (part ? wrapper->sizes()[part - 1] : 0) + parent->sizes()[parent->count - 1];
    }
    return wrapper;
  }
};

}  // namespace spl::persistent::internal
