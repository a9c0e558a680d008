#pragma once
// Where persistent collections get their node memory. By default nodes come from NodeHeap
// (node_heap.hpp); a test or a benchmark can install a NodeAllocator (for example
// CountingAllocator) to see every node allocation, which is how leaks and bytes per entry are
// measured.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "spl/base/sanitizers.hpp"
#include "spl/persistent/node_heap.hpp"

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

// Under AddressSanitizer nodes come from operator new so that a use after free stays visible
// (NodeHeap reuses blocks without telling it). ThreadSanitizer builds use NodeHeap, so its
// cross-thread hand-offs are checked there.
inline constexpr bool kNodesFromOperatorNew = SPL_ASAN;

inline void* default_allocate_node(std::size_t bytes) {
  if constexpr (kNodesFromOperatorNew) {
    return ::operator new(bytes);
  } else {
    return NodeHeap::allocate(bytes);
  }
}

inline void default_deallocate_node(void* p, std::size_t bytes) noexcept {
  if constexpr (kNodesFromOperatorNew) {
    ::operator delete(p, bytes);
  } else {
    NodeHeap::deallocate(p, bytes);
  }
}

inline void* allocate_node(std::size_t bytes) {
  NodeAllocator* a = g_node_allocator.load(std::memory_order_relaxed);
  return a ? a->allocate(bytes) : default_allocate_node(bytes);
}

inline void deallocate_node(void* p, std::size_t bytes) noexcept {
  NodeAllocator* a = g_node_allocator.load(std::memory_order_relaxed);
  if (a) {
    a->deallocate(p, bytes);
  } else {
    default_deallocate_node(p, bytes);
  }
}

}  // namespace internal

// Installs `a` for every node allocated or freed from now on (nullptr restores the default)
// and returns the previous one. Nodes must be freed under an allocator compatible with the one
// that made them; CountingAllocator uses the default underneath, so the two mix freely.
inline NodeAllocator* set_node_allocator(NodeAllocator* a) noexcept {
  return internal::g_node_allocator.exchange(a, std::memory_order_acq_rel);
}

// Counts live nodes and requested bytes (thread-safe), on top of the default node memory.
class CountingAllocator final : public NodeAllocator {
 public:
  void* allocate(std::size_t bytes) override {
    void* p = internal::default_allocate_node(bytes);
    live_bytes_.fetch_add(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
    live_nodes_.fetch_add(1, std::memory_order_relaxed);
    total_allocations_.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void deallocate(void* p, std::size_t bytes) noexcept override {
    live_bytes_.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
    live_nodes_.fetch_sub(1, std::memory_order_relaxed);
    internal::default_deallocate_node(p, bytes);
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
