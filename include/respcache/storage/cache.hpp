#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "respcache/storage/clock.hpp"
#include "respcache/storage/entry.hpp"
#include "respcache/storage/eviction_policy.hpp"
#include "respcache/storage/function_ref.hpp"
#include "respcache/storage/key_hasher.hpp"
#include "respcache/storage/scan_cursor.hpp"
#include "respcache/storage/shard_lock.hpp"

namespace respcache::storage {

struct CacheOptions {
  /// Number of independently locked shards; a power of two.
  std::size_t shard_count = 64;
  /// Budget in bytes for entries and hash tables. Nothing is evicted below it. 0: no limit.
  std::size_t max_memory = 0;
  /// Keys the hash tables are sized for at start-up, across all shards.
  std::size_t initial_capacity = 1 << 20;
  /// Entries compared per eviction (like Redis's maxmemory-samples).
  std::size_t eviction_samples = 8;
  /// Which entries go when a write takes usage over max_memory (Redis's maxmemory-policy).
  EvictionPolicy eviction_policy = EvictionPolicy::kAllKeysLru;
  /// Time source for expiry; null means the system clock.
  const Clock* clock = nullptr;
  /// Hash seed; 0 picks a random one, so clients cannot aim keys at one slot.
  std::uint64_t hash_seed = 0;
  /// Independent keyspaces (Redis's databases), 1 to Entry::kMaxDatabases.
  std::size_t databases = 16;
};

/// What a callback sees of a live entry. Valid only during the callback.
struct EntryView {
  std::string_view key;
  std::string_view value;
  std::int64_t expire_at_ms;  ///< 0: no expiry
  /// The entry itself, for what the view does not carry (access stamp, footprint).
  const Entry* entry = nullptr;
};

/// The decision an update callback returns.
struct Mutation {
  enum class Kind { kKeep, kStore, kErase };
  Kind kind = Kind::kKeep;
  /// The new value is head followed by tail (tail lets APPEND avoid a temporary).
  std::string_view head;
  std::string_view tail;
  std::int64_t expire_at_ms = 0;
  /// How Redis would encode the stored value (OBJECT ENCODING); `keeps_encoding` takes the
  /// current entry's instead (EXPIRE, PERSIST: Redis keeps the object as it is). On a kKeep,
  /// an encoding other than kAsSet re-encodes the current value, telling no observer.
  ValueEncoding encoding = ValueEncoding::kAsSet;
  bool keeps_encoding = false;

  Mutation encoded(ValueEncoding how) const {
    Mutation m = *this;
    m.encoding = how;
    return m;
  }
  Mutation keeping_encoding() const {
    Mutation m = *this;
    m.keeps_encoding = true;
    return m;
  }

  static Mutation keep() { return {}; }
  static Mutation erase() { return {Kind::kErase, {}, {}, 0}; }
  static Mutation store(std::string_view value, std::int64_t expire_at_ms) {
    return {Kind::kStore, value, {}, expire_at_ms};
  }
  static Mutation store(std::string_view head, std::string_view tail, std::int64_t expire_at_ms) {
    return {Kind::kStore, head, tail, expire_at_ms};
  }
};

/// What Cache::move did.
enum class MoveStatus { kMoved, kNoSource, kTargetExists };

enum class WriteStatus {
  kOk,
  kTooLarge,     ///< the entry alone is larger than the memory budget
  kOutOfMemory,  ///< the write would go over the budget and the policy may evict nothing
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
struct TtlSamples;

/// Told of every change to a key: stored, overwritten, deleted, expired, evicted, moved or
/// flushed. Called with the key's shard lock held (exclusively), so it must not call into the
/// cache; `key` is valid during the call only; `db` is the logical database. WATCH uses it,
/// and client-side caching will.
class KeyObserver {
 public:
  virtual void key_changed(unsigned db, std::string_view key) = 0;

