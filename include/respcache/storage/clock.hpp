#pragma once

#include <atomic>
#include <cstdint>

namespace respcache::storage {

/// While a script runs, the time it started, on the script's thread; 0 otherwise. Redis
/// stops time for a script: no key it sees expires in the middle of it.
inline thread_local std::int64_t t_frozen_now_ms = 0;

/// Wall-clock time in milliseconds since the Unix epoch, the unit of every expiry. An
/// interface so that tests can move time by hand instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The time, or the frozen time of the script running on this thread.
  std::int64_t now_ms() const { return t_frozen_now_ms != 0 ? t_frozen_now_ms : read_ms(); }

 protected:
  virtual std::int64_t read_ms() const = 0;
};

/// Stops `clock`'s time on this thread while in scope (a script's run). Nested: the outer
/// one's time stays.
class FrozenTime {
 public:
  explicit FrozenTime(const Clock& clock) : previous_(t_frozen_now_ms) {
    if (previous_ == 0) t_frozen_now_ms = clock.now_ms();
  }
  ~FrozenTime() { t_frozen_now_ms = previous_; }
  FrozenTime(const FrozenTime&) = delete;
  FrozenTime& operator=(const FrozenTime&) = delete;

 private:
  std::int64_t previous_;
};

/// CLOCK_REALTIME through the vDSO: about 20 ns, cheap enough to call on every request, and
/// exact to the millisecond like Redis's expiry (the coarse clock would be off by up to 4 ms).
class SystemClock final : public Clock {
 public:
  static const SystemClock& instance();

 protected:
  std::int64_t read_ms() const override;
};

/// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  void advance(std::int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }
  void set(std::int64_t ms) { now_.store(ms, std::memory_order_relaxed); }

 protected:
  std::int64_t read_ms() const override { return now_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

/// Redis's LRU clock: wall-clock time in ticks of kLruClockResolutionMs, kept to its low 24
/// bits so that it fits beside an 8-bit LFU counter in an entry's 32-bit access stamp. Redis
/// ticks once a second (wrapping after 194 days); 10 ms keeps recency meaningful in a small
/// cache that turns over in seconds, and still wraps only after 46.6 hours. It is derived from
/// the time a request already reads, so reads advance it as much as writes do.
inline constexpr unsigned kLruClockBits = 24;
inline constexpr std::uint32_t kLruClockMax = (1U << kLruClockBits) - 1;
inline constexpr std::int64_t kLruClockResolutionMs = 10;
/// How long the clock takes to come back to the same value.
inline constexpr std::int64_t kLruClockWrapMs =
    (std::int64_t{kLruClockMax} + 1) * kLruClockResolutionMs;

/// The LRU clock at `now_ms` (epoch milliseconds, not negative).
constexpr std::uint32_t lru_clock(std::int64_t now_ms) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now_ms) / kLruClockResolutionMs) &
         kLruClockMax;
}

/// Ticks from `stamp` to `now`, both LRU clock values. As Redis's estimateObjectIdleTime, it
/// assumes the clock wrapped at most once in between: a stamp that looks later than now is
/// from before the wrap. An entry idle for more than kLruClockWrapMs looks younger than it is
/// (by a multiple of the wrap), the price of 24 bits.
constexpr std::uint32_t lru_idle_ticks(std::uint32_t stamp, std::uint32_t now) {
  return (now - stamp) & kLruClockMax;
}

}  // namespace respcache::storage
