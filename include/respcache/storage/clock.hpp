#pragma once

#include <atomic>
#include <cstdint>

namespace respcache::storage {

/// Wall-clock time in milliseconds since the Unix epoch, the unit of every expiry. An
/// interface so that tests can move time by hand instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;
};

/// CLOCK_REALTIME through the vDSO: about 20 ns, cheap enough to call on every request, and
/// exact to the millisecond like Redis's expiry (the coarse clock would be off by up to 4 ms).
class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
  static const SystemClock& instance();
};

/// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(std::memory_order_relaxed); }
  void advance(std::int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }
  void set(std::int64_t ms) { now_.store(ms, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace respcache::storage