 protected:
  ~KeyObserver() = default;
};

/// The key-value store: `shard_count` shards, each a hash table behind a ShardMutex (a timed
/// rwlock). It knows nothing of RESP or HTTP.
///
/// Locking: reads take the shard's shared lock only, and record recency with a relaxed atomic
/// store, so concurrent GETs of one shard never serialise. Writes take the exclusive lock of
/// the key's shard. No call holds two shard locks at once; ExclusiveAccess (all) and
/// PairAccess (two) hold several for a caller, always taken in shard order.
///
/// Databases: every key belongs to one of `databases()` logical databases. An entry carries a
/// physical index (7 bits of its header, so they cost no memory); a map, changed only under
/// every lock, says which physical database each logical one is, which makes SWAPDB O(1).
/// A key's shard and slot tag do not depend on its database; its table position does (see
/// KeyHasher::for_db). One memory budget and one eviction sampler cover all databases.
///
/// Memory: `used_memory()` is the sum of entry footprints and hash-table slot arrays, each as
/// the allocator's usable size plus its chunk header. A write that would exceed the budget first
/// evicts what its EvictionPolicy picks from a sample, in the written shard first and then in
/// the others; with nothing left that the policy may evict (noeviction, or volatile-* without
/// keys with a TTL) it is refused with kOutOfMemory and changes nothing, while reads go on
/// (unless the caller admits commands itself: see admit_over_budget).
///
/// Expiry: an expired entry is never returned; writes and the active sweep reclaim it.
class Cache {
 public:
  /// Holds every shard's lock exclusively, taken in shard order (so two of them never
  /// deadlock), for as long as it lives: whatever the owning thread does to the cache meanwhile
  /// is atomic to every other thread (MULTI/EXEC, scripts). On the owning thread cache calls
  /// skip their own locking; it must not be held across anything that waits for another
  /// thread's cache access. Not reentrant on one thread for the same cache (a nested one is
  /// a no-op).
  class ExclusiveAccess {
   public:
    explicit ExclusiveAccess(Cache& cache);
    ~ExclusiveAccess();
    ExclusiveAccess(const ExclusiveAccess&) = delete;
    ExclusiveAccess& operator=(const ExclusiveAccess&) = delete;

   private:
    Cache* cache_;  // null when nested
    HeldShardLocks held_;
  };

  /// Holds, exclusively, the locks of the shards of some keys (each shard once), taken in
  /// index order like every multi-lock here, for as long as it lives: whatever the owning
  /// thread does to those keys meanwhile is atomic to every other thread (MGET, MSET, DEL of
  /// several keys; RENAME, COPY). Cache calls on the owning thread skip locking those shards;
  /// eviction in other shards, when a write leaves the cache over budget, waits for the
  /// destructor (after the locks go), so that no thread waits for another lock while holding
  /// some. With more than 64 shards it holds them all. Inside ExclusiveAccess it is a no-op;
  /// it must not be nested in another KeysAccess, nor hold an ExclusiveAccess inside it, nor
  /// touch keys it was not given.
  class KeysAccess {
   public:
    KeysAccess(Cache& cache, std::span<const std::string_view> keys, std::size_t step = 1);
    ~KeysAccess();
    KeysAccess(const KeysAccess&) = delete;
    KeysAccess& operator=(const KeysAccess&) = delete;

   private:
    Cache* cache_;  // null when inside ExclusiveAccess
    HeldShardLocks held_;
  };

  /// What a script (EVAL, FCALL) holds while it runs: the gate that lets one script run at a
  /// time, then the locks of its declared keys' shards, in index order. A shard of another
  /// key it touches is locked on first touch and held to the end (taken out of order, which
  /// only the gate's holder may do: see lock_out_of_order), so the script is atomic to every
  /// other thread whichever keys it touches, while commands on shards it never touches go on.
  /// Nested accesses inside it (a multi-key command, FLUSHALL) take what they need the same
  /// way. Inside ExclusiveAccess (a script in EXEC) it is a no-op.
  class ScriptAccess {
   public:
    ScriptAccess(Cache& cache, std::span<const std::string_view> keys);
    ~ScriptAccess();
    ScriptAccess(const ScriptAccess&) = delete;
    ScriptAccess& operator=(const ScriptAccess&) = delete;

   private:
    Cache* cache_;  // null when inside ExclusiveAccess
    HeldShardLocks held_;
  };

