#pragma once
// Pooled fixed-size blocks for message nodes. Each thread keeps a private free list (no atomics
// on the hot path); blocks freed on the consumer's thread flow back to producers in batches
// through a mutex-protected global list. Memory comes from slabs that live for the process.

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
    Cache& cache = local();
    if (cache.head == nullptr) cache.refill();
    FreeBlock* block = cache.head;
    cache.head = block->next;
    --cache.count;
    return block;
  }

  static void deallocate(void* p) noexcept {
    Cache& cache = local();
    auto* block = static_cast<FreeBlock*>(p);
    block->next = cache.head;
    cache.head = block;
    if (++cache.count >= 2 * kBatch) cache.spill();
  }

  // Bytes of slab memory this pool has taken from the system (for memory-per-message figures).
  static std::size_t slab_bytes() {
    Global& g = global();
    std::lock_guard lock(g.mu);
    return g.slab_bytes;
  }

 private:
  static constexpr std::size_t kBatch = 256;  // rare global-list trips keep tail latency low
  static constexpr std::size_t kSlabBlocks = 1024;

  struct FreeBlock {
    FreeBlock* next;
  };

  struct Global {
    std::mutex mu;
    struct Batch {
      FreeBlock* head;
      std::size_t count;
    };
    std::vector<Batch> batches;
    std::vector<void*> slabs;
    std::size_t slab_bytes = 0;
    ~Global() {
      for (void* slab : slabs) std::free(slab);
    }
  };

  static Global& global() {
    static Global g;
    return g;
  }

  struct Cache {
    FreeBlock* head = nullptr;
    std::size_t count = 0;

    void refill() {
      Global& g = global();
      std::lock_guard lock(g.mu);
      if (!g.batches.empty()) {
        head = g.batches.back().head;
        count = g.batches.back().count;
        g.batches.pop_back();
        return;
      }
      void* slab = std::aligned_alloc(64, kBlockSize * kSlabBlocks);
      if (slab == nullptr) throw std::bad_alloc();
      g.slabs.push_back(slab);
      g.slab_bytes += kBlockSize * kSlabBlocks;
      auto* bytes = static_cast<char*>(slab);
      for (std::size_t i = kSlabBlocks; i-- > 0;) {
        auto* block = reinterpret_cast<FreeBlock*>(bytes + i * kBlockSize);
        block->next = head;
        head = block;
      }
      count = kSlabBlocks;
    }

    // Moves one batch to the global list so that a thread that only frees does not hoard.
    void spill() noexcept {
      FreeBlock* batch = head;
      FreeBlock* last = head;
      for (std::size_t i = 1; i < kBatch; ++i) last = last->next;
      head = last->next;
      last->next = nullptr;
      count -= kBatch;
      give_back(batch, kBatch);
    }

    static void give_back(FreeBlock* batch, std::size_t n) noexcept {
      Global& g = global();
      std::lock_guard lock(g.mu);
      try {
        g.batches.push_back({batch, n});
      } catch (...) {
        // Out of memory for the list itself: the blocks stay in their slab, reclaimed at exit.
      }
    }

    // A finishing thread hands its whole list back so short-lived threads do not leak blocks.
    ~Cache() {
      if (head != nullptr) give_back(head, count);
    }
  };

  static Cache& local() {
    static thread_local Cache cache;
    return cache;
  }
};

inline constexpr std::size_t pool_block_size(std::size_t bytes) {
  constexpr std::size_t kAlign = alignof(std::max_align_t);
  return (bytes + kAlign - 1) / kAlign * kAlign;
}

}  // namespace spl::actor::internal
