#include "respcache/storage/key_hasher.hpp"

#include <xxhash.h>

namespace respcache::storage {

std::uint64_t KeyHasher::xxh3(std::string_view key, std::uint64_t seed) {
  return XXH3_64bits_withSeed(key.data(), key.size(), seed);
}

}  // namespace respcache::storage
