#include "respcache/core/slowlog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace respcache::core {

std::vector<std::string> Slowlog::trim(std::span<const std::string_view> args) {
  const std::size_t kept = std::min(args.size(), kMaxArgs);
  std::vector<std::string> out;
  out.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    if (kept != args.size() && i == kept - 1) {
      out.push_back(fmt::format("... ({} more arguments)", args.size() - kept + 1));
    } else if (args[i].size() > kMaxArgLength) {
      out.push_back(fmt::format("{}... ({} more bytes)", args[i].substr(0, kMaxArgLength),
                                args[i].size() - kMaxArgLength));
    } else {
      out.emplace_back(args[i]);
    }
  }
  return out;
}

void Slowlog::set_max_length(std::uint64_t length) {
  max_length_.store(length, std::memory_order_relaxed);
  const std::lock_guard lock(mutex_);
  while (entries_.size() > length) entries_.pop_back();
}

void Slowlog::add(std::span<const std::string_view> args, std::uint64_t duration_us,
                  std::string client_addr, std::string client_name) {
  SlowlogEntry entry;
  entry.args = trim(args);
  entry.duration_us = duration_us;
  entry.unix_time = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  entry.client_addr = std::move(client_addr);
  entry.client_name = std::move(client_name);
  const std::lock_guard lock(mutex_);
  entry.id = next_id_++;
  entries_.push_front(std::move(entry));
  const std::uint64_t limit = max_length();
  while (entries_.size() > limit) entries_.pop_back();
}

std::vector<SlowlogEntry> Slowlog::newest(std::size_t count) const {
  const std::lock_guard lock(mutex_);
  const std::size_t n = std::min(count, entries_.size());
  return {entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(n)};
}

std::size_t Slowlog::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

void Slowlog::reset() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace respcache::core
