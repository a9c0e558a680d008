#pragma once
// CHAMP trie (Steindorfer and Vinju, OOPSLA 2015), shared by PersistentMap and PersistentSet.
//
// One allocation per node: a 16-byte header (refcount, bytes allocated, entry bitmap, child
// bitmap), then the child pointers, then the entries inline. Path copies are sized exactly;
// a node a transient grows gets room to the next 64 bytes (or entry), so the next few inserts
// into it shift entries in place instead of reallocating. Hash fragments of 5 bits index a
// node; below the last fragment of the 64-bit hash, nodes are collision nodes (a plain array
// of entries whose count sits in `datamap`). After a removal the trie is kept canonical: a
// non-root node never holds a single entry and nothing else, so equal contents give equal
// shapes and equality can compare position by position.
//
// Ownership protocol of the updating functions: with `edit` the caller hands over its
// reference to `n` (the result replaces it); a node that is also uniquely referenced is then
// changed in place, otherwise it is copied and the caller's reference released. Without
// `edit`, `n` is left untouched and the result is a fresh node (path copying).

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "spl/base/refcount.hpp"
#include "spl/persistent/alloc.hpp"

namespace spl::persistent::internal {

inline constexpr unsigned kChampBits = 5;
inline constexpr std::uint32_t kChampMask = 31;
// 13 levels consume the 64 hash bits (the last one uses 4); below that, collision nodes.
inline constexpr unsigned kCollisionShift = 65;
inline constexpr unsigned kChampMaxDepth = kCollisionShift / kChampBits + 1;
// Transient growth rounds node sizes up to whole cache lines.
inline constexpr std::size_t kGrowthQuantum = 64;
inline constexpr unsigned kPrefetchLines = 4;

constexpr std::uint32_t champ_fragment(std::uint64_t hash, unsigned shift) noexcept {
  return static_cast<std::uint32_t>(hash >> shift) & kChampMask;
}
constexpr unsigned champ_index(std::uint32_t map, std::uint32_t bit) noexcept {
  return static_cast<unsigned>(std::popcount(map & (bit - 1)));
}

// A node's allocated size in one byte: 8-byte steps to 1016 bytes, then steps of at most an
// eighth up to 60 MiB. Sizes are rounded up to the next size the byte can hold.
struct NodeBytes {
  static constexpr std::size_t kLinearMax = 127 * 8;
  static constexpr unsigned kExponents = 16;
  static constexpr std::size_t kMax = std::size_t{15} << (7 + kExponents - 1);

  static constexpr std::size_t round_up(std::size_t bytes) {
    if (bytes <= kLinearMax) return (bytes + 7) / 8 * 8;
    for (unsigned x = 0; x < kExponents; ++x) {
      const std::size_t unit = std::size_t{1} << (7 + x);
      if (bytes <= 15 * unit) return (bytes + unit - 1) / unit * unit;
    }
    throw std::length_error("persistent map node larger than 60 MiB");
  }
  // `bytes` must be a value round_up returns.
  static constexpr std::uint8_t encode(std::size_t bytes) noexcept {
    if (bytes <= kLinearMax) return static_cast<std::uint8_t>(bytes / 8);
    unsigned x = 0;
    while (bytes > (std::size_t{15} << (7 + x))) ++x;
    return static_cast<std::uint8_t>(128 + x * 8 + (bytes >> (7 + x)) - 8);
  }
  static constexpr std::size_t decode(std::uint8_t code) noexcept {
    if (code < 128) return std::size_t{code} * 8;
    const unsigned k = code - 128u;
    return std::size_t{8 + (k & 7)} << (7 + (k >> 3));
  }
};

template <class Entry, class Policy>
struct ChampNode {
  // The size code lives in the count's tail padding, so the header stays 16 bytes.
  [[no_unique_address]] RefCount<Policy> refs;
  std::uint8_t size_code = 0;  // bytes allocated, header included (NodeBytes)
  std::uint32_t datamap = 0;   // collision node: number of entries
  std::uint32_t nodemap = 0;

  static constexpr std::size_t kHeader = 16;
  static_assert(alignof(Entry) <= 16, "over-aligned entries are not supported");
  static_assert(std::is_nothrow_move_constructible_v<Entry>, "keys and values must move without throwing");
  static_assert(sizeof(Entry) <= (std::size_t{1} << 20), "entries over 1 MiB are not supported");

  std::size_t capacity() const noexcept { return NodeBytes::decode(size_code); }

  static constexpr std::size_t entries_offset(std::size_t nchildren) noexcept {
    std::size_t off = kHeader + nchildren * sizeof(ChampNode*);
    return (off + alignof(Entry) - 1) / alignof(Entry) * alignof(Entry);
  }
  static constexpr std::size_t bytes(std::size_t nentries, std::size_t nchildren) noexcept {
    return entries_offset(nchildren) + nentries * sizeof(Entry);
  }

  unsigned entry_count(unsigned shift) const noexcept {
    return shift >= kCollisionShift ? datamap : static_cast<unsigned>(std::popcount(datamap));
  }
  unsigned child_count() const noexcept { return static_cast<unsigned>(std::popcount(nodemap)); }

  ChampNode** children() noexcept {
    return reinterpret_cast<ChampNode**>(reinterpret_cast<char*>(this) + kHeader);
  }
  ChampNode* const* children() const noexcept {
    return reinterpret_cast<ChampNode* const*>(reinterpret_cast<const char*>(this) + kHeader);
  }
  Entry* entries() noexcept {
    return std::launder(
        reinterpret_cast<Entry*>(reinterpret_cast<char*>(this) + entries_offset(child_count())));
  }
  const Entry* entries() const noexcept { return const_cast<ChampNode*>(this)->entries(); }
};

// Traits: Entry, Key, static const Key& key(const Entry&), Hash, Eq, and
// static bool same_value(const Entry&, const Entry&) for equality of whole collections.
template <class Traits, class Policy>
class Champ {
 public:
  using Entry = typename Traits::Entry;
  using Key = typename Traits::Key;
  using Node = ChampNode<Entry, Policy>;
  static_assert(sizeof(Node) == Node::kHeader, "the node header must stay 16 bytes");

  static std::uint64_t hash_of(const Key& k) { return typename Traits::Hash{}(k); }
  static bool key_eq(const Key& a, const Key& b) { return typename Traits::Eq{}(a, b); }

  // ---- lifetime ----

