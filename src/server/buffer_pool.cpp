#include "respcache/server/buffer_pool.hpp"

#include <utility>

namespace respcache::server {

protocol::ByteBuffer BufferPool::acquire() {
  if (free_.empty()) return protocol::ByteBuffer(buffer_size_, meter_);
  protocol::ByteBuffer buffer = std::move(free_.back());
  free_.pop_back();
  return buffer;
}

void BufferPool::release(protocol::ByteBuffer& buffer) {
  if (buffer.capacity() == buffer_size_ && free_.size() < max_pooled_) {
    buffer.clear();
    buffer.remove_size_limit();
    free_.push_back(std::move(buffer));
  }
  buffer = protocol::ByteBuffer();
}

}  // namespace respcache::server
