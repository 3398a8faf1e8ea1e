#include "respcache/server/connection.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>

#include "respcache/server/protocol_detector.hpp"
#include "respcache/server/worker.hpp"

namespace respcache::server {
namespace {

// Replies are written out once this much is pending, before more commands run.
constexpr std::size_t kOutputHighWater = 256 * 1024;
// A client whose unparsed input reaches this is disconnected (Redis: client-query-buffer-limit).
constexpr std::size_t kMaxQueryBuffer = 1024UL * 1024 * 1024;
// Steps one connection may take before letting the others on its thread run.
constexpr int kStepsPerTurn = 64;

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Worker& worker)
    : socket_(std::move(socket)), worker_(worker) {}

Connection::~Connection() = default;

void Connection::start() {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.set_option(asio::socket_base::keep_alive(true), ec);
  socket_.non_blocking(true, ec);
  if (ec) {
    close();
    return;
  }
  pump();
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
    session_ = make_session(protocol, worker_.state());
  }
  if (out_.capacity() == 0) out_ = worker_.buffers().acquire();
  const Session::Result result =
      session_->on_input(in_.readable(), out_, kOutputHighWater, worker_.stats());
  in_.consume(result.consumed);
  if (result.close) close_after_write_ = true;
  return result.consumed > 0 || !out_.empty();
}

Connection::ReadOutcome Connection::read_once() {
  if (in_.capacity() == 0) in_ = worker_.buffers().acquire();
  if (in_.size() >= kMaxQueryBuffer) {
    spdlog::warn("closing client {}: query buffer reached {} bytes", fmt::ptr(this), in_.size());
    return ReadOutcome::kClosed;
  }
  // A command larger than the buffer makes it grow (compacting first); a pooled buffer is
  // reused as it is.
  if (in_.free_space() == 0) in_.reserve_tail(in_.capacity());
  const std::span<char> space = in_.writable();
  std::error_code ec;
  const std::size_t n = socket_.read_some(asio::buffer(space.data(), space.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return ReadOutcome::kNothing;
  if (ec) return ReadOutcome::kClosed;
  in_.commit(n);
  commands::bump(worker_.stats().net_input_bytes, n);
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
    commands::bump(worker_.stats().net_output_bytes, n);
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
