#include "respcache/storage/cache.hpp"

#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <utility>

#include "respcache/storage/shard.hpp"

namespace respcache::storage {

namespace {
thread_local bool t_no_touch = false;
}  // namespace

Cache::NoTouchScope::NoTouchScope() : previous_(t_no_touch) { t_no_touch = true; }
Cache::NoTouchScope::~NoTouchScope() { t_no_touch = previous_; }
bool Cache::NoTouchScope::active() { return t_no_touch; }

Cache::Cache(const CacheOptions& options)
    : shard_count_(options.shard_count),
      shard_mask_(options.shard_count - 1),
      clock_(options.clock != nullptr ? options.clock : &SystemClock::instance()),
      eviction_policy_(options.eviction_policy),
      max_memory_(options.max_memory),
      databases_(options.databases) {
  if (shard_count_ == 0 || (shard_count_ & shard_mask_) != 0) {
    throw std::invalid_argument("shard count must be a power of two");
  }
  if (shard_count_ > kMaxShards) throw std::invalid_argument("shard count must be at most 65536");
  if (databases_ == 0 || databases_ > Entry::kMaxDatabases) {
    throw std::invalid_argument("databases must be between 1 and 128");
  }
  for (std::size_t i = 0; i < Entry::kMaxDatabases; ++i) {
    physical_[i].store(static_cast<std::uint8_t>(i), std::memory_order_relaxed);
    logical_[i].store(static_cast<std::uint8_t>(i), std::memory_order_relaxed);
  }
  std::random_device random;
  hasher_.seed = options.hash_seed != 0 ? options.hash_seed
                                        : (static_cast<std::uint64_t>(random()) << 32) ^ random();
  shards_ = std::make_unique<Shard[]>(shard_count_);
  const std::size_t per_shard = options.initial_capacity / shard_count_;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    shards_[i].init(this, hasher_, per_shard, options.eviction_samples,
                    hasher_.seed + i * 0x9E3779B97F4A7C15ULL, databases_);
  }
}

Cache::~Cache() {
  for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].clear();
}

Cache::Hashed Cache::locate(std::string_view key) const {
  const std::uint64_t hash = hasher_(key);
  // Bits 40..45 pick the shard, the low 32 bits the home slot and the top 6 bits the slot's
  // tag, so the three stay independent.
  return {hash, shards_[(hash >> 40) & shard_mask_]};
}

bool Cache::read(unsigned db, std::string_view key, ReadFn fn) {
  const Hashed h = locate(key);
  return h.shard.read(h.full, db, key, clock_->now_ms(), fn);
}

bool Cache::peek(unsigned db, std::string_view key, ReadFn fn) {
  const Hashed h = locate(key);
  return h.shard.read(h.full, db, key, clock_->now_ms(), fn, false);
}

bool Cache::contains(unsigned db, std::string_view key) {
  const Hashed h = locate(key);
  return h.shard.contains(h.full, db, key, clock_->now_ms());
}

WriteStatus Cache::update(unsigned db, std::string_view key, UpdateFn fn) {
  const Hashed h = locate(key);
  bool over_budget = false;
  const WriteStatus status = h.shard.update(h.full, db, key, clock_->now_ms(), fn, over_budget);
  if (!over_budget) return status;
  // Inside KeysAccess another shard's lock may not be taken now (see HeldShardLocks); a
  // script may take them (ScriptAccess), so it evicts as it writes.
  if (HeldShardLocks* held = t_held_locks;
      held != nullptr && held->all != this && held->extendable != this) {
    held->eviction_pending = true;
  } else {
    evict_across_shards(static_cast<std::size_t>(&h.shard - shards_.get()));
  }
  return status;
}

WriteStatus Cache::set(unsigned db, std::string_view key, std::string_view value,
                       std::int64_t expire_at_ms) {
  return update(db, key, [&](const EntryView*) { return Mutation::store(value, expire_at_ms); });
}

bool Cache::erase(unsigned db, std::string_view key) {
  bool erased = false;
  update(db, key, [&](const EntryView* current) {
    erased = current != nullptr;
    return erased ? Mutation::erase() : Mutation::keep();
  });
  return erased;
}

MoveStatus Cache::move(unsigned from, unsigned to, std::string_view key) {
  const Hashed h = locate(key);
  return h.shard.move(h.full, from, to, key, clock_->now_ms());
}

// A random shard first, then the following ones until one holds a key of `db`: uniform
// enough while keys spread evenly over the shards, which the hash sees to.
bool Cache::random_key(unsigned db, std::string& out) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const std::int64_t now = clock_->now_ms();
  const std::size_t start = rng() & shard_mask_;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    if (shards_[(start + i) & shard_mask_].random_key(db, now, out)) return true;
  }
  return false;
}

