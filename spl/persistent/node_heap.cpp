#include "spl/persistent/node_heap.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace spl::persistent {

namespace {

using internal::HeapBlock;

struct BlockList {
  HeapBlock* head = nullptr;
  std::uint32_t count = 0;
};

struct alignas(64) ClassPool {
  std::mutex mu;
  HeapBlock* batches = nullptr;  // full batches, chained through next_batch
  HeapBlock* loose = nullptr;    // partial lists (thread exit, frees on a finished thread)
};

struct Global {
  ClassPool pools[NodeHeap::kClasses];
  std::mutex chunk_mu;
  char* bump = nullptr;  // unused tail of the newest chunk
  char* bump_end = nullptr;
  std::atomic<std::size_t> reserved{0};
};

// Deliberately never destroyed: nodes may be freed after every static destructor that could
// have run before them.
Global& global() {
  static Global* const g = new Global();
  return *g;
}

// A kChunkBytes region aligned to kChunkBytes, so the kernel can back it with huge pages.
char* map_chunk() {
  constexpr std::size_t kSize = NodeHeap::kChunkBytes;
  void* raw = ::mmap(nullptr, 2 * kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kSize - 1) & ~(kSize - 1);
  const std::size_t lead = aligned - start;
  if (lead != 0) ::munmap(raw, lead);
  ::munmap(reinterpret_cast<void*>(aligned + kSize), kSize - lead);
  // Best effort: with transparent huge pages off the chunk still works in small pages.
  ::madvise(reinterpret_cast<void*>(aligned), kSize, MADV_HUGEPAGE);
  return reinterpret_cast<char*>(aligned);
}

// Up to `want` fresh blocks (fewer at the end of a chunk), in address order.
BlockList carve(std::size_t index, std::uint32_t want) {
  const std::size_t size = NodeHeap::class_bytes(index);
  Global& g = global();
  char* first;
  std::uint32_t count;
  {
    std::lock_guard lock(g.chunk_mu);
    if (static_cast<std::size_t>(g.bump_end - g.bump) < size) {
      g.bump = map_chunk();
      g.bump_end = g.bump + NodeHeap::kChunkBytes;
      g.reserved.fetch_add(NodeHeap::kChunkBytes, std::memory_order_relaxed);
    }
    const std::size_t fit = static_cast<std::size_t>(g.bump_end - g.bump) / size;
    count = fit < want ? static_cast<std::uint32_t>(fit) : want;
    first = g.bump;
    g.bump += count * size;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    auto* block = reinterpret_cast<HeapBlock*>(first + i * size);
    block->next = i + 1 < count ? reinterpret_cast<HeapBlock*>(first + (i + 1) * size) : nullptr;
  }
  return {reinterpret_cast<HeapBlock*>(first), count};
}

void give_batch(std::size_t index, HeapBlock* batch) noexcept {
  ClassPool& p = global().pools[index];
  std::lock_guard lock(p.mu);
  batch->next_batch = p.batches;
  p.batches = batch;
}

void give_loose(std::size_t index, HeapBlock* head) noexcept {
  HeapBlock* last = head;
  while (last->next != nullptr) last = last->next;
  ClassPool& p = global().pools[index];
  std::lock_guard lock(p.mu);
  last->next = p.loose;
  p.loose = head;
}

// Up to `want` blocks from the global pool of the class (a whole batch in O(1) when `want` is
// the batch size), carving fresh memory only when the pool is empty.
BlockList take(std::size_t index, std::uint32_t want) {
  const std::uint32_t batch = NodeHeap::batch_blocks(index);
  ClassPool& p = global().pools[index];
  {
    std::lock_guard lock(p.mu);
    if (p.batches != nullptr && (want == batch || p.loose == nullptr)) {
      HeapBlock* head = p.batches;
      p.batches = head->next_batch;
      if (want == batch) return {head, batch};
      p.loose = head;
    }
    if (p.loose != nullptr) {
      HeapBlock* head = p.loose;
      HeapBlock* last = head;
      std::uint32_t count = 1;
      for (; count < want && last->next != nullptr; ++count) last = last->next;
      p.loose = last->next;
      last->next = nullptr;
      return {head, count};
    }
  }
  return carve(index, want);
}

}  // namespace

struct NodeHeap::ThreadFlusher {
  bool armed = false;
  ~ThreadFlusher() {
    if (armed) NodeHeap::finish_thread();
  }
};

thread_local NodeHeap::ThreadFlusher NodeHeap::t_flusher;

std::size_t NodeHeap::reserved_bytes() noexcept { return global().reserved.load(std::memory_order_relaxed); }

void NodeHeap::register_thread() noexcept {
  t_flusher.armed = true;  // first use in this thread: its destructor now runs at thread exit
  for (std::size_t i = 0; i < kClasses; ++i) t_cache[i].limit = batch_blocks(i);
  t_state = internal::HeapThreadState::kLive;
}

void NodeHeap::finish_thread() noexcept {
  for (std::size_t i = 0; i < kClasses; ++i) {
    internal::HeapClassCache& c = t_cache[i];
    if (c.head != nullptr) give_loose(i, c.head);
    if (c.spare != nullptr) give_batch(i, c.spare);
    c = internal::HeapClassCache{};
    c.limit = 1;  // every later free goes straight to the global pool
  }
  t_state = internal::HeapThreadState::kFinished;
}

void* NodeHeap::allocate_slow(std::size_t index) {
  if (t_state == internal::HeapThreadState::kUnregistered) register_thread();
  if (t_state == internal::HeapThreadState::kFinished) return take(index, 1).head;
  internal::HeapClassCache& c = t_cache[index];
  if (c.spare != nullptr) {
    c.head = c.spare;
    c.count = batch_blocks(index);
    c.spare = nullptr;
  } else {
    const BlockList list = take(index, batch_blocks(index));
    c.head = list.head;
    c.count = list.count;
  }
  HeapBlock* block = c.head;
  c.head = block->next;
  --c.count;
  return block;
}

// Reached when the list of the class is full, or on a thread's first free, or after the
// thread's cache was handed back.
void NodeHeap::deallocate_slow(std::size_t index) noexcept {
  if (t_state == internal::HeapThreadState::kUnregistered) {
    register_thread();
    return;
  }
  internal::HeapClassCache& c = t_cache[index];
  if (t_state == internal::HeapThreadState::kFinished) {
    give_loose(index, c.head);
  } else {
    if (c.spare != nullptr) give_batch(index, c.spare);
    c.spare = c.head;
  }
  c.head = nullptr;
  c.count = 0;
}

}  // namespace spl::persistent
