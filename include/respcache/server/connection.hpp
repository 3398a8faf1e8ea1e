#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "respcache/core/client_registry.hpp"
#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/server/session.hpp"
#include "respcache/server/transport.hpp"

namespace respcache::server {

class Worker;

/// One client of a worker's event loop. It reads whatever has arrived, lets its Session
/// execute every complete request, and writes all replies of that batch at once.
///
/// I/O model: the connection waits for readiness through its Transport, then reads and writes
/// without blocking. It therefore holds a read buffer only while it has unparsed input and a
/// write buffer only while replies are unsent; both come from the worker's BufferPool, so an
/// idle connection holds none. While replies cannot be written it stops reading, so a client
/// that does not read cannot make the server buffer without limit.
///
/// Readiness: transport waits are level-triggered (see Transport), so after a read that came
/// back short the connection waits at once, with no extra read to see would-block: one read
/// and one write per batch, in either threading model. Reading until would-block would not
/// make it independent of that contract anyway: in the shared model another thread's
/// epoll_wait can take the edge for bytes that arrive between that read and the wait.
///
/// Threads: the connection's own handlers form one chain (at most one wait or posted step is
/// pending at a time), which asio's strands overview calls an implicit strand: "there is no
/// possibility of concurrent execution of the handlers". The few calls from outside the chain
/// (start, begin_shutdown, close_if_idle_since) and every step of the chain take mutex_, which
/// is never contended in steady state. This replaces an asio strand: a strand allocates for a
/// handler that arrives while it runs on another thread and frees it on a third, which defeats
/// asio's per-thread recycling (measured: one allocation per ~800 requests with two threads).
/// Every entry point must be called by a holder of a shared_ptr to the connection, on one of
/// its worker's threads (it uses that thread's buffer pool).
///
/// Other threads reach a connection only through its core::ClientRecord's control (CLIENT
/// KILL, the end of a CLIENT PAUSE, MONITOR output), which posts on_control to the executor.
/// A command held by CLIENT PAUSE parks the connection on a timer instead of a thread: the
/// chain's one pending step is then that timer, which a kWake cancels to resume at once. A
/// kWake while waiting for input cancels that wait (the chain continues from its completion),
/// so the one-step rule holds.
class Connection final : public std::enable_shared_from_this<Connection>, private TransportUser {
 public:
  Connection(std::unique_ptr<Transport> transport, Worker& worker);
  ~Connection();

  void start();
  asio::any_io_executor executor() { return transport_->executor(); }
  /// Graceful stop: answer what has been read, flush, close.
  void begin_shutdown();
  /// When the client last sent or took bytes, in core::CoarseClock::now_ms. Any thread.
  std::int64_t last_interaction_ms() const {
    return last_interaction_ms_.load(std::memory_order_relaxed);
  }
  /// Closes the connection if it has not interacted since `cutoff_ms` (--timeout).
  void close_if_idle_since(std::int64_t cutoff_ms);

 private:
  enum class ReadOutcome { kClosed, kNothing, kDrained, kMore };
  enum class FlushOutcome { kDone, kBlocked, kFailed };

  void pump();
  bool execute_buffered();
  ReadOutcome read_once();
  FlushOutcome flush_now();
  void wait(Transport::Wait wait);
  void on_transport_ready(Transport::Wait wait, const std::error_code& ec) override;
  void release_idle_buffers();
  void touch();
  void close();
  void register_client();
  void on_control(core::ClientControl control);
  void park();
  /// CLIENT LIST's view of the buffers (plain relaxed stores, read by other threads).
  void publish_buffers();

  std::mutex mutex_;  // see "Threads" above: held by every entry point and chain step
  std::unique_ptr<Transport> transport_;
  Worker& worker_;
  std::unique_ptr<Session> session_;  // RESP or HTTP, made once the first bytes arrive
  protocol::ByteBuffer in_;
  protocol::ByteBuffer out_;
  bool input_drained_ = false;      // the last read came back short: wait before reading again
  bool close_after_write_ = false;  // QUIT or a protocol error
  bool waiting_for_read_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;
  bool wake_requested_ = false;  // a kWake cancelled the read wait: go on, do not close
  bool parked_ = false;          // park_timer_ holds the chain (CLIENT PAUSE)
  std::int64_t park_until_ms_ = 0;
  std::unique_ptr<asio::steady_timer> park_timer_;  // made on the first pause only
  std::shared_ptr<core::ClientRecord> record_;
  std::atomic<std::int64_t> last_interaction_ms_{0};
};

}  // namespace respcache::server
