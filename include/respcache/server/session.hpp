#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "respcache/core/statistics.hpp"
#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::server {

/// The protocol half of a connection: turns received bytes into replies. The connection owns
/// the socket and buffers and knows nothing of RESP or HTTP; a session knows nothing of
/// sockets.
class Session {
 public:
  struct Result {
    std::size_t consumed = 0;  ///< bytes at the front of the input that are done with
    bool close = false;        ///< send what is in the output, then close
    /// Non-zero: a command waits out a CLIENT PAUSE; call on_input again (with or without new
    /// input) at this core::ClientPause::now_ms, or sooner after a ClientControl::kWake.
    std::int64_t park_until_ms = 0;
  };

  virtual ~Session() = default;

  /// Executes every complete request at the front of `input`, appending replies to `out`. It
  /// stops early once `out` holds `output_limit` bytes, so a pipeline of large replies is
  /// written in slices and its memory stays bounded. `input` is mutable because a parser may
  /// decode in place; views into it are dropped before this returns. `stats` belong to the
  /// calling thread. `out` may carry a size limit (the hard output limit): when a request's
  /// reply leaves it overflowed(), the session drops that partial reply (truncate), logs, and
  /// returns close, so the replies before it are still sent.
  virtual Result on_input(std::span<char> input, protocol::ByteBuffer& out,
                          std::size_t output_limit, core::WorkerStats& stats) = 0;

  /// Whether output may arrive that no request asked for (a MONITOR client's lines).
  virtual bool pushes() const { return false; }
  /// Appends that output; false if there was none.
  virtual bool take_pushed(protocol::ByteBuffer& /*out*/) { return false; }
};

}  // namespace respcache::server