  /// KeysAccess of two keys.
  class PairAccess {
   public:
    PairAccess(Cache& cache, std::string_view a, std::string_view b)
        : keys_{a, b}, access_(cache, keys_) {}

   private:
    std::string_view keys_[2];
    KeysAccess access_;
  };

  /// CLIENT NO-TOUCH: while one lives on a thread, that thread's reads leave the entries'
  /// access stamps (LRU clock, LFU counter) as they were. A thread-local flag, read once per
  /// read; callers make one only for clients that asked, so other reads pay that load alone.
  class NoTouchScope {
   public:
    NoTouchScope();
    ~NoTouchScope();
    NoTouchScope(const NoTouchScope&) = delete;
    NoTouchScope& operator=(const NoTouchScope&) = delete;
    static bool active();

   private:
    bool previous_;
  };

  explicit Cache(const CacheOptions& options);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  using ReadFn = FunctionRef<void(const EntryView&)>;
  using UpdateFn = FunctionRef<Mutation(const EntryView*)>;

  // Key operations name a logical database, 0 to databases() - 1 (the caller checks the
  // range); the forms without one are database 0. A key's shard and its hash's shard bits do
  // not depend on its database, so one key in several databases shares one shard lock.

  /// Calls `fn` with the live entry for `key` under the shard's shared lock (copy what you need
  /// out of it there). Returns false, without calling `fn`, on a miss or an expired entry (which
  /// it then removes, as Redis does on access).
  bool read(unsigned db, std::string_view key, ReadFn fn);
  bool read(std::string_view key, ReadFn fn) { return read(0, key, fn); }
  /// read() without recording an access (OBJECT, MEMORY USAGE: Redis's LOOKUP_NOTOUCH).
  bool peek(unsigned db, std::string_view key, ReadFn fn);

  /// Atomic read-modify-write of one key: calls `fn` with the live entry (null when missing or
  /// expired) under the shard's exclusive lock, then applies the Mutation it returns.
  /// kTooLarge means a kStore did not happen because the entry cannot fit in the budget.
  WriteStatus update(unsigned db, std::string_view key, UpdateFn fn);
  WriteStatus update(std::string_view key, UpdateFn fn) { return update(0, key, fn); }

  /// Stores a value unconditionally (SET/PUT without options).
  WriteStatus set(unsigned db, std::string_view key, std::string_view value,
                  std::int64_t expire_at_ms = 0);
  WriteStatus set(std::string_view key, std::string_view value, std::int64_t expire_at_ms = 0) {
    return set(0, key, value, expire_at_ms);
  }
  /// Removes a key; true if a live entry was removed.
  bool erase(unsigned db, std::string_view key);
  bool erase(std::string_view key) { return erase(0, key); }
  bool contains(unsigned db, std::string_view key);
  bool contains(std::string_view key) { return contains(0, key); }

  /// MOVE: the key's entry goes from database `from` to `to` as it is (value, TTL, access
  /// stamp; no copy), under its one shard lock. kNoSource: no live key in `from`;
  /// kTargetExists: `to` has one (or from == to).
  MoveStatus move(unsigned from, unsigned to, std::string_view key);
  /// A random live key of `db` into `out` (RANDOMKEY); false when the database is empty.
  bool random_key(unsigned db, std::string& out);

  /// Removes every entry of every database (FLUSHALL).
  void clear();
  /// Removes every entry of one database (FLUSHDB), shard by shard.
  void clear_db(unsigned db);
  /// SWAPDB: databases `a` and `b` trade contents in O(1), by swapping their entries in the
  /// logical-to-physical map under every shard lock (ExclusiveAccess, taken here unless the
  /// caller holds it). Entries keep the physical index they carry.
  void swap_databases(unsigned a, unsigned b);

  std::size_t databases() const { return databases_; }
  /// Keys of one logical database (live and not yet reclaimed expired ones), and of those the
  /// keys with a TTL: sums of per-shard counters, for DBSIZE and INFO keyspace.
  std::size_t db_size(unsigned db) const;
  std::size_t db_keys_with_expiry(unsigned db) const;
  /// INFO keyspace's avg_ttl: Redis's estimate of the mean TTL left (ms) of one database's
  /// keys with a TTL, from what the expiry sweeps sample; 0 until one has, and without TTLs.
  std::int64_t db_avg_ttl(unsigned db) const {
    return avg_ttl_[physical_db(db)].load(std::memory_order_relaxed);
  }

