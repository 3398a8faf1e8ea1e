#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <shared_mutex>
#include <thread>

namespace respcache::storage {

class Cache;

/// A shard's lock. Timed, so that a thread waiting behind a long-running script can give up
/// (see BusyCheck); uncontended, it costs what std::shared_mutex costs (both are a
/// pthread_rwlock).
using ShardMutex = std::shared_timed_mutex;

/// The shard locks the calling thread holds through Cache::ExclusiveAccess (every shard of
/// `all`) or Cache::KeysAccess (the shards whose index bits are set in `mask`, of the cache
/// whose first shard mutex is `first_mutex`, shards `stride` bytes apart). Shard operations
/// skip their own locking for those: the thread already excludes everyone else there.
struct HeldShardLocks {
  const Cache* all = nullptr;
  std::uint64_t mask = 0;
  const char* first_mutex = nullptr;
  std::size_t stride = 0;
  /// Set by a write inside a KeysAccess that left the cache over budget: evicting in other
  /// shards would take another lock while holding some, so KeysAccess does it once released.
  bool eviction_pending = false;

  bool holds(const ShardMutex& mutex) const {
    if (mask == 0) return false;
    const auto offset = reinterpret_cast<const char*>(&mutex) - first_mutex;
    if (offset < 0) return false;
    const auto index = static_cast<std::size_t>(offset) / stride;
    return index < 64 && (mask >> index & 1U) != 0;
  }
};

/// Null unless the thread is inside ExclusiveAccess or KeysAccess: the plain path pays one
/// thread-local compare for both.
inline thread_local HeldShardLocks* t_held_locks = nullptr;

/// Whether the calling thread already holds `mutex` of `cache` exclusively.
inline bool held_by_this_thread(const ShardMutex& mutex, const Cache* cache) {
  const HeldShardLocks* held = t_held_locks;
  return held != nullptr && (held->all == cache || held->holds(mutex));
}

/// Whether the calling thread holds every shard of some cache (a script or an EXEC runs).
inline bool holds_whole_cache() { return t_held_locks != nullptr && t_held_locks->all != nullptr; }

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

// Waits up to kBusyPoll for the lock. Under ThreadSanitizer it polls try_lock instead:
// libstdc++'s timed locks use pthread_rwlock_clockwrlock, which GCC 12's TSan does not
// intercept, so it would not see the lock taken and would report races on everything the
// lock protects.
template <bool kExclusive>
bool timed_try_lock(ShardMutex& mutex) {
#if defined(__SANITIZE_THREAD__)
  const auto deadline = std::chrono::steady_clock::now() + kBusyPoll;
  while (std::chrono::steady_clock::now() < deadline) {
    if (try_lock<kExclusive>(mutex)) return true;
    std::this_thread::yield();
  }
  return false;
#else
  if constexpr (kExclusive) {
    return mutex.try_lock_for(kBusyPoll);
  } else {
    return mutex.try_lock_shared_for(kBusyPoll);
  }
#endif
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
    if (timed_try_lock<kExclusive>(mutex)) return;
    if (check->give_up()) throw CacheBusy();
  }
}
}  // namespace detail

/// Locks `mutex` (exclusively or shared), waiting as BusyCheck allows.
template <bool kExclusive>
void lock_shard(ShardMutex& mutex) {
  if (!detail::try_lock<kExclusive>(mutex)) detail::lock_slowly<kExclusive>(mutex);
}

/// std::shared_lock / std::unique_lock for a shard's mutex, except that they lock nothing
/// where the thread holds the lock already (held_by_this_thread).
template <bool kExclusive>
class ShardGuard {
 public:
  ShardGuard(ShardMutex& mutex, const Cache* cache)
      : mutex_(held_by_this_thread(mutex, cache) ? nullptr : &mutex) {
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