  static void retain(Node* n) noexcept {
    if (n) n->refs.retain();
  }
  // Inlined into destroy loops so that a child that stays alive costs no call.
  [[gnu::always_inline]] static void release(Node* n, unsigned shift = 0) noexcept {
    if (n && n->refs.release(Reclaim{&destroy_erased, shift})) destroy(n, shift);
  }
  // `refs` is a node's first member, so its address is the node's.
  static void destroy_erased(void* n, unsigned shift) noexcept { destroy(static_cast<Node*>(n), shift); }

  // With `room`, the allocation is rounded up to whole cache lines (whole entries if larger)
  // for later in-place growth.
  // Node memory taken ahead of an in-place edit that may need it, so that the edit cannot fail
  // after it has changed anything; given back unless a rebuild used it.
  struct Spare {
    void* mem = nullptr;
    std::size_t bytes = 0;
    Spare() = default;
    Spare(const Spare&) = delete;
    Spare& operator=(const Spare&) = delete;
    ~Spare() {
      if (mem) deallocate_node(mem, bytes);
    }
    void reserve(unsigned nentries, unsigned nchildren) {
      bytes = NodeBytes::round_up(Node::bytes(nentries, nchildren));
      mem = allocate_node(bytes);
    }
  };

  static Node* allocate(std::uint32_t datamap, std::uint32_t nodemap, unsigned nentries, unsigned nchildren,
                        bool room = false, Spare* spare = nullptr) {
    std::size_t bytes = Node::bytes(nentries, nchildren);
    if (room) {
      constexpr std::size_t quantum = std::max(kGrowthQuantum, sizeof(Entry));  // room for one entry at least
      bytes = (bytes + quantum - 1) / quantum * quantum;
    }
    bytes = NodeBytes::round_up(bytes);
    void* mem;
    if (spare && spare->mem) {
      assert(spare->bytes == bytes);
      mem = std::exchange(spare->mem, nullptr);
    } else {
      mem = allocate_node(bytes);
    }
    Node* n = ::new (mem) Node;
    n->size_code = NodeBytes::encode(bytes);
    n->datamap = datamap;
    n->nodemap = nodemap;
    return n;
  }

  static void deallocate(Node* n) noexcept {
    const std::size_t bytes = n->capacity();
    n->~Node();
    deallocate_node(n, bytes);
  }

  // ---- lookup ----

  // Which line of a node holds the wanted slot is known only once its bitmaps arrive: asking
  // for the first lines together with the header turns two misses in a row into one for most
  // nodes. More lines measured slower for lookups (the extra traffic delays the next one).
  static void prefetch_node(const Node* n) noexcept {
    const char* p = reinterpret_cast<const char*>(n);
    for (unsigned line = 0; line < kPrefetchLines; ++line) __builtin_prefetch(p + 64 * line);
  }

  // Looks `key` up in the subtree `n` rooted at `shift` (0: the whole trie).
  static const Entry* find(const Node* n, std::uint64_t hash, const Key& key, unsigned shift = 0) {
    while (n) {
      if (shift >= kCollisionShift) {
        const Entry* e = n->entries();
        for (unsigned i = 0; i < n->datamap; ++i) {
          if (key_eq(Traits::key(e[i]), key)) return &e[i];
        }
        return nullptr;
      }
      const std::uint32_t bit = 1u << champ_fragment(hash, shift);
      if (n->datamap & bit) {
        const Entry& e = n->entries()[champ_index(n->datamap, bit)];
        return key_eq(Traits::key(e), key) ? &e : nullptr;
      }
      if (!(n->nodemap & bit)) return nullptr;
      n = n->children()[champ_index(n->nodemap, bit)];
      prefetch_node(n);
      shift += kChampBits;
    }
    return nullptr;
  }

  // The entry for `key` when every node on its path is held once (by the caller's version
  // alone), so it may be changed in place unseen by other versions; nullptr when the key is
  // absent or a node on the path is shared.
  static Entry* find_unique(Node* n, std::uint64_t hash, const Key& key) {
    for (unsigned shift = 0; n; shift += kChampBits) {
      if (!n->refs.unique()) return nullptr;
      if (shift >= kCollisionShift) {
        Entry* e = n->entries();
        for (unsigned i = 0; i < n->datamap; ++i) {
          if (key_eq(Traits::key(e[i]), key)) return &e[i];
        }
        return nullptr;
      }
      const std::uint32_t bit = 1u << champ_fragment(hash, shift);
      if (n->datamap & bit) {
        Entry& e = n->entries()[champ_index(n->datamap, bit)];
        return key_eq(Traits::key(e), key) ? &e : nullptr;
      }
      if (!(n->nodemap & bit)) return nullptr;
      n = n->children()[champ_index(n->nodemap, bit)];
    }
    return nullptr;
  }

  // ---- insert ----

  // Inserts or replaces the entry with `entry`'s key; `added` says whether the size grew.
  static Node* insert(Node* n, unsigned shift, std::uint64_t hash, Entry&& entry, bool edit, bool& added) {
    const bool mine = edit && n->refs.unique();
    Node* result;
    if (shift >= kCollisionShift) {
      result = insert_collision(n, std::move(entry), mine, added);
    } else {
      const std::uint32_t bit = 1u << champ_fragment(hash, shift);
      if (n->datamap & bit) {
        const unsigned i = champ_index(n->datamap, bit);
        Entry& cur = n->entries()[i];
        if (key_eq(Traits::key(cur), Traits::key(entry))) {
          if (mine) {
            cur = std::move(entry);
            return n;
          }
          result = rebuild(n, shift, false, n->datamap, n->nodemap, Splice{int(i), int(i), &entry}, Splice{});
        } else {
          const std::uint64_t cur_hash = hash_of(Traits::key(cur));
          Node* sub = mine ? make_pair(shift + kChampBits, cur_hash, std::move(cur), hash, std::move(entry))
                           : make_pair(shift + kChampBits, cur_hash, Entry(cur), hash, std::move(entry));
          added = true;
          const std::uint32_t nodemap = n->nodemap | bit;
          const unsigned at = champ_index(nodemap, bit);
          if (mine && push_down_in_place(n, i, bit, at, sub)) return n;
          result = rebuild(n, shift, mine, n->datamap & ~bit, nodemap, Splice{int(i), -1, nullptr},
                           Splice{-1, int(at), nullptr, sub});
        }
      } else if (n->nodemap & bit) {
        const unsigned j = champ_index(n->nodemap, bit);
        Node* child = n->children()[j];
        prefetch_node(child);
        if (!mine) prefetch_children(n->children(), n->child_count());  // for the copy on the way back up
        Node* updated = insert(child, shift + kChampBits, hash, std::move(entry), mine, added);
        if (mine) {
          n->children()[j] = updated;
          return n;
        }
        result = rebuild(n, shift, false, n->datamap, n->nodemap, Splice{}, Splice{int(j), int(j), nullptr, updated});
      } else {
        added = true;
        const std::uint32_t datamap = n->datamap | bit;
        const unsigned at = champ_index(datamap, bit);
        if (mine && add_entry_in_place(n, datamap, at, entry)) return n;
        result = rebuild(n, shift, mine, datamap, n->nodemap, Splice{-1, int(at), &entry}, Splice{}, mine);
      }
    }
    if (edit && !mine) release(n, shift);
    return result;
  }

