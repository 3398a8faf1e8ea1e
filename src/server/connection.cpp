#include "respcache/server/connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <utility>

#include "respcache/core/client_pause.hpp"
#include "respcache/server/protocol_detector.hpp"
#include "respcache/server/worker.hpp"

namespace respcache::server {
namespace {

// Replies are written out once this much is pending, before more commands run.
constexpr std::size_t kOutputHighWater = 256 * 1024;
// Steps one connection may take before letting the others on its thread run.
constexpr int kStepsPerTurn = 64;

}  // namespace

Connection::Connection(std::unique_ptr<Transport> transport, Worker& worker)
    : transport_(std::move(transport)), worker_(worker) {}

Connection::~Connection() = default;

void Connection::start() {
  const std::lock_guard lock(mutex_);
  Transport::Options options;
  options.keepalive_idle_seconds = worker_.core().settings.tcp_keepalive();
  std::error_code ec;
  transport_->configure(options, ec);
  if (ec) {
    close();
    return;
  }
  register_client();
  touch();
  pump();
}

namespace {

// Redis's formatAddr: IPv6 addresses in brackets.
std::string format_address(const asio::ip::tcp::endpoint& endpoint) {
  const asio::ip::address address = endpoint.address();
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
  return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

}  // namespace

void Connection::register_client() {
  std::error_code ec;
  const std::string addr = format_address(transport_->remote_endpoint(ec));
  const std::string laddr = format_address(transport_->local_endpoint(ec));
  core::ServerCore& core = worker_.core();
  auto control = [weak = weak_from_this(),
                  executor = transport_->executor()](core::ClientControl control) {
    asio::post(executor, [weak, control] {
      if (auto self = weak.lock()) self->on_control(control);
    });
  };
  record_ = std::make_shared<core::ClientRecord>(core.next_client_id(), addr, laddr,
                                                 transport_->descriptor(), core.clock.now_ms(),
                                                 std::move(control));
  core.clients.add(record_);
}

void Connection::on_control(core::ClientControl control) {
  const std::lock_guard lock(mutex_);
  if (closed_) return;
  if (control == core::ClientControl::kKill) return close();
  if (parked_) {
    park_timer_->cancel();  // its completion resumes the chain
  } else if (waiting_for_read_) {
    wake_requested_ = true;
    transport_->cancel();
  }
  // Otherwise the chain is running or about to (a posted step, a write wait): it looks at
  // the pause and the monitor mailbox before it next waits.
}

void Connection::park() {
  if (!park_timer_) park_timer_ = std::make_unique<asio::steady_timer>(transport_->executor());
  parked_ = true;
  park_timer_->expires_at(
      std::chrono::steady_clock::time_point(std::chrono::milliseconds(park_until_ms_)));
  park_timer_->async_wait([self = shared_from_this()](const std::error_code&) {
    const std::lock_guard lock(self->mutex_);
    self->parked_ = false;
    if (self->shutting_down_) return self->close();
    self->pump();
  });
}

void Connection::publish_buffers() {
  if (!record_) return;
  core::ClientRecord& r = *record_;
  r.query_buffer.store(in_.size(), std::memory_order_relaxed);
  r.query_buffer_free.store(in_.capacity() - in_.size(), std::memory_order_relaxed);
  r.output_bytes.store(out_.size(), std::memory_order_relaxed);
  r.reply_buffer_size.store(out_.capacity(), std::memory_order_relaxed);
  r.buffers_memory.store(in_.capacity() + out_.capacity(), std::memory_order_relaxed);
}

void Connection::touch() {
  const std::int64_t now = worker_.core().clock.now_ms();
  last_interaction_ms_.store(now, std::memory_order_relaxed);
  if (record_) record_->last_interaction_ms.store(now, std::memory_order_relaxed);
}

void Connection::close_if_idle_since(std::int64_t cutoff_ms) {
  const std::lock_guard lock(mutex_);
  if (closed_ || last_interaction_ms() >= cutoff_ms) return;
  spdlog::debug("closing client {}: idle longer than timeout", fmt::ptr(this));
  close();
}

void Connection::begin_shutdown() {
  const std::lock_guard lock(mutex_);
  shutting_down_ = true;
  // The pending wait completes with operation_aborted, then close().
  if (waiting_for_read_) transport_->cancel();
  if (parked_) park_timer_->cancel();
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
          return wait(Transport::Wait::kWrite);
        case FlushOutcome::kDone:
          break;
      }
    }
    if (close_after_write_) return close();
    if (session_ && session_->pushes() && out_.size() < kOutputHighWater) {
      if (out_.capacity() == 0) out_ = worker_.buffers().acquire();  // pooled and metered
      if (session_->take_pushed(out_)) continue;
    }
    if (park_until_ms_ != 0) {
      if (shutting_down_) return close();
      if (core::ClientPause::now_ms() < park_until_ms_ && worker_.core().pause.maybe_paused()) {
        return park();
      }
    }
    if (execute_buffered()) continue;
    if (park_until_ms_ != 0) continue;  // just parked: the check above arms the timer
    if (shutting_down_) return close();
    if (input_drained_) {
      input_drained_ = false;
      release_idle_buffers();
      return wait(Transport::Wait::kRead);
    }
    switch (read_once()) {
      case ReadOutcome::kClosed:
        return close();
      case ReadOutcome::kNothing:
        release_idle_buffers();
        return wait(Transport::Wait::kRead);
      case ReadOutcome::kDrained:
        input_drained_ = true;
        break;
      case ReadOutcome::kMore:
        break;
    }
  }
  asio::post(transport_->executor(), [self = shared_from_this()] {
    const std::lock_guard lock(self->mutex_);
    self->pump();
  });
}

