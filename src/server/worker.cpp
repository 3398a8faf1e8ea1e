#include "respcache/server/worker.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <asio/strand.hpp>
#include <vector>

#include "respcache/server/connection.hpp"

namespace respcache::server {
namespace {

constexpr std::size_t kPooledBufferSize = 16 * 1024;
constexpr std::size_t kMaxPooledBuffers = 1024;

// Which of its worker's pools and counters the running thread uses.
thread_local std::size_t t_slot = 0;
thread_local core::WorkerStats* t_stats = nullptr;

}  // namespace

Worker::Worker(std::size_t first_thread, std::size_t threads, commands::Service& service)
    : first_thread_(first_thread),
      thread_count_(threads),
      service_(service),
      io_(static_cast<int>(threads)) {
  pools_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    pools_.emplace_back(kPooledBufferSize, kMaxPooledBuffers, &service.core().buffer_bytes);
}

Worker::~Worker() { join(); }

asio::any_io_executor Worker::executor_for_new_socket() {
  if (shared()) return asio::make_strand(io_);
  return io_.get_executor();
}

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

void Worker::adopt(asio::ip::tcp::socket socket) {
  const asio::any_io_executor executor = socket.get_executor();
  asio::post(executor, [this, socket = std::move(socket)]() mutable {
    if (shutting_down_) {  // the socket closes as it goes out of scope
      service_.core().statistics.connected_clients.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), *this);
    {
      std::lock_guard lock(connections_mutex_);
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
    shutting_down_ = true;
    // Copy: connections close (and leave the map) as they finish. Each is told on its own
    // executor, so in the shared model the notice never races with its handlers.
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(connections_mutex_);
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