  static Node* make_leaf(std::uint64_t hash, Entry&& entry) {
    Node* n = allocate(1u << champ_fragment(hash, 0), 0, 1, 0);
    ::new (n->entries()) Entry(std::move(entry));
    return n;
  }

  // ---- remove ----

  enum class Removed { kNotFound, kNode, kSingle, kEmpty };
  struct RemoveResult {
    Removed kind;
    Node* node = nullptr;  // kNode: the replacement
  };

  // kSingle: the node would hold only `single`; the parent inlines it (never at the root).
  // kEmpty: only at the root, the trie is now empty.
  static RemoveResult remove(Node* n, unsigned shift, std::uint64_t hash, const Key& key, bool edit,
                             std::optional<Entry>& single) {
    const bool mine = edit && n->refs.unique();
    RemoveResult result;
    if (shift >= kCollisionShift) {
      Entry* e = n->entries();
      unsigned i = 0;
      while (i < n->datamap && !key_eq(Traits::key(e[i]), key)) ++i;
      if (i == n->datamap) return {Removed::kNotFound};
      if (n->datamap == 2) {
        take(single, e[1 - i], mine);
        result = {Removed::kSingle};
      } else if (mine) {
        erase_entry_in_place(n, i, n->datamap);
        --n->datamap;
        return {Removed::kNode, n};
      } else {
        result = {Removed::kNode, rebuild_collision(n, false, int(i), nullptr)};
      }
    } else {
      const std::uint32_t bit = 1u << champ_fragment(hash, shift);
      if (n->datamap & bit) {
        const unsigned i = champ_index(n->datamap, bit);
        Entry* e = n->entries();
        if (!key_eq(Traits::key(e[i]), key)) return {Removed::kNotFound};
        const unsigned nentries = n->entry_count(shift);
        if (n->nodemap == 0 && nentries == 1) {
          result = {Removed::kEmpty};
        } else if (shift > 0 && n->nodemap == 0 && nentries == 2) {
          take(single, e[1 - i], mine);
          result = {Removed::kSingle};
        } else if (mine) {
          erase_entry_in_place(n, i, nentries);
          n->datamap &= ~bit;
          return {Removed::kNode, n};
        } else {
          result = {Removed::kNode,
                    rebuild(n, shift, false, n->datamap & ~bit, n->nodemap, Splice{int(i), -1, nullptr}, Splice{})};
        }
      } else if (n->nodemap & bit) {
        const unsigned j = champ_index(n->nodemap, bit);
        Node* child = n->children()[j];
        prefetch_node(child);
        if (!mine) prefetch_children(n->children(), n->child_count());  // for the copy on the way back up
        // In place, a child that hands up its last entry has already given up its reference
        // (and its node) when it returns: if the entry then does not fit here, the new node
        // must already be at hand, or a failure would leave this node pointing at a freed
        // child and lose the entry.
        Spare spare;
        if (mine && may_hand_up(child, shift + kChampBits) && !pull_up_fits(n)) {
          spare.reserve(static_cast<unsigned>(std::popcount(n->datamap)) + 1, n->child_count() - 1);
        }
        RemoveResult sub = remove(child, shift + kChampBits, hash, key, mine, single);
        switch (sub.kind) {
          case Removed::kNotFound:
            return sub;
          case Removed::kEmpty:
            assert(false && "a non-root node never empties");
            return sub;
          case Removed::kNode:
            if (mine) {
              n->children()[j] = sub.node;
              return {Removed::kNode, n};
            }
            result = {Removed::kNode, rebuild(n, shift, false, n->datamap, n->nodemap, Splice{},
                                              Splice{int(j), int(j), nullptr, sub.node})};
            break;
          case Removed::kSingle:
            if (shift > 0 && n->datamap == 0 && n->nodemap == bit) {
              // Pass the lone entry further up; this node (whose only child is gone) goes too.
              if (mine) {
                free_shell(n, shift);
                return {Removed::kSingle};
              }
              result = {Removed::kSingle};
              break;
            }
            const std::uint32_t datamap = n->datamap | bit;
            const unsigned at = champ_index(datamap, bit);
            if (mine && pull_up_in_place(n, j, bit, at, *single)) {  // child j is already gone
              single.reset();
              return {Removed::kNode, n};
            }
            result = {Removed::kNode, rebuild(n, shift, mine, datamap, n->nodemap & ~bit,
                                              Splice{-1, int(at), &*single}, Splice{int(j), -1, nullptr},
                                              false, &spare)};
            single.reset();
            break;
        }
      } else {
        return {Removed::kNotFound};
      }
    }
    if (edit && !mine) release(n, shift);
    if (mine && result.kind != Removed::kNode) release(n, shift);
    return result;
  }

  // ---- equality ----

  static bool equal(const Node* a, const Node* b, unsigned shift) {
    if (a == b) return true;
    if (!a || !b) return false;
    if (shift >= kCollisionShift) {
      if (a->datamap != b->datamap) return false;
      const Entry* ea = a->entries();
      const Entry* eb = b->entries();
      for (unsigned i = 0; i < a->datamap; ++i) {
        unsigned k = 0;
        while (k < b->datamap && !key_eq(Traits::key(ea[i]), Traits::key(eb[k]))) ++k;
        if (k == b->datamap || !Traits::same_value(ea[i], eb[k])) return false;
      }
      return true;
    }
    if (a->datamap != b->datamap || a->nodemap != b->nodemap) return false;
    const Entry* ea = a->entries();
    const Entry* eb = b->entries();
    for (unsigned i = 0, n = a->entry_count(shift); i < n; ++i) {
      if (!key_eq(Traits::key(ea[i]), Traits::key(eb[i])) || !Traits::same_value(ea[i], eb[i])) return false;
    }
    for (unsigned j = 0, n = a->child_count(); j < n; ++j) {
      if (!equal(a->children()[j], b->children()[j], shift + kChampBits)) return false;
    }
    return true;
  }

