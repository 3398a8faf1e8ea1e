#include "respcache/storage/eviction_policy.hpp"

#include <cstddef>
#include <limits>

namespace respcache::storage {
namespace {

constexpr std::array<std::string_view, kEvictionPolicies.size()> kNames = {
    "allkeys-lru",  "allkeys-lfu",     "allkeys-random", "volatile-lru",
    "volatile-lfu", "volatile-random", "volatile-ttl",   "noeviction",
};

constexpr std::uint32_t kMaxCounter = 255;
constexpr std::int64_t kLfuDecayTicks = kLfuDecayPeriodMs / kLruClockResolutionMs;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

/// xorshift64 with a per-thread state, seeded from the state's own address: readers under a
/// shared lock each draw from their own generator, so drawing writes no shared cache line.
std::uint32_t thread_random() {
  thread_local std::uint64_t state = 0;
  if (state == 0) {
    // No constant added to the address itself: GCC folds that into the TLS relocation,
    // whose 32 bits it overflows.
    std::uint64_t z = reinterpret_cast<std::uintptr_t>(&state);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    state = (z ^ (z >> 31)) | 1;
  }
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return static_cast<std::uint32_t>(state >> 32);
}

}  // namespace

std::string_view eviction_policy_name(EvictionPolicy policy) {
  return kNames[static_cast<std::size_t>(policy)];
}

std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name) {
  for (const EvictionPolicy policy : kEvictionPolicies) {
    if (iequals(name, eviction_policy_name(policy))) return policy;
  }
  return std::nullopt;
}

std::string eviction_policy_names() {
  std::string names;
  for (const std::string_view name : kNames) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

namespace access_stamp {

std::uint32_t decayed_counter(std::uint32_t stamp, std::uint32_t now_clock) {
  const std::uint32_t counter = counter_of(stamp);
  const auto periods =
      static_cast<std::int64_t>(lru_idle_ticks(clock_of(stamp), now_clock)) / kLfuDecayTicks;
  return periods >= counter ? 0 : counter - static_cast<std::uint32_t>(periods);
}

std::uint32_t log_increment(std::uint32_t counter, std::uint32_t random) {
  if (counter >= kMaxCounter) return kMaxCounter;
  const std::uint64_t base = counter > kLfuInitCounter ? counter - kLfuInitCounter : 0;
  // random / 2^32 < 1 / (base * factor + 1), in integers.
  const bool hit =
      static_cast<std::uint64_t>(random) * (base * kLfuLogFactor + 1) < (std::uint64_t{1} << 32);
  return hit ? counter + 1 : counter;
}

std::uint32_t lfu_touched(std::uint32_t stamp, std::uint32_t now_clock) {
  return make(log_increment(decayed_counter(stamp, now_clock), thread_random()), now_clock);
}

}  // namespace access_stamp

std::uint64_t VictimRanker::score(const Entry& entry) const {
  const std::uint32_t stamp = entry.access_tick.load(std::memory_order_relaxed);
  const std::uint32_t idle = lru_idle_ticks(access_stamp::clock_of(stamp), now_clock_);
  switch (policy_) {
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kVolatileLru:
      return idle;
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return std::uint64_t{kMaxCounter - access_stamp::decayed_counter(stamp, now_clock_)}
                 << kLruClockBits |
             idle;
    case EvictionPolicy::kVolatileTtl: {
      const std::int64_t left = entry.expire_at_ms() - now_ms_;
      return std::numeric_limits<std::uint64_t>::max() -
             (left > 0 ? static_cast<std::uint64_t>(left) : 0);
    }
    case EvictionPolicy::kAllKeysRandom:
    case EvictionPolicy::kVolatileRandom:
    case EvictionPolicy::kNoEviction:
      break;
  }
  return 0;
}

}  // namespace respcache::storage
