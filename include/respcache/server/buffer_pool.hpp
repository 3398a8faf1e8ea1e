#pragma once

#include <cstddef>
#include <vector>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::server {

/// A stack of standard-size buffers, one per event-loop thread, so connections borrow memory only
/// while they have unparsed input or unsent replies, and a busy connection does not allocate per
/// request. Not thread-safe: each event-loop thread owns one.
class BufferPool {
 public:
  /// Every buffer it hands out (and keeps) is counted in `meter`.
  BufferPool(std::size_t buffer_size, std::size_t max_pooled,
             protocol::ByteBuffer::Meter* meter = nullptr)
      : buffer_size_(buffer_size), max_pooled_(max_pooled), meter_(meter) {}

  /// An empty buffer of buffer_size() bytes.
  protocol::ByteBuffer acquire();
  /// Takes the buffer's storage back (or frees it when it grew past the standard size or the
  /// pool is full) and leaves `buffer` with no storage.
  void release(protocol::ByteBuffer& buffer);

  std::size_t buffer_size() const { return buffer_size_; }
  std::size_t pooled() const { return free_.size(); }

 private:
  std::size_t buffer_size_;
  std::size_t max_pooled_;
  protocol::ByteBuffer::Meter* meter_;
  std::vector<protocol::ByteBuffer> free_;
};

}  // namespace respcache::server
