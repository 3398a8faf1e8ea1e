#pragma once

#include <cstdint>
#include <string_view>

namespace respcache::storage {

/// The one hash of a key that the cache routes by and its tables index by: XXH3-64 with a
/// per-process seed. A table recomputes it from an entry's key when it moves the entry to a
/// larger array, so the entry need not store it. Tests may swap the function to force
/// collisions.
struct KeyHasher {
  using Function = std::uint64_t (*)(std::string_view key, std::uint64_t seed);
  static std::uint64_t xxh3(std::string_view key, std::uint64_t seed);

  Function function = &xxh3;
  std::uint64_t seed = 0;

  std::uint64_t operator()(std::string_view key) const { return function(key, seed); }
};

}  // namespace respcache::storage
