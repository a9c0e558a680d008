#include "spl/base/hash.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace spl {

namespace {
constexpr XXH64_hash_t kSeed = 0x5eed5b1e5eed5b1eULL;
}

std::uint64_t hash_bytes(const void* data, std::size_t size) noexcept {
  return XXH3_64bits_withSeed(data, size, kSeed);
}

}  // namespace spl
