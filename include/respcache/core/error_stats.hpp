#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace respcache::core {

/// INFO errorstats and total_error_replies: error replies counted by their first word
/// ("ERR", "WRONGTYPE"), as Redis's errors table. Errors are off the fast path, but a client
/// may send nothing but bad commands, so counting one takes no lock: codes live in a fixed
/// table, appended to under a mutex and published by a release store of the count, and each
/// has its own atomic counter. Past kMaxCodes distinct codes new ones are counted in the
/// total only (Redis disables the table there).
///
/// Reset is a baseline, as for Statistics.
class ErrorStats {
 public:
  static constexpr std::size_t kMaxCodes = 128;

  /// Counts an error reply whose text is `text` ("ERR unknown command ...").
  void count(std::string_view text);

  std::uint64_t total() const;
  /// (code, count) for every code counted since the last reset, in first-seen order.
  std::vector<std::pair<std::string, std::uint64_t>> by_code() const;
  void reset();

 private:
  struct Code {
    char name[32];
    std::size_t length = 0;
    std::atomic<std::uint64_t> count{0};
  };
  std::atomic<std::uint64_t> total_{0};
  std::array<Code, kMaxCodes> codes_;
  std::atomic<std::size_t> published_{0};
  std::mutex append_mutex_;
  mutable std::mutex baseline_mutex_;
  std::uint64_t total_baseline_ = 0;
  std::array<std::uint64_t, kMaxCodes> baseline_{};
};

}  // namespace respcache::core
