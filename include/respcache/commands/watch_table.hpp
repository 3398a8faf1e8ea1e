#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "respcache/storage/cache.hpp"

namespace respcache::commands {

class WatchTable;

/// The keys one client WATCHes, and whether any of them changed since. Owned by the client's
/// state; its destructor takes the keys out of the table, so a closed client leaves nothing
/// behind.
class WatchedKeys {
 public:
  explicit WatchedKeys(WatchTable& table) : table_(table) {}
  ~WatchedKeys();
  WatchedKeys(const WatchedKeys&) = delete;
  WatchedKeys& operator=(const WatchedKeys&) = delete;

  /// A watched key was written, deleted, expired, evicted or flushed.
  bool dirty() const { return dirty_.load(std::memory_order_acquire); }
  bool empty() const { return keys_.empty(); }
  /// Each key with whether it held a live value when watched (see WatchTable::expired_since).
  struct Key {
    std::string name;
    unsigned db;
    bool existed;
  };
  const std::vector<Key>& keys() const { return keys_; }
  std::vector<Key>& keys() { return keys_; }

 private:
  friend class WatchTable;
  WatchTable& table_;
  std::vector<Key> keys_;
  std::atomic<bool> dirty_{false};
};

/// Redis's watched_keys: which clients watch which key, so that a change to the key marks
/// them. It observes the cache (storage::KeyObserver), which tells it of every change under
/// the key's shard lock; with no key watched anywhere the cache does not call it at all.
///
/// Keys are per database: the same name watched in two databases is two entries.
///
/// Memory: 33 bytes plus the key per watched key and client, counted in `used_memory`
/// through the meter given at construction. At most kMaxWatchedKeys keys may be watched
/// across all clients; WATCH past that is refused.
///
/// Locking: one mutex. The cache calls key_changed with a shard lock held, and the table
/// never calls into the cache while holding its own mutex, so the order is always shard,
/// then table.
class WatchTable final : public storage::KeyObserver {
 public:
  WatchTable(storage::Cache& cache, std::atomic<std::int64_t>& memory_meter);
  ~WatchTable();

  /// What watch() did.
  enum class WatchResult { kAdded, kAlreadyWatched, kFull };
  /// Adds `key` of database `db` to `client`'s watched keys; on kAdded `*added` is its new
  /// record, whose `existed` the caller sets once registered (so no change can fall between
  /// the look and the watch). A key the client watches already is left as it is (Redis's
  /// watchForKey): a change since its first WATCH has marked the client already. Constant time
  /// per key (the key's own watchers are searched, not the client's keys), so WATCH of n keys
  /// is linear.
  WatchResult watch(WatchedKeys& client, unsigned db, std::string_view key,
                    WatchedKeys::Key** added);
  /// Forgets every key `client` watches and clears its dirty mark.
  void unwatch(WatchedKeys& client);

  void key_changed(unsigned db, std::string_view key) override;

  /// Every key watched in database `a` or `b`, once each: what SWAPDB must look at (it
  /// marks them with key_changed where the key exists in either).
  std::vector<std::pair<unsigned, std::string>> watched_in(unsigned a, unsigned b);

  static constexpr std::size_t kMaxWatchedKeys = 1 << 20;

 private:
  std::size_t footprint(std::string_view key) const { return 33 + key.size(); }
  /// The map's key: the database as one byte, then the key.
  static std::string slot_name(unsigned db, std::string_view key);

  storage::Cache& cache_;
  std::atomic<std::int64_t>& memory_meter_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<WatchedKeys*>> watchers_;
  std::size_t entries_ = 0;
};

}  // namespace respcache::commands
