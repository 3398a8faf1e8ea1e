#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <random>
#include <shared_mutex>
#include <string_view>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/eviction_policy.hpp"
#include "respcache/storage/hash_table.hpp"
#include "respcache/storage/shard_lock.hpp"

namespace respcache::storage {

/// One lock's worth of the cache: a hash table, its counters and its eviction sampler.
/// Cache routes each key to one shard by the top bits of its hash. Every public method takes
/// the shard's lock itself; see Cache for the locking and memory rules.
class alignas(64) Shard {
 public:
  Shard() = default;
  void init(Cache* cache, KeyHasher hasher, std::size_t initial_keys, std::size_t eviction_samples,
            std::uint64_t rng_seed);

  /// Both remove the entry if they find it expired (taking the exclusive lock to do so).
  bool read(std::uint64_t hash, std::string_view key, std::int64_t now_ms, Cache::ReadFn fn);
  bool contains(std::uint64_t hash, std::string_view key, std::int64_t now_ms);
  /// Applies fn's mutation. Returns kOk, kTooLarge, or kOutOfMemory (a store that would go
  /// over the budget with nothing the policy may evict, here or by the counters elsewhere), and
  /// sets `over_budget` when the cache is still above its budget after evicting everything
  /// this shard could.
  WriteStatus update(std::uint64_t hash, std::string_view key, std::int64_t now_ms,
                     Cache::UpdateFn fn, bool& over_budget);
  void clear();
  /// Also moves a bounded part of a hash-table resize in progress, so that one left
  /// unfinished when writes stop (after a bulk load) does not keep both arrays for good.
  std::size_t expire_some(std::int64_t now_ms, std::size_t max_checks);
  /// One step of Cache::scan in this shard, under the shared lock: HashTable::scan from
  /// position `from`, passing `fn` the entries not expired at `now_ms`.
  std::uint64_t scan(std::uint64_t from, ScanBudget& budget, std::int64_t now_ms,
                     Cache::VisitFn fn) const;
  /// Takes the lock and evicts the policy's choice of a sample; false if none could go.
  bool evict_one();

  std::size_t size() const { return count_.load(std::memory_order_relaxed); }
  std::uint64_t keys_with_expiry() const { return with_expiry_.load(std::memory_order_relaxed); }
  std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }
  std::uint64_t expired() const { return expired_.load(std::memory_order_relaxed); }

 private:
  void reclaim_if_expired(std::uint64_t hash, std::string_view key, std::int64_t now_ms);
  // All of these require the exclusive lock.
  bool link(std::uint64_t hash, Entry* fresh, Entry* replaced);
  void unlink(std::uint64_t hash, Entry* entry);
  bool evict_locked(const Entry* keep);
  /// Tells the cache's key observer, if one is active, that `key` changed.
  void notify(std::string_view key) const;
  bool make_room(const Entry* fresh, const Entry* current, std::int64_t now_ms);
  void remove_victim(Entry* victim, std::int64_t now_ms);
  Entry* pick_victim(const Entry* keep, std::int64_t now_ms);
  void sync_index_bytes();
  void add_used(std::size_t bytes);
  void sub_used(std::size_t bytes);

  friend class Cache;  // ExclusiveAccess takes every shard's mutex
  mutable ShardMutex mutex_;
  Cache* cache_ = nullptr;
  HashTable table_;
  std::size_t accounted_index_bytes_ = 0;
  std::size_t eviction_samples_ = 8;
  std::minstd_rand rng_;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::uint64_t> with_expiry_{0};
  std::atomic<std::uint64_t> evicted_{0};
  std::atomic<std::uint64_t> expired_{0};
};

}  // namespace respcache::storage
