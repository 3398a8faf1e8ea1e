#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace respcache::core {

/// CLIENT PAUSE: until when, and which commands, clients must wait. The end and the mode
/// share one atomic word (end << 2 | mode), so a pause, an UNPAUSE and the lazy clearing of
/// an ended pause never mix halves of two states. Checked before every command with one
/// relaxed load (maybe_paused); the clock is read only while a pause is set.
class ClientPause {
 public:
  enum class Mode : int { kNone = 0, kWrite = 1, kAll = 2 };

  /// Milliseconds on the steady clock.
  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  /// Redis's pauseClients: the stricter mode and the later end of this pause and the one in
  /// force win.
  void pause(std::int64_t end_ms, Mode mode) {
    std::uint64_t old = state_.load(std::memory_order_relaxed);
    std::uint64_t wanted;
    do {
      const std::int64_t end = std::max(end_of(old), end_ms);
      const int strictest = std::max(static_cast<int>(mode_of(old)), static_cast<int>(mode));
      wanted = (static_cast<std::uint64_t>(end) << 2) | static_cast<std::uint64_t>(strictest);
    } while (!state_.compare_exchange_weak(old, wanted, std::memory_order_relaxed));
  }
  void unpause() { state_.store(0, std::memory_order_relaxed); }

  /// The mode in force at `now` (kNone once the end has passed, which also clears it).
  Mode mode(std::int64_t now) {
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    if (state == 0) return Mode::kNone;
    if (now >= end_of(state)) {
      state_.compare_exchange_strong(state, 0, std::memory_order_relaxed);
      return Mode::kNone;
    }
    return mode_of(state);
  }
  /// Whether a pause is set (ended or not): the fast-path check.
  bool maybe_paused() const { return state_.load(std::memory_order_relaxed) != 0; }
  std::int64_t end_ms() const { return end_of(state_.load(std::memory_order_relaxed)); }

 private:
  static std::int64_t end_of(std::uint64_t state) { return static_cast<std::int64_t>(state >> 2); }
  static Mode mode_of(std::uint64_t state) { return static_cast<Mode>(state & 3); }

  std::atomic<std::uint64_t> state_{0};
};

}  // namespace respcache::core
