#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/eviction_policy.hpp"
#include "respcache/storage/hash_table.hpp"
#include "respcache/storage/shard_lock.hpp"

namespace respcache::storage {

/// Sums of sampled TTLs per physical database, for Cache's avg_ttl estimate.
struct TtlSamples {
  std::int64_t sum_ms[Entry::kMaxDatabases] = {};
  std::uint32_t count[Entry::kMaxDatabases] = {};
  void add(unsigned db, std::int64_t ttl_ms) {
    sum_ms[db] += ttl_ms;
    ++count[db];
  }
};

/// One lock's worth of the cache: a hash table, its counters and its eviction sampler.
/// Cache routes each key to one shard by the top bits of its hash. Every public method takes
/// the shard's lock itself; see Cache for the locking and memory rules.
class alignas(64) Shard {
 public:
  Shard() = default;
  void init(Cache* cache, KeyHasher hasher, std::size_t initial_keys, std::size_t eviction_samples,
            std::uint64_t rng_seed, std::size_t databases);

  /// `db` is always a logical database (what a client selected); the shard maps it to the
  /// physical one its entries carry under its own lock, so SWAPDB (which changes the map
  /// under every lock) is atomic to it. `hash` is the key's hash, before the database is
  /// mixed in (KeyHasher::for_db).
  ///
  /// Both remove the entry if they find it expired (taking the exclusive lock to do so).
  /// `touch`: record the access (false for OBJECT and the like, Redis's LOOKUP_NOTOUCH).
  bool read(std::uint64_t hash, unsigned db, std::string_view key, std::int64_t now_ms,
            Cache::ReadFn fn, bool touch = true);
  bool contains(std::uint64_t hash, unsigned db, std::string_view key, std::int64_t now_ms);
  /// Applies fn's mutation. Returns kOk, kTooLarge, or kOutOfMemory (a store that would go
  /// over the budget with nothing the policy may evict, here or by the counters elsewhere), and
  /// sets `over_budget` when the cache is still above its budget after evicting everything
  /// this shard could.
  WriteStatus update(std::uint64_t hash, unsigned db, std::string_view key, std::int64_t now_ms,
                     Cache::UpdateFn fn, bool& over_budget);
  /// Moves a key to another database in place (same entry, same shard: a key's shard does
  /// not depend on its database).
  MoveStatus move(std::uint64_t hash, unsigned from, unsigned to, std::string_view key,
                  std::int64_t now_ms);
  /// Every database (FLUSHALL), or one.
  void clear();
  void clear_db(unsigned db);
  /// Also moves a bounded part of a hash-table resize in progress, so that one left
  /// unfinished when writes stop (after a bulk load) does not keep both arrays for good.
  /// The TTLs left of the live entries with one that the sweep sampled, per physical
  /// database, when `ttls` is given (what INFO's avg_ttl is estimated from).
  std::size_t expire_some(std::int64_t now_ms, std::size_t max_checks, TtlSamples* ttls = nullptr);
  /// One step of Cache::scan in this shard, under the shared lock: HashTable::scan from
  /// position `from`, passing `fn` the entries of `db` not expired at `now_ms`. A shard
  /// without an entry of `db` is done at once.
  std::uint64_t scan(unsigned db, std::uint64_t from, ScanBudget& budget, std::int64_t now_ms,
                     Cache::VisitFn fn) const;
  /// A random live key of `db` into `out`; false when the shard holds none.
  bool random_key(unsigned db, std::int64_t now_ms, std::string& out);
  /// Takes the lock and evicts the policy's choice of a sample; false if none could go.
  bool evict_one();

  std::size_t size() const { return count_.load(std::memory_order_relaxed); }
  std::uint64_t keys_with_expiry() const { return with_expiry_.load(std::memory_order_relaxed); }
  /// Keys (live or not yet reclaimed) and keys with a TTL of one physical database.
  std::size_t db_size(unsigned physical) const {
    return per_db_[physical].keys.load(std::memory_order_relaxed);
  }
  std::size_t db_keys_with_expiry(unsigned physical) const {
    return per_db_[physical].with_expiry.load(std::memory_order_relaxed);
  }
  std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }
  std::uint64_t expired() const { return expired_.load(std::memory_order_relaxed); }

 private:
  struct DbCounts {
    std::atomic<std::size_t> keys{0};
    std::atomic<std::size_t> with_expiry{0};
  };
  /// The entry of `key` in logical database `db`, and the hash it sits under. Needs a lock.
  Entry* find(std::uint64_t hash, unsigned db, std::string_view key, std::uint64_t& hashed) const;
  void reclaim_if_expired(std::uint64_t hash, unsigned db, std::string_view key,
                          std::int64_t now_ms);
  void count_expiry(const Entry* entry, int delta);
  void clear_locked();
  // All of these require the exclusive lock.
  bool link(std::uint64_t hash, Entry* fresh, Entry* replaced);
  void unlink(std::uint64_t hash, Entry* entry);
  bool evict_locked(const Entry* keep);
  /// Tells the cache's key observer, if one is active, that `key` changed.
  void notify(const Entry* entry) const;
  bool make_room(const Entry* fresh, const Entry* current, std::int64_t now_ms);
  void remove_victim(Entry* victim, std::int64_t now_ms);
  Entry* pick_victim(const Entry* keep, std::int64_t now_ms);
  void sync_index_bytes();
  void add_used(std::size_t bytes);
  void sub_used(std::size_t bytes);

  friend class Cache;  // ExclusiveAccess and PairAccess take shards' mutexes
  mutable ShardMutex mutex_;
  Cache* cache_ = nullptr;
  HashTable table_;
  std::size_t accounted_index_bytes_ = 0;
  std::size_t eviction_samples_ = 8;
  std::minstd_rand rng_;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::uint64_t> with_expiry_{0};
  std::unique_ptr<DbCounts[]> per_db_;  // indexed by physical database
  std::atomic<std::uint64_t> evicted_{0};
  std::atomic<std::uint64_t> expired_{0};
};

}  // namespace respcache::storage
