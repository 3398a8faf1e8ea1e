#include "respcache/app/ping_client.hpp"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <cstdio>
#include <string_view>

namespace respcache::app {
namespace {

constexpr std::string_view kPingCommand = "*1\r\n$4\r\nPING\r\n";
constexpr auto kDefaultTimeout = std::chrono::seconds(3);
// A reply line longer than this is not PONG; stop reading rather than buffer it.
constexpr std::size_t kMaxReplyLine = 4096;

/// The address to connect to for a server bound to `host`: a wildcard means "every local
/// address", and loopback is the one that is always there.
asio::ip::address target_address(const std::string& host, std::error_code& ec) {
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return address;
  if (address.is_unspecified()) {
    return address.is_v4() ? asio::ip::address(asio::ip::address_v4::loopback())
                           : asio::ip::address(asio::ip::address_v6::loopback());
  }
  return address;
}

PingResult classify(std::string line) {
  if (line == "+PONG") return {PingStatus::kPong, std::move(line)};
  if (line.starts_with("-NOAUTH")) return {PingStatus::kNoAuth, std::move(line)};
  return {PingStatus::kErrorReply, std::move(line)};
}

}  // namespace

PingResult ping(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  std::error_code ec;
  const asio::ip::address address = target_address(host, ec);
  if (ec) return {PingStatus::kConnectFailed, "not a numeric address: " + host};

  // Asynchronous operations and run_for() give one deadline for connect, write and read
  // together; the handlers record the outcome and nothing outlives this function.
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  std::string input;
  PingResult result{PingStatus::kTimeout, "no reply within the timeout"};
  socket.async_connect({address, port}, [&](const std::error_code& connect_ec) {
    if (connect_ec) {
      result = {PingStatus::kConnectFailed, connect_ec.message()};
      return;
    }
    asio::async_write(
        socket, asio::buffer(kPingCommand), [&](const std::error_code& write_ec, std::size_t) {
          if (write_ec) {
            result = {PingStatus::kClosed, write_ec.message()};
            return;
          }
          asio::async_read_until(socket, asio::dynamic_buffer(input, kMaxReplyLine), "\r\n",
                                 [&](const std::error_code& read_ec, std::size_t line_end) {
                                   if (read_ec) {
                                     result = {PingStatus::kClosed, read_ec.message()};
                                     return;
                                   }
                                   result = classify(input.substr(0, line_end - 2));
                                 });
        });
  });
  io.run_for(timeout);
  return result;
}

int run_ping(const std::string& host, std::uint16_t port) {
  const PingResult result = ping(host, port, kDefaultTimeout);
  if (result.alive()) {
    std::printf("%s\n", result.detail.c_str());
    return 0;
  }
  std::fprintf(stderr, "respcache --ping %s:%u: %s\n", host.c_str(), static_cast<unsigned>(port),
               result.detail.c_str());
  return 1;
}

}  // namespace respcache::app
