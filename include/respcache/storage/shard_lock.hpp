#pragma once

#include <chrono>
#include <exception>
#include <shared_mutex>

namespace respcache::storage {

class Cache;

/// A shard's lock. Timed, so that a thread waiting behind a long-running script can give up
/// (see BusyCheck); uncontended, it costs what std::shared_mutex costs (both are a
/// pthread_rwlock).
using ShardMutex = std::shared_timed_mutex;

/// The Cache whose every shard lock the calling thread holds (Cache::ExclusiveAccess), or
/// null. Shard operations on that cache then skip their own locking: the thread already
/// excludes everyone else.
inline thread_local const Cache* t_exclusive_cache = nullptr;

/// Lets a thread that waits for a shard lock stop waiting: when a script has held the whole
/// cache past busy-reply-threshold, the command layer answers -BUSY instead of waiting for it
/// to end. A thread that sets none (the maintenance thread) waits as long as it takes.
class BusyCheck {
 public:
  /// Whether to stop waiting now.
  virtual bool give_up() const = 0;

 protected:
  ~BusyCheck() = default;
};
inline thread_local const BusyCheck* t_busy_check = nullptr;

/// Thrown by a lock acquisition that gave up (BusyCheck), before anything was changed.
struct CacheBusy : std::exception {
  const char* what() const noexcept override { return "cache busy"; }
};

namespace detail {
constexpr auto kBusyPoll = std::chrono::milliseconds(2);

template <bool kExclusive>
bool try_lock(ShardMutex& mutex) {
  if constexpr (kExclusive) {
    return mutex.try_lock();
  } else {
    return mutex.try_lock_shared();
  }
}

// The contended path: wait, checking every few milliseconds whether to give up.
template <bool kExclusive>
void lock_slowly(ShardMutex& mutex) {
  const BusyCheck* check = t_busy_check;
  if (check == nullptr) {
    if constexpr (kExclusive) {
      mutex.lock();
    } else {
      mutex.lock_shared();
    }
    return;
  }
  while (true) {
    if constexpr (kExclusive) {
      if (mutex.try_lock_for(kBusyPoll)) return;
    } else {
      if (mutex.try_lock_shared_for(kBusyPoll)) return;
    }
    if (check->give_up()) throw CacheBusy();
  }
}
}  // namespace detail

/// Locks `mutex` (exclusively or shared), waiting as BusyCheck allows.
template <bool kExclusive>
void lock_shard(ShardMutex& mutex) {
  if (!detail::try_lock<kExclusive>(mutex)) detail::lock_slowly<kExclusive>(mutex);
}

/// std::shared_lock / std::unique_lock for a shard's mutex, except that they lock nothing on
/// a thread inside ExclusiveAccess of the shard's cache. Costs the plain path one
/// thread-local compare.
template <bool kExclusive>
class ShardGuard {
 public:
  ShardGuard(ShardMutex& mutex, const Cache* cache)
      : mutex_(t_exclusive_cache == cache ? nullptr : &mutex) {
    if (mutex_ != nullptr) lock_shard<kExclusive>(*mutex_);
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
  ShardMutex* mutex_;
};

using SharedShardLock = ShardGuard<false>;
using ExclusiveShardLock = ShardGuard<true>;

}  // namespace respcache::storage
