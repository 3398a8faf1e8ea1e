#include "respcache/server/worker.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <vector>

#include "respcache/server/connection.hpp"
#include "respcache/server/tcp_transport.hpp"

namespace respcache::server {
namespace {

constexpr std::size_t kPooledBufferSize = 16 * 1024;
// Spare buffers each thread keeps, and that its worker's depot keeps for all of its threads.
constexpr std::size_t kPooledBuffersPerThread = 64;
constexpr std::size_t kDepotBuffers = 1024;

// Which of its worker's pools and counters the running thread uses.
thread_local std::size_t t_slot = 0;
thread_local core::WorkerStats* t_stats = nullptr;

}  // namespace

Worker::Worker(std::size_t first_thread, std::size_t threads, commands::Service& service)
    : first_thread_(first_thread),
      thread_count_(threads),
      service_(service),
      io_(static_cast<int>(threads)),
      depot_(kDepotBuffers) {
  pools_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    pools_.emplace_back(kPooledBufferSize, kPooledBuffersPerThread, &service.core().buffer_bytes,
                        &depot_);
  }
}

Worker::~Worker() { join(); }

asio::any_io_executor Worker::executor_for_new_socket() { return io_.get_executor(); }

BufferPool& Worker::buffers() { return pools_[t_slot]; }

core::WorkerStats& Worker::stats() { return *t_stats; }

void Worker::start() {
  work_.emplace(asio::make_work_guard(io_));
  running_.store(thread_count_);
  for (std::size_t slot = 0; slot < thread_count_; ++slot) {
    threads_.emplace_back([this, slot] { run_thread(slot); });
  }
}

void Worker::run_thread(std::size_t slot) {
  t_slot = slot;
  t_stats = &service_.core().statistics.worker(first_thread_ + slot);
  try {
    io_.run();
  } catch (const std::exception& e) {
    spdlog::critical("worker thread {} stopped by an exception: {}", first_thread_ + slot,
                     e.what());
  }
  if (running_.fetch_sub(1) == 1) {  // the last thread out releases what is left
    std::lock_guard lock(connections_mutex_);
    connections_.clear();
    finished_.store(true, std::memory_order_release);
  }
}

// The shutting_down_ check and the insertion share a critical section with begin_shutdown's
// snapshot: a connection either makes the snapshot (and is told to stop; before or after
// start(), either works) or sees shutting_down_ and never starts. Checked outside the lock, a
// connection could slip in after the snapshot and hold the shutdown for its whole grace.
void Worker::adopt(asio::ip::tcp::socket socket) {
  const asio::any_io_executor executor = socket.get_executor();
  asio::post(executor, [this, socket = std::move(socket)]() mutable {
    auto connection =
        std::make_shared<Connection>(std::make_unique<TcpTransport>(std::move(socket)), *this);
    {
      std::lock_guard lock(connections_mutex_);
      if (shutting_down_) {  // the socket closes with the unused connection
        service_.core().statistics.connected_clients.fetch_sub(1, std::memory_order_relaxed);
        return;
      }
      connections_.emplace(connection.get(), connection);
    }
    connection->start();
  });
}

void Worker::forget(Connection* connection) {
  // Called by the connection itself when it closes.
  std::lock_guard lock(connections_mutex_);
  if (connections_.erase(connection) != 0) {
    service_.core().statistics.connected_clients.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Worker::close_idle_since(std::int64_t cutoff_ms) {
  std::vector<std::shared_ptr<Connection>> idle;
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto& [address, connection] : connections_) {
      if (connection->last_interaction_ms() < cutoff_ms) idle.push_back(connection);
    }
  }
  // Each closes on its own executor, where it checks again: it may have woken up meanwhile.
  for (const auto& connection : idle) {
    asio::post(connection->executor(),
               [connection, cutoff_ms] { connection->close_if_idle_since(cutoff_ms); });
  }
}

void Worker::begin_shutdown() {
  asio::post(io_, [this] {
    // Copy: connections close (and leave the map) as they finish. Each is told in a handler of
    // its own, on one of this worker's threads.
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(connections_mutex_);
      shutting_down_ = true;  // under the lock: see adopt()
      open.reserve(connections_.size());
      for (const auto& [address, connection] : connections_) open.push_back(connection);
    }
    for (const auto& connection : open) {
      asio::post(connection->executor(), [connection] { connection->begin_shutdown(); });
    }
    work_.reset();
  });
}

void Worker::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace respcache::server
