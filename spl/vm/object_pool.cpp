#include "spl/vm/object_pool.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace spl::vm {
namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = kLargestPooledObject / kGranule;  // 16, 32, ..., 128 bytes
constexpr std::size_t kChunkBytes = 64 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

// Chunks are kept for the life of the process (never destroyed, so objects freed during static
// destruction still land in valid memory): blocks of one thread's chunk may sit on another
// thread's list, so no chunk could be returned while any thread runs.
struct Chunks {
  std::mutex mutex;
  std::vector<void*> all;
};

Chunks& chunks() {
  static Chunks* c = new Chunks;
  return *c;
}

// Per size class: freed blocks, then the untouched rest of the newest chunk (carved on demand,
// so a chunk's pages are touched only as blocks are used).
struct Lists {
  std::array<FreeBlock*, kClasses> head{};
  std::array<char*, kClasses> fresh{};
  std::array<char*, kClasses> fresh_end{};
};

thread_local Lists lists;

std::size_t class_of(std::size_t size) { return (size + kGranule - 1) / kGranule - 1; }

void* take_fresh(std::size_t cls) {
  const std::size_t block = (cls + 1) * kGranule;
  if (lists.fresh[cls] == lists.fresh_end[cls]) {
    auto* chunk = static_cast<char*>(std::malloc(kChunkBytes));
    if (chunk == nullptr) throw std::bad_alloc();
    {
      std::lock_guard<std::mutex> lock(chunks().mutex);
      chunks().all.push_back(chunk);
    }
    lists.fresh[cls] = chunk;
    lists.fresh_end[cls] = chunk + kChunkBytes / block * block;
  }
  void* p = lists.fresh[cls];
  lists.fresh[cls] += block;
  return p;
}

}  // namespace

void* allocate_object(std::size_t size) {
  if (!kObjectPool || size > kLargestPooledObject) return ::operator new(size);
  const std::size_t cls = class_of(size);
  FreeBlock* b = lists.head[cls];
  if (b == nullptr) return take_fresh(cls);
  lists.head[cls] = b->next;
  return b;
}

void free_object(void* p, std::size_t size) noexcept {
  if (!kObjectPool || size > kLargestPooledObject) {
    ::operator delete(p, size);
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  const std::size_t cls = class_of(size);
  b->next = lists.head[cls];
  lists.head[cls] = b;
}

}  // namespace spl::vm