  // ---- structural diff ----

  // Calls fn(before, after) for every entry that differs between tries `a` and `b` (nullptr on
  // the side where the key is absent). Subtrees shared by pointer are skipped, so the cost
  // follows the change, not the size.
  template <class F>
  static void diff(const Node* a, const Node* b, unsigned shift, F& fn) {
    if (a == b) return;
    if (!a) return for_each(b, shift, [&](const Entry& e) { fn(nullptr, &e); });
    if (!b) return for_each(a, shift, [&](const Entry& e) { fn(&e, nullptr); });
    if (shift >= kCollisionShift) {
      const Entry* ea = a->entries();
      const Entry* eb = b->entries();
      for (unsigned i = 0; i < a->datamap; ++i) {
        const Entry* match = nullptr;
        for (unsigned k = 0; k < b->datamap && !match; ++k) {
          if (key_eq(Traits::key(ea[i]), Traits::key(eb[k]))) match = &eb[k];
        }
        if (!match || !Traits::same_value(ea[i], *match)) fn(&ea[i], match);
      }
      for (unsigned k = 0; k < b->datamap; ++k) {
        bool present = false;
        for (unsigned i = 0; i < a->datamap && !present; ++i) present = key_eq(Traits::key(ea[i]), Traits::key(eb[k]));
        if (!present) fn(nullptr, &eb[k]);
      }
      return;
    }
    const std::uint32_t all = a->datamap | a->nodemap | b->datamap | b->nodemap;
    for (std::uint32_t rest = all; rest; rest &= rest - 1) {
      const std::uint32_t bit = rest & (~rest + 1);
      const Entry* ea = (a->datamap & bit) ? &a->entries()[champ_index(a->datamap, bit)] : nullptr;
      const Entry* eb = (b->datamap & bit) ? &b->entries()[champ_index(b->datamap, bit)] : nullptr;
      const Node* na = (a->nodemap & bit) ? a->children()[champ_index(a->nodemap, bit)] : nullptr;
      const Node* nb = (b->nodemap & bit) ? b->children()[champ_index(b->nodemap, bit)] : nullptr;
      const unsigned below = shift + kChampBits;
      if (ea && eb) {
        if (key_eq(Traits::key(*ea), Traits::key(*eb))) {
          if (!Traits::same_value(*ea, *eb)) fn(ea, eb);
        } else {
          fn(ea, nullptr);
          fn(nullptr, eb);
        }
      } else if (na || nb) {
        if (ea) {
          entry_against_subtree(*ea, nb, below, fn, true);
        } else if (eb) {
          entry_against_subtree(*eb, na, below, fn, false);
        } else {
          diff(na, nb, below, fn);
        }
      } else if (ea) {
        fn(ea, nullptr);
      } else if (eb) {
        fn(nullptr, eb);
      }
    }
  }

  template <class F>
  static void for_each(const Node* n, unsigned shift, F&& fn) {
    const Entry* e = n->entries();
    for (unsigned i = 0, count = n->entry_count(shift); i < count; ++i) fn(e[i]);
    for (unsigned j = 0; j < n->child_count(); ++j) for_each(n->children()[j], shift + kChampBits, fn);
  }

  // ---- set algebra ----

  enum class Combine { kUnion, kIntersection, kDifference };

  // Union policy for keys on both sides: keep the left entry, which lets shared subtrees be
  // taken whole.
  struct KeepLeft {
    static constexpr bool kShares = true;
    Entry operator()(const Entry& left, const Entry&) const { return left; }
  };
  // Union policy calling a merge function; shared subtrees are visited because the function
  // may change entries there too.
  template <class F>
  struct MergeWith {
    static constexpr bool kShares = false;
    F& fn;
    Entry operator()(const Entry& left, const Entry& right) const { return fn(left, right); }
  };

  // Combines tries `a` (size_a) and `b` (size_b), both left untouched: union (left entries
  // win, or `merge` decides), intersection (left entries whose keys are in b) or difference
  // (left entries whose keys are not in b). Subtrees held by both sides are taken (or dropped)
  // by pointer without descending, a position held by one side only is taken as it is, and a
  // result node equal to an input node is that node, so the cost and the allocations follow
  // the parts where the two sides differ. Returns the new root (a new reference).
  template <Combine Op, class Merge>
  static Node* combine_root(const Node* a, std::size_t size_a, const Node* b, std::size_t size_b, Merge& merge,
                            std::size_t& size_out) {
    if (!a || !b) {
      const Node* kept = Op == Combine::kUnion ? (a ? a : b) : (Op == Combine::kDifference ? a : nullptr);
      size_out = kept == a ? size_a : size_b;
      if (!kept) size_out = 0;
      retain(const_cast<Node*>(kept));
      return const_cast<Node*>(kept);
    }
    if (a == b && (Op != Combine::kUnion || Merge::kShares)) {
      if (Op == Combine::kDifference) {
        size_out = 0;
        return nullptr;
      }
      size_out = size_a;
      retain(const_cast<Node*>(a));
      return const_cast<Node*>(a);
    }
    // The result size is counted relative to one side (the base): positions whose result is
    // the base's content cost nothing to count; other one-sided subtrees are walked. The base
    // is chosen so that the walks stay inside the smaller side.
    CombineCtx<Merge> ctx{merge, Side::kA};
    std::size_t base_size = size_a;
    if (Op == Combine::kDifference ? size_b * 8 > size_a : size_b > size_a) {
      ctx.base = Op == Combine::kDifference ? Side::kNone : Side::kB;
      base_size = Op == Combine::kDifference ? 0 : size_b;
    }
    Piece result = combine<Op>(a, b, 0, ctx);
    size_out = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(base_size) + ctx.delta);
    return result.child;  // shift 0 never yields a lone entry
  }

  static std::size_t count_entries(const Node* n, unsigned shift) noexcept {
    std::size_t total = n->entry_count(shift);
    for (unsigned j = 0, nc = n->child_count(); j < nc; ++j) total += count_entries(n->children()[j], shift + kChampBits);
    return total;
  }

  // ---- iteration ----

