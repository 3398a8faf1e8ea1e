#include "respcache/core/error_stats.hpp"

#include <algorithm>
#include <cstring>

namespace respcache::core {
namespace {

// Redis's afterErrorReply: the code is the text up to the first space.
std::string_view error_code(std::string_view text) {
  const std::size_t space = text.find(' ');
  return text.substr(
      0, std::min<std::size_t>(space == std::string_view::npos ? text.size() : space, 31));
}

}  // namespace

void ErrorStats::count(std::string_view text) {
  total_.fetch_add(1, std::memory_order_relaxed);
  const std::string_view code = error_code(text);
  auto find = [&](std::size_t n) -> Code* {
    for (std::size_t i = 0; i < n; ++i) {
      if (std::string_view(codes_[i].name, codes_[i].length) == code) return &codes_[i];
    }
    return nullptr;
  };
  Code* slot = find(published_.load(std::memory_order_acquire));
  if (slot == nullptr) {
    const std::lock_guard lock(append_mutex_);
    const std::size_t n = published_.load(std::memory_order_relaxed);
    slot = find(n);
    if (slot == nullptr) {
      if (n == kMaxCodes) return;
      slot = &codes_[n];
      std::memcpy(slot->name, code.data(), code.size());
      slot->length = code.size();
      published_.store(n + 1, std::memory_order_release);
    }
  }
  slot->count.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t ErrorStats::total() const {
  const std::lock_guard lock(baseline_mutex_);
  return total_.load(std::memory_order_relaxed) - total_baseline_;
}

std::vector<std::pair<std::string, std::uint64_t>> ErrorStats::by_code() const {
  const std::lock_guard lock(baseline_mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const std::size_t n = published_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t count = codes_[i].count.load(std::memory_order_relaxed) - baseline_[i];
    if (count > 0) out.emplace_back(std::string(codes_[i].name, codes_[i].length), count);
  }
  return out;
}

void ErrorStats::reset() {
  const std::lock_guard lock(baseline_mutex_);
  total_baseline_ = total_.load(std::memory_order_relaxed);
  const std::size_t n = published_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i)
    baseline_[i] = codes_[i].count.load(std::memory_order_relaxed);
}

}  // namespace respcache::core
