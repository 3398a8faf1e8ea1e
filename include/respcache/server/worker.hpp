#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/server/buffer_pool.hpp"

namespace respcache::server {

class Connection;

/// An io_context and the threads that run it, with their buffer pools, counters and
/// connections.
///
/// In the shared model (the default) there is one worker whose io_context all threads run; a
/// connection's handlers may run on any of them, one at a time (see Connection), and buffer
/// pools and counters are per thread. In the per-thread model every worker has one thread: a
/// connection lives on one thread for its whole life and nothing about it is shared; only the
/// cache is.
class Worker {
 public:
  /// Threads [first_thread, first_thread + threads) of the server; their index selects the
  /// WorkerStats they write.
  Worker(std::size_t first_thread, std::size_t threads, commands::Service& service);
  ~Worker();

  /// The executor a new socket should use: the io_context's (a connection needs no strand).
  asio::any_io_executor executor_for_new_socket();
  /// Several threads run this io_context.
  bool shared() const { return thread_count_ > 1; }
  void start();
  /// Hands a freshly accepted socket (bound to executor_for_new_socket()) to this worker. The
  /// caller has already counted it in connected_clients. Thread-safe; after begin_shutdown the
  /// socket is closed unused.
  void adopt(asio::ip::tcp::socket socket);
  /// Closes every connection that has not interacted since `cutoff_ms` (a value of
  /// core::CoarseClock::now_ms). Thread-safe.
  void close_idle_since(std::int64_t cutoff_ms);
  /// Asks every connection to finish what it has read and close; the thread then ends.
  /// Thread-safe.
  void begin_shutdown();
  /// Abandons whatever is still running (after the shutdown grace period). Thread-safe.
  void stop_now() { io_.stop(); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  void join();

  /// The calling thread's buffer pool and counters (it must be one of this worker's).
  BufferPool& buffers();
  core::WorkerStats& stats();
  commands::Service& service() { return service_; }
  core::ServerCore& core() { return service_.core(); }
  void forget(Connection* connection);

 private:
  void run_thread(std::size_t slot);

  std::size_t first_thread_;
  std::size_t thread_count_;
  commands::Service& service_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  BufferPool::Depot depot_;        // before pools_, which hand buffers to it
  std::vector<BufferPool> pools_;  // one per thread
  std::atomic<std::size_t> running_{0};
  // Owning references, keyed by address so a closing connection finds itself in O(1). The
  // mutex matters only in the shared model; uncontended, it costs nothing per request since
  // only connect and close take it. It also guards shutting_down_, so that adopting a
  // connection and begin_shutdown's snapshot of connections_ are ordered.
  std::mutex connections_mutex_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  bool shutting_down_ = false;
  std::atomic<bool> finished_{false};
};

}  // namespace respcache::server
