#pragma once

#include <atomic>
#include <cstdint>

namespace respcache::core {

/// Milliseconds on the monotonic clock, refreshed by the maintenance thread (every 100 ms),
/// so that connections can stamp their last interaction without reading the clock.
class CoarseClock {
 public:
  CoarseClock() { tick(); }
  std::int64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }
  /// Reads the steady clock into now_ms().
  void tick();

 private:
  std::atomic<std::int64_t> now_ms_{0};
};

}  // namespace respcache::core