  class Cursor {
   public:
    Cursor() = default;
    explicit Cursor(const Node* root) {
      if (!root) return;
      push(root);
      if (cur_ == end_) descend();
    }
    const Entry* get() const noexcept { return cur_; }
    void next() {
      if (++cur_ == end_) descend();
    }
    bool done() const noexcept { return cur_ == nullptr; }

   private:
    struct Frame {
      const Node* node;
      unsigned next_child;
      unsigned nchildren;
    };
    void push(const Node* n) {
      const unsigned shift = depth_ * kChampBits;
      stack_[depth_++] = Frame{n, 0, n->child_count()};
      cur_ = n->entries();
      end_ = cur_ + n->entry_count(shift);
    }
    void descend() {
      while (depth_ > 0) {
        Frame& f = stack_[depth_ - 1];
        if (f.next_child < f.nchildren) {
          push(f.node->children()[f.next_child++]);
          if (cur_ != end_) return;
        } else {
          --depth_;
        }
      }
      cur_ = end_ = nullptr;
    }

    Frame stack_[kChampMaxDepth + 1];
    unsigned depth_ = 0;
    const Entry* cur_ = nullptr;
    const Entry* end_ = nullptr;
  };

  // ---- structure, for tests ----

  static std::size_t count_nodes(const Node* n, unsigned shift = 0) {
    if (!n) return 0;
    std::size_t total = 1;
    for (unsigned j = 0; j < n->child_count(); ++j) total += count_nodes(n->children()[j], shift + kChampBits);
    return total;
  }

  // True when every non-root node holds more than a single entry, so the shape is canonical.
  static bool canonical(const Node* n, unsigned shift = 0) {
    if (!n) return true;
    if (shift > 0 && n->nodemap == 0 && n->entry_count(shift) < 2) return false;
    if (shift == 0 && n->nodemap == 0 && n->datamap == 0) return false;
    for (unsigned j = 0; j < n->child_count(); ++j) {
      if (!canonical(n->children()[j], shift + kChampBits)) return false;
    }
    return true;
  }

 private:
  // ---- set algebra machinery ----

  enum class Side { kNone, kA, kB };

  template <class Merge>
  struct CombineCtx {
    Merge& merge;
    Side base;
    std::ptrdiff_t delta = 0;  // result size minus the base's size, so far
  };

  // One position of a combined node: nothing, an entry (borrowed from an input or owned), or
  // a child (an owned reference).
  struct Piece {
    const Entry* borrowed = nullptr;
    std::optional<Entry> owned;
    Node* child = nullptr;
    bool is_entry() const noexcept { return borrowed || owned; }
    bool empty() const noexcept { return !is_entry() && !child; }
  };

  template <Combine Op, class Ctx>
  static Piece combine(const Node* a, const Node* b, unsigned shift, Ctx& ctx) {
    if (shift >= kCollisionShift) return combine_collision<Op>(a, b, ctx);
    using Merge = std::remove_reference_t<decltype(ctx.merge)>;
    const unsigned below = shift + kChampBits;
    Piece slots[32];
    std::uint32_t datamap = 0;
    std::uint32_t nodemap = 0;
    bool all_from_a = true;  // every position equals a's content there
    try {
      const std::uint32_t all = a->datamap | a->nodemap | b->datamap | b->nodemap;
      for (std::uint32_t rest = all; rest; rest &= rest - 1) {
        const std::uint32_t bit = rest & (~rest + 1);
        const Entry* ea = (a->datamap & bit) ? &a->entries()[champ_index(a->datamap, bit)] : nullptr;
        const Entry* eb = (b->datamap & bit) ? &b->entries()[champ_index(b->datamap, bit)] : nullptr;
        Node* na = (a->nodemap & bit) ? a->children()[champ_index(a->nodemap, bit)] : nullptr;
        Node* nb = (b->nodemap & bit) ? b->children()[champ_index(b->nodemap, bit)] : nullptr;
        Piece& p = slots[std::countr_zero(bit)];
        bool from_a = false;

        // Adds (size of the result here) - (size of the base's content here) to the count,
        // where the result is `origin`'s content plus `extra` entries.
        auto account = [&](Side origin, std::ptrdiff_t extra) {
          auto size_of = [&](Side s) -> std::ptrdiff_t {
            const Entry* e = s == Side::kA ? ea : s == Side::kB ? eb : nullptr;
            const Node* n = s == Side::kA ? na : s == Side::kB ? nb : nullptr;
            return e ? 1 : n ? static_cast<std::ptrdiff_t>(count_entries(n, below)) : 0;
          };
          const bool same_content = origin != Side::kNone && ctx.base != Side::kNone && na && na == nb;
          if (origin != ctx.base && !same_content) ctx.delta += size_of(origin) - size_of(ctx.base);
          ctx.delta += extra;
        };
        auto take_child = [&](Node* n) {
          retain(n);
          p.child = n;
        };

        if (!ea && !na) {  // only b has something here
          if (Op == Combine::kUnion) {
            eb ? void(p.borrowed = eb) : take_child(nb);
            account(Side::kB, 0);
          } else {
            from_a = true;
            account(Side::kNone, 0);
          }
        } else if (!eb && !nb) {  // only a
          if (Op != Combine::kIntersection) {
            ea ? void(p.borrowed = ea) : take_child(na);
            from_a = true;
            account(Side::kA, 0);
          } else {
            account(Side::kNone, 0);
          }
        } else if (na && nb) {
          if (na == nb && (Op != Combine::kUnion || Merge::kShares)) {
            if (Op != Combine::kDifference) {
              take_child(na);
              from_a = true;
              account(Side::kA, 0);
            } else {
              account(Side::kNone, 0);
            }
          } else {
            p = combine<Op>(na, nb, below, ctx);
            from_a = p.child == na;
          }
        } else if (ea && eb) {
          const bool same_key = key_eq(Traits::key(*ea), Traits::key(*eb));
          if (Op == Combine::kUnion) {
            if (!same_key) {
              p.child = make_pair(below, hash_of(Traits::key(*ea)), Entry(*ea), hash_of(Traits::key(*eb)), Entry(*eb));
              account(Side::kNone, 2);
            } else {
              if (Merge::kShares) {
                p.borrowed = ea;
                from_a = true;
              } else {
                p.owned.emplace(ctx.merge(*ea, *eb));
              }
              account(Side::kA, 0);
            }
          } else if ((Op == Combine::kIntersection) == same_key) {
            p.borrowed = ea;
            from_a = true;
            account(Side::kA, 0);
          } else {
            account(Side::kNone, 0);
          }
        } else if (ea) {  // a's entry against b's subtree
          const std::uint64_t h = hash_of(Traits::key(*ea));
          const Entry* f = find(nb, h, Traits::key(*ea), below);
          if (Op == Combine::kUnion) {
            bool added = false;
            p.child = insert(nb, below, h, f ? ctx.merge(*ea, *f) : Entry(*ea), false, added);
            account(Side::kB, f ? 0 : 1);
          } else if ((Op == Combine::kIntersection) == (f != nullptr)) {
            p.borrowed = ea;
            from_a = true;
            account(Side::kNone, 1);
          } else {
            account(Side::kNone, 0);
          }
        } else {  // a's subtree against b's entry
          const std::uint64_t h = hash_of(Traits::key(*eb));
          const Entry* f = find(na, h, Traits::key(*eb), below);
          if (Op == Combine::kUnion) {
            if (f && Merge::kShares) {
              take_child(na);
              from_a = true;
            } else {
              bool added = false;
              p.child = insert(na, below, h, f ? ctx.merge(*f, *eb) : Entry(*eb), false, added);
            }
            account(Side::kA, f ? 0 : 1);
          } else if (Op == Combine::kIntersection) {
            p.borrowed = f;
            account(Side::kNone, f ? 1 : 0);
          } else if (!f) {
            take_child(na);
            from_a = true;
            account(Side::kA, 0);
          } else {
            std::optional<Entry> single;
            RemoveResult r = remove(na, below, h, Traits::key(*eb), false, single);
            if (r.kind == Removed::kNode) {
              p.child = r.node;
            } else {
              p.owned = std::move(single);
            }
            account(Side::kA, -1);
          }
        }
        all_from_a = all_from_a && from_a;
        if (p.child) {
          nodemap |= bit;
        } else if (p.is_entry()) {
          datamap |= bit;
        }
      }
    } catch (...) {
      for (Piece& p : slots) release(p.child, below);
      throw;
    }
    if (all_from_a && datamap == a->datamap && nodemap == a->nodemap) {
      for (Piece& p : slots) release(p.child, below);
      Piece same;
      same.child = const_cast<Node*>(a);
      retain(same.child);
      return same;
    }
    const unsigned ne = static_cast<unsigned>(std::popcount(datamap));
    if (nodemap == 0 && ne <= 1 && (shift > 0 || ne == 0)) {
      // Nothing, or a lone entry that the parent inlines (canonical form).
      return ne == 0 ? Piece{} : std::move(slots[std::countr_zero(datamap)]);
    }
    return assemble(slots, datamap, nodemap, below);
  }

