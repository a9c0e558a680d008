#include "spl/jit/executable_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spl::jit {

namespace {

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

ExecutableMemory::ExecutableMemory(std::size_t arena_size) : arena_size_(arena_size) {}

ExecutableMemory::~ExecutableMemory() {
  for (const Arena& a : arenas_) {
    munmap(a.exec, a.size);
    munmap(a.write, a.size);
  }
}

Result<std::size_t> ExecutableMemory::add_arena(std::size_t min_size) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t size = round_up(std::max(min_size, arena_size_), page);
  const int fd = memfd_create("spl-jit-code", MFD_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::kIo, std::string("memfd_create failed: ") + std::strerror(errno));
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    const int err = errno;
    close(fd);
    return make_error(ErrorCode::kIo, std::string("ftruncate of code memory failed: ") + std::strerror(err));
  }
  void* write = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  void* exec = write == MAP_FAILED ? MAP_FAILED : mmap(nullptr, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  const int err = errno;
  close(fd);
  if (exec == MAP_FAILED) {
    if (write != MAP_FAILED) munmap(write, size);
    return make_error(ErrorCode::kIo, std::string("mapping code memory failed: ") + std::strerror(err));
  }
  Arena arena;
  arena.exec = static_cast<std::byte*>(exec);
  arena.write = static_cast<std::byte*>(write);
  arena.size = size;
  arena.free.emplace(0, size);
  arenas_.push_back(std::move(arena));
  return arenas_.size() - 1;
}

Result<CodeBlock> ExecutableMemory::allocate(std::size_t size) {
  if (size == 0) size = kAlignment;
  size = round_up(size, kAlignment);
  std::lock_guard lock(mutex_);
  for (std::size_t pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < arenas_.size(); ++i) {
      Arena& arena = arenas_[i];
      for (auto it = arena.free.begin(); it != arena.free.end(); ++it) {
        if (it->second < size) continue;
        const std::size_t offset = it->first;
        const std::size_t rest = it->second - size;
        arena.free.erase(it);
        if (rest) arena.free.emplace(offset + size, rest);
        CodeBlock block{arena.exec + offset, arena.write + offset, size};
        live_.emplace(block.exec, Allocation{i, offset, size});
        used_ += size;
        return block;
      }
    }
    if (pass == 0) {
      auto added = add_arena(size);
      if (!added) return std::move(added).error();
    }
  }
  return make_error(ErrorCode::kInternal, "code memory allocation failed");
}

void ExecutableMemory::commit(const CodeBlock& block) {
  // x86-64 keeps instruction caches coherent; other targets need the explicit flush.
  __builtin___clear_cache(reinterpret_cast<char*>(block.exec), reinterpret_cast<char*>(block.exec + block.size));
}

void ExecutableMemory::free(const void* exec) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(static_cast<const std::byte*>(exec));
  if (it == live_.end()) return;
  const Allocation a = it->second;
  live_.erase(it);
  used_ -= a.size;
  Arena& arena = arenas_[a.arena];
  // Poison the freed bytes with int3 so a stale call traps instead of running old code.
  std::memset(arena.write + a.offset, 0xcc, a.size);
  auto [pos, inserted] = arena.free.emplace(a.offset, a.size);
  auto next = std::next(pos);
  if (next != arena.free.end() && pos->first + pos->second == next->first) {
    pos->second += next->second;
    arena.free.erase(next);
  }
  if (pos != arena.free.begin()) {
    auto prev = std::prev(pos);
    if (prev->first + prev->second == pos->first) {
      prev->second += pos->second;
      arena.free.erase(pos);
    }
  }
}

std::size_t ExecutableMemory::used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::size_t ExecutableMemory::reserved_bytes() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const Arena& a : arenas_) total += a.size;
  return total;
}

}  // namespace spl::jit
