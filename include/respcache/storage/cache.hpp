#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "respcache/storage/clock.hpp"
#include "respcache/storage/entry.hpp"
#include "respcache/storage/function_ref.hpp"
#include "respcache/storage/key_hasher.hpp"

namespace respcache::storage {

struct CacheOptions {
  /// Number of independently locked shards; a power of two.
  std::size_t shard_count = 64;
  /// Budget in bytes for entries and hash tables. Nothing is evicted below it. 0: no limit.
  std::size_t max_memory = 0;
  /// Keys the hash tables are sized for at start-up, across all shards.
  std::size_t initial_capacity = 1 << 20;
  /// Entries compared per eviction (sampled LRU, like Redis's maxmemory-samples).
  std::size_t eviction_samples = 8;
  /// Time source for expiry; null means the system clock.
  const Clock* clock = nullptr;
  /// Hash seed; 0 picks a random one, so clients cannot aim keys at one slot.
  std::uint64_t hash_seed = 0;
};

/// What a callback sees of a live entry. Valid only during the callback.
struct EntryView {
  std::string_view key;
  std::string_view value;
  std::int64_t expire_at_ms;  ///< 0: no expiry
};

/// The decision an update callback returns.
struct Mutation {
  enum class Kind { kKeep, kStore, kErase };
  Kind kind = Kind::kKeep;
  /// The new value is head followed by tail (tail lets APPEND avoid a temporary).
  std::string_view head;
  std::string_view tail;
  std::int64_t expire_at_ms = 0;

  static Mutation keep() { return {}; }
  static Mutation erase() { return {Kind::kErase, {}, {}, 0}; }
  static Mutation store(std::string_view value, std::int64_t expire_at_ms) {
    return {Kind::kStore, value, {}, expire_at_ms};
  }
  static Mutation store(std::string_view head, std::string_view tail, std::int64_t expire_at_ms) {
    return {Kind::kStore, head, tail, expire_at_ms};
  }
};

enum class WriteStatus {
  kOk,
  kTooLarge,  ///< the entry alone is larger than the memory budget
};

struct CacheStats {
  std::uint64_t keys = 0;
  std::uint64_t keys_with_expiry = 0;
  std::uint64_t evicted_keys = 0;
  std::uint64_t expired_keys = 0;
  std::size_t used_memory = 0;  ///< data plus what count_in_budget adds
  std::size_t data_memory = 0;  ///< entries and hash tables
  std::size_t max_memory = 0;
};

class Shard;

/// The key-value store: `shard_count` shards, each a hash table behind a std::shared_mutex.
/// It knows nothing of RESP or HTTP.
///
/// Locking: reads take the shard's shared lock only, and record recency with a relaxed atomic
/// store, so concurrent GETs of one shard never serialise. Writes take the exclusive lock of
/// the key's shard. No call holds two shard locks at once.
///
/// Memory: `used_memory()` is the sum of entry footprints and hash-table slot arrays, each as
/// the allocator's usable size plus its chunk header. After a write, while it exceeds the budget,
/// entries are evicted: least recently used of a sample, from the written shard first and then from
/// the others.
///
/// Expiry: an expired entry is never returned; writes and the active sweep reclaim it.
class Cache {
 public:
  explicit Cache(const CacheOptions& options);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  using ReadFn = FunctionRef<void(const EntryView&)>;
  using UpdateFn = FunctionRef<Mutation(const EntryView*)>;

  /// Calls `fn` with the live entry for `key` under the shard's shared lock (copy what you need
  /// out of it there). Returns false, without calling `fn`, on a miss or an expired entry (which
  /// it then removes, as Redis does on access).
  bool read(std::string_view key, ReadFn fn);

  /// Atomic read-modify-write of one key: calls `fn` with the live entry (null when missing or
  /// expired) under the shard's exclusive lock, then applies the Mutation it returns.
  /// kTooLarge means a kStore did not happen because the entry cannot fit in the budget.
  WriteStatus update(std::string_view key, UpdateFn fn);

  /// Stores a value unconditionally (SET/PUT without options).
  WriteStatus set(std::string_view key, std::string_view value, std::int64_t expire_at_ms = 0);
  /// Removes a key; true if a live entry was removed.
  bool erase(std::string_view key);
  bool contains(std::string_view key);

  /// Removes every entry.
  void clear();
  /// Reclaims expired entries by sampling `max_checks` entries per shard, repeated while more
  /// than a quarter of a sample had expired; returns how many were removed.
  std::size_t expire_some(std::size_t max_checks);

  /// Bytes of entries and hash tables.
  std::size_t data_memory() const { return used_memory_.load(std::memory_order_relaxed); }
  /// Memory that counts against the budget: data plus the bytes of `count_in_budget`.
  std::size_t used_memory() const {
    const std::int64_t other = other_memory_ ? other_memory_->load(std::memory_order_relaxed) : 0;
    return data_memory() + static_cast<std::size_t>(other > 0 ? other : 0);
  }
  /// Makes memory the cache does not own (connection buffers) count against its budget, so
  /// that many clients or deep pipelines lead to eviction rather than past the limit.
  void count_in_budget(const std::atomic<std::int64_t>* bytes) { other_memory_ = bytes; }
  /// Evicts if usage is above the budget; for callers whose own memory just grew.
  void enforce_budget() {
    if (over_budget()) evict_across_shards(0);
  }
  std::size_t max_memory() const { return max_memory_.load(std::memory_order_relaxed); }
  /// Changes the budget at run time; evicts at once if usage is above the new one.
  void set_max_memory(std::size_t bytes);
  /// Live and not-yet-reclaimed expired entries.
  std::size_t size() const;
  CacheStats stats() const;

  std::size_t shard_count() const { return shard_count_; }
  const Clock& clock() const { return *clock_; }

 private:
  friend class Shard;
  struct Hashed {
    std::uint64_t full;
    Shard& shard;
  };
  Hashed locate(std::string_view key) const;
  /// Evicts until usage is within budget, starting with `start`'s successor shards.
  void evict_across_shards(std::size_t start);
  bool over_budget() const {
    const std::size_t limit = max_memory();
    return limit != 0 && used_memory() > limit;
  }

  std::size_t shard_count_;
  std::size_t shard_mask_;
  KeyHasher hasher_;
  const Clock* clock_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::size_t> used_memory_{0};
  std::atomic<std::size_t> max_memory_;
  const std::atomic<std::int64_t>* other_memory_ = nullptr;
};

}  // namespace respcache::storage
