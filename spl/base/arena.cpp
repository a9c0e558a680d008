#include "spl/base/arena.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace spl {

namespace {
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
}

Arena& Arena::operator=(Arena&& other) noexcept {
  if (this != &other) {
    release_all();
    chunk_ = std::exchange(other.chunk_, nullptr);
    cursor_ = std::exchange(other.cursor_, nullptr);
    limit_ = std::exchange(other.limit_, nullptr);
    destructors_ = std::exchange(other.destructors_, nullptr);
    next_chunk_bytes_ = other.next_chunk_bytes_;
    bytes_allocated_ = std::exchange(other.bytes_allocated_, 0);
    bytes_reserved_ = std::exchange(other.bytes_reserved_, 0);
  }
  return *this;
}

void* Arena::allocate_slow(std::size_t size, std::size_t align) {
  // Header plus worst-case padding; chunks double up to 1 MiB, larger requests get their own.
  std::size_t need = size + align;
  std::size_t usable = std::max(need, next_chunk_bytes_);
  next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kMaxChunkBytes);
  void* raw = std::malloc(sizeof(Chunk) + usable);
  if (raw == nullptr) throw std::bad_alloc();
  auto* chunk = static_cast<Chunk*>(raw);
  chunk->previous = chunk_;
  chunk->size = usable;
  chunk_ = chunk;
  bytes_reserved_ += sizeof(Chunk) + usable;
  cursor_ = reinterpret_cast<std::byte*>(chunk + 1);
  limit_ = cursor_ + usable;
  return allocate(size, align);
}

std::string_view Arena::copy_string(std::string_view s) {
  if (s.empty()) return {};
  char* p = static_cast<char*>(allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Arena::run_destructors() noexcept {
  for (DestructorRecord* r = destructors_; r != nullptr; r = r->next) r->destroy(r->object);
  destructors_ = nullptr;
}

void Arena::reset() noexcept {
  run_destructors();
  // Keep the oldest (first) chunk so a reused arena does not go back to malloc for small trees.
  Chunk* keep = nullptr;
  while (chunk_ != nullptr) {
    Chunk* previous = chunk_->previous;
    if (previous == nullptr) {
      keep = chunk_;
    } else {
      bytes_reserved_ -= sizeof(Chunk) + chunk_->size;
      std::free(chunk_);
    }
    chunk_ = previous;
  }
  chunk_ = keep;
  bytes_allocated_ = 0;
  if (keep != nullptr) {
    cursor_ = reinterpret_cast<std::byte*>(keep + 1);
    limit_ = cursor_ + keep->size;
  } else {
    cursor_ = limit_ = nullptr;
  }
}

void Arena::release_all() noexcept {
  run_destructors();
  while (chunk_ != nullptr) {
    Chunk* previous = chunk_->previous;
    std::free(chunk_);
    chunk_ = previous;
  }
  cursor_ = limit_ = nullptr;
  bytes_allocated_ = bytes_reserved_ = 0;
}

}  // namespace spl