  // Builds a node from the pieces at the set bits (children are taken over, entries copied or
  // moved); on failure every child reference is released.
  static Piece assemble(Piece* slots, std::uint32_t datamap, std::uint32_t nodemap, unsigned below) {
    const unsigned ne = static_cast<unsigned>(std::popcount(datamap));
    const unsigned nc = static_cast<unsigned>(std::popcount(nodemap));
    Node* out;
    try {
      out = allocate(datamap, nodemap, ne, nc);
    } catch (...) {
      for (unsigned i = 0; i < 32; ++i) release(slots[i].child, below);
      throw;
    }
    unsigned o = 0;
    for (std::uint32_t rest = nodemap; rest; rest &= rest - 1) out->children()[o++] = slots[std::countr_zero(rest)].child;
    Entry* oe = out->entries();
    o = 0;
    try {
      for (std::uint32_t rest = datamap; rest; rest &= rest - 1, ++o) {
        Piece& p = slots[std::countr_zero(rest)];
        if (p.owned) {
          ::new (&oe[o]) Entry(std::move(*p.owned));
        } else {
          ::new (&oe[o]) Entry(*p.borrowed);
        }
      }
    } catch (...) {
      std::destroy_n(oe, o);
      out->datamap = 0;  // only the children remain to release
      destroy_children_and_shell(out, below, nc);
      throw;
    }
    Piece result;
    result.child = out;
    return result;
  }

  static void destroy_children_and_shell(Node* n, unsigned below, unsigned nc) noexcept {
    for (unsigned j = 0; j < nc; ++j) release(n->children()[j], below);
    deallocate(n);
  }

  // Below the last hash fragment both sides are plain arrays of colliding entries.
  template <Combine Op, class Ctx>
  static Piece combine_collision(const Node* a, const Node* b, Ctx& ctx) {
    const Entry* ea = a->entries();
    const Entry* eb = b->entries();
    auto match = [](const Entry& e, const Entry* in, unsigned n) -> const Entry* {
      for (unsigned k = 0; k < n; ++k) {
        if (key_eq(Traits::key(in[k]), Traits::key(e))) return &in[k];
      }
      return nullptr;
    };
    std::vector<Piece> out;
    bool all_from_a = true;
    for (unsigned i = 0; i < a->datamap; ++i) {
      const Entry* f = match(ea[i], eb, b->datamap);
      if (Op == Combine::kUnion || (Op == Combine::kIntersection) == (f != nullptr)) {
        Piece& p = out.emplace_back();
        if (Op == Combine::kUnion && f && !std::remove_reference_t<decltype(ctx.merge)>::kShares) {
          p.owned.emplace(ctx.merge(ea[i], *f));
          all_from_a = false;
        } else {
          p.borrowed = &ea[i];
        }
      } else {
        all_from_a = false;
      }
    }
    if (Op == Combine::kUnion) {
      for (unsigned k = 0; k < b->datamap; ++k) {
        if (!match(eb[k], ea, a->datamap)) {
          out.emplace_back().borrowed = &eb[k];
          all_from_a = false;
        }
      }
    }
    const std::size_t base = ctx.base == Side::kA ? a->datamap : ctx.base == Side::kB ? b->datamap : 0;
    ctx.delta += static_cast<std::ptrdiff_t>(out.size()) - static_cast<std::ptrdiff_t>(base);
    if (all_from_a) {
      Piece same;
      same.child = const_cast<Node*>(a);
      retain(same.child);
      return same;
    }
    if (out.size() <= 1) return out.empty() ? Piece{} : std::move(out[0]);
    const unsigned n = static_cast<unsigned>(out.size());
    Node* node = allocate(n, 0, n, 0);
    unsigned o = 0;
    try {
      for (; o < n; ++o) {
        if (out[o].owned) {
          ::new (&node->entries()[o]) Entry(std::move(*out[o].owned));
        } else {
          ::new (&node->entries()[o]) Entry(*out[o].borrowed);
        }
      }
    } catch (...) {
      std::destroy_n(node->entries(), o);
      deallocate(node);
      throw;
    }
    Piece result;
    result.child = node;
    return result;
  }

