// respcache --ping against fake servers on loopback: each answers the PING in one way, and
// the client must classify it (and pass or fail a health check) accordingly.

#include "respcache/app/ping_client.hpp"

#include <gtest/gtest.h>

#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <string>
#include <thread>

namespace respcache::app {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;

/// Accepts one connection on a free loopback port, reads the whole 14-byte PING, records it,
/// then sends `reply` (or nothing) and optionally keeps the connection open until the client
/// hangs up.
class FakeServer {
 public:
  FakeServer(std::string reply, bool linger)
      : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
        thread_([this, reply = std::move(reply), linger] { serve(reply, linger); }) {}
  ~FakeServer() { join(); }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  /// Waits for the server side to finish (the client must have closed its end).
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  /// What the client sent; valid after join().
  const std::string& received() const { return received_; }

 private:
  void serve(const std::string& reply, bool linger) {
    std::error_code ec;
    tcp::socket socket = acceptor_.accept(ec);
    if (ec) return;
    received_.resize(14);
    asio::read(socket, asio::buffer(received_), ec);
    if (!reply.empty()) asio::write(socket, asio::buffer(reply), ec);
    if (linger) {
      char byte;
      socket.read_some(asio::buffer(&byte, 1), ec);  // returns when the client closes
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string received_;
  std::thread thread_;
};

PingResult ping_fake(const std::string& reply, bool linger = true,
                     std::chrono::milliseconds timeout = 5s) {
  FakeServer server(reply, linger);
  return ping("127.0.0.1", server.port(), timeout);
}

TEST(PingClient, PongIsAliveAndTheRequestIsARespPing) {
  FakeServer server("+PONG\r\n", true);
  const PingResult result = ping("127.0.0.1", server.port(), 5s);
  server.join();
  EXPECT_EQ(result.status, PingStatus::kPong);
  EXPECT_TRUE(result.alive());
  EXPECT_EQ(result.detail, "+PONG");
  EXPECT_EQ(server.received(), "*1\r\n$4\r\nPING\r\n");
}

TEST(PingClient, PartialLineThenCloseFails) {
  EXPECT_EQ(ping_fake("+PO", false).status, PingStatus::kClosed);
}

TEST(PingClient, PartialLineThenSilenceTimesOut) {
  EXPECT_EQ(ping_fake("+PONG", true, 200ms).status, PingStatus::kTimeout);
}

TEST(PingClient, NoAuthCountsAsAlive) {
  const PingResult result = ping_fake("-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(result.status, PingStatus::kNoAuth);
  EXPECT_TRUE(result.alive());
}

TEST(PingClient, OtherErrorReplyFails) {
  const PingResult result = ping_fake("-LOADING Redis is loading the dataset in memory\r\n");
  EXPECT_EQ(result.status, PingStatus::kErrorReply);
  EXPECT_FALSE(result.alive());
  EXPECT_EQ(result.detail, "-LOADING Redis is loading the dataset in memory");
}

TEST(PingClient, UnexpectedReplyFails) {
  EXPECT_EQ(ping_fake("$4\r\nPONG\r\n").status, PingStatus::kErrorReply);
}

TEST(PingClient, CloseWithoutReplyFails) {
  const PingResult result = ping_fake("", false);
  EXPECT_EQ(result.status, PingStatus::kClosed);
  EXPECT_FALSE(result.alive());
}

TEST(PingClient, SilentServerTimesOut) {
  const PingResult result = ping_fake("", true, 200ms);
  EXPECT_EQ(result.status, PingStatus::kTimeout);
  EXPECT_FALSE(result.alive());
}

TEST(PingClient, NothingListeningFails) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens there now
  const PingResult result = ping("127.0.0.1", port, 2s);
  EXPECT_EQ(result.status, PingStatus::kConnectFailed);
  EXPECT_FALSE(result.alive());
}

TEST(PingClient, HostNameIsRefusedWithoutResolving) {
  EXPECT_EQ(ping("localhost", 7171, 1s).status, PingStatus::kConnectFailed);
}

TEST(PingClient, WildcardBindAddressPingsLoopback) {
  FakeServer server("+PONG\r\n", true);
  EXPECT_EQ(ping("0.0.0.0", server.port(), 5s).status, PingStatus::kPong);
}

}  // namespace
}  // namespace respcache::app