void Cache::clear_db(unsigned db) {
  for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].clear_db(db);
  avg_ttl_[physical_db(db)].store(0, std::memory_order_relaxed);
}

void Cache::swap_databases(unsigned a, unsigned b) {
  const ExclusiveAccess exclusive(*this);
  const std::uint8_t pa = physical_[a].load(std::memory_order_relaxed);
  const std::uint8_t pb = physical_[b].load(std::memory_order_relaxed);
  physical_[a].store(pb, std::memory_order_relaxed);
  physical_[b].store(pa, std::memory_order_relaxed);
  logical_[pb].store(static_cast<std::uint8_t>(a), std::memory_order_relaxed);
  logical_[pa].store(static_cast<std::uint8_t>(b), std::memory_order_relaxed);
}

std::size_t Cache::db_size(unsigned db) const {
  const unsigned physical = physical_db(db);
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) total += shards_[i].db_size(physical);
  return total;
}

std::size_t Cache::db_keys_with_expiry(unsigned db) const {
  const unsigned physical = physical_db(db);
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) total += shards_[i].db_keys_with_expiry(physical);
  return total;
}

void Cache::clear() {
  for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].clear();
  for (auto& avg : avg_ttl_) avg.store(0, std::memory_order_relaxed);
}

// Redis's adaptive active expiry: sample a shard, and sample it again at once while more
// than a quarter of the sample had expired, so that a burst of short-lived keys is reclaimed
// quickly. Each round takes the shard's lock afresh, so writers are never held up for long.
std::size_t Cache::expire_some(std::size_t max_checks) {
  constexpr std::size_t kMaxRoundsPerShard = 16;
  std::size_t removed = 0;
  const std::int64_t now = clock_->now_ms();
  TtlSamples ttls;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    if (script_running_.load(std::memory_order_acquire)) break;
    for (std::size_t round = 0; round < kMaxRoundsPerShard; ++round) {
      const std::size_t found = shards_[i].expire_some(now, max_checks, &ttls);
      removed += found;
      if (found * 4 <= max_checks) break;
    }
  }
  update_avg_ttl(ttls);
  return removed;
}

// Redis's activeExpireCycle estimate: each sweep's mean over the sampled TTLs weighs 1/50
// against the running value (the first sweep sets it), and a database with no TTL left reads
// 0. Kept per physical database, so SWAPDB carries it along as Redis swaps avg_ttl.
void Cache::update_avg_ttl(const TtlSamples& ttls) {
  for (std::size_t physical = 0; physical < databases_; ++physical) {
    std::atomic<std::int64_t>& avg = avg_ttl_[physical];
    std::size_t expiring = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      expiring += shards_[i].db_keys_with_expiry(static_cast<unsigned>(physical));
    }
    if (expiring == 0) {
      avg.store(0, std::memory_order_relaxed);
      continue;
    }
    if (ttls.count[physical] == 0) continue;
    const std::int64_t sample = ttls.sum_ms[physical] / ttls.count[physical];
    const std::int64_t old = avg.load(std::memory_order_relaxed);
    avg.store(old == 0 ? sample : old / 50 * 49 + sample / 50, std::memory_order_relaxed);
  }
}

std::uint64_t Cache::scan(unsigned db, std::uint64_t cursor, std::size_t count, VisitFn fn) {
  ScanBudget budget{count};
  return scan(db, cursor, budget, fn);
}

// Shards in turn, one lock at a time; a step that ends inside a shard (its budget spent, or
// nearly) ends the call there. A spent budget counts as one entry or byte, so every call
// moves on and 0 always means done.
std::uint64_t Cache::scan(unsigned db, std::uint64_t cursor, ScanBudget& budget, VisitFn fn) {
  if (budget.entries == 0) budget.entries = 1;
  if (budget.bytes == 0) budget.bytes = 1;
  ScanCursor at = ScanCursor::decode(cursor);
  const std::int64_t now = clock_->now_ms();
  while (at.shard < shard_count_) {
    if (budget.spent()) return at.encode();
    at.position = shards_[at.shard].scan(db, at.position, budget, now, fn);
    if (at.position < ScanCursor::kPositionEnd) return at.encode();
    at = {at.shard + 1, 0};
  }
  return 0;
}

void Cache::for_each_chunked(unsigned db, ScanBudget chunk, VisitFn fn,
                             FunctionRef<void()> chunk_done) {
  std::uint64_t cursor = 0;
  do {
    ScanBudget budget = chunk;
    budget.visited = 0;
    cursor = scan(db, cursor, budget, fn);
    chunk_done();
  } while (cursor != 0);
}

