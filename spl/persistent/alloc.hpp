#pragma once
// Where persistent collections get their node memory. By default nodes come from per-thread
// free lists in front of operator new; a test or a benchmark can install a NodeAllocator (for
// example CountingAllocator) to see every node allocation, which is how leaks and bytes per
// entry are measured.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

namespace spl::persistent {

class NodeAllocator {
 public:
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* p, std::size_t bytes) noexcept = 0;

 protected:
  ~NodeAllocator() = default;
};

namespace internal {

inline std::atomic<NodeAllocator*> g_node_allocator{nullptr};

// The default node memory: per-thread lists of freed blocks by size class (16-byte steps up
// to kPoolMaxBytes) in front of operator new. Path copying frees and allocates nodes of the
// same few sizes at a high rate; taking a just-freed block skips malloc's bookkeeping. Each
// list keeps at most kPoolDepth blocks, so the memory held stays small; a block freed on
// another thread joins that thread's lists. Sanitizer builds bypass the lists so that a use
// after free stays visible.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kNodePool = false;
#else
inline constexpr bool kNodePool = true;
#endif
inline constexpr std::size_t kPoolGranule = 16;
inline constexpr std::size_t kPoolClasses = 64;
inline constexpr std::size_t kPoolMaxBytes = kPoolGranule * kPoolClasses;
inline constexpr unsigned kPoolDepth = 64;

// The size every node block of `bytes` really has: rounded up to its class, so that any
// block of a class can serve any request of it whichever allocator made it.
constexpr std::size_t node_block_bytes(std::size_t bytes) noexcept {
  return bytes <= kPoolMaxBytes ? (bytes + kPoolGranule - 1) / kPoolGranule * kPoolGranule : bytes;
}

struct FreeBlock {
  FreeBlock* next;
};
// Trivially destructible, so it stays usable while the thread's other objects are destroyed.
struct NodePool {
  FreeBlock* heads[kPoolClasses];
  unsigned counts[kPoolClasses];
  bool registered;  // the drain below will run at thread exit
  bool closed;      // drained: blocks go straight back to operator delete
};
inline thread_local NodePool t_node_pool{};

// Returns the calling thread's blocks to operator delete when the thread ends.
struct NodePoolDrain {
  ~NodePoolDrain() {
    NodePool& pool = t_node_pool;
    pool.closed = true;
    for (std::size_t c = 0; c < kPoolClasses; ++c) {
      while (FreeBlock* b = pool.heads[c]) {
        pool.heads[c] = b->next;
        ::operator delete(b, (c + 1) * kPoolGranule);
      }
      pool.counts[c] = 0;
    }
  }
};
inline thread_local NodePoolDrain t_node_pool_drain;

inline void* pool_allocate(std::size_t bytes) {
  const std::size_t block = node_block_bytes(bytes);
  if (kNodePool && block <= kPoolMaxBytes) {
    NodePool& pool = t_node_pool;
    const std::size_t c = block / kPoolGranule - 1;
    if (FreeBlock* b = pool.heads[c]) {
      pool.heads[c] = b->next;
      --pool.counts[c];
      return b;
    }
  }
  return ::operator new(block);
}

inline void pool_deallocate(void* p, std::size_t bytes) noexcept {
  const std::size_t block = node_block_bytes(bytes);
  if (kNodePool && block <= kPoolMaxBytes) {
    NodePool& pool = t_node_pool;
    const std::size_t c = block / kPoolGranule - 1;
    if (!pool.closed && pool.counts[c] < kPoolDepth) {
      if (!pool.registered) {
        pool.registered = true;
        static_cast<void>(&t_node_pool_drain);  // constructs it, so its destructor runs at thread exit
      }
      FreeBlock* b = static_cast<FreeBlock*>(p);
      b->next = pool.heads[c];
      pool.heads[c] = b;
      ++pool.counts[c];
      return;
    }
  }
  ::operator delete(p, block);
}

inline void* allocate_node(std::size_t bytes) {
  NodeAllocator* a = g_node_allocator.load(std::memory_order_relaxed);
  return a ? a->allocate(bytes) : pool_allocate(bytes);
}

inline void deallocate_node(void* p, std::size_t bytes) noexcept {
  NodeAllocator* a = g_node_allocator.load(std::memory_order_relaxed);
  if (a) {
    a->deallocate(p, bytes);
  } else {
    pool_deallocate(p, bytes);
  }
}

}  // namespace internal

// Installs `a` for every node allocated or freed from now on (nullptr restores the default)
// and returns the previous one. Nodes must be freed under an allocator compatible with the one
// that made them: blocks of internal::node_block_bytes(bytes) from operator new, as the default
// and CountingAllocator both use, so those two mix freely.
inline NodeAllocator* set_node_allocator(NodeAllocator* a) noexcept {
  return internal::g_node_allocator.exchange(a, std::memory_order_acq_rel);
}

// Counts live nodes and requested bytes (thread-safe), on top of operator new.
class CountingAllocator final : public NodeAllocator {
 public:
  void* allocate(std::size_t bytes) override {
    void* p = ::operator new(internal::node_block_bytes(bytes));
    live_bytes_.fetch_add(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
    live_nodes_.fetch_add(1, std::memory_order_relaxed);
    total_allocations_.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void deallocate(void* p, std::size_t bytes) noexcept override {
    live_bytes_.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
    live_nodes_.fetch_sub(1, std::memory_order_relaxed);
    ::operator delete(p, internal::node_block_bytes(bytes));
  }
  std::int64_t live_bytes() const noexcept { return live_bytes_.load(std::memory_order_relaxed); }
  std::int64_t live_nodes() const noexcept { return live_nodes_.load(std::memory_order_relaxed); }
  std::int64_t total_allocations() const noexcept {
    return total_allocations_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::int64_t> live_bytes_{0};
  std::atomic<std::int64_t> live_nodes_{0};
  std::atomic<std::int64_t> total_allocations_{0};
};

// Installs an allocator for the lifetime of the scope.
class ScopedNodeAllocator {
 public:
  explicit ScopedNodeAllocator(NodeAllocator& a) noexcept : previous_(set_node_allocator(&a)) {}
  ~ScopedNodeAllocator() { set_node_allocator(previous_); }
  ScopedNodeAllocator(const ScopedNodeAllocator&) = delete;
  ScopedNodeAllocator& operator=(const ScopedNodeAllocator&) = delete;

 private:
  NodeAllocator* previous_;
};

}  // namespace spl::persistent
