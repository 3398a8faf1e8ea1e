#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::server {

/// A stack of standard-size buffers, one per event-loop thread, so connections borrow memory only
/// while they have unparsed input or unsent replies, and a busy connection does not allocate per
/// request. Not thread-safe: each event-loop thread owns one.
///
/// In the shared model a connection can take a buffer on one thread and give it back on
/// another (input or replies held across a wait), so one thread's pool drifts empty while
/// another's fills. The pools of a worker therefore share a Depot: a pool that fills hands
/// half its buffers to the depot, and one that runs empty takes some back before it allocates.
/// Both are rare, so the depot's lock is off the request path.
class BufferPool {
 public:
  /// The spare buffers of a worker's pools. Thread-safe.
  class Depot {
   public:
    explicit Depot(std::size_t max_buffers) : max_(max_buffers) { free_.reserve(max_buffers); }

   private:
    friend class BufferPool;
    std::mutex mutex_;
    std::size_t max_;
    std::vector<protocol::ByteBuffer> free_;
  };

  /// Keeps up to `max_pooled` buffers itself, and passes the rest through `depot` if there is
  /// one. Every buffer it hands out (and keeps) is counted in `meter`.
  BufferPool(std::size_t buffer_size, std::size_t max_pooled,
             protocol::ByteBuffer::Meter* meter = nullptr, Depot* depot = nullptr);

  /// An empty buffer of the standard size.
  protocol::ByteBuffer acquire();
  /// Takes the buffer's storage back (or frees it when it grew past the standard size or the
  /// pool and depot are full) and leaves `buffer` with no storage.
  void release(protocol::ByteBuffer& buffer);

  std::size_t pooled() const { return free_.size(); }

 private:
  void refill_from_depot();
  void spill_to_depot();

  std::size_t buffer_size_;
  std::size_t max_pooled_;
  protocol::ByteBuffer::Meter* meter_;
  Depot* depot_;
  std::vector<protocol::ByteBuffer> free_;  // reserved up front: release() never grows it
};

}  // namespace respcache::server
