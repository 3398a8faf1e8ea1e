#pragma once

#include <shared_mutex>

namespace respcache::storage {

class Cache;

/// The Cache whose every shard lock the calling thread holds (Cache::ExclusiveAccess), or
/// null. Shard operations on that cache then skip their own locking: the thread already
/// excludes everyone else.
inline thread_local const Cache* t_exclusive_cache = nullptr;

/// std::shared_lock / std::unique_lock for a shard's mutex, except that they lock nothing on
/// a thread inside ExclusiveAccess of the shard's cache. Costs the plain path one
/// thread-local compare.
template <bool kExclusive>
class ShardGuard {
 public:
  ShardGuard(std::shared_mutex& mutex, const Cache* cache)
      : mutex_(t_exclusive_cache == cache ? nullptr : &mutex) {
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