void Cache::for_each(unsigned db, VisitFn fn) {
  for_each_chunked(db, ScanBudget{kForEachChunk}, fn, [] {});
}

void Cache::set_max_memory(std::size_t bytes) {
  max_memory_.store(bytes, std::memory_order_relaxed);
  if (over_budget()) evict_across_shards(0);
}

void Cache::set_eviction_policy(EvictionPolicy policy) {
  eviction_policy_.store(policy, std::memory_order_relaxed);
  if (over_budget()) evict_across_shards(0);
}

bool Cache::out_of_memory() const {
  if (!over_budget()) return false;
  const EvictionPolicy policy = eviction_policy();
  if (policy == EvictionPolicy::kNoEviction) return true;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    if ((evicts_only_volatile(policy) ? shard.keys_with_expiry() : shard.size()) > 0) return false;
  }
  return true;
}

bool Cache::evictable_elsewhere(const Shard& except, EvictionPolicy policy) const {
  if (policy == EvictionPolicy::kNoEviction) return false;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    if (&shard == &except) continue;
    if ((evicts_only_volatile(policy) ? shard.keys_with_expiry() : shard.size()) > 0) return true;
  }
  return false;
}

// One victim per shard per round, so a large overshoot (a lowered budget, or a write whose own
// shard had nothing left) is taken evenly from every shard, approximating a global LRU.
void Cache::evict_across_shards(std::size_t start) {
  if (eviction_policy() == EvictionPolicy::kNoEviction) return;  // no shard lock for nothing
  while (over_budget()) {
    bool evicted = false;
    for (std::size_t i = 1; i <= shard_count_ && over_budget(); ++i) {
      evicted |= shards_[(start + i) & shard_mask_].evict_one();
    }
    if (!evicted) return;  // nothing left that may go
  }
}

std::size_t Cache::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) total += shards_[i].size();
  return total;
}

CacheStats Cache::stats() const {
  CacheStats s;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const Shard& shard = shards_[i];
    s.keys += shard.size();
    s.keys_with_expiry += shard.keys_with_expiry();
    s.evicted_keys += shard.evicted();
    s.expired_keys += shard.expired();
  }
  s.used_memory = used_memory();
  s.data_memory = data_memory();
  s.max_memory = max_memory();
  return s;
}

namespace {
// Records what a KeysAccess or ScriptAccess holds (the shards of `mask`, or all of them when
// there are more than 64) as the thread's HeldShardLocks.
void hold(HeldShardLocks& held, const Cache* cache, const ShardMutex* first_mutex, bool fits_mask,
          std::uint64_t mask) {
  if (fits_mask) {
    held.mask = mask;
    held.first_mutex = reinterpret_cast<const char*>(first_mutex);
    held.stride = sizeof(Shard);
  } else {
    held.all = cache;
  }
  t_held_locks = &held;
}
}  // namespace

// Takes the exclusive locks of the shards in `mask` (every shard when `all`) in index order,
// the order every multi-shard holder uses, so that two of them never wait for each other.
// While a script waits for a shard out of that order (lock_out_of_order), a thread here that
// waits holding some lets them all go and starts again. On CacheBusy nothing stays locked.
void Cache::lock_in_order(bool all, std::uint64_t mask) {
  const auto wanted = [&](std::size_t i) { return all || (mask >> i & 1U) != 0; };
  const auto unlock_first = [&](std::size_t count) {
    while (count-- > 0) {
      if (wanted(count)) shards_[count].mutex_.unlock();
    }
  };
  while (true) {
    std::size_t locked = 0;
    bool holding = false;
    bool again = false;
    try {
      for (; locked < shard_count_; ++locked) {
        if (!wanted(locked)) continue;
        if (!detail::lock_in_order(shards_[locked].mutex_, holding)) {
          again = true;
          break;
        }
        holding = true;
      }
      if (!again) return;
      unlock_first(locked);
      detail::wait_out_of_order_waiters();
    } catch (const CacheBusy&) {
      unlock_first(locked);
      throw;
    }
  }
}

void Cache::unlock_all(const HeldShardLocks& held) {
  for (std::size_t i = shard_count_; i-- > 0;) {
    if (held.all != nullptr || (held.mask >> i & 1U) != 0) shards_[i].mutex_.unlock();
  }
}

std::uint64_t Cache::shard_mask_of(std::span<const std::string_view> keys, std::size_t step) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < keys.size(); i += step) {
    mask |= std::uint64_t{1} << static_cast<std::size_t>(&locate(keys[i]).shard - shards_.get());
  }
  return mask;
}

