#include "respcache/server/tcp_transport.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

namespace respcache::server {
namespace {

bool would_block(const std::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

// Gather writes take this many pieces at most; the rest wait for the next call.
constexpr std::size_t kMaxPieces = 16;

}  // namespace

// Keepalive as Redis's anetKeepAlive sets it: probes after `idle` seconds of silence, then
// every idle/3 seconds, and the peer is declared dead after 3 unanswered probes, so a client
// that vanished without a FIN or RST frees its slot within about twice `idle`. Only the
// non-blocking mode is essential; the options are best effort.
void TcpTransport::configure(const Options& options, std::error_code& ec) {
  std::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(options.no_delay), ignored);
  if (const unsigned idle = options.keepalive_idle_seconds; idle > 0) {
    socket_.set_option(asio::socket_base::keep_alive(true), ignored);
    const int fd = socket_.native_handle();
    const int interval = static_cast<int>(std::max(1U, idle / 3));
    const int count = 3;
    const int idle_seconds = static_cast<int>(idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_seconds, sizeof idle_seconds);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  }
  socket_.non_blocking(true, ec);
}

Transport::IoResult TcpTransport::read_some(std::span<char> into) {
  std::error_code ec;
  const std::size_t n = socket_.read_some(asio::buffer(into.data(), into.size()), ec);
  if (!ec) return {n, Status::kOk};
  if (would_block(ec)) return {0, Status::kWouldBlock};
  if (ec == asio::error::eof) return {0, Status::kEof};
  return {0, Status::kError};
}

// One piece goes out with send(), several with sendmsg(): asio picks by the sequence's type.
Transport::IoResult TcpTransport::write_some(std::span<const std::span<const char>> pieces) {
  std::error_code ec;
  std::size_t n = 0;
  if (pieces.size() == 1) {
    n = socket_.write_some(asio::buffer(pieces[0].data(), pieces[0].size()), ec);
  } else {
    std::array<asio::const_buffer, kMaxPieces> buffers;
    const std::size_t count = std::min(pieces.size(), kMaxPieces);
    for (std::size_t i = 0; i < count; ++i)
      buffers[i] = asio::buffer(pieces[i].data(), pieces[i].size());
    n = socket_.write_some(std::span<const asio::const_buffer>(buffers.data(), count), ec);
  }
  if (!ec) return {n, Status::kOk};
  if (would_block(ec)) return {0, Status::kWouldBlock};
  return {0, Status::kError};
}

void TcpTransport::async_wait(Wait wait, std::shared_ptr<TransportUser> user) {
  const auto type =
      wait == Wait::kRead ? asio::ip::tcp::socket::wait_read : asio::ip::tcp::socket::wait_write;
  socket_.async_wait(type, [wait, user = std::move(user)](const std::error_code& ec) {
    user->on_transport_ready(wait, ec);
  });
}

void TcpTransport::cancel() {
  std::error_code ignored;
  socket_.cancel(ignored);
}

void TcpTransport::close() {
  if (!socket_.is_open()) return;
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace respcache::server