  /// The physical database a logical one is stored as, and back. Stable while any shard lock
  /// is held (the map changes only under all of them).
  unsigned physical_db(unsigned db) const { return physical_[db].load(std::memory_order_relaxed); }
  unsigned logical_db(unsigned physical) const {
    return logical_[physical].load(std::memory_order_relaxed);
  }

  /// The one observer of key changes (null: none). Set before clients run.
  void set_key_observer(KeyObserver* observer) { observer_ = observer; }
  /// Turns the observer's calls on or off; off, a write pays one atomic load for it.
  void observe_keys(bool on) { observing_.store(on, std::memory_order_seq_cst); }
  /// The observer, when observing is on; called by shards on every change.
  KeyObserver* active_observer() const {
    return observing_.load(std::memory_order_seq_cst) ? observer_ : nullptr;
  }
  /// Reclaims expired entries by sampling `max_checks` entries per shard, repeated while more
  /// than a quarter of a sample had expired; returns how many were removed. Not while a
  /// script runs: as in Redis, a key alive at its start stays there for it, even one it has
  /// not touched yet (its clock is frozen at the start; see ScriptAccess).
  std::size_t expire_some(std::size_t max_checks);

  using VisitFn = FunctionRef<void(const EntryView&)>;

  /// One step of a cursor scan, SCAN's engine: pass 0 to start and each returned cursor back;
  /// 0 returned means done. Walks at most `count` entries (0 counts as 1; more only when one
  /// hash position holds more, see HashTable::scan), crossing into the next shards while
  /// budget remains, and calls `fn` for the live ones. `fn` runs under the shard's shared lock:
  /// it must copy out what it needs and must not call back into the cache (a write to the same
  /// shard would deadlock). Expired entries count toward `count` but are not passed.
  ///
  /// The guarantee, Redis's and more: a key present from the first call to the last is passed
  /// exactly once, one added or removed in between at most once, whatever the writes, evictions
  /// and table resizes between steps. Why: the cursor is a point in hash space (ScanCursor), a
  /// key's point never changes, and each step reads a range of it whole under the lock (see
  /// HashTable::scan). No snapshot: each key is seen as it was when its step ran. A cursor the
  /// cache never returned is no error: it decodes to some point and the scan goes on from there
  /// (past the last shard: done at once).
  ///
  /// Only entries of database `db` are passed. A shard that holds none of `db` is skipped at
  /// once; one shared with other databases is walked faster, up to 16 entries per unit of
  /// `count` in proportion to how few of its entries are `db`'s (see Shard::scan), so a step
  /// in a small database beside a large one passes about `count` keys, and fewer only where
  /// its keys are rarer than 1 in 16.
  std::uint64_t scan(unsigned db, std::uint64_t cursor, std::size_t count, VisitFn fn);
  std::uint64_t scan(std::uint64_t cursor, std::size_t count, VisitFn fn) {
    return scan(0, cursor, count, fn);
  }
  /// The same with a budget of entries and bytes (see ScanBudget), taken from `budget`; a
  /// spent one counts as one entry or byte.
  std::uint64_t scan(unsigned db, std::uint64_t cursor, ScanBudget& budget, VisitFn fn);
  std::uint64_t scan(std::uint64_t cursor, ScanBudget& budget, VisitFn fn) {
    return scan(0, cursor, budget, fn);
  }