  // One edit of an array while rebuilding: drop index `drop` of the source, then place a new
  // element at index `at` of the result (either may be -1).
  struct Splice {
    int drop = -1;
    int at = -1;
    Entry* entry = nullptr;  // for entries: moved from
    Node* child = nullptr;   // for children: a reference the result takes over
  };

  // One side holds `e` inline where the other holds subtree `n` at `shift`.
  template <class F>
  static void entry_against_subtree(const Entry& e, const Node* n, unsigned shift, F& fn, bool entry_is_before) {
    bool matched = false;
    for_each(n, shift, [&](const Entry& x) {
      if (!matched && key_eq(Traits::key(x), Traits::key(e))) {
        matched = true;
        if (!Traits::same_value(e, x)) entry_is_before ? fn(&e, &x) : fn(&x, &e);
      } else {
        entry_is_before ? fn(nullptr, &x) : fn(&x, nullptr);
      }
    });
    if (!matched) entry_is_before ? fn(&e, nullptr) : fn(nullptr, &e);
  }

  static void take(std::optional<Entry>& out, Entry& e, bool steal) {
    if (steal) {
      out.emplace(std::move(e));
    } else {
      out.emplace(e);
    }
  }

  // Copying or freeing a node touches every child's count, each a likely cache miss; asking
  // for all the lines first lets the misses overlap instead of queueing behind one another
  // (atomic increments otherwise wait for each miss in turn).
  static void prefetch_children(Node* const* c, unsigned n) noexcept {
    for (unsigned j = 0; j < n; ++j) __builtin_prefetch(c[j], 1);
  }

  [[gnu::noinline]] static void destroy(Node* n, unsigned shift) noexcept {
    Node** c = n->children();
    const unsigned nc = n->child_count();
    prefetch_children(c, nc);
    for (unsigned j = 0; j < nc; ++j) release(c[j], shift + kChampBits);
    free_shell(n, shift);
  }

  // Frees a node's memory and destroys its entries, leaving its children alone.
  static void free_shell(Node* n, unsigned shift) noexcept {
    std::destroy_n(n->entries(), n->entry_count(shift));
    deallocate(n);
  }

  // ---- in-place edits of a node the caller owns, when its capacity allows ----

  // Moves `count` entries from `from` to `to` (either direction, ranges may overlap; `to` is
  // suitably aligned but need not be a multiple of sizeof(Entry) away).
  static void relocate_entries(Entry* from, void* to, unsigned count) noexcept {
    if (count == 0 || static_cast<void*>(from) == to) return;
    if constexpr (std::is_trivially_copyable_v<Entry>) {
      std::memmove(to, static_cast<void*>(from), count * sizeof(Entry));
    } else {
      // Element by element through a temporary (a destination may overlap its own source),
      // in the order that never overwrites an element not yet moved.
      char* dst = static_cast<char*>(to);
      auto move_one = [&](unsigned k) {
        Entry tmp(std::move(from[k]));
        std::destroy_at(&from[k]);
        ::new (dst + k * sizeof(Entry)) Entry(std::move(tmp));
      };
      if (dst > reinterpret_cast<char*>(from)) {
        for (unsigned k = count; k-- > 0;) move_one(k);
      } else {
        for (unsigned k = 0; k < count; ++k) move_one(k);
      }
    }
  }

  // A new entry at index `at` of the entries; false (nothing changed) when it does not fit.
  static bool add_entry_in_place(Node* n, std::uint32_t datamap, unsigned at, Entry& entry) noexcept {
    const unsigned ne = static_cast<unsigned>(std::popcount(n->datamap));
    const unsigned nc = n->child_count();
    if (Node::bytes(ne + 1, nc) > n->capacity()) return false;
    Entry* e = n->entries();
    relocate_entries(e + at, e + at + 1, ne - at);
    ::new (&e[at]) Entry(std::move(entry));
    n->datamap = datamap;
    return true;
  }

  // Entry `i` (already moved into `sub`) gives way to child `sub` at child index `at`; false
  // (nothing changed) when the node cannot hold one more child.
  static bool push_down_in_place(Node* n, unsigned i, std::uint32_t bit, unsigned at, Node* sub) noexcept {
    const unsigned ne = static_cast<unsigned>(std::popcount(n->datamap));
    const unsigned nc = n->child_count();
    if (Node::bytes(ne - 1, nc + 1) > n->capacity()) return false;
    Entry* e = n->entries();
    std::destroy_at(&e[i]);
    char* base = reinterpret_cast<char*>(n) + Node::entries_offset(nc + 1);
    // Entries after i move down (or stay) and those before move up: each group in its own
    // safe order, the upper group first since its destination starts where the lower one ends.
    relocate_entries(e + i + 1, base + i * sizeof(Entry), ne - 1 - i);
    relocate_entries(e, base, i);
    Node** c = n->children();
    std::memmove(c + at + 1, c + at, (nc - at) * sizeof(Node*));
    c[at] = sub;
    n->datamap &= ~bit;
    n->nodemap |= bit;
    return true;
  }

  // Entry i of the `count` entries leaves; the node keeps its capacity.
  static void erase_entry_in_place(Node* n, unsigned i, unsigned count) noexcept {
    Entry* e = n->entries();
    std::destroy_at(&e[i]);
    relocate_entries(e + i + 1, e + i, count - 1 - i);
  }

  // Whether a removal below `c` (at `shift`) can answer kSingle: a node of two entries and no
  // children, a collision node of two, or a node whose only content is one child (which may
  // answer kSingle in turn).
  static bool may_hand_up(const Node* c, unsigned shift) noexcept {
    if (shift >= kCollisionShift) return c->datamap == 2;
    if (c->nodemap == 0) return std::popcount(c->datamap) == 2;
    return c->datamap == 0 && c->child_count() == 1;
  }
  static bool pull_up_fits(const Node* n) noexcept {
    return Node::bytes(static_cast<unsigned>(std::popcount(n->datamap)) + 1, n->child_count() - 1) <= n->capacity();
  }

