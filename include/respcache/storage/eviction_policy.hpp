#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "respcache/storage/clock.hpp"
#include "respcache/storage/entry.hpp"

namespace respcache::storage {

/// Which entries may go, and which go first, when a write takes the cache over its budget:
/// Redis's maxmemory-policy. This file and its .cpp are the one place that knows what each
/// policy means; a new policy is an enumerator, a name and a case in VictimRanker.
enum class EvictionPolicy : std::uint8_t {
  kAllKeysLru,      ///< least recently accessed of a sample (the default)
  kAllKeysLfu,      ///< least frequently accessed of a sample, by a decaying counter
  kAllKeysRandom,   ///< any key
  kVolatileLru,     ///< as kAllKeysLru, among keys with a TTL only
  kVolatileLfu,     ///< as kAllKeysLfu, among keys with a TTL only
  kVolatileRandom,  ///< any key with a TTL
  kVolatileTtl,     ///< the key with the nearest expiry of a sample
  kNoEviction,      ///< none: a write that would go over the budget is refused
};

inline constexpr std::array<EvictionPolicy, 8> kEvictionPolicies = {
    EvictionPolicy::kAllKeysLru,  EvictionPolicy::kAllKeysLfu,  EvictionPolicy::kAllKeysRandom,
    EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu, EvictionPolicy::kVolatileRandom,
    EvictionPolicy::kVolatileTtl, EvictionPolicy::kNoEviction,
};

/// Redis's name for a policy ("allkeys-lru").
std::string_view eviction_policy_name(EvictionPolicy policy);
/// The policy with this Redis name, case-insensitive as Redis's CONFIG SET is; nullopt for
/// anything else.
std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name);
/// Every name, comma-separated, for error messages and help texts.
std::string eviction_policy_names();

/// Whether the policy may evict only keys with a TTL.
constexpr bool evicts_only_volatile(EvictionPolicy policy) {
  return policy == EvictionPolicy::kVolatileLru || policy == EvictionPolicy::kVolatileLfu ||
         policy == EvictionPolicy::kVolatileRandom || policy == EvictionPolicy::kVolatileTtl;
}
constexpr bool counts_frequency(EvictionPolicy policy) {
  return policy == EvictionPolicy::kAllKeysLfu || policy == EvictionPolicy::kVolatileLfu;
}

/// Redis's LFU defaults: new keys start at counter 5 (so they are not evicted before they had
/// a chance to be read again); lfu-log-factor 10 makes the counter reach 255 after about a
/// million accesses; lfu-decay-time 1 takes one off per minute without access.
inline constexpr std::uint32_t kLfuInitCounter = 5;
inline constexpr std::uint32_t kLfuLogFactor = 10;
inline constexpr std::int64_t kLfuDecayPeriodMs = 60'000;

/// An entry's access stamp, the 32 bits of Entry::access_tick:
///
///   bits 0-23   the LRU clock (clock.hpp) at the last access
///   bits 24-31  the LFU counter: logarithmic, decayed by the time since the last access
///
/// Every policy reads the same two fields, which is why switching policy at run time needs no
/// conversion: the LRU policies keep the clock up to date (the counter stays as it was), the
/// LFU ones both, since the clock is also the counter's decay time. Reads store a new stamp
/// with a relaxed atomic store under the shard's shared lock, and only when it changed, so a
/// hot key is written at most once per clock tick (plus the rare counter increment).
namespace access_stamp {

constexpr std::uint32_t make(std::uint32_t counter, std::uint32_t clock) {
  return counter << kLruClockBits | (clock & kLruClockMax);
}
constexpr std::uint32_t clock_of(std::uint32_t stamp) { return stamp & kLruClockMax; }
constexpr std::uint32_t counter_of(std::uint32_t stamp) { return stamp >> kLruClockBits; }
/// The stamp of an entry created at `clock`.
constexpr std::uint32_t fresh(std::uint32_t clock) { return make(kLfuInitCounter, clock); }
/// Redis's LFUDecrAndReturn: the counter less one per decay period since the last access.
std::uint32_t decayed_counter(std::uint32_t stamp, std::uint32_t now_clock);
/// Redis's LFULogIncr: one more with probability 1 / ((counter - 5) * 10 + 1), `random`
/// being uniform over 32 bits; 255 stays 255.
std::uint32_t log_increment(std::uint32_t counter, std::uint32_t random);
/// Redis's updateLFU: decay, then a logarithmic increment (from a thread-local generator).
std::uint32_t lfu_touched(std::uint32_t stamp, std::uint32_t now_clock);

/// The stamp an access (a read, or an overwrite: Redis keeps a key's counter across SET)
/// leaves under `policy`. Inline, with the LRU case first: it runs on every hit.
inline std::uint32_t touched(EvictionPolicy policy, std::uint32_t stamp, std::uint32_t now_clock) {
  if (!counts_frequency(policy)) return make(counter_of(stamp), now_clock);
  return lfu_touched(stamp, now_clock);
}

}  // namespace access_stamp

/// How one policy compares eviction candidates at one moment. The shard samples entries and
/// asks: may this one go (`eligible`), and which goes first (the highest `score`)? Built once
/// per victim, so the policy and the time stay fixed while it compares.
class VictimRanker {
 public:
  VictimRanker(EvictionPolicy policy, std::int64_t now_ms)
      : policy_(policy), now_ms_(now_ms), now_clock_(lru_clock(now_ms)) {}

  EvictionPolicy policy() const { return policy_; }
  /// False for noeviction: nothing may go.
  bool evicts() const { return policy_ != EvictionPolicy::kNoEviction; }
  bool volatile_only() const { return evicts_only_volatile(policy_); }
  /// The random policies take the first eligible candidate without comparing.
  bool takes_first() const {
    return policy_ == EvictionPolicy::kAllKeysRandom || policy_ == EvictionPolicy::kVolatileRandom;
  }
  bool eligible(const Entry& entry) const { return !volatile_only() || entry.has_expiry(); }
  /// Larger goes first. LRU: ticks since the last access. LFU: 255 minus the decayed counter,
  /// ties broken by idle time (Redis leaves them to sampling order). TTL: the sooner the
  /// expiry, the larger.
  std::uint64_t score(const Entry& entry) const;

 private:
  EvictionPolicy policy_;
  std::int64_t now_ms_;
  std::uint32_t now_clock_;
};

}  // namespace respcache::storage
