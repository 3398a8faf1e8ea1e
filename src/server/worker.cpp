#include "respcache/server/worker.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <vector>

#include "respcache/server/connection.hpp"

namespace respcache::server {
namespace {

constexpr std::size_t kPooledBufferSize = 16 * 1024;
constexpr std::size_t kMaxPooledBuffers = 1024;

}  // namespace

Worker::Worker(std::size_t index, commands::ServerState& state)
    : index_(index),
      state_(state),
      stats_(state.worker_stats(index)),
      io_(1),
      buffers_(kPooledBufferSize, kMaxPooledBuffers) {}

Worker::~Worker() { join(); }

void Worker::start() {
  work_.emplace(asio::make_work_guard(io_));
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      spdlog::critical("worker {} stopped by an exception: {}", index_, e.what());
    }
    connections_.clear();
    finished_.store(true, std::memory_order_release);
  });
}

void Worker::adopt(asio::ip::tcp::socket socket) {
  asio::post(io_, [this, socket = std::move(socket)]() mutable {
    if (shutting_down_) return;  // the socket closes as it goes out of scope
    auto connection = std::make_shared<Connection>(std::move(socket), *this);
    connections_.emplace(connection.get(), connection);
    state_.connected_clients.fetch_add(1, std::memory_order_relaxed);
    connection->start();
  });
}

void Worker::forget(Connection* connection) {
  // Called by the connection itself when it closes.
  if (connections_.erase(connection) != 0) {
    state_.connected_clients.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Worker::begin_shutdown() {
  asio::post(io_, [this] {
    shutting_down_ = true;
    // Copy: connections close (and leave the set) as they finish.
    std::vector<std::shared_ptr<Connection>> open;
    open.reserve(connections_.size());
    for (const auto& [address, connection] : connections_) open.push_back(connection);
    for (const auto& connection : open) connection->begin_shutdown();
    work_.reset();
  });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace respcache::server