// Inside ScriptAccess a nested access takes what the script does not hold yet, out of order,
// and keeps it to the script's end.
bool Cache::extend_script_access(bool all, std::uint64_t mask) {
  HeldShardLocks* held = t_held_locks;
  if (held == nullptr || held->extendable != this) return false;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    if ((all || (mask >> i & 1U) != 0) && (held->mask >> i & 1U) == 0) {
      held->extend(shards_[i].mutex_);
    }
  }
  return true;
}

Cache::ExclusiveAccess::ExclusiveAccess(Cache& cache) : cache_(nullptr) {
  if (t_held_locks != nullptr && t_held_locks->all == &cache) return;  // nested
  if (cache.extend_script_access(true, 0)) return;
  cache.lock_in_order(true, 0);
  cache_ = &cache;
  held_.all = cache_;
  t_held_locks = &held_;
}

Cache::ExclusiveAccess::~ExclusiveAccess() {
  if (cache_ == nullptr) return;
  t_held_locks = nullptr;
  cache_->unlock_all(held_);
}

Cache::KeysAccess::KeysAccess(Cache& cache, std::span<const std::string_view> keys,
                              std::size_t step)
    : cache_(nullptr) {
  // Inside ExclusiveAccess everything is held already.
  if (t_held_locks != nullptr && t_held_locks->all == &cache) return;
  const bool fits_mask = cache.shard_count_ <= 64;
  const std::uint64_t mask = fits_mask ? cache.shard_mask_of(keys, step) : 0;
  if (cache.extend_script_access(!fits_mask, mask)) return;
  cache.lock_in_order(!fits_mask, mask);
  cache_ = &cache;
  hold(held_, &cache, &cache.shards_[0].mutex_, fits_mask, mask);
}

Cache::KeysAccess::~KeysAccess() {
  if (cache_ == nullptr) return;
  t_held_locks = nullptr;
  cache_->unlock_all(held_);
  if (held_.eviction_pending) cache_->enforce_budget();
}

namespace {
constexpr int kGateSpins = 256;

// Waits for the gate as a shard lock is waited for: giving up (CacheBusy) when the script
// that has it goes busy. Polled under ThreadSanitizer, as timed_try_lock explains.
void lock_script_gate(std::timed_mutex& gate) {
  // Scripts are short (a few microseconds) and come back to back from both threads: spinning
  // that long first is cheaper than the futex sleep and wake-up that waiting costs.
  for (int spin = 0; spin < kGateSpins; ++spin) {
    if (gate.try_lock()) return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  const BusyCheck* check = t_busy_check;
  if (check == nullptr) return gate.lock();
  while (true) {
#if defined(__SANITIZE_THREAD__)
    const auto deadline = std::chrono::steady_clock::now() + detail::kBusyPoll;
    while (std::chrono::steady_clock::now() < deadline) {
      if (gate.try_lock()) return;
      std::this_thread::yield();
    }
#else
    if (gate.try_lock_for(detail::kBusyPoll)) return;
#endif
    if (check->give_up()) throw CacheBusy();
  }
}
}  // namespace

// Scripts run one at a time (the gate), as in Redis, and each holds only its declared keys'
// shards to begin with: a script on other keys does not stop plain commands, and costs one
// lock rather than one per shard. Being alone lets it take any other shard it touches out of
// order (HeldShardLocks::extend) without a deadlock.
Cache::ScriptAccess::ScriptAccess(Cache& cache, std::span<const std::string_view> keys)
    : cache_(nullptr) {
  if (t_held_locks != nullptr && t_held_locks->all == &cache) return;  // inside EXEC
  lock_script_gate(cache.script_gate_);
  cache.script_running_.store(true, std::memory_order_release);
  const bool fits_mask = cache.shard_count_ <= 64;
  const std::uint64_t mask = fits_mask ? cache.shard_mask_of(keys, 1) : 0;
  try {
    cache.lock_in_order(!fits_mask, mask);
  } catch (const CacheBusy&) {
    cache.script_running_.store(false, std::memory_order_release);
    cache.script_gate_.unlock();
    throw;
  }
  cache_ = &cache;
  hold(held_, &cache, &cache.shards_[0].mutex_, fits_mask, mask);
  if (fits_mask) held_.extendable = &cache;
}

Cache::ScriptAccess::~ScriptAccess() {
  if (cache_ == nullptr) return;
  t_held_locks = nullptr;
  cache_->unlock_all(held_);
  cache_->script_running_.store(false, std::memory_order_release);
  cache_->script_gate_.unlock();
  if (held_.eviction_pending) cache_->enforce_budget();
}

}  // namespace respcache::storage
