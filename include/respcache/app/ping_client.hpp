#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace respcache::app {

/// What one PING to a server found.
enum class PingStatus {
  kPong,           ///< +PONG: the server is up and serving
  kNoAuth,         ///< -NOAUTH: the server is up and answering but wants a password first
  kErrorReply,     ///< any other reply
  kConnectFailed,  ///< nothing accepted the connection, or the address is not numeric
  kClosed,         ///< the server closed the connection before a whole reply line
  kTimeout,        ///< no whole reply within the timeout
};

struct PingResult {
  PingStatus status = PingStatus::kTimeout;
  std::string detail;  ///< the reply line or the error, for the message a health check logs

  /// A health check passes when the server answered as a server does: +PONG, or -NOAUTH
  /// (redis-cli's ping exits 0 on that too, so --requirepass does not turn a container red).
  bool alive() const { return status == PingStatus::kPong || status == PingStatus::kNoAuth; }
};

/// Connects to host:port, sends a RESP `PING`, and reads one reply line, all within `timeout`.
/// `host` is a numeric IPv4 or IPv6 address; the wildcard addresses a server binds to
/// (0.0.0.0, ::) are pinged on the loopback address instead. Never throws.
PingResult ping(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

/// `respcache --ping`: pings, prints one line (stdout when alive, stderr otherwise), and
/// returns the process exit status: 0 when alive, 1 otherwise.
int run_ping(const std::string& host, std::uint16_t port);

}  // namespace respcache::app
