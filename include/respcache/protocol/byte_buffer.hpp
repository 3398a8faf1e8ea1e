#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace respcache::protocol {

/// A growable byte buffer with a readable region [begin, end) and free space after it: the
/// storage for connection input and for replies being built. Unlike std::vector it never
/// zero-fills, and it can be handed to a pool and reused.
///
/// An optional meter is kept equal to the bytes this buffer holds, through growth, moves and
/// destruction, so connection buffers can count toward the server's memory budget.
class ByteBuffer {
 public:
  using Meter = std::atomic<std::int64_t>;

  ByteBuffer() = default;
  explicit ByteBuffer(std::size_t capacity, Meter* meter = nullptr)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)),
        capacity_(capacity),
        meter_(meter) {
    charge(static_cast<std::int64_t>(capacity));
  }
  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    if (this != &other) {
      charge(-static_cast<std::int64_t>(capacity_));
      data_ = std::move(other.data_);
      capacity_ = std::exchange(other.capacity_, 0);
      begin_ = std::exchange(other.begin_, 0);
      end_ = std::exchange(other.end_, 0);
      meter_ = std::exchange(other.meter_, nullptr);
      size_limit_ = std::exchange(other.size_limit_, kNoLimit);
      overflowed_ = std::exchange(other.overflowed_, false);
    }
    return *this;
  }
  ~ByteBuffer() { charge(-static_cast<std::int64_t>(capacity_)); }

  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t free_space() const { return capacity_ - end_; }

  /// The unread bytes. Valid until the next call that writes, grows or compacts.
  std::span<char> readable() { return {data_.get() + begin_, end_ - begin_}; }
  std::string_view view() const { return {data_.get() + begin_, end_ - begin_}; }
  /// Free space to receive into; call commit() with how much was written.
  std::span<char> writable() { return {data_.get() + end_, capacity_ - end_}; }
  void commit(std::size_t n) { end_ += n; }

  /// Drops n bytes from the front; an emptied buffer rewinds to offset 0.
  void consume(std::size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }
  /// Drops bytes from the end so that size() == n (n <= size()): undoes a partial reply.
  void truncate(std::size_t n) { end_ = begin_ + n; }

  /// Caps size(): a write that would pass `limit` is dropped and overflowed() turns true, so
  /// a reply too large to send never takes the memory. Clears overflowed().
  void set_size_limit(std::size_t limit) {
    size_limit_ = limit;
    overflowed_ = false;
  }
  /// Back to no size limit (a pooled buffer may next serve as input).
  void remove_size_limit() { set_size_limit(kNoLimit); }
  /// A write was dropped because of the size limit.
  bool overflowed() const { return overflowed_; }

  /// Makes room for at least n more bytes at the end, moving unread bytes to the front
  /// first and reallocating only if that is not enough. Does nothing (but mark the buffer
  /// overflowed) if n more bytes would pass the size limit.
  void reserve_tail(std::size_t n) {
    if (free_space() >= n) return;
    if (!fits(n)) return;
    if (begin_ > 0) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
      if (free_space() >= n) return;
    }
    std::size_t new_capacity = capacity_ ? capacity_ : 64;
    while (new_capacity - end_ < n) new_capacity *= 2;
    auto grown = std::make_unique_for_overwrite<char[]>(new_capacity);
    if (end_ > 0) std::memcpy(grown.get(), data_.get(), end_);
    data_ = std::move(grown);
    charge(static_cast<std::int64_t>(new_capacity - capacity_));
    capacity_ = new_capacity;
  }

  /// Appends bytes, growing as needed.
  void append(const char* bytes, std::size_t n) {
    if (n == 0 || !fits(n)) return;  // n == 0 may come with bytes == nullptr
    reserve_tail(n);
    std::memcpy(data_.get() + end_, bytes, n);
    end_ += n;
  }
  void append(std::string_view text) { append(text.data(), text.size()); }
  void push_back(char c) {
    if (!fits(1)) return;
    reserve_tail(1);
    data_[end_++] = c;
  }

 private:
  static constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);

  bool fits(std::size_t n) {
    if (!overflowed_ && size() <= size_limit_ && n <= size_limit_ - size()) return true;
    overflowed_ = true;
    return false;
  }

  void charge(std::int64_t bytes) {
    if (meter_ != nullptr && bytes != 0) meter_->fetch_add(bytes, std::memory_order_relaxed);
  }

  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  Meter* meter_ = nullptr;
  std::size_t size_limit_ = kNoLimit;
  bool overflowed_ = false;
};

}  // namespace respcache::protocol
