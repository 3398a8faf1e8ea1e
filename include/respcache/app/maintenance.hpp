#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "respcache/core/server_core.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::app {

/// The cache's and the server's upkeep, every 100 ms on a thread of its own: refresh the
/// coarse clock, sample operations per second, reclaim expired keys (active expiry), and
/// evict when connection buffers alone took usage past the budget. Resizes of hash tables
/// advance here too (expire_some moves them on). None of it is the network's business, so
/// the app owns it rather than the server.
class Maintenance {
 public:
  Maintenance(core::ServerCore& core, storage::Cache& cache);
  ~Maintenance();  ///< stops and joins the thread
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  /// One round of upkeep, as the thread runs it; for tests.
  void run_once();

  static constexpr auto kInterval = std::chrono::milliseconds(100);
  /// Entries sampled per shard by each active-expiry pass.
  static constexpr std::size_t kExpirySamplesPerShard = 20;

 private:
  void loop();

  core::ServerCore& core_;
  storage::Cache& cache_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything it uses is ready
};

}  // namespace respcache::app
