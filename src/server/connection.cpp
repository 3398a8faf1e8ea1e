#include "respcache/server/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <asio/post.hpp>

#include "respcache/server/protocol_detector.hpp"
#include "respcache/server/worker.hpp"

namespace respcache::server {
namespace {

// Replies are written out once this much is pending, before more commands run.
constexpr std::size_t kOutputHighWater = 256 * 1024;
// Steps one connection may take before letting the others on its thread run.
constexpr int kStepsPerTurn = 64;

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Worker& worker)
    : socket_(std::move(socket)), worker_(worker) {}

Connection::~Connection() = default;

void Connection::start() {
  std::error_code ec;
  set_socket_options(ec);
  if (ec) {
    close();
    return;
  }
  touch();
  pump();
}

// Keepalive as Redis's anetKeepAlive sets it: probes after `idle` seconds of silence, then
// every idle/3 seconds, and the peer is declared dead after 3 unanswered probes, so a client
// that vanished without a FIN or RST frees its slot within about twice `idle`.
void Connection::set_socket_options(std::error_code& ec) {
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  const unsigned idle = worker_.core().settings.startup().tcp_keepalive;
  if (idle > 0) {
    socket_.set_option(asio::socket_base::keep_alive(true), ec);
    const int fd = socket_.native_handle();
    const int interval = std::max(1U, idle / 3);
    const int count = 3;
    const int idle_seconds = static_cast<int>(idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_seconds, sizeof idle_seconds);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  }
  socket_.non_blocking(true, ec);
}

void Connection::touch() {
  last_interaction_ms_.store(worker_.core().clock.now_ms(),
                             std::memory_order_relaxed);
}

void Connection::close_if_idle_since(std::int64_t cutoff_ms) {
  if (closed_ || last_interaction_ms() >= cutoff_ms) return;
  spdlog::debug("closing client {}: idle longer than timeout", fmt::ptr(this));
  close();
}

void Connection::begin_shutdown() {
  shutting_down_ = true;
  if (waiting_for_read_) {
    std::error_code ec;
    socket_.cancel(ec);  // the pending wait completes with operation_aborted, then close()
  }
}

// The connection's state machine. Each step either sends pending replies, executes buffered
// commands, or reads; it returns when the socket would block (after arranging a wait), when
// the connection closes, or after kStepsPerTurn steps (after posting its own continuation).
void Connection::pump() {
  if (closed_) return;  // a posted continuation or a wait that raced with close()
  for (int step = 0; step < kStepsPerTurn; ++step) {
    if (!out_.empty()) {
      switch (flush_now()) {
        case FlushOutcome::kFailed:
          return close();
        case FlushOutcome::kBlocked:
          return wait_writable();
        case FlushOutcome::kDone:
          break;
      }
    }
    if (close_after_write_) return close();
    if (execute_buffered()) continue;
    if (shutting_down_) return close();
    if (input_drained_) {
      input_drained_ = false;
      release_idle_buffers();
      return wait_readable();
    }
    switch (read_once()) {
      case ReadOutcome::kClosed:
        return close();
      case ReadOutcome::kNothing:
        release_idle_buffers();
        return wait_readable();
      case ReadOutcome::kDrained:
        input_drained_ = true;
        break;
      case ReadOutcome::kMore:
        break;
    }
  }
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->pump(); });
}

// Returns true if it made progress (consumed input or produced replies).
bool Connection::execute_buffered() {
  if (in_.empty() || close_after_write_) return false;
  if (!session_) {  // the first bytes decide the protocol, once
    const Protocol protocol = detect_protocol(in_.view());
    if (protocol == Protocol::kUndecided) return false;
    session_ = make_session(protocol, worker_.service());
  }
  if (out_.capacity() == 0) out_ = worker_.buffers().acquire();
  // Replies are written out at kOutputHighWater, so only one large reply can take the output
  // past it: this limit is what stops an MGET of many large values from taking gigabytes.
  out_.set_size_limit(worker_.core().settings.startup().client_output_buffer_limit);
  const Session::Result result =
      session_->on_input(in_.readable(), out_, kOutputHighWater, worker_.stats());
  in_.consume(result.consumed);
  if (result.close) close_after_write_ = true;
  return result.consumed > 0 || !out_.empty();
}

Connection::ReadOutcome Connection::read_once() {
  if (in_.capacity() == 0) in_ = worker_.buffers().acquire();
  const std::size_t limit = worker_.core().settings.query_buffer_limit();
  if (in_.size() >= limit) {
    spdlog::warn("closing client {}: unparsed input reached client-query-buffer-limit ({} bytes)",
                 fmt::ptr(this), limit);
    return ReadOutcome::kClosed;
  }
  // A command larger than the buffer makes it grow (compacting first), by doubling but never
  // by more than the limit leaves; a pooled buffer is reused as it is.
  if (in_.free_space() == 0) in_.reserve_tail(std::min(in_.capacity(), limit - in_.size()));
  const std::span<char> space = in_.writable();
  if (space.empty()) return ReadOutcome::kClosed;  // could not grow: never spin on it
  std::error_code ec;
  const std::size_t n = socket_.read_some(asio::buffer(space.data(), space.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return ReadOutcome::kNothing;
  if (ec) return ReadOutcome::kClosed;
  in_.commit(n);
  touch();
  core::bump(worker_.stats().net_input_bytes, n);
  return n < space.size() ? ReadOutcome::kDrained : ReadOutcome::kMore;
}

Connection::FlushOutcome Connection::flush_now() {
  while (!out_.empty()) {
    const std::string_view pending = out_.view();
    std::error_code ec;
    const std::size_t n = socket_.write_some(asio::buffer(pending.data(), pending.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again)
      return FlushOutcome::kBlocked;
    if (ec) return FlushOutcome::kFailed;
    out_.consume(n);
    touch();
    core::bump(worker_.stats().net_output_bytes, n);
  }
  worker_.buffers().release(out_);
  return FlushOutcome::kDone;
}

void Connection::wait_readable() {
  waiting_for_read_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const std::error_code& ec) {
                       self->waiting_for_read_ = false;
                       if (ec || self->shutting_down_) return self->close();
                       self->pump();
                     });
}

void Connection::wait_writable() {
  socket_.async_wait(asio::ip::tcp::socket::wait_write,
                     [self = shared_from_this()](const std::error_code& ec) {
                       if (ec) return self->close();
                       self->pump();
                     });
}

void Connection::release_idle_buffers() {
  if (in_.empty() && in_.capacity() != 0) worker_.buffers().release(in_);
  if (out_.empty() && out_.capacity() != 0) worker_.buffers().release(out_);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  in_.clear();
  out_.clear();
  release_idle_buffers();
  worker_.forget(this);  // may drop the last owner: nothing may touch *this after it
}

}  // namespace respcache::server
