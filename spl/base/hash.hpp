#pragma once
// Strong 64-bit hashing. Tries index nodes by hash bits, so every output bit must depend on
// every input bit: libstdc++'s std::hash<integer> is the identity and would degenerate a trie.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace spl {

// SplitMix64's finaliser: a bijection on 64-bit values (distinct integers never collide) with
// full avalanche.
constexpr std::uint64_t hash_u64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// XXH3-64 over the bytes, seeded so that empty input does not hash to a trivial value.
std::uint64_t hash_bytes(const void* data, std::size_t size) noexcept;

inline std::uint64_t hash_bytes(std::span<const std::byte> bytes) noexcept {
  return hash_bytes(bytes.data(), bytes.size());
}

inline std::uint64_t hash_string(std::string_view s) noexcept { return hash_bytes(s.data(), s.size()); }

// Mixes a new value into a running hash, for composite keys (order-sensitive).
constexpr std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) noexcept {
  return hash_u64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

// The default hasher of every spl container.
template <class T, class = void>
struct Hash;

template <class T>
struct Hash<T, std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>>> {
  constexpr std::uint64_t operator()(T value) const noexcept {
    return hash_u64(static_cast<std::uint64_t>(value));
  }
};

template <class T>
struct Hash<T*> {
  std::uint64_t operator()(T* p) const noexcept { return hash_u64(reinterpret_cast<std::uintptr_t>(p)); }
};

template <>
struct Hash<std::string_view> {
  std::uint64_t operator()(std::string_view s) const noexcept { return hash_string(s); }
};

template <>
struct Hash<std::string> {
  using is_transparent = void;
  std::uint64_t operator()(std::string_view s) const noexcept { return hash_string(s); }
};

template <>
struct Hash<double> {
  // +0.0 and -0.0 compare equal, so they must hash equal.
  std::uint64_t operator()(double d) const noexcept {
    if (d == 0.0) d = 0.0;
    std::uint64_t bits;
    __builtin_memcpy(&bits, &d, sizeof bits);
    return hash_u64(bits);
  }
};

}  // namespace spl
