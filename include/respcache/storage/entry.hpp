#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace respcache::storage {

/// One cached key and value with its metadata, in a single heap allocation:
/// a 32-byte header followed by the key bytes and then the value bytes. No std::string, no
/// separate key or value allocation.
///
/// `next` chains entries within a hash bucket. `access_tick` is the shard's logical clock at
/// the last access: eviction samples a few entries and drops the one with the oldest tick
/// (sampled LRU). Readers update it with a relaxed store under the shard's shared lock.
struct Entry {
  Entry* next;
  std::int64_t expire_at_ms;  ///< 0: never expires
  std::uint32_t hash;         ///< low 32 bits of the key's hash (bucket index, quick compare)
  std::atomic<std::uint32_t> access_tick;
  std::uint32_t key_len;
  std::uint32_t value_len;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view key() const { return {data(), key_len}; }
  std::string_view value() const { return {data() + key_len, value_len}; }

  bool has_expiry() const { return expire_at_ms != 0; }
  /// Redis's rule: a key is expired once the clock is strictly past its expiry time.
  bool expired_at(std::int64_t now_ms) const { return expire_at_ms != 0 && now_ms > expire_at_ms; }

  /// Allocates an entry whose value is `first` followed by `second`. Returns null when the
  /// allocator fails. The caller owns it until it is linked into a table.
  static Entry* create(std::uint32_t hash, std::string_view key, std::string_view first,
                       std::string_view second, std::int64_t expire_at_ms, std::uint32_t tick);
  static void destroy(Entry* entry);

  /// Overwrites the value (head followed by tail; head may be the current value itself) in
  /// the existing allocation when it fits and would not leave more than half of it unused.
  /// Returns false, changing nothing, otherwise. No allocator call and no change in
  /// footprint: the common overwrite of a same-size value costs one memcpy. The caller holds
  /// the shard's exclusive lock, so no reader can be looking at the value.
  bool assign_in_place(std::string_view head, std::string_view tail, std::int64_t expire_at);

  /// Bytes this entry really costs the process: the allocator's usable size plus its chunk
  /// header, so that accounting includes rounding.
  std::size_t footprint() const;
};

static_assert(sizeof(Entry) == 32, "the entry header is meant to stay at 32 bytes");

}  // namespace respcache::storage
