#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <system_error>

namespace respcache::server {

class TransportUser;

/// The byte stream under a Connection: plain TCP (TcpTransport) now, TLS or a Unix socket
/// later. A Connection sees only bytes and readiness through this interface, and a session
/// sees only the Connection's buffers, so a new transport touches neither.
///
/// Readiness contract (what every transport must provide, and all a Connection relies on):
/// reads and writes never block; when one reports kWouldBlock, the caller asks for a wait, and
/// that wait completes once the same call may make progress. It is level-triggered: it
/// completes at once if the call could already make progress when the wait starts, even if
/// the caller did not read or write until kWouldBlock. So a Connection can wait right after a
/// read that came back short, with no extra read to see kWouldBlock.
///
/// A TLS transport (asio::ssl::stream, or OpenSSL over the socket) must keep this contract:
/// - OpenSSL holds decrypted bytes, and whole records read ahead, that epoll cannot see, so
///   wait(kRead) must complete immediately while SSL_pending() > 0 or SSL_has_pending() (or
///   the stream's own input buffer is not empty), and wait on the socket only otherwise;
/// - SSL_read may need to write and SSL_write to read (handshake, key update): read_some and
///   write_some then report kWouldBlock and remember which socket direction OpenSSL wants, and
///   the next wait for that call waits on that direction;
/// - the server-side handshake runs inside the first read_some calls (SSL_accept state), so
///   nothing above the transport needs a separate start step;
/// - close() sends close_notify if it can do so without blocking, then closes the socket.
class Transport {
 public:
  enum class Status {
    kOk,          ///< `bytes` moved (at least one)
    kWouldBlock,  ///< nothing moved; wait, then retry
    kEof,         ///< the peer closed its side (reads only)
    kError,       ///< the connection is unusable
  };
  struct IoResult {
    std::size_t bytes = 0;
    Status status = Status::kOk;
  };
  enum class Wait { kRead, kWrite };
  struct Options {
    bool no_delay = true;
    /// TCP keepalive idle time in seconds; 0 leaves keepalive off.
    unsigned keepalive_idle_seconds = 0;
  };

  virtual ~Transport() = default;

  /// Puts the stream in non-blocking mode and applies `options`; `ec` is set if the stream
  /// cannot be used (an option the stream does not support is not an error).
  virtual void configure(const Options& options, std::error_code& ec) = 0;
  /// Reads what has arrived into `into` (not empty), without blocking.
  virtual IoResult read_some(std::span<char> into) = 0;
  /// Writes from `pieces`, in order, without blocking (a gather write where the stream has
  /// one). kOk may have moved fewer bytes than offered.
  virtual IoResult write_some(std::span<const std::span<const char>> pieces) = 0;
  IoResult write_some(std::span<const char> bytes) { return write_some({&bytes, 1}); }
  /// Starts a wait (see the readiness contract above); at most one per Wait at a time. It
  /// completes into `user->on_transport_ready`, on executor(), never from inside this call,
  /// and holds `user` until then. A wait ended by cancel() or close() completes with
  /// asio::error::operation_aborted (a wait that close() finds may also complete without error:
  /// shutting the socket down makes it ready).
  virtual void async_wait(Wait wait, std::shared_ptr<TransportUser> user) = 0;
  /// Ends the pending waits early (operation_aborted); the stream stays open.
  virtual void cancel() = 0;
  /// Shuts the stream down and closes it; pending waits end as for cancel(). Idempotent.
  virtual void close() = 0;
  /// The executor every completion runs on.
  virtual asio::any_io_executor executor() = 0;
  virtual asio::ip::tcp::endpoint remote_endpoint(std::error_code& ec) const = 0;
  /// Our end of the stream (CLIENT LIST laddr).
  virtual asio::ip::tcp::endpoint local_endpoint(std::error_code& ec) const = 0;
  /// The descriptor (CLIENT LIST fd); -1 where there is none.
  virtual int descriptor() = 0;
};

/// What a Transport's waits complete into: the Connection above it.
class TransportUser {
 public:
  /// `ec` is empty when the awaited call may now make progress.
  virtual void on_transport_ready(Transport::Wait wait, const std::error_code& ec) = 0;

 protected:
  ~TransportUser() = default;
};

}  // namespace respcache::server
