#pragma once
// Memory for generated code, W^X: every page is mapped twice from one memfd, once read+write
// (where code is written) and once read+execute (where it runs). No mapping is ever writable
// and executable at once, and code already running is never remapped while new code is added.
// Blocks are 16-byte aligned, freed blocks are coalesced and reused.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "spl/base/result.hpp"

namespace spl::jit {

struct CodeBlock {
  std::byte* exec = nullptr;   // where the code runs (read+execute)
  std::byte* write = nullptr;  // the same bytes, read+write, valid until commit()
  std::size_t size = 0;
};

class ExecutableMemory {
 public:
  static constexpr std::size_t kAlignment = 16;

  explicit ExecutableMemory(std::size_t arena_size = 256 * 1024);
  ~ExecutableMemory();
  ExecutableMemory(const ExecutableMemory&) = delete;
  ExecutableMemory& operator=(const ExecutableMemory&) = delete;

  // A block of at least `size` bytes; write the code through `write`, then commit().
  Result<CodeBlock> allocate(std::size_t size);
  // Makes written code visible to execution (instruction-cache flush where the CPU needs one).
  static void commit(const CodeBlock& block);
  // Returns a block (by its exec address) for reuse. Unknown addresses are ignored.
  void free(const void* exec);

  std::size_t used_bytes() const;
  std::size_t reserved_bytes() const;

 private:
  struct Arena {
    std::byte* exec = nullptr;
    std::byte* write = nullptr;
    std::size_t size = 0;
    std::map<std::size_t, std::size_t> free;  // offset -> size, coalesced
  };
  struct Allocation {
    std::size_t arena;
    std::size_t offset;
    std::size_t size;
  };

  Result<std::size_t> add_arena(std::size_t min_size);

  mutable std::mutex mutex_;
  std::size_t arena_size_;
  std::vector<Arena> arenas_;
  std::map<const std::byte*, Allocation> live_;  // by exec address
  std::size_t used_ = 0;
};

}  // namespace spl::jit
