#include "respcache/server/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <asio/ip/address.hpp>
#include <asio/post.hpp>
#include <csignal>
#include <cstring>
#include <thread>

#include "respcache/commands/replies.hpp"

namespace respcache::server {
namespace {

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// How often clients idle past --timeout are looked for.
constexpr auto kIdleSweepInterval = std::chrono::seconds(1);

}  // namespace

Server::Server(commands::Service& service)
    : service_(service),
      core_(service.core()),
      io_(1),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM),
      idle_sweep_(io_),
      accept_retry_(io_) {
  const config::Config& config = core_.settings.startup();
  const std::size_t threads = config.threads;
  if (config.io_model == "shared") {
    workers_.push_back(std::make_unique<Worker>(0, threads, service));
  } else {
    for (std::size_t i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<Worker>(i, 1, service));
    }
  }
}

Server::~Server() = default;

void Server::listen() {
  const config::Config& config = core_.settings.startup();
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.bind), config.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  // Accepted sockets inherit these; the receive buffer must be set before listen() for the
  // TCP window scale to match it.
  std::error_code ec;
  if (config.send_buffer > 0)
    acceptor_.set_option(asio::socket_base::send_buffer_size(config.send_buffer), ec);
  if (config.receive_buffer > 0) {
    acceptor_.set_option(asio::socket_base::receive_buffer_size(config.receive_buffer), ec);
  }
  acceptor_.set_option(asio::ip::tcp::no_delay(true), ec);
  acceptor_.bind(endpoint);
  acceptor_.listen(config.backlog);
}

std::uint16_t Server::port() const { return acceptor_.local_endpoint().port(); }

void Server::run() {
  for (auto& worker : workers_) worker->start();
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    begin_shutdown();
  });
  core_.shutdown.install([this] { stop(); });  // SHUTDOWN
  schedule_idle_sweep();
  accept_next();
  io_.run();
  core_.shutdown.install({});
  wait_for_workers();
}

void Server::stop() {
  asio::post(io_, [this] {
    if (!stopping_) begin_shutdown();
  });
}

void Server::accept_next() {
  Worker& worker = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  acceptor_.async_accept(worker.executor_for_new_socket(),
                         [this, &worker](const std::error_code& ec, asio::ip::tcp::socket socket) {
                           if (stopping_) return;
                           if (ec) return on_accept_error(ec);
                           if (accept_failing_) {
                             accept_failing_ = false;
                             spdlog::info("accepting connections again");
                           }
                           core_.statistics.total_connections_received.fetch_add(
                               1, std::memory_order_relaxed);
                           admit(worker, std::move(socket));
                           accept_next();
                         });
}

// Over --maxclients the client is told so, as Redis tells it, and closed. connected_clients
// is counted here, on the accepting thread, so a burst of connections cannot overshoot.
void Server::admit(Worker& worker, asio::ip::tcp::socket socket) {
  const auto max_clients = static_cast<std::int64_t>(core_.settings.max_clients());
  if (core_.statistics.connected_clients.load(std::memory_order_relaxed) >= max_clients) {
    core_.statistics.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    std::error_code ec;
    socket.non_blocking(true, ec);
    // A fresh socket's send buffer is empty, so this short write completes or fails at once.
    const std::string reply = fmt::format("-{}\r\n", commands::replies::kMaxClients);
    socket.write_some(asio::buffer(reply), ec);
    socket.close(ec);
    return;
  }
  core_.statistics.connected_clients.fetch_add(1, std::memory_order_relaxed);
  worker.adopt(std::move(socket));
}

// EMFILE and friends: retrying at once would spin, so pause, then try again. The pending
// connections wait in the listen backlog meanwhile. Logged once per episode, not per retry.
void Server::on_accept_error(const std::error_code& ec) {
  if (!accept_failing_) {
    accept_failing_ = true;
    // strerror, not ec.message(): with no descriptor free, UBSan cannot check that virtual
    // call (its check opens a pipe) and reports a false "invalid vptr". Accept errors are
    // errno values (asio's system category) on POSIX.
    spdlog::warn("accept failed: {}; retrying every {} ms until it works",
                 std::strerror(ec.value()), kAcceptRetryDelay.count());
  }
  accept_retry_.expires_after(kAcceptRetryDelay);
  accept_retry_.async_wait([this](const std::error_code& wait_ec) {
    if (!wait_ec && !stopping_) accept_next();
  });
}

void Server::schedule_idle_sweep() {
  idle_sweep_.expires_after(kIdleSweepInterval);
  idle_sweep_.async_wait([this](const std::error_code& ec) {
    if (ec || stopping_) return;
    close_idle_clients();
    schedule_idle_sweep();
  });
}

void Server::close_idle_clients() {
  const std::uint64_t timeout = core_.settings.timeout_seconds();
  if (timeout == 0) return;
  const std::int64_t cutoff = core_.clock.now_ms() - static_cast<std::int64_t>(timeout) * 1000;
  for (auto& worker : workers_) worker->close_idle_since(cutoff);
}

void Server::begin_shutdown() {
  stopping_ = true;
  // A script that never ends would keep its worker from finishing.
  service_.script_runner().kill_for_shutdown();
  std::error_code ec;
  acceptor_.close(ec);
  idle_sweep_.cancel();
  accept_retry_.cancel();
  signals_.cancel(ec);
  for (auto& worker : workers_) worker->begin_shutdown();
}

void Server::wait_for_workers() {
  const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
  auto all_finished = [this] {
    for (const auto& worker : workers_) {
      if (!worker->finished()) return false;
    }
    return true;
  };
  while (!all_finished() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!all_finished()) {
    spdlog::warn("connections still open after {} s; closing them",
                 std::chrono::duration_cast<std::chrono::seconds>(kShutdownGrace).count());
    for (auto& worker : workers_) worker->stop_now();
  }
  for (auto& worker : workers_) worker->join();
}

}  // namespace respcache::server
