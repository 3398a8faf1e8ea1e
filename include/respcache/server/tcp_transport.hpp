#pragma once

#include <asio/ip/tcp.hpp>

#include "respcache/server/transport.hpp"

namespace respcache::server {

/// A plain TCP socket as a Transport.
///
/// Waits use basic_socket::async_wait, which asio documents as waiting "for a socket to enter
/// a ready to read, write or error condition state" (a state, not a transition: the same words
/// describe the blocking wait(), a poll()), whose handler may run after the operation
/// "completes immediately"; asio's overview, "Reactor-Style Operations", offers it for code
/// that does its own non-blocking I/O, and its example for it
/// (examples/cpp11/nonblocking/third_party_lib.cpp) reads one 128-byte read_some per wait and
/// waits again with bytes possibly left in the socket. That is the level-triggered contract of
/// Transport, so it is all this class relies on: nothing about how the reactor registers the
/// descriptor. (asio 1.22's epoll reactor keeps it by re-arming the descriptor with
/// EPOLL_CTL_MOD on every wait; tcp_transport_test.cpp fails if an upgrade stops keeping it.)
///
/// A wait rather than async_read_some with a buffer, which asio also documents (it completes
/// once bytes were read), because that ties a buffer to every idle connection's pending read.
class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  void configure(const Options& options, std::error_code& ec) override;
  IoResult read_some(std::span<char> into) override;
  IoResult write_some(std::span<const std::span<const char>> pieces) override;
  using Transport::write_some;
  void async_wait(Wait wait, std::shared_ptr<TransportUser> user) override;
  void cancel() override;
  void close() override;
  asio::any_io_executor executor() override { return socket_.get_executor(); }
  asio::ip::tcp::endpoint remote_endpoint(std::error_code& ec) const override {
    return socket_.remote_endpoint(ec);
  }
  asio::ip::tcp::endpoint local_endpoint(std::error_code& ec) const override {
    return socket_.local_endpoint(ec);
  }
  int descriptor() override { return socket_.is_open() ? socket_.native_handle() : -1; }

 private:
  asio::ip::tcp::socket socket_;
};

}  // namespace respcache::server