  // The reverse of push_down_in_place: child j (already released) leaves and `entry` moves in at
  // entry index `at`; false (nothing changed) when an entry larger than a pointer does not fit.
  static bool pull_up_in_place(Node* n, unsigned j, std::uint32_t bit, unsigned at, Entry& entry) noexcept {
    if (!pull_up_fits(n)) return false;
    const unsigned ne = static_cast<unsigned>(std::popcount(n->datamap));
    const unsigned nc = n->child_count();
    Node** c = n->children();
    std::memmove(c + j, c + j + 1, (nc - 1 - j) * sizeof(Node*));
    Entry* e = n->entries();
    char* base = reinterpret_cast<char*>(n) + Node::entries_offset(nc - 1);
    // Entries before `at` move down (or stay) and the rest move up by one slot less that amount:
    // the lower group first, since it vacates the room the upper group's move does not touch.
    relocate_entries(e, base, at);
    relocate_entries(e + at, base + (at + 1) * sizeof(Entry), ne - at);
    ::new (base + at * sizeof(Entry)) Entry(std::move(entry));
    n->nodemap &= ~bit;
    n->datamap |= bit;
    return true;
  }

  // Builds a node with the given maps from `src` with one splice of its entries and one of its
  // children. With `steal`, src is uniquely ours: its entries move over, its children are
  // transferred without touching their counts, and its memory is freed (a dropped child is
  // the caller's business). Otherwise entries are copied and kept children retained.
  // With `room`, the result gets space to grow in place (see allocate); with a reserved
  // `spare`, the result takes its memory and cannot fail. If it cannot be built,
  // src is left as it was and the new child (a reference the result was to take over) is
  // released.
  static Node* rebuild(Node* src, unsigned shift, bool steal, std::uint32_t datamap, std::uint32_t nodemap,
                       Splice e, Splice c, bool room = false, Spare* spare = nullptr) {
    const unsigned src_ne = static_cast<unsigned>(std::popcount(src->datamap));
    const unsigned src_nc = src->child_count();
    const unsigned ne = static_cast<unsigned>(std::popcount(datamap));
    const unsigned nc = static_cast<unsigned>(std::popcount(nodemap));
    Node** sc = src->children();
    // The children's counts are the misses here: ask for them first, and do the allocation and
    // the entry copies while they arrive.
    if (!steal) prefetch_children(sc, src_nc);
    Node* out = nullptr;
    Entry* se = src->entries();
    unsigned o = 0;
    try {
      out = allocate(datamap, nodemap, ne, nc, room, spare);
      Entry* oe = out->entries();
      for (unsigned i = 0; o < ne; ++o) {
        if (int(o) == e.at) {
          ::new (&oe[o]) Entry(std::move(*e.entry));
          continue;
        }
        if (int(i) == e.drop) ++i;
        if (steal) {
          ::new (&oe[o]) Entry(std::move(se[i++]));
        } else {
          ::new (&oe[o]) Entry(se[i++]);
        }
      }
    } catch (...) {
      if (out) {
        std::destroy_n(out->entries(), o);
        deallocate(out);
      }
      if (c.at >= 0) release(c.child, shift + kChampBits);
      throw;
    }

    Node** oc = out->children();
    for (unsigned i = 0, k = 0; k < nc; ++k) {
      if (int(k) == c.at) {
        oc[k] = c.child;
        continue;
      }
      if (int(i) == c.drop) ++i;
      oc[k] = sc[i++];
      if (!steal) oc[k]->refs.retain();
    }
    if (steal) {
      std::destroy_n(se, src_ne);
      deallocate(src);
    }
    return out;
  }

  // A collision node without entry `drop` (or -1) and with `extra` appended (or nullptr).
  static Node* rebuild_collision(Node* src, bool steal, int drop, Entry* extra) {
    const unsigned src_n = src->datamap;
    const unsigned n = src_n - (drop >= 0 ? 1 : 0) + (extra ? 1 : 0);
    Node* out = allocate(n, 0, n, 0);
    Entry* se = src->entries();
    Entry* oe = out->entries();
    unsigned o = 0;
    try {
      for (unsigned i = 0; i < src_n; ++i) {
        if (int(i) == drop) continue;
        if (steal) {
          ::new (&oe[o]) Entry(std::move(se[i]));
        } else {
          ::new (&oe[o]) Entry(se[i]);
        }
        ++o;
      }
    } catch (...) {
      std::destroy_n(oe, o);
      deallocate(out);
      throw;
    }
    if (extra) ::new (&oe[o]) Entry(std::move(*extra));
    if (steal) {
      std::destroy_n(se, src_n);
      deallocate(src);
    }
    return out;
  }

  static Node* insert_collision(Node* n, Entry&& entry, bool mine, bool& added) {
    Entry* e = n->entries();
    for (unsigned i = 0; i < n->datamap; ++i) {
      if (key_eq(Traits::key(e[i]), Traits::key(entry))) {
        if (mine) {
          e[i] = std::move(entry);
          return n;
        }
        Node* out = rebuild_collision(n, false, int(i), &entry);
        return out;
      }
    }
    added = true;
    return rebuild_collision(n, mine, -1, &entry);
  }

  // A node at `shift` holding two entries with different keys.
  static Node* make_pair(unsigned shift, std::uint64_t h1, Entry&& e1, std::uint64_t h2, Entry&& e2) {
    if (shift >= kCollisionShift) {
      Node* n = allocate(2, 0, 2, 0);
      ::new (&n->entries()[0]) Entry(std::move(e1));
      ::new (&n->entries()[1]) Entry(std::move(e2));
      return n;
    }
    const std::uint32_t f1 = champ_fragment(h1, shift);
    const std::uint32_t f2 = champ_fragment(h2, shift);
    if (f1 == f2) {
      // The parent is allocated before the entries move down, so that a failure loses neither.
      Node* n = allocate(0, 1u << f1, 0, 1);
      try {
        n->children()[0] = make_pair(shift + kChampBits, h1, std::move(e1), h2, std::move(e2));
      } catch (...) {
        deallocate(n);
        throw;
      }
      return n;
    }
    Node* n = allocate((1u << f1) | (1u << f2), 0, 2, 0);
    Entry* e = n->entries();
    if (f1 < f2) {
      ::new (&e[0]) Entry(std::move(e1));
      ::new (&e[1]) Entry(std::move(e2));
    } else {
      ::new (&e[0]) Entry(std::move(e2));
      ::new (&e[1]) Entry(std::move(e1));
    }
    return n;
  }
};

}  // namespace spl::persistent::internal
