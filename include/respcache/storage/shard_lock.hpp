#pragma once

#include <atomic>
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

inline void lock_out_of_order(ShardMutex& mutex);

/// The shard locks the calling thread holds through Cache::ExclusiveAccess (every shard of
/// `all`), Cache::KeysAccess or Cache::ScriptAccess (the shards whose index bits are set in
/// `mask`, of the cache whose first shard mutex is `first_mutex`, shards `stride` bytes
/// apart). Shard operations skip their own locking for those: the thread already excludes
/// everyone else there.
struct HeldShardLocks {
  const Cache* all = nullptr;
  std::uint64_t mask = 0;
  const char* first_mutex = nullptr;
  std::size_t stride = 0;
  /// Set by ScriptAccess: a shard the thread touches and does not hold is locked and added
  /// to `mask` (extend()) rather than locked for one operation, so that a script stays
  /// atomic whatever keys it touches, declared or not.
  const Cache* extendable = nullptr;
  /// Set by a write inside a KeysAccess that left the cache over budget: evicting in other
  /// shards would take another lock while holding some, so KeysAccess does it once released.
  bool eviction_pending = false;

  std::size_t index_of(const ShardMutex& mutex) const {
    const auto offset = reinterpret_cast<const char*>(&mutex) - first_mutex;
    return offset < 0 ? 64 : static_cast<std::size_t>(offset) / stride;
  }
  bool holds(const ShardMutex& mutex) const {
    if (mask == 0) return false;
    const std::size_t index = index_of(mutex);
    return index < 64 && (mask >> index & 1U) != 0;
  }
  /// Locks `mutex` (one of the extendable cache's shards) until the holder ends.
  void extend(ShardMutex& mutex) {
    lock_out_of_order(mutex);
    mask |= std::uint64_t{1} << index_of(mutex);
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

/// Whether the calling thread is inside ExclusiveAccess, KeysAccess or ScriptAccess (an EXEC,
/// a script, a multi-key command runs on it).
inline bool in_atomic_section() { return t_held_locks != nullptr; }

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

/// Threads waiting in lock_out_of_order. While there are any, a thread that is taking several
/// shard locks in index order and waits for one while holding others lets them go and starts
/// again (lock_in_order), so that the out-of-order waiter cannot deadlock with it.
inline std::atomic<int> g_out_of_order_waiters{0};

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

/// Locks `mutex` exclusively, as one of several taken in index order: false, with nothing
/// locked, when the caller must release the ones it holds and start again (`holding`: it
/// holds some, and a thread waits out of order). Throws CacheBusy as lock_shard does.
inline bool lock_in_order(ShardMutex& mutex, bool holding) {
  if (mutex.try_lock()) return true;
  const BusyCheck* check = t_busy_check;
  if (!holding && check == nullptr) {
    mutex.lock();
    return true;
  }
  while (true) {
    if (timed_try_lock<true>(mutex)) return true;
    if (check != nullptr && check->give_up()) throw CacheBusy();
    if (holding && g_out_of_order_waiters.load(std::memory_order_acquire) > 0) return false;
  }
}

/// After lock_in_order said to start again: waits for the out-of-order waiters to be served.
inline void wait_out_of_order_waiters() {
  const BusyCheck* check = t_busy_check;
  while (g_out_of_order_waiters.load(std::memory_order_acquire) > 0) {
    if (check != nullptr && check->give_up()) throw CacheBusy();
    std::this_thread::yield();
  }
}
}  // namespace detail

/// Locks `mutex` exclusively while the thread holds other shards' locks, whatever their
/// order: for the one thread that may do so at a time (a script, under Cache's script gate).
/// Deadlock-free because every other holder of several shards either runs to its end without
/// waiting for more, or is still taking them in order and backs off (lock_in_order).
inline void lock_out_of_order(ShardMutex& mutex) {
  if (mutex.try_lock()) return;
  detail::g_out_of_order_waiters.fetch_add(1, std::memory_order_acq_rel);
  while (!detail::timed_try_lock<true>(mutex)) {
  }
  detail::g_out_of_order_waiters.fetch_sub(1, std::memory_order_acq_rel);
}

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
    if (mutex_ == nullptr) return;
    if (HeldShardLocks* held = t_held_locks; held != nullptr && held->extendable == cache) {
      held->extend(mutex);  // a script's undeclared key: held from now to the script's end
      mutex_ = nullptr;
      return;
    }
    lock_shard<kExclusive>(*mutex_);
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