  /// Visits every live entry, shard by shard, holding a shard's shared lock only while one
  /// chunk (at most `chunk` in entries and bytes walked; see scan for the one exception) goes
  /// through `fn`; `chunk_done` then runs with no lock held (where a snapshot writer flushes)
  /// and the walk resumes where it stopped. Consistent per key, not point-in-time across keys:
  /// a key present throughout is visited exactly once, as it was when its chunk was read, one
  /// written during the walk at most once. `fn` has scan's rules.
  void for_each_chunked(unsigned db, ScanBudget chunk, VisitFn fn, FunctionRef<void()> chunk_done);
  void for_each_chunked(ScanBudget chunk, VisitFn fn, FunctionRef<void()> chunk_done) {
    for_each_chunked(0, chunk, fn, chunk_done);
  }
  /// for_each_chunked in chunks of kForEachChunk entries, with nothing between them.
  void for_each(unsigned db, VisitFn fn);
  void for_each(VisitFn fn) { for_each(0, fn); }
  static constexpr std::size_t kForEachChunk = 1024;
  /// Scan cursors keep bits 48..63 free (ScanCursor), so shard counts stay below this.
  static constexpr std::size_t kMaxShards = std::size_t{1} << 16;

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
  /// Usage is above the budget and the policy may evict nothing (noeviction, or a volatile
  /// policy and no key with a TTL): where Redis's performEvictions fails and denyoom commands
  /// are refused. While something may go, writes make their own room as they store.
  bool out_of_memory() const;
  /// Admission by the caller, as Redis does it: when on, a write the policy can make no room
  /// for goes ahead and takes usage over the budget instead of being refused with
  /// kOutOfMemory, because the caller refuses every command that may grow memory while usage
  /// is over it (commands::Service, Redis's denyoom rule). A command admitted under the
  /// budget then runs whole, as in Redis, and the ones after it are refused up front; the
  /// overshoot is bounded by what one command per thread can write. Off by default: the
  /// cache alone never goes over.
  void admit_over_budget(bool on) { admit_over_budget_.store(on, std::memory_order_relaxed); }
  bool admits_over_budget() const { return admit_over_budget_.load(std::memory_order_relaxed); }
  std::size_t max_memory() const { return max_memory_.load(std::memory_order_relaxed); }
  /// Changes the budget at run time; evicts at once if usage is above the new one.
  void set_max_memory(std::size_t bytes);
  /// Changes the policy at run time, from any thread; evicts at once if usage is above the
  /// budget and the new policy may. Entries keep their access stamps, which every policy
  /// reads the same way (eviction_policy.hpp), so nothing is converted.
  void set_eviction_policy(EvictionPolicy policy);
  EvictionPolicy eviction_policy() const {
    return eviction_policy_.load(std::memory_order_relaxed);
  }
  /// Live and not-yet-reclaimed expired entries, of every database.
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
  void lock_in_order(bool all, std::uint64_t mask);
  void unlock_all(const HeldShardLocks& held);
  std::uint64_t shard_mask_of(std::span<const std::string_view> keys, std::size_t step);
  bool extend_script_access(bool all, std::uint64_t mask);
  bool over_budget() const {
    const std::size_t limit = max_memory();
    return limit != 0 && used_memory() > limit;
  }
  /// Whether a shard other than `except` holds an entry `policy` may evict, by the shards'
  /// counters (no lock: a hint that a concurrent write may just have made stale).
  bool evictable_elsewhere(const Shard& except, EvictionPolicy policy) const;
  void update_avg_ttl(const TtlSamples& ttls);

  std::size_t shard_count_;
  std::size_t shard_mask_;
  KeyHasher hasher_;
  const Clock* clock_;
  std::atomic<EvictionPolicy> eviction_policy_;
  std::unique_ptr<Shard[]> shards_;
  std::timed_mutex script_gate_;  // ScriptAccess: one script at a time
  std::atomic<bool> script_running_{false};
  std::atomic<std::size_t> used_memory_{0};
  std::atomic<std::size_t> max_memory_;
  const std::atomic<std::int64_t>* other_memory_ = nullptr;
  KeyObserver* observer_ = nullptr;
  std::atomic<bool> observing_{false};
  std::atomic<bool> admit_over_budget_{false};
  std::size_t databases_;
  // The database map: written only under every shard lock (swap_databases), read under one.
  // Atomic so that lock-free readers (db_size) are well defined too.
  std::atomic<std::uint8_t> physical_[Entry::kMaxDatabases];
  std::atomic<std::uint8_t> logical_[Entry::kMaxDatabases];
  std::atomic<std::int64_t> avg_ttl_[Entry::kMaxDatabases] = {};  // by physical database
};

}  // namespace respcache::storage
