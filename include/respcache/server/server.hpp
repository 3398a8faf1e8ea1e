#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/server/worker.hpp"

namespace respcache::server {

/// The listening socket, the worker threads and the process's signals. The calling thread
/// accepts connections and hands them to workers in turn, and once a second closes clients
/// idle past --timeout. Cache upkeep is not the network's business: app's Maintenance does it.
class Server {
 public:
  explicit Server(commands::Service& service);
  ~Server();

  /// Binds and listens; throws std::system_error if the address is unusable.
  void listen();
  /// The port actually bound (differs from the configured one when that was 0).
  std::uint16_t port() const;
  /// Serves until SIGINT or SIGTERM, then stops accepting, lets every connection answer what
  /// it has read, and returns once all have closed or the grace period has passed.
  void run();
  /// Starts the same graceful shutdown as a signal. Thread-safe.
  void stop();

  static constexpr auto kShutdownGrace = std::chrono::seconds(10);

 private:
  void accept_next();
  void on_accept_error(const std::error_code& ec);
  void admit(Worker& worker, asio::ip::tcp::socket socket);
  void close_idle_clients();
  void schedule_idle_sweep();
  void begin_shutdown();
  void wait_for_workers();

  commands::Service& service_;
  core::ServerCore& core_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer idle_sweep_;
  asio::steady_timer accept_retry_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::size_t next_worker_ = 0;
  bool stopping_ = false;
  bool accept_failing_ = false;  // logged that accept fails; not yet that it works again
};

}  // namespace respcache::server
