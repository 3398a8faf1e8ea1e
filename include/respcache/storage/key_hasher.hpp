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
  /// The hash of a key in database `db`: the key's hash with `db` mixed into its low 32 bits
  /// only (the table position), so the shard (bits 40..45) and the slot tag (the top bits)
  /// are the same in every database, while the copies of one key in several databases spread
  /// over the table instead of sharing a home slot. Database 0 is the plain hash.
  static std::uint64_t for_db(std::uint64_t hash, unsigned db) {
    return hash ^ ((std::uint64_t{db} * 0x9E3779B1ULL) & 0xFFFFFFFFULL);
  }
  std::uint64_t operator()(unsigned db, std::string_view key) const {
    return for_db(function(key, seed), db);
  }
};

}  // namespace respcache::storage