// Returns true if it made progress (consumed input or produced replies).
bool Connection::execute_buffered() {
  if ((in_.empty() && park_until_ms_ == 0) || close_after_write_) return false;
  if (!session_) {  // the first bytes decide the protocol, once
    const Protocol protocol = detect_protocol(in_.view());
    if (protocol == Protocol::kUndecided) return false;
    session_ = make_session(protocol, worker_.service(), record_);
  }
  if (out_.capacity() == 0) {
    out_ = worker_.buffers().acquire();
    record_->reply_buffer_size.store(out_.capacity(), std::memory_order_relaxed);
  }
  // Replies are written out at kOutputHighWater, so only one large reply can take the output
  // past it: this limit is what stops an MGET of many large values from taking gigabytes.
  out_.set_size_limit(worker_.core().settings.output_buffer_size_limit());
  const bool was_parked = park_until_ms_ != 0;
  const Session::Result result =
      session_->on_input(in_.readable(), out_, kOutputHighWater, worker_.stats());
  in_.consume(result.consumed);
  park_until_ms_ = result.park_until_ms;
  if (record_) record_->set_flag(core::kClientBlocked, park_until_ms_ != 0);
  if (result.close) close_after_write_ = true;
  publish_buffers();
  if (park_until_ms_ != 0 && was_parked && result.consumed == 0) return false;
  return result.consumed > 0 || !out_.empty() || (was_parked && park_until_ms_ == 0);
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
  const Transport::IoResult read = transport_->read_some(space);
  switch (read.status) {
    case Transport::Status::kWouldBlock:
      return ReadOutcome::kNothing;
    case Transport::Status::kEof:
    case Transport::Status::kError:
      return ReadOutcome::kClosed;
    case Transport::Status::kOk:
      break;
  }
  in_.commit(read.bytes);
  touch();
  core::bump(worker_.stats().net_input_bytes, read.bytes);
  core::bump(record_->net_input_bytes, read.bytes);
  publish_buffers();
  return read.bytes < space.size() ? ReadOutcome::kDrained : ReadOutcome::kMore;
}

Connection::FlushOutcome Connection::flush_now() {
  while (!out_.empty()) {
    const Transport::IoResult written = transport_->write_some(std::span<const char>(out_.view()));
    if (written.status == Transport::Status::kWouldBlock) return FlushOutcome::kBlocked;
    if (written.status != Transport::Status::kOk) return FlushOutcome::kFailed;
    out_.consume(written.bytes);
    touch();
    core::bump(worker_.stats().net_output_bytes, written.bytes);
    core::bump(record_->net_output_bytes, written.bytes);
  }
  worker_.buffers().release(out_);
  publish_buffers();
  return FlushOutcome::kDone;
}

// Arms one wait; its completion comes back through on_transport_ready, holding a reference
// so the connection outlives it. Only reads are cancelled by begin_shutdown: a connection
// blocked on writing still has replies to deliver.
void Connection::wait(Transport::Wait wait) {
  if (wait == Transport::Wait::kRead) waiting_for_read_ = true;
  // Aliasing: TransportUser is a private base, which std::shared_ptr cannot convert to.
  transport_->async_wait(
      wait, std::shared_ptr<TransportUser>(shared_from_this(), static_cast<TransportUser*>(this)));
}

void Connection::on_transport_ready(Transport::Wait wait, const std::error_code& ec) {
  const std::lock_guard lock(mutex_);
  if (wait == Transport::Wait::kRead) {
    waiting_for_read_ = false;
    if (shutting_down_) return close();
  }
  const bool woken = std::exchange(wake_requested_, false);
  if (ec && !(woken && ec == asio::error::operation_aborted)) return close();
  pump();
}

void Connection::release_idle_buffers() {
  if (in_.empty() && in_.capacity() != 0) worker_.buffers().release(in_);
  if (out_.empty() && out_.capacity() != 0) worker_.buffers().release(out_);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  if (park_timer_) park_timer_->cancel();
  if (record_) worker_.core().clients.remove(*record_);
  transport_->close();
  in_.clear();
  out_.clear();
  release_idle_buffers();
  worker_.forget(this);  // may drop the last owner: nothing may touch *this after it
}

}  // namespace respcache::server
