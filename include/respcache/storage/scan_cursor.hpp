#pragma once

#include <cstddef>
#include <cstdint>

namespace respcache::storage {

/// A point in the cache's hash space, where a scan stands: a shard and a position in that
/// shard's hash space. The position of a key is the low 32 bits of its hash, which is also
/// what places it in its shard's table (see HashTable), so it never changes while the key
/// lives; kPositionEnd is one past the last.
///
/// The 64-bit form a client sees: bits 0..31 the position, bits 32 and up the shard index.
/// 0 is both "start" and, returned, "done", as in Redis. Shard counts stay below 2^16, so
/// bits 48..63 are always 0 in a cursor the cache hands out; they are left for a database
/// index once keys carry one. Any value decodes to some point, so a client's garbage cursor
/// costs at most one scan from there: an out-of-range shard ends the scan at once.
struct ScanCursor {
  static constexpr std::uint64_t kPositionEnd = std::uint64_t{1} << 32;

  std::uint64_t shard = 0;
  std::uint64_t position = 0;  ///< in [0, kPositionEnd)

  static constexpr ScanCursor decode(std::uint64_t cursor) {
    return {cursor >> 32, cursor & (kPositionEnd - 1)};
  }
  constexpr std::uint64_t encode() const { return (shard << 32) | position; }
};

/// What one scan step may walk: at most `entries` entries and `bytes` bytes of keys and
/// values (both counted before expired entries are skipped, so they bound the work and the
/// time a lock is held). Steps take from it as they go and count what they walked. The one
/// excess: a hash position holding more than the whole budget is walked whole by a step
/// that has walked nothing yet, so that a scan always moves on.
struct ScanBudget {
  std::size_t entries = 0;
  std::size_t bytes = SIZE_MAX;
  std::size_t visited = 0;  ///< entries walked on this budget so far

  bool spent() const { return entries == 0 || bytes == 0; }
};

}  // namespace respcache::storage
