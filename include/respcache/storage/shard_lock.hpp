#pragma once

#include <shared_mutex>

namespace respcache::storage {

class Cache;

/// The shard locks the calling thread holds through Cache::ExclusiveAccess (every shard of
/// `all`) or Cache::PairAccess (the one or two mutexes in `some`). Shard operations skip their
/// own locking for those: the thread already excludes everyone else there.
struct HeldShardLocks {
  const Cache* all = nullptr;
  const std::shared_mutex* some[2] = {nullptr, nullptr};
  /// Set by a write inside a PairAccess that left the cache over budget: evicting in other
  /// shards would take a third lock while holding two, so PairAccess does it once released.
  bool eviction_pending = false;
};

/// Null unless the thread is inside ExclusiveAccess or PairAccess: the plain path pays one
/// thread-local compare for both.
inline thread_local HeldShardLocks* t_held_locks = nullptr;

/// Whether the calling thread already holds `mutex` of `cache` exclusively.
inline bool held_by_this_thread(const std::shared_mutex& mutex, const Cache* cache) {
  const HeldShardLocks* held = t_held_locks;
  return held != nullptr &&
         (held->all == cache || held->some[0] == &mutex || held->some[1] == &mutex);
}

/// std::shared_lock / std::unique_lock for a shard's mutex, except that they lock nothing
/// where the thread holds the lock already (held_by_this_thread).
template <bool kExclusive>
class ShardGuard {
 public:
  ShardGuard(std::shared_mutex& mutex, const Cache* cache)
      : mutex_(held_by_this_thread(mutex, cache) ? nullptr : &mutex) {
    if (mutex_ == nullptr) return;
    if constexpr (kExclusive) {
      mutex_->lock();
    } else {
      mutex_->lock_shared();
    }
  }
  ~ShardGuard() { unlock(); }
  ShardGuard(const ShardGuard&) = delete;
  ShardGuard& operator=(const ShardGuard&) = delete;

  void unlock() {
    if (mutex_ == nullptr) return;
    if constexpr (kExclusive) {
      mutex_->unlock();
    } else {
      mutex_->unlock_shared();
    }
    mutex_ = nullptr;
  }

 private:
  std::shared_mutex* mutex_;
};

using SharedShardLock = ShardGuard<false>;
using ExclusiveShardLock = ShardGuard<true>;

}  // namespace respcache::storage
