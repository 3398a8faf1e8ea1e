#include "respcache/server/buffer_pool.hpp"

#include <algorithm>
#include <utility>

namespace respcache::server {

BufferPool::BufferPool(std::size_t buffer_size, std::size_t max_pooled,
                       protocol::ByteBuffer::Meter* meter, Depot* depot)
    : buffer_size_(buffer_size), max_pooled_(max_pooled), meter_(meter), depot_(depot) {
  free_.reserve(max_pooled);
}

protocol::ByteBuffer BufferPool::acquire() {
  if (free_.empty() && depot_ != nullptr) refill_from_depot();
  if (free_.empty()) return protocol::ByteBuffer(buffer_size_, meter_);
  protocol::ByteBuffer buffer = std::move(free_.back());
  free_.pop_back();
  return buffer;
}

void BufferPool::release(protocol::ByteBuffer& buffer) {
  if (buffer.capacity() == buffer_size_) {
    if (free_.size() >= max_pooled_ && depot_ != nullptr) spill_to_depot();
    if (free_.size() < max_pooled_) {
      buffer.clear();
      buffer.remove_size_limit();
      free_.push_back(std::move(buffer));
    }
  }
  buffer = protocol::ByteBuffer();
}

// Refills to half, and spills down to half, so a pool that hovers at either end does not take
// the depot's lock on every call.
void BufferPool::refill_from_depot() {
  const std::size_t target = std::max<std::size_t>(1, max_pooled_ / 2);
  const std::lock_guard lock(depot_->mutex_);
  while (free_.size() < target && !depot_->free_.empty()) {
    free_.push_back(std::move(depot_->free_.back()));
    depot_->free_.pop_back();
  }
}

void BufferPool::spill_to_depot() {
  const std::size_t keep = max_pooled_ / 2;
  const std::lock_guard lock(depot_->mutex_);
  while (free_.size() > keep) {
    // What the depot has no room for is freed as it is popped.
    if (depot_->free_.size() < depot_->max_) depot_->free_.push_back(std::move(free_.back()));
    free_.pop_back();
  }
}

}  // namespace respcache::server
