#pragma once
// Pooled fixed-size blocks for message nodes.
//
// Each thread keeps a private cache (plain thread-local fields, no atomics on the hot path):
// a free list, one spare full batch, and a bump range of a fresh slab. Blocks freed on another
// thread than the one that took them (the consumer's) flow back to producers in whole batches
// through a mutex-protected global list, so a trip there is O(1) and happens once per batch.
//
// Lifetime: slabs and the global list are never destroyed (they stay reachable from a
// process-lifetime pointer), so a node outlives every thread cache and may be released at any
// moment, including by a mailbox with static storage duration during exit. When a thread ends,
// its cache hands every block back to the global list and the thread is marked finished: later
// allocations and frees on it (a thread-local or static destructor that still holds messages)
// go straight to the global list.

#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace spl::actor::internal {

// Tag gives a message type its own pool, so one type's burst does not hold another's memory.
template <std::size_t kBlockSize, class Tag = void>
class NodePool {
  static_assert(kBlockSize >= sizeof(void*) && kBlockSize % alignof(std::max_align_t) == 0);

 public:
  static void* allocate() {
    Cache& c = cache_;
    FreeBlock* block = c.head;
    if (block == nullptr) return allocate_slow();
    c.head = block->next;
    --c.count;
    // The next block was most likely freed on another core: fetch its line for writing now,
    // off the critical path of the next send.
    __builtin_prefetch(c.head, 1);
    return block;
  }

  static void deallocate(void* p) noexcept {
    Cache& c = cache_;
    auto* block = static_cast<FreeBlock*>(p);
    block->next = c.head;
    c.head = block;
    if (++c.count >= c.limit) deallocate_slow();
  }

  // Bytes of slab memory this pool has taken from the system (for memory-per-message figures).
  static std::size_t slab_bytes() {
    Global& g = global();
    std::lock_guard lock(g.mu);
    return g.slab_bytes;
  }

 private:
  static constexpr std::size_t kBatch = 256;
  static constexpr std::size_t kSlabBlocks = 1024;

  struct FreeBlock {
    FreeBlock* next;
  };

  struct Batch {
    FreeBlock* head;
    std::size_t count;
  };

  struct Global {
    std::mutex mu;
    std::vector<Batch> batches;
    std::vector<void*> slabs;  // keeps the slabs reachable for leak checkers; never freed
    std::size_t slab_bytes = 0;
  };

  // Deliberately never destroyed: nodes may be released after every static destructor that
  // could have run before them.
  static Global& global() {
    static Global* const g = new Global();
    return *g;
  }

  enum class CacheState : unsigned char { kUnregistered, kLive, kFinished };

  // Trivially destructible and constant-initialised, so access is a plain thread-local load and
  // the fields stay valid until the thread is gone, after its destructors have run.
  struct Cache {
    FreeBlock* head = nullptr;
    std::size_t count = 0;
    std::size_t limit = 0;  // deallocate takes the slow path when count reaches it
    FreeBlock* spare = nullptr;  // a full batch of kBatch blocks, or nullptr
    char* bump = nullptr;        // unused tail of this thread's newest slab
    char* bump_end = nullptr;
    CacheState state = CacheState::kUnregistered;
  };
  static inline thread_local constinit Cache cache_{};

  // Its destructor runs at thread exit and returns the thread's blocks.
  struct Flusher {
    ~Flusher() { finish_thread(); }
    void touch() noexcept {}
  };
  static inline thread_local Flusher flusher_;

  static void register_thread() noexcept {
    Cache& c = cache_;
    if (c.state != CacheState::kUnregistered) return;
    flusher_.touch();
    c.state = CacheState::kLive;
    c.limit = kBatch;
  }

  static void* allocate_slow() {
    register_thread();
    Cache& c = cache_;
    if (c.state == CacheState::kFinished) return take_one_from_global();
    if (c.spare != nullptr) {
      c.head = c.spare;
      c.count = kBatch;
      c.spare = nullptr;
      return allocate();
    }
    if (c.bump == c.bump_end) {
      Global& g = global();
      std::unique_lock lock(g.mu);
      if (!g.batches.empty()) {
        c.head = g.batches.back().head;
        c.count = g.batches.back().count;
        g.batches.pop_back();
        lock.unlock();
        return allocate();
      }
      c.bump = new_slab_locked(g);
      c.bump_end = c.bump + kBlockSize * kSlabBlocks;
    }
    void* block = c.bump;
    c.bump += kBlockSize;
    return block;
  }

  // The free list reached the limit: it becomes the spare batch, and the previous spare (if
  // any) goes to the global list for other threads. A finished thread gives back at once.
  static void deallocate_slow() noexcept {
    register_thread();
    Cache& c = cache_;
    if (c.state == CacheState::kFinished) {
      give_back(c.head, c.count);
    } else if (c.count < kBatch) {
      return;
    } else {
      if (c.spare != nullptr) give_back(c.spare, kBatch);
      c.spare = c.head;
    }
    c.head = nullptr;
    c.count = 0;
  }

  static void finish_thread() noexcept {
    Cache& c = cache_;
    if (c.head != nullptr) give_back(c.head, c.count);
    if (c.spare != nullptr) give_back(c.spare, kBatch);
    FreeBlock* rest = nullptr;
    std::size_t rest_count = 0;
    for (char* p = c.bump; p != c.bump_end; p += kBlockSize) {
      auto* block = reinterpret_cast<FreeBlock*>(p);
      block->next = rest;
      rest = block;
      ++rest_count;
    }
    if (rest != nullptr) give_back(rest, rest_count);
    c = Cache{};
    c.state = CacheState::kFinished;
    c.limit = 1;
  }

  static void give_back(FreeBlock* head, std::size_t count) noexcept {
    Global& g = global();
    std::lock_guard lock(g.mu);
    try {
      g.batches.push_back({head, count});
    } catch (...) {
      // Out of memory for the list itself: the blocks stay in their slab, unused until exit.
    }
  }

  static void* take_one_from_global() {
    Global& g = global();
    std::lock_guard lock(g.mu);
    if (g.batches.empty()) {
      char* slab = new_slab_locked(g);
      FreeBlock* rest = nullptr;
      for (std::size_t i = kSlabBlocks; i-- > 1;) {
        auto* block = reinterpret_cast<FreeBlock*>(slab + i * kBlockSize);
        block->next = rest;
        rest = block;
      }
      g.batches.push_back({rest, kSlabBlocks - 1});
      return slab;
    }
    Batch& b = g.batches.back();
    FreeBlock* block = b.head;
    b.head = block->next;
    if (--b.count == 0) g.batches.pop_back();
    return block;
  }

  static char* new_slab_locked(Global& g) {
    g.slabs.reserve(g.slabs.size() + 1);
    void* slab = std::aligned_alloc(64, kBlockSize * kSlabBlocks);
    if (slab == nullptr) throw std::bad_alloc();
    g.slabs.push_back(slab);
    g.slab_bytes += kBlockSize * kSlabBlocks;
    return static_cast<char*>(slab);
  }
};

inline constexpr std::size_t pool_block_size(std::size_t bytes) {
  constexpr std::size_t kAlign = alignof(std::max_align_t);
  return (bytes + kAlign - 1) / kAlign * kAlign;
}

}  // namespace spl::actor::internal
