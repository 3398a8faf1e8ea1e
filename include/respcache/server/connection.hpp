#pragma once

#include <asio/ip/tcp.hpp>
#include <atomic>
#include <cstdint>
#include <memory>

#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

class Worker;

/// One client socket on one event-loop thread. It reads whatever has arrived, lets its
/// Session execute every complete request, and writes all replies of that batch at once.
///
/// I/O model: the socket is non-blocking and the connection waits for readiness
/// (async_wait), then reads and writes directly. It therefore holds a read buffer only while
/// it has unparsed input and a write buffer only while replies are unsent; both come from
/// the worker's BufferPool. While replies cannot be written it stops reading, so a client
/// that does not read cannot make the server buffer without limit.
///
/// Readiness: asio registers sockets edge-triggered, but every async_wait re-arms the socket
/// with EPOLL_CTL_MOD, which makes the kernel report data that is already there. So after a
/// read that came back short the connection can wait at once, with no extra read to see
/// EAGAIN: one read and one write per batch, in either threading model.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, Worker& worker);
  ~Connection();

  void start();
  asio::any_io_executor executor() { return socket_.get_executor(); }
  /// Graceful stop: answer what has been read, flush, close. Called on the worker's thread.
  void begin_shutdown();
  /// When the client last sent or took bytes, in core::CoarseClock::now_ms. Any thread.
  std::int64_t last_interaction_ms() const {
    return last_interaction_ms_.load(std::memory_order_relaxed);
  }
  /// Closes the connection if it has not interacted since `cutoff_ms` (--timeout). Called on
  /// the connection's executor.
  void close_if_idle_since(std::int64_t cutoff_ms);

 private:
  enum class ReadOutcome { kClosed, kNothing, kDrained, kMore };
  enum class FlushOutcome { kDone, kBlocked, kFailed };

  void pump();
  bool execute_buffered();
  ReadOutcome read_once();
  FlushOutcome flush_now();
  void wait_readable();
  void wait_writable();
  void release_idle_buffers();
  void set_socket_options(std::error_code& ec);
  void touch();
  void close();

  asio::ip::tcp::socket socket_;
  Worker& worker_;
  std::unique_ptr<Session> session_;  // RESP or HTTP, made once the first bytes arrive
  protocol::ByteBuffer in_;
  protocol::ByteBuffer out_;
  bool input_drained_ = false;      // the last read came back short: wait before reading again
  bool close_after_write_ = false;  // QUIT or a protocol error
  bool waiting_for_read_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;
  std::atomic<std::int64_t> last_interaction_ms_{0};
};

}  // namespace respcache::server
