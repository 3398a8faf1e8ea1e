#include "respcache/storage/shard.hpp"

#include <algorithm>
#include <mutex>
#include <string>

namespace respcache::storage {

namespace {
// Steps of a resize in progress the active expiry sweep takes per shard per call (ten calls a
// second): at most 1,024 entries re-hashed, tens of microseconds under the exclusive lock.
constexpr std::size_t kMigrateStepsPerSweep = 1024;
}  // namespace

void Shard::init(Cache* cache, KeyHasher hasher, std::size_t initial_keys,
                 std::size_t eviction_samples, std::uint64_t rng_seed, std::size_t databases) {
  cache_ = cache;
  eviction_samples_ = eviction_samples == 0 ? 1 : eviction_samples;
  rng_.seed(static_cast<std::minstd_rand::result_type>(rng_seed % 2147483646U + 1));
  per_db_ = std::make_unique<DbCounts[]>(databases);
  table_.reset(hasher, initial_keys);
  sync_index_bytes();
}

Entry* Shard::find(std::uint64_t hash, unsigned db, std::string_view key,
                   std::uint64_t& hashed) const {
  const unsigned physical = cache_->physical_db(db);
  hashed = KeyHasher::for_db(hash, physical);
  return table_.find(hashed, physical, key);
}

bool Shard::read(std::uint64_t hash, unsigned db, std::string_view key, std::int64_t now_ms,
                 Cache::ReadFn fn, bool touch) {
  SharedShardLock lock(mutex_, cache_);
  std::uint64_t hashed = 0;
  Entry* entry = find(hash, db, key, hashed);
  if (entry == nullptr) return false;
  if (entry->expired_at(now_ms)) {
    lock.unlock();
    reclaim_if_expired(hash, db, key, now_ms);
    return false;
  }
  // Record the access without dirtying the line when the stamp did not change (the same
  // clock tick, and no LFU increment).
  if (touch && !Cache::NoTouchScope::active()) {
    const std::uint32_t stamp = entry->access_tick.load(std::memory_order_relaxed);
    const std::uint32_t touched =
        access_stamp::touched(cache_->eviction_policy(), stamp, lru_clock(now_ms));
    if (touched != stamp) entry->access_tick.store(touched, std::memory_order_relaxed);
  }
  fn(EntryView{entry->key(), entry->value(), entry->expire_at_ms(), entry});
  return true;
}

bool Shard::contains(std::uint64_t hash, unsigned db, std::string_view key, std::int64_t now_ms) {
  SharedShardLock lock(mutex_, cache_);
  std::uint64_t hashed = 0;
  const Entry* entry = find(hash, db, key, hashed);
  if (entry == nullptr) return false;
  if (entry->expired_at(now_ms)) {
    lock.unlock();
    reclaim_if_expired(hash, db, key, now_ms);
    return false;
  }
  return true;
}

// A reader that finds an expired entry cannot remove it under the shared lock, so it comes
// back here with the exclusive one, as Redis deletes expired keys on access. Rare by nature:
// only the first access after expiry pays.
void Shard::reclaim_if_expired(std::uint64_t hash, unsigned db, std::string_view key,
                               std::int64_t now_ms) {
  ExclusiveShardLock lock(mutex_, cache_);
  std::uint64_t hashed = 0;
  Entry* entry = find(hash, db, key, hashed);
  if (entry == nullptr || !entry->expired_at(now_ms)) return;
  unlink(hashed, entry);
  Entry::destroy(entry);
  expired_.fetch_add(1, std::memory_order_relaxed);
}

WriteStatus Shard::update(std::uint64_t raw_hash, unsigned db, std::string_view key,
                          std::int64_t now_ms, Cache::UpdateFn fn, bool& over_budget) {
  ExclusiveShardLock lock(mutex_, cache_);
  std::uint64_t hash = 0;
  Entry* current = find(raw_hash, db, key, hash);
  if (current != nullptr && current->expired_at(now_ms)) {
    unlink(hash, current);
    Entry::destroy(current);
    expired_.fetch_add(1, std::memory_order_relaxed);
    current = nullptr;
  }

  EntryView view{};
  if (current != nullptr) {
    view = {current->key(), current->value(), current->expire_at_ms(), current};
  }
  const Mutation mutation = fn(current != nullptr ? &view : nullptr);

  switch (mutation.kind) {
    case Mutation::Kind::kKeep:
      // A keep may still re-encode the value (Redis's SETBIT that changes no bit makes the
      // string raw without a change anyone is told of).
      if (current != nullptr && mutation.encoding != ValueEncoding::kAsSet) {
        current->set_encoding(mutation.encoding);
      }
      return WriteStatus::kOk;
    case Mutation::Kind::kErase:
      if (current != nullptr) {
        unlink(hash, current);
        Entry::destroy(current);
      }
      return WriteStatus::kOk;
    case Mutation::Kind::kStore:
      break;
  }

  const std::size_t limit = cache_->max_memory();
  const std::size_t bytes = Entry::bytes_for(
      key.size(), mutation.head.size() + mutation.tail.size(), mutation.expire_at_ms != 0);
  if (limit != 0 && bytes > limit) return WriteStatus::kTooLarge;

  // An overwrite counts as an access; Redis keeps a key's LFU counter across SET too.
  const std::uint32_t now_clock = lru_clock(now_ms);
  const std::uint32_t stamp =
      current != nullptr
          ? access_stamp::touched(cache_->eviction_policy(),
                                  current->access_tick.load(std::memory_order_relaxed), now_clock)
          : access_stamp::fresh(now_clock);
  const ValueEncoding encoding =
      mutation.keeps_encoding && current != nullptr ? current->encoding() : mutation.encoding;
  if (current != nullptr) {
    const bool had_expiry = current->has_expiry();
    if (current->assign_in_place(mutation.head, mutation.tail, mutation.expire_at_ms, encoding)) {
      notify(current);
      current->access_tick.store(stamp, std::memory_order_relaxed);
      if (had_expiry != current->has_expiry()) count_expiry(current, had_expiry ? -1 : 1);
      return WriteStatus::kOk;  // same allocation, so used memory is unchanged
    }
  }
  // The mutation's value may point into `current`, so build the new entry before freeing it.
  Entry* fresh = Entry::create(cache_->physical_db(db), key, mutation.head, mutation.tail,
                               mutation.expire_at_ms, stamp, encoding);
  if (fresh == nullptr) return WriteStatus::kTooLarge;
  if (limit != 0 && !make_room(fresh, current, now_ms)) {
    Entry::destroy(fresh);  // nothing this policy may evict: refused, nothing changed
    return WriteStatus::kOutOfMemory;
  }
  if (!link(hash, fresh, current)) {
    Entry::destroy(fresh);  // the table could not take it (no memory to grow); nothing changed
    return WriteStatus::kTooLarge;
  }
  if (current != nullptr) Entry::destroy(current);

  over_budget = cache_->over_budget() && !evict_locked(fresh);
  return WriteStatus::kOk;
}

void Shard::clear() {
  ExclusiveShardLock lock(mutex_, cache_);
  clear_locked();
}

void Shard::clear_locked() {
  std::size_t freed = 0;
  table_.clear([this, &freed](Entry* entry) {
    notify(entry);
    freed += entry->footprint();
    Entry::destroy(entry);
  });
  sub_used(freed);
  count_.store(0, std::memory_order_relaxed);
  with_expiry_.store(0, std::memory_order_relaxed);
  for (std::size_t i = 0; i < cache_->databases(); ++i) {
    per_db_[i].keys.store(0, std::memory_order_relaxed);
    per_db_[i].with_expiry.store(0, std::memory_order_relaxed);
  }
  sync_index_bytes();
}

// One database: nothing to do when the shard holds none of it, the whole-table clear when it
// holds nothing else, else one pass over the table that unlinks its entries.
void Shard::clear_db(unsigned db) {
  ExclusiveShardLock lock(mutex_, cache_);
  const unsigned physical = cache_->physical_db(db);
  const std::size_t keys = db_size(physical);
  if (keys == 0) return;
  if (keys == size()) return clear_locked();
  std::size_t freed = 0;
  std::size_t removed = 0;
  std::size_t with_expiry = 0;
  table_.erase_if([physical](const Entry* entry) { return entry->db() == physical; },
                  [&](Entry* entry) {
                    notify(entry);
                    freed += entry->footprint();
                    ++removed;
                    with_expiry += entry->has_expiry() ? 1 : 0;
                    Entry::destroy(entry);
                  });
  sub_used(freed);
  count_.fetch_sub(removed, std::memory_order_relaxed);
  with_expiry_.fetch_sub(with_expiry, std::memory_order_relaxed);
  per_db_[physical].keys.store(0, std::memory_order_relaxed);
  per_db_[physical].with_expiry.store(0, std::memory_order_relaxed);
  sync_index_bytes();
}

MoveStatus Shard::move(std::uint64_t hash, unsigned from, unsigned to, std::string_view key,
                       std::int64_t now_ms) {
  if (from == to) return MoveStatus::kTargetExists;
  ExclusiveShardLock lock(mutex_, cache_);
  std::uint64_t source_hash = 0;
  std::uint64_t target_hash = 0;
  Entry* source = find(hash, from, key, source_hash);
  Entry* target = find(hash, to, key, target_hash);
  for (Entry** entry : {&source, &target}) {
    if (*entry == nullptr || !(*entry)->expired_at(now_ms)) continue;
    unlink(*entry == source ? source_hash : target_hash, *entry);
    Entry::destroy(*entry);
    expired_.fetch_add(1, std::memory_order_relaxed);
    *entry = nullptr;
  }
  if (source == nullptr) return MoveStatus::kNoSource;
  if (target != nullptr) return MoveStatus::kTargetExists;
  unlink(source_hash, source);
  source->set_db(cache_->physical_db(to));
  if (link(target_hash, source, nullptr)) return MoveStatus::kMoved;
  // The table could not take it (no memory to grow): put it back where it was.
  source->set_db(cache_->physical_db(from));
  if (!link(source_hash, source, nullptr)) Entry::destroy(source);
  return MoveStatus::kNoSource;
}

bool Shard::random_key(unsigned db, std::int64_t now_ms, std::string& out) {
  constexpr int kSamples = 64;
  ExclusiveShardLock lock(mutex_, cache_);  // the sampler's generator is the shard's
  const unsigned physical = cache_->physical_db(db);
  for (int i = 0; i < kSamples && db_size(physical) > 0; ++i) {
    Entry* entry = table_.sample(rng_);
    if (entry == nullptr) return false;
    if (entry->db() != physical) continue;
    if (entry->expired_at(now_ms)) {
      unlink(table_.hash_of(entry), entry);
      Entry::destroy(entry);
      expired_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    out.assign(entry->key());
    return true;
  }
  if (db_size(physical) == 0) return false;
  // The database is sparse here: the first live entry of it from a random position on.
  const std::uint64_t start = rng_() % ScanCursor::kPositionEnd;
  bool found = false;
  for (std::uint64_t from : {start, std::uint64_t{0}}) {
    ScanBudget budget{SIZE_MAX};
    table_.scan(from, budget, [&](const Entry* entry) {
      if (found || entry->db() != physical || entry->expired_at(now_ms)) return;
      out.assign(entry->key());
      found = true;
    });
    if (found) return true;
  }
  return false;
}

std::size_t Shard::expire_some(std::int64_t now_ms, std::size_t max_checks, TtlSamples* ttls) {
  ExclusiveShardLock lock(mutex_, cache_);
  std::size_t removed = 0;
  if (table_.resizing()) {
    table_.migrate_some(kMigrateStepsPerSweep);
    sync_index_bytes();
  }
  if (with_expiry_.load(std::memory_order_relaxed) == 0) return 0;
  for (std::size_t i = 0; i < max_checks; ++i) {
    Entry* entry = table_.sample(rng_);
    if (entry == nullptr) break;
    if (entry->expired_at(now_ms)) {
      unlink(table_.hash_of(entry), entry);
      Entry::destroy(entry);
      ++removed;
    } else if (ttls != nullptr && entry->has_expiry()) {
      ttls->add(entry->db(), entry->expire_at_ms() - now_ms);
    }
  }
  expired_.fetch_add(removed, std::memory_order_relaxed);
  return removed;
}

// A shard that holds other databases' entries too walks more than the budget, up to
// kMaxScanScale entries per entry of it, in proportion to how few of its entries are `db`'s:
// a step then passes about as many of `db`'s keys as the budget says, however the databases
// share the table, while the work under the lock stays bounded. The caller's budget is
// charged what was walked divided by the same factor. (Bytes are charged in full.)
std::uint64_t Shard::scan(unsigned db, std::uint64_t from, ScanBudget& budget, std::int64_t now_ms,
                          Cache::VisitFn fn) const {
  constexpr std::size_t kMaxScanScale = 16;
  SharedShardLock lock(mutex_, cache_);
  const unsigned physical = cache_->physical_db(db);
  const std::size_t mine = db_size(physical);
  if (mine == 0) return ScanCursor::kPositionEnd;
  auto visit = [physical, now_ms, fn](const Entry* entry) {
    if (entry->db() != physical || entry->expired_at(now_ms)) return;
    fn(EntryView{entry->key(), entry->value(), entry->expire_at_ms(), entry});
  };
  const std::size_t scale = std::min(kMaxScanScale, (size() + mine - 1) / mine);
  if (scale <= 1) return table_.scan(from, budget, visit);
  ScanBudget scaled = budget;
  scaled.entries = budget.entries > SIZE_MAX / scale ? SIZE_MAX : budget.entries * scale;
  const std::uint64_t next = table_.scan(from, scaled, visit);
  const std::size_t walked = scaled.visited - budget.visited;
  budget.entries -= std::min(budget.entries, (walked + scale - 1) / scale);
  budget.bytes = scaled.bytes;
  budget.visited = scaled.visited;
  return next;
}

bool Shard::evict_one() {
  ExclusiveShardLock lock(mutex_, cache_);
  const std::int64_t now_ms = cache_->clock().now_ms();
  Entry* victim = pick_victim(nullptr, now_ms);
  if (victim == nullptr) return false;
  remove_victim(victim, now_ms);
  return true;
}

void Shard::remove_victim(Entry* victim, std::int64_t now_ms) {
  const bool was_expired = victim->expired_at(now_ms);
  unlink(table_.hash_of(victim), victim);
  Entry::destroy(victim);
  (was_expired ? expired_ : evicted_).fetch_add(1, std::memory_order_relaxed);
}

bool Shard::link(std::uint64_t hash, Entry* fresh, Entry* replaced) {
  notify(fresh);
  if (replaced != nullptr) {
    if (!table_.replace(hash, replaced, fresh)) return false;
    sub_used(replaced->footprint());
    if (replaced->has_expiry()) count_expiry(replaced, -1);
  } else {
    const bool inserted = table_.insert(hash, fresh);
    sync_index_bytes();  // the insert may have started or finished a resize either way
    if (!inserted) return false;
    count_.fetch_add(1, std::memory_order_relaxed);
    per_db_[fresh->db()].keys.fetch_add(1, std::memory_order_relaxed);
  }
  add_used(fresh->footprint());
  if (fresh->has_expiry()) count_expiry(fresh, 1);
  return true;
}

void Shard::count_expiry(const Entry* entry, int delta) {
  const auto d = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(delta));
  with_expiry_.fetch_add(d, std::memory_order_relaxed);
  per_db_[entry->db()].with_expiry.fetch_add(d, std::memory_order_relaxed);
}

void Shard::notify(const Entry* entry) const {
  if (KeyObserver* observer = cache_->active_observer()) {
    observer->key_changed(cache_->logical_db(entry->db()), entry->key());
  }
}

void Shard::unlink(std::uint64_t hash, Entry* entry) {
  notify(entry);
  table_.remove(hash, entry);
  count_.fetch_sub(1, std::memory_order_relaxed);
  per_db_[entry->db()].keys.fetch_sub(1, std::memory_order_relaxed);
  sub_used(entry->footprint());
  if (entry->has_expiry()) count_expiry(entry, -1);
  sync_index_bytes();
}

bool Shard::evict_locked(const Entry* keep) {
  const std::int64_t now_ms = cache_->clock().now_ms();
  while (cache_->over_budget()) {
    Entry* victim = pick_victim(keep, now_ms);
    if (victim == nullptr) return false;
    remove_victim(victim, now_ms);
  }
  return true;
}

// Room is made before the write, so that a write that cannot fit changes nothing: Redis
// refuses such a command with -OOM, and noeviction must refuse one that would go over.
// Evicts just enough for the growth, never `current` (about to be replaced). When this shard
// has nothing more that may go, another shard's counters decide: if one holds an eligible
// entry the write goes ahead and Cache::update evicts there (no two shard locks at once), so
// a race with writers elsewhere can leave usage over by about one entry, which the next write
// corrects. The growth of the hash table's own array, if the insert triggers one, is not
// foreseen. When the caller admits commands itself (Cache::admit_over_budget), a write with
// nothing left to evict goes ahead over the budget, as an admitted command does in Redis.
bool Shard::make_room(const Entry* fresh, const Entry* current, std::int64_t now_ms) {
  const std::size_t limit = cache_->max_memory();
  const std::size_t gained = current != nullptr ? current->footprint() : 0;
  const std::size_t needed = fresh->footprint();
  if (needed <= gained) return true;  // no growth: never refused
  const std::size_t growth = needed - gained;
  while (cache_->used_memory() + growth > limit) {
    Entry* victim = pick_victim(current, now_ms);
    if (victim == nullptr) {
      return cache_->evictable_elsewhere(*this, cache_->eviction_policy()) ||
             cache_->admits_over_budget();
    }
    remove_victim(victim, now_ms);
  }
  return true;
}

// The policy's best of `eviction_samples_` random eligible entries (Redis's maxmemory-samples).
// An expired entry is taken at once, since dropping it loses nothing. The volatile policies
// see only entries with a TTL; since the table samples all entries, they probe more when TTLs
// are few (up to kMaxProbes), and a shard whose TTL keys are rarer than about 1 in 64 may find
// none and report nothing to evict.
Entry* Shard::pick_victim(const Entry* keep, std::int64_t now_ms) {
  constexpr std::size_t kMaxProbes = 1024;
  const VictimRanker ranker(cache_->eviction_policy(), now_ms);
  if (!ranker.evicts()) return nullptr;
  const std::size_t present = table_.size();
  std::size_t eligible =
      ranker.volatile_only() ? with_expiry_.load(std::memory_order_relaxed) : present;
  if (keep != nullptr && ranker.eligible(*keep) && eligible > 0) --eligible;
  if (eligible == 0) return nullptr;
  const std::size_t spread = (present + eligible - 1) / eligible;
  const std::size_t probes =
      std::min(2 * eviction_samples_ * spread, std::max(kMaxProbes, 2 * eviction_samples_));
  Entry* best = nullptr;
  std::uint64_t best_score = 0;
  std::size_t compared = 0;
  for (std::size_t probe = 0; probe < probes && compared < eviction_samples_; ++probe) {
    Entry* candidate = table_.sample(rng_);
    if (candidate == nullptr) break;
    if (candidate == keep || !ranker.eligible(*candidate)) continue;
    if (candidate->expired_at(now_ms) || ranker.takes_first()) return candidate;
    const std::uint64_t score = ranker.score(*candidate);
    if (best == nullptr || score > best_score) {
      best = candidate;
      best_score = score;
    }
    ++compared;
  }
  return best;
}

void Shard::sync_index_bytes() {
  const std::size_t bytes = table_.index_bytes();
  if (bytes > accounted_index_bytes_) add_used(bytes - accounted_index_bytes_);
  if (bytes < accounted_index_bytes_) sub_used(accounted_index_bytes_ - bytes);
  accounted_index_bytes_ = bytes;
}

void Shard::add_used(std::size_t bytes) {
  cache_->used_memory_.fetch_add(bytes, std::memory_order_relaxed);
}

void Shard::sub_used(std::size_t bytes) {
  cache_->used_memory_.fetch_sub(bytes, std::memory_order_relaxed);
}

}  // namespace respcache::storage
