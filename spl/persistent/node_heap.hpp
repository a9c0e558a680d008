#pragma once
// The default memory of persistent collection nodes: size classes carved from 2 MiB-aligned
// chunks advised for transparent huge pages, with a per-thread cache per class.
//
// Why: a 1M-entry map spreads ~23 MB of nodes over 4 KiB pages, so random lookups miss the TLB;
// huge pages cut that. Path copying frees a node of one size and allocates one of a nearby size
// at a high rate, which overflows malloc's small per-thread cache; here both are a pop or a push
// on a thread-local list (no lock, no atomic read-modify-write).
//
// Caches: each class keeps a free list and one spare full batch per thread, so a thread holds at
// most two batches (about 32 KiB) per class. A full list becomes the spare and the previous spare
// moves to the global pool of its class; an empty list takes the spare, else a batch from the
// global pool, else carves fresh chunk memory. A block may be freed on any thread: it joins that
// thread's cache.
//
// Lifetime: when a thread ends, its caches go to the global pools; frees and allocations that
// happen on it later (thread_local or static destructors holding nodes) go straight to the
// global pools. Chunks and pools are never released: the process keeps the memory for reuse by
// the same size class, and exit-time frees stay safe.

#include <cstddef>
#include <cstdint>
#include <new>

namespace spl::persistent {

namespace internal {

struct HeapBlock {
  HeapBlock* next;        // the next block of this list or batch
  HeapBlock* next_batch;  // global pool only: the head of the next full batch
};

struct HeapClassCache {
  HeapBlock* head = nullptr;
  HeapBlock* spare = nullptr;  // a full batch, or nullptr
  std::uint32_t count = 0;     // blocks on head
  std::uint32_t limit = 0;     // a free that brings count to it takes the slow path
};

enum class HeapThreadState : unsigned char { kUnregistered, kLive, kFinished };

}  // namespace internal

class NodeHeap {
 public:
  static constexpr std::size_t kAlignment = 16;
  // Requests above this go to operator new / operator delete.
  static constexpr std::size_t kMaxBytes = 4096;
  static constexpr std::size_t kChunkBytes = std::size_t{2} << 20;
  // 16-byte steps up to 1 KiB (every CHAMP, RRB and B-tree node of small entries), then
  // 256-byte steps up to 4 KiB (nodes of larger entries).
  static constexpr std::size_t kFineStep = 16;
  static constexpr std::size_t kFineMax = 1024;
  static constexpr std::size_t kCoarseStep = 256;
  static constexpr std::size_t kClasses = kFineMax / kFineStep + (kMaxBytes - kFineMax) / kCoarseStep;

  // The class serving `bytes`, for 1 <= bytes <= kMaxBytes.
  static constexpr std::size_t class_index(std::size_t bytes) noexcept {
    return bytes <= kFineMax ? (bytes - 1) / kFineStep
                             : kFineMax / kFineStep + (bytes - kFineMax - 1) / kCoarseStep;
  }
  static constexpr std::size_t class_bytes(std::size_t index) noexcept {
    return index < kFineMax / kFineStep ? (index + 1) * kFineStep
                                        : kFineMax + (index + 1 - kFineMax / kFineStep) * kCoarseStep;
  }
  // Blocks of one class per batch moved between a thread cache and the global pool.
  static constexpr std::uint32_t batch_blocks(std::size_t index) noexcept {
    const std::size_t blocks = kBatchBytes / class_bytes(index);
    return static_cast<std::uint32_t>(blocks < 4 ? 4 : blocks > 256 ? 256 : blocks);
  }

  // 16-byte aligned; throws std::bad_alloc when no memory can be mapped.
  static void* allocate(std::size_t bytes) {
    if (bytes - 1 < kMaxBytes) {  // bytes == 0 wraps around and goes to operator new
      const std::size_t index = class_index(bytes);
      internal::HeapClassCache& c = t_cache[index];
      internal::HeapBlock* block = c.head;
      if (block == nullptr) return allocate_slow(index);
      c.head = block->next;
      --c.count;
      // The next block of the class was freed a while ago and is likely cold: fetch it now, so
      // the next allocation does not wait for it.
      __builtin_prefetch(c.head, 1);
      return block;
    }
    return ::operator new(bytes);
  }

  // `bytes` must be the size `p` was allocated with.
  static void deallocate(void* p, std::size_t bytes) noexcept {
    if (bytes - 1 < kMaxBytes) {
      const std::size_t index = class_index(bytes);
      internal::HeapClassCache& c = t_cache[index];
      auto* block = static_cast<internal::HeapBlock*>(p);
      block->next = c.head;
      c.head = block;
      if (++c.count >= c.limit) deallocate_slow(index);
      return;
    }
    ::operator delete(p, bytes);
  }

  // Bytes of chunk memory mapped so far (never shrinks).
  static std::size_t reserved_bytes() noexcept;

 private:
  static constexpr std::size_t kBatchBytes = 16 * 1024;

  static void* allocate_slow(std::size_t index);
  static void deallocate_slow(std::size_t index) noexcept;
  static void register_thread() noexcept;
  static void finish_thread() noexcept;
  struct ThreadFlusher;  // calls finish_thread at thread exit
  static thread_local ThreadFlusher t_flusher;

  // Trivially destructible and constant-initialised: access is a plain thread-local load, and
  // the fields stay usable after the thread's destructors have handed the blocks back.
  static inline thread_local constinit internal::HeapClassCache t_cache[kClasses] = {};
  static inline thread_local constinit internal::HeapThreadState t_state = internal::HeapThreadState::kUnregistered;
};

}  // namespace spl::persistent
