#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "respcache/commands/server_state.hpp"
#include "respcache/server/buffer_pool.hpp"

namespace respcache::server {

class Connection;

/// One event-loop thread with its own io_context, buffer pool, counters and connections.
/// A connection lives on one worker for its whole life, so nothing about it is shared
/// between threads; only the cache is.
class Worker {
 public:
  Worker(std::size_t index, commands::ServerState& state);
  ~Worker();

  asio::io_context& io() { return io_; }
  void start();
  /// Hands a freshly accepted socket (bound to io()) to this worker. Thread-safe.
  void adopt(asio::ip::tcp::socket socket);
  /// Asks every connection to finish what it has read and close; the thread then ends.
  /// Thread-safe.
  void begin_shutdown();
  /// Abandons whatever is still running (after the shutdown grace period). Thread-safe.
  void stop_now() { io_.stop(); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  void join();

  BufferPool& buffers() { return buffers_; }
  commands::ServerState& state() { return state_; }
  commands::WorkerStats& stats() { return stats_; }
  bool shutting_down() const { return shutting_down_; }
  void forget(Connection* connection);

 private:
  std::size_t index_;
  commands::ServerState& state_;
  commands::WorkerStats& stats_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  BufferPool buffers_;
  // Owning references, keyed by address so a closing connection finds itself in O(1).
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  bool shutting_down_ = false;
  std::atomic<bool> finished_{false};
};

}  // namespace respcache::server
