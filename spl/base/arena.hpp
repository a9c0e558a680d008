#pragma once
// A bump arena for trees (syntax trees, IR): many small nodes freed all at once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace spl {

class Arena {
 public:
  explicit Arena(std::size_t first_chunk_bytes = 4096) noexcept : next_chunk_bytes_(first_chunk_bytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&& other) noexcept { *this = std::move(other); }
  Arena& operator=(Arena&& other) noexcept;
  ~Arena() { release_all(); }

  // Memory for size bytes at the given power-of-two alignment, valid until reset or destruction.
  void* allocate(std::size_t size, std::size_t align = alignof(std::max_align_t));

  // Constructs a T in the arena. Non-trivially-destructible types have their destructor run at
  // reset or destruction, in reverse order of creation.
  template <class T, class... Args>
  T* make(Args&&... args) {
    if constexpr (std::is_trivially_destructible_v<T>) {
      return ::new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
    } else {
      auto* record = static_cast<DestructorRecord*>(allocate(sizeof(DestructorRecord), alignof(DestructorRecord)));
      T* object = ::new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
      record->object = object;
      record->destroy = [](void* p) { static_cast<T*>(p)->~T(); };
      record->next = destructors_;
      destructors_ = record;
      return object;
    }
  }

  // An uninitialised array of n trivially destructible T.
  template <class T>
  T* make_array(std::size_t n) {
    static_assert(std::is_trivially_destructible_v<T>, "arena arrays hold trivially destructible types");
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    return static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
  }

  // Copies the characters into the arena; the view stays valid as long as the arena.
  std::string_view copy_string(std::string_view s);

  // Frees every object at once (running registered destructors) and keeps the first chunk.
  void reset() noexcept;

  std::size_t bytes_allocated() const noexcept { return bytes_allocated_; }  // handed out to callers
  std::size_t bytes_reserved() const noexcept { return bytes_reserved_; }    // taken from the system

 private:
  struct Chunk {
    Chunk* previous;
    std::size_t size;  // usable bytes after the header
  };
  struct DestructorRecord {
    void* object;
    void (*destroy)(void*);
    DestructorRecord* next;
  };

  void* allocate_slow(std::size_t size, std::size_t align);
  void run_destructors() noexcept;
  void release_all() noexcept;

  Chunk* chunk_ = nullptr;
  std::byte* cursor_ = nullptr;
  std::byte* limit_ = nullptr;
  DestructorRecord* destructors_ = nullptr;
  std::size_t next_chunk_bytes_ = 4096;
  std::size_t bytes_allocated_ = 0;
  std::size_t bytes_reserved_ = 0;
};

inline void* Arena::allocate(std::size_t size, std::size_t align) {
  auto p = reinterpret_cast<std::uintptr_t>(cursor_);
  std::uintptr_t aligned = (p + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
  if (cursor_ != nullptr && aligned + size <= reinterpret_cast<std::uintptr_t>(limit_) && aligned >= p) {
    cursor_ = reinterpret_cast<std::byte*>(aligned + size);
    bytes_allocated_ += size;
    return reinterpret_cast<void*>(aligned);
  }
  return allocate_slow(size, align);
}

}  // namespace spl
