// Miss ratio of every eviction policy of respcache's Cache under a byte budget, on
// deterministic Zipf traces and on a scan mixed into a Zipf trace, beside exact LRU and
// exact SIEVE (NSDI'24) simulations holding the same number of entries.
//
// Protocol per request (cache-aside): GET; on a miss, SET. The first 20% of a trace warms the
// cache and is not counted. Time is simulated: a ManualClock moves 1000 / --rate ms per
// request, so the LRU clock (10 ms ticks) and the LFU decay (a minute) see a server doing
// --rate requests a second. For the volatile-* runs every SET carries a TTL of a day (nothing
// expires in the trace), so they rank the same keys as allkeys-*; volatile-ttl then evicts the
// earliest inserted of a sample (FIFO). Budgets are the index arrays plus the target entry
// count times the entry's chunk (96 bytes, 112 with a TTL), so every run holds about the same
// number of entries; exact LRU and SIEVE then get the entry count allkeys-lru held.
// "SIEVE, equal memory" gets that count times b / (b + 8), b being allkeys-lru's bytes per
// entry: SIEVE's queue needs at least a pointer per entry, which respcache's entry has no
// room for. "SIEVE, hash order" is the variant that needs no queue: the hand walks entries in
// hash order (as it could walk the hash table), at allkeys-lru's entry count.
//
// Usage: zipf_miss_ratio [--keys=N] [--requests=R] [--seed=S] [--rate=Q] [--jobs=J]
//                        [--sections=zipf,scan,sweep]
// The defaults (1,000,000 keys, 5,000,000 requests, seed 42, 100,000 requests/s, all
// sections) produce the tables in bench/RESULTS.extra.md. Runs are independent and their
// results do not depend on --jobs.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"
#include "respcache/storage/eviction_policy.hpp"

namespace {

using respcache::storage::Cache;
using respcache::storage::CacheOptions;
using respcache::storage::EntryView;
using respcache::storage::EvictionPolicy;
using respcache::storage::kEvictionPolicies;
using respcache::storage::ManualClock;

struct Options {
  std::size_t keys = 1'000'000;
  std::size_t requests = 5'000'000;
  std::uint64_t seed = 42;
  std::uint64_t rate = 100'000;
  std::size_t jobs = 1;
  bool zipf = true;
  bool scan = true;
  bool sweep = true;
};

constexpr double kWarmupFraction = 0.2;
constexpr std::size_t kShardCount = 64;
constexpr std::size_t kDefaultSamples = 8;
constexpr std::uint64_t kHashSeed = 0x5EED5EED5EED5EEDULL;
constexpr std::int64_t kStartMs = 1'700'000'000'000;
constexpr std::int64_t kTtlMs = 24 * 3600 * 1000;
// What one entry costs under the budget: a 12-byte header, a key of at most 11 bytes and a
// 64-byte value come to at most 87 bytes, which glibc serves from a 96-byte chunk; with the
// 8 bytes of a TTL, from a 112-byte one.
constexpr std::size_t kEntryBytes = 96;
constexpr std::size_t kEntryBytesWithTtl = 112;
// What SIEVE's queue would add to each entry at the least (one pointer).
constexpr std::size_t kSieveQueueBytes = 8;
// How often (in requests) the measured phase samples cache.size().
constexpr std::size_t kSizeSampleInterval = 1024;

const std::vector<double> kSkews = {0.8, 0.99, 1.2};
const std::vector<double> kBudgetFractions = {0.01, 0.05, 0.10, 0.25};
const std::vector<std::size_t> kSweepSamples = {1, 5, 8, 16};
const std::vector<EvictionPolicy> kSweepPolicies = {EvictionPolicy::kAllKeysLru,
                                                    EvictionPolicy::kAllKeysLfu};
constexpr double kSweepSkew = 0.99;
// The scan mix: half the requests walk a loop over as many other keys as the Zipf part has
// (far more than any budget holds), the other half are Zipf(kScanSkew) draws.
constexpr double kScanShare = 0.5;
constexpr double kScanSkew = 0.99;
const std::vector<double> kScanBudgetFractions = {0.05, 0.10};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("expected --name=value: " + arg);
    const std::string name = arg.substr(0, eq);
    const std::string text = arg.substr(eq + 1);
    if (name == "--sections") {
      options.zipf = text.find("zipf") != std::string::npos;
      options.scan = text.find("scan") != std::string::npos;
      options.sweep = text.find("sweep") != std::string::npos;
      continue;
    }
    const std::uint64_t value = std::stoull(text);
    if (name == "--keys") {
      options.keys = value;
    } else if (name == "--requests") {
      options.requests = value;
    } else if (name == "--seed") {
      options.seed = value;
    } else if (name == "--rate") {
      options.rate = value;
    } else if (name == "--jobs") {
      options.jobs = std::max<std::uint64_t>(value, 1);
    } else {
      throw std::invalid_argument("unknown flag: " + name);
    }
  }
  if (options.keys == 0 || options.requests < 10 || options.rate == 0) {
    throw std::invalid_argument("trace too small");
  }
  return options;
}

/// The key strings "key:0" .. "key:N-1", packed into one buffer so a request costs no
/// formatting or allocation.
class KeySpace {
 public:
  explicit KeySpace(std::size_t count) {
    offsets_.reserve(count + 1);
    char buf[32];
    for (std::size_t i = 0; i < count; ++i) {
      offsets_.push_back(bytes_.size());
      const int len = std::snprintf(buf, sizeof buf, "key:%zu", i);
      bytes_.append(buf, static_cast<std::size_t>(len));
    }
    offsets_.push_back(bytes_.size());
  }
  std::string_view operator[](std::uint32_t id) const {
    return {bytes_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]};
  }

 private:
  std::string bytes_;
  std::vector<std::size_t> offsets_;
};

/// Draws Zipf(s) ranks over 0..N-1 (P(rank k) proportional to 1/(k+1)^s) from a precomputed
/// CDF by binary search. Ranks are mapped to key ids through a fixed random permutation, so
/// popularity is independent of the key's name (and so of its length and its shard).
class ZipfDraw {
 public:
  ZipfDraw(std::size_t keys, double skew, std::mt19937_64& rng) : cdf_(keys), rank_to_id_(keys) {
    double sum = 0;
    for (std::size_t k = 0; k < keys; ++k) {
      sum += 1.0 / std::pow(static_cast<double>(k + 1), skew);
      cdf_[k] = sum;
    }
    for (double& c : cdf_) c /= sum;
    std::iota(rank_to_id_.begin(), rank_to_id_.end(), 0U);
    std::shuffle(rank_to_id_.begin(), rank_to_id_.end(), rng);
  }
  std::uint32_t operator()(std::mt19937_64& rng) {
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), uniform_(rng));
    const auto rank =
        std::min<std::size_t>(static_cast<std::size_t>(it - cdf_.begin()), cdf_.size() - 1);
    return rank_to_id_[rank];
  }

 private:
  std::vector<double> cdf_;
  std::vector<std::uint32_t> rank_to_id_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

/// A request trace over key ids; ids at or above `zipf_keys` belong to the scan loop.
struct Trace {
  std::string name;
  std::vector<std::uint32_t> ids;
  std::size_t zipf_keys = 0;
  std::size_t id_space = 0;
};

Trace make_zipf_trace(std::size_t keys, std::size_t requests, double skew, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  ZipfDraw draw(keys, skew, rng);
  Trace trace{"zipf", std::vector<std::uint32_t>(requests), keys, keys};
  for (auto& id : trace.ids) id = draw(rng);
  return trace;
}

/// Zipf draws over ids [0, keys) interleaved at random with a sequential loop over ids
/// [keys, 2 keys): each key of the loop comes back only after `keys` scan requests.
Trace make_scan_trace(std::size_t keys, std::size_t requests, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  ZipfDraw draw(keys, kScanSkew, rng);
  std::bernoulli_distribution is_scan(kScanShare);
  Trace trace{"scan", std::vector<std::uint32_t>(requests), keys, 2 * keys};
  std::size_t next_scan = 0;
  for (auto& id : trace.ids) {
    if (is_scan(rng)) {
      id = static_cast<std::uint32_t>(keys + next_scan);
      next_scan = (next_scan + 1) % keys;
    } else {
      id = draw(rng);
    }
  }
  return trace;
}

struct MissCount {
  std::size_t requests = 0;
  std::size_t misses = 0;
  std::size_t zipf_requests = 0;
  std::size_t zipf_misses = 0;

  void count(bool hit, bool zipf) {
    ++requests;
    misses += hit ? 0 : 1;
    zipf_requests += zipf ? 1 : 0;
    zipf_misses += zipf && !hit ? 1 : 0;
  }
  double ratio() const { return static_cast<double>(misses) / static_cast<double>(requests); }
  double zipf_ratio() const {
    return static_cast<double>(zipf_misses) / static_cast<double>(zipf_requests);
  }
};

struct CacheRun {
  const Trace* trace = nullptr;
  std::size_t target_entries = 0;
  EvictionPolicy policy = EvictionPolicy::kAllKeysLru;
  std::size_t samples = kDefaultSamples;
};

struct CacheResult {
  MissCount misses;
  std::size_t budget_bytes = 0;
  std::size_t index_bytes = 0;
  std::size_t entries = 0;  ///< mean size() over the measured phase once full
  bool filled = false;      ///< whether the budget was ever reached
  double seconds = 0;
};

/// Runs a trace against a Cache whose budget holds about `target_entries` entries.
CacheResult run_cache(const CacheRun& run, const KeySpace& keys, std::uint64_t rate) {
  const auto start = std::chrono::steady_clock::now();
  const bool with_ttl = respcache::storage::evicts_only_volatile(run.policy);
  ManualClock clock(kStartMs);
  CacheOptions options;
  options.shard_count = kShardCount;
  options.eviction_samples = run.samples;
  options.eviction_policy = run.policy;
  options.clock = &clock;
  options.hash_seed = kHashSeed;
  // Twice the target, so no shard's table grows (and takes budget from entries) mid-run.
  options.initial_capacity = 2 * run.target_entries;
  Cache cache(options);
  CacheResult result;
  result.index_bytes = cache.used_memory();
  result.budget_bytes =
      result.index_bytes + run.target_entries * (with_ttl ? kEntryBytesWithTtl : kEntryBytes);
  cache.set_max_memory(result.budget_bytes);

  const std::string value(64, 'v');
  const std::vector<std::uint32_t>& ids = run.trace->ids;
  const std::size_t warmup = static_cast<std::size_t>(ids.size() * kWarmupFraction);
  double size_sum = 0;
  std::size_t size_samples = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::int64_t now = kStartMs + static_cast<std::int64_t>(i * 1000 / rate);
    if (now != clock.now_ms()) clock.set(now);
    const std::string_view key = keys[ids[i]];
    const bool hit = cache.read(key, [](const EntryView&) {});
    if (!hit) cache.set(key, value, with_ttl ? now + kTtlMs : 0);
    if (i < warmup) continue;
    result.misses.count(hit, ids[i] < run.trace->zipf_keys);
    if (i % kSizeSampleInterval == 0) {
      result.filled =
          result.filled || cache.used_memory() + kEntryBytesWithTtl > result.budget_bytes;
      if (result.filled) {
        size_sum += static_cast<double>(cache.size());
        ++size_samples;
      }
    }
  }
  result.entries = size_samples > 0 ? static_cast<std::size_t>(std::lround(size_sum / size_samples))
                                    : cache.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

/// Exact LRU over key ids: most recent at the front of the list.
class ExactLru {
 public:
  explicit ExactLru(std::size_t capacity) : capacity_(capacity) { index_.reserve(2 * capacity); }

  /// A hit moves the key to the front.
  bool get(std::uint32_t id) {
    const auto it = index_.find(id);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  /// Inserts a missing key, evicting the least recently used one when full.
  void put(std::uint32_t id) {
    if (index_.size() == capacity_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(id);
    index_.emplace(id, order_.begin());
  }

 private:
  std::size_t capacity_;
  std::list<std::uint32_t> order_;
  std::unordered_map<std::uint32_t, std::list<std::uint32_t>::iterator> index_;
};

/// SIEVE (Zhang et al., NSDI'24): a FIFO queue with one visited bit per object. A hit sets
/// the bit; eviction moves a hand from the oldest object towards the newest, clearing set
/// bits, and evicts the first object whose bit is clear; a new object goes in at the head.
/// Doubly linked through arrays indexed by key id.
class ExactSieve {
 public:
  ExactSieve(std::size_t capacity, std::size_t id_space)
      : capacity_(capacity),
        newer_(id_space, kNone),
        older_(id_space, kNone),
        state_(id_space, 0) {}

  bool get(std::uint32_t id) {
    if ((state_[id] & kPresent) == 0) return false;
    state_[id] |= kVisited;
    return true;
  }
  void put(std::uint32_t id) {
    if (size_ == capacity_) evict();
    state_[id] = kPresent;
    older_[id] = head_;
    newer_[id] = kNone;
    if (head_ != kNone) newer_[head_] = id;
    head_ = id;
    if (tail_ == kNone) tail_ = id;
    ++size_;
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::uint8_t kPresent = 1, kVisited = 2;

  void evict() {
    std::uint32_t at = hand_ != kNone ? hand_ : tail_;
    while ((state_[at] & kVisited) != 0) {
      state_[at] &= static_cast<std::uint8_t>(~kVisited);
      at = newer_[at] != kNone ? newer_[at] : tail_;
    }
    hand_ = newer_[at];
    unlink(at);
  }
  void unlink(std::uint32_t id) {
    if (newer_[id] != kNone) older_[newer_[id]] = older_[id];
    if (older_[id] != kNone) newer_[older_[id]] = newer_[id];
    if (head_ == id) head_ = older_[id];
    if (tail_ == id) tail_ = newer_[id];
    state_[id] = 0;
    --size_;
  }

  std::size_t capacity_;
  std::size_t size_ = 0;
  std::uint32_t head_ = kNone, tail_ = kNone, hand_ = kNone;
  std::vector<std::uint32_t> newer_, older_;
  std::vector<std::uint8_t> state_;
};

/// SIEVE's hand over hash order instead of insertion order: what a hand walking respcache's
/// hash table in place (no queue, no memory per entry) would do. Entries sit on a ring at a
/// pseudo-random position of their key; a new one lands anywhere relative to the hand, so this
/// is CLOCK in hash order, not SIEVE's insertion order.
class HashOrderSieve {
 public:
  HashOrderSieve(std::size_t capacity, std::size_t id_space)
      : capacity_(capacity), state_(id_space, 0) {}

  bool get(std::uint32_t id) {
    if ((state_[id] & kPresent) == 0) return false;
    state_[id] |= kVisited;
    return true;
  }
  void put(std::uint32_t id) {
    if (ring_.size() == capacity_) evict();
    ring_.insert(position(id));
    state_[id] = kPresent;
  }

 private:
  static constexpr std::uint8_t kPresent = 1, kVisited = 2;

  /// A splitmix64 hash of the id in the top 32 bits (the place on the ring), the id below.
  static std::uint64_t position(std::uint32_t id) {
    std::uint64_t z = id + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return ((z ^ (z >> 31)) & 0xFFFFFFFF00000000ULL) | id;
  }
  void evict() {
    auto at = ring_.lower_bound(hand_);
    for (;;) {
      if (at == ring_.end()) at = ring_.begin();
      const auto id = static_cast<std::uint32_t>(*at);
      if ((state_[id] & kVisited) == 0) break;
      state_[id] = kPresent;
      ++at;
    }
    const auto next = std::next(at);
    hand_ = next == ring_.end() ? 0 : *next;
    state_[static_cast<std::uint32_t>(*at)] = 0;
    ring_.erase(at);
  }

  std::size_t capacity_;
  std::set<std::uint64_t> ring_;
  std::uint64_t hand_ = 0;
  std::vector<std::uint8_t> state_;
};

template <class Simulator>
MissCount run_simulator(const Trace& trace, Simulator sim) {
  MissCount misses;
  const std::size_t warmup = static_cast<std::size_t>(trace.ids.size() * kWarmupFraction);
  for (std::size_t i = 0; i < trace.ids.size(); ++i) {
    const std::uint32_t id = trace.ids[i];
    const bool hit = sim.get(id);
    if (!hit) sim.put(id);
    if (i >= warmup) misses.count(hit, id < trace.zipf_keys);
  }
  return misses;
}

/// Runs `tasks` on `jobs` threads; each task writes only its own result.
void run_all(std::vector<std::function<void()>>& tasks, std::size_t jobs) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < std::min(jobs, tasks.size()); ++t) {
    threads.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) tasks[i]();
    });
  }
  for (auto& thread : threads) thread.join();
}

/// One budget on one trace: every policy in the Cache, then the simulations.
struct Cell {
  const Trace* trace = nullptr;
  std::string label;  ///< the trace's skew, or "scan"
  double fraction = 0;
  std::map<EvictionPolicy, CacheResult> policies;
  MissCount exact_lru, sieve, sieve_equal_memory, sieve_hash_order;
  std::size_t sieve_equal_memory_entries = 0;
};

Cell make_cell(const Trace& trace, std::string label, double fraction) {
  Cell cell;
  cell.trace = &trace;
  cell.label = std::move(label);
  cell.fraction = fraction;
  return cell;
}

/// The eviction_samples sweep: one budget, one policy, one sample count.
struct SweepPoint {
  const Cell* cell = nullptr;
  EvictionPolicy policy = EvictionPolicy::kAllKeysLru;
  std::size_t samples = 0;
  CacheResult result;
};

std::string budget_label(double fraction, std::size_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g%% (%.1f MiB)", fraction * 100, bytes / 1048576.0);
  return buf;
}

std::string percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", ratio * 100);
  return buf;
}

std::string name_of(EvictionPolicy policy) {
  return std::string(respcache::storage::eviction_policy_name(policy));
}

void print_header(const std::vector<std::string>& columns) {
  std::printf("|");
  for (const std::string& c : columns) std::printf(" %s |", c.c_str());
  std::printf("\n|");
  for (std::size_t i = 0; i < columns.size(); ++i) std::printf(" --- |");
  std::printf("\n");
}

std::vector<std::string> policy_columns(std::vector<std::string> columns) {
  for (const EvictionPolicy p : kEvictionPolicies) columns.push_back(name_of(p));
  columns.insert(columns.end(),
                 {"exact LRU", "exact SIEVE", "SIEVE, equal memory", "SIEVE, hash order"});
  return columns;
}

/// One row per cell: miss % of every policy and simulation; with `zipf_only`, also the miss %
/// of the Zipf requests alone ("all / Zipf").
void print_cells(const std::vector<const Cell*>& cells, bool zipf_only) {
  auto show = [&](const MissCount& m) {
    return zipf_only ? percent(m.ratio()) + " / " + percent(m.zipf_ratio()) : percent(m.ratio());
  };
  for (const Cell* cell : cells) {
    const CacheResult& lru = cell->policies.at(EvictionPolicy::kAllKeysLru);
    std::string entries = std::to_string(lru.entries);
    if (!lru.filled) entries += " (never full)";
    std::printf("|%s %s | %s |", zipf_only ? "" : (" " + cell->label + " |").c_str(),
                budget_label(cell->fraction, lru.budget_bytes).c_str(), entries.c_str());
    for (const EvictionPolicy p : kEvictionPolicies) {
      std::printf(" %s |", show(cell->policies.at(p).misses).c_str());
    }
    std::printf(" %s | %s | %s | %s |\n", show(cell->exact_lru).c_str(), show(cell->sieve).c_str(),
                show(cell->sieve_equal_memory).c_str(), show(cell->sieve_hash_order).c_str());
  }
}

void print_entries(const std::vector<const Cell*>& cells) {
  print_header(policy_columns({"trace", "budget"}));
  for (const Cell* cell : cells) {
    std::printf("| %s | %g%% |", cell->label.c_str(), cell->fraction * 100);
    for (const EvictionPolicy p : kEvictionPolicies) {
      std::printf(" %zu |", cell->policies.at(p).entries);
    }
    const std::size_t lru = cell->policies.at(EvictionPolicy::kAllKeysLru).entries;
    std::printf(" %zu | %zu | %zu | %zu |\n", lru, lru, cell->sieve_equal_memory_entries, lru);
  }
}

void print_tables(const Options& options, const std::vector<Cell>& cells,
                  const std::vector<SweepPoint>& sweep) {
  std::printf(
      "Keys %zu, requests %zu (first %.0f%% warm-up), seed %llu, %llu requests/s simulated, "
      "%zu shards, eviction_samples %zu unless stated, 64-byte values, cache-aside (GET, SET "
      "on miss). Miss %% of the measured requests.\n",
      options.keys, options.requests, kWarmupFraction * 100,
      static_cast<unsigned long long>(options.seed), static_cast<unsigned long long>(options.rate),
      kShardCount, kDefaultSamples);
  std::vector<const Cell*> zipf, scan;
  for (const Cell& cell : cells) (cell.trace->name == "zipf" ? zipf : scan).push_back(&cell);
  if (options.zipf) {
    std::printf("\n### Zipf traces: miss %% by policy\n\n");
    print_header(
        policy_columns({"skew s", "budget (share of keys)", "entries held (allkeys-lru)"}));
    print_cells(zipf, false);
  }
  if (options.scan) {
    std::printf(
        "\n### Scan plus Zipf: miss %% of all requests / of the Zipf requests alone\n\n"
        "Half the requests loop over %zu keys not in the Zipf set (every one a miss for every "
        "policy), half are Zipf(%.2f) over %zu keys; budgets are shares of the Zipf keys.\n\n",
        options.keys, kScanSkew, options.keys);
    print_header(policy_columns({"budget (share of Zipf keys)", "entries held (allkeys-lru)"}));
    print_cells(scan, true);
  }
  if (options.zipf || options.scan) {
    std::printf("\n### Entries held (mean once full)\n\n");
    std::vector<const Cell*> all = zipf;
    if (!options.zipf) all.clear();
    all.insert(all.end(), scan.begin(), scan.end());
    print_entries(all);
  }
  if (options.sweep && !sweep.empty()) {
    std::printf("\n### eviction_samples sweep, s = %.2f: miss %%\n\n", kSweepSkew);
    std::vector<std::string> columns = {"budget (share of keys)", "samples"};
    for (const EvictionPolicy p : kSweepPolicies) columns.push_back(name_of(p));
    columns.push_back("exact LRU");
    print_header(columns);
    for (const Cell& cell : cells) {
      if (cell.trace->name != "zipf" || cell.label != "0.99") continue;
      for (const std::size_t samples : kSweepSamples) {
        std::printf("| %g%% | %zu |", cell.fraction * 100, samples);
        for (const EvictionPolicy p : kSweepPolicies) {
          const CacheResult* result = nullptr;
          if (samples == kDefaultSamples) result = &cell.policies.at(p);
          for (const SweepPoint& point : sweep) {
            if (point.cell == &cell && point.policy == p && point.samples == samples) {
              result = &point.result;
            }
          }
          std::printf(" %s |", percent(result->misses.ratio()).c_str());
        }
        std::printf(" %s |\n", percent(cell.exact_lru.ratio()).c_str());
      }
    }
  }
}

int run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  const KeySpace keys(2 * options.keys);
  std::list<Trace> traces;  // stable addresses
  std::vector<Cell> cells;
  if (options.zipf || options.sweep) {
    for (double skew : kSkews) {
      const Trace& trace =
          traces.emplace_back(make_zipf_trace(options.keys, options.requests, skew, options.seed));
      char label[16];
      std::snprintf(label, sizeof label, "%.2f", skew);
      if (!options.zipf && std::string(label) != "0.99") continue;
      for (double fraction : kBudgetFractions) cells.push_back(make_cell(trace, label, fraction));
    }
  }
  if (options.scan) {
    const Trace& trace =
        traces.emplace_back(make_scan_trace(options.keys, options.requests, options.seed));
    for (double fraction : kScanBudgetFractions) {
      cells.push_back(make_cell(trace, "scan", fraction));
    }
  }
  auto target_of = [&](const Cell& cell) {
    return std::max<std::size_t>(
        static_cast<std::size_t>(std::lround(cell.fraction * options.keys)), 1);
  };

  // Every policy (and the sweep) in the Cache first: the simulations need its entry counts.
  for (Cell& cell : cells) {
    for (const EvictionPolicy p : kEvictionPolicies) cell.policies[p] = {};
  }
  std::vector<SweepPoint> sweep;
  if (options.sweep) {
    for (const Cell& cell : cells) {
      if (cell.trace->name != "zipf" || cell.label != "0.99") continue;
      for (const EvictionPolicy p : kSweepPolicies) {
        for (const std::size_t samples : kSweepSamples) {
          if (samples != kDefaultSamples) sweep.push_back({&cell, p, samples, {}});
        }
      }
    }
  }
  std::vector<std::function<void()>> tasks;
  for (Cell& cell : cells) {
    for (auto& [policy, result] : cell.policies) {
      tasks.emplace_back([&, policy = policy, result = &result] {
        *result =
            run_cache({cell.trace, target_of(cell), policy, kDefaultSamples}, keys, options.rate);
        std::fprintf(stderr, "%s %s %g%%: %zu entries, miss %.4f, %.1f s\n", cell.label.c_str(),
                     name_of(policy).c_str(), cell.fraction * 100, result->entries,
                     result->misses.ratio(), result->seconds);
      });
    }
  }
  for (SweepPoint& point : sweep) {
    tasks.emplace_back([&] {
      point.result =
          run_cache({point.cell->trace, target_of(*point.cell), point.policy, point.samples}, keys,
                    options.rate);
    });
  }
  run_all(tasks, options.jobs);

  tasks.clear();
  for (Cell& cell : cells) {
    const CacheResult& lru = cell.policies.at(EvictionPolicy::kAllKeysLru);
    const std::size_t capacity = lru.filled ? lru.entries : cell.trace->id_space;
    // A cache that never filled holds every key it saw whatever its per-entry cost.
    const double bytes_per_entry = static_cast<double>(lru.budget_bytes) /
                                   static_cast<double>(std::max<std::size_t>(lru.entries, 1));
    cell.sieve_equal_memory_entries =
        lru.filled ? std::max<std::size_t>(
                         static_cast<std::size_t>(std::floor(capacity * bytes_per_entry /
                                                             (bytes_per_entry + kSieveQueueBytes))),
                         1)
                   : capacity;
    tasks.emplace_back(
        [&cell, capacity] { cell.exact_lru = run_simulator(*cell.trace, ExactLru(capacity)); });
    tasks.emplace_back([&cell, capacity] {
      cell.sieve = run_simulator(*cell.trace, ExactSieve(capacity, cell.trace->id_space));
    });
    tasks.emplace_back([&cell, capacity] {
      cell.sieve_hash_order =
          run_simulator(*cell.trace, HashOrderSieve(capacity, cell.trace->id_space));
    });
    tasks.emplace_back([&cell] {
      cell.sieve_equal_memory = run_simulator(
          *cell.trace, ExactSieve(cell.sieve_equal_memory_entries, cell.trace->id_space));
    });
  }
  run_all(tasks, options.jobs);

  print_tables(options, cells, sweep);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::fprintf(stderr, "total %.1f s\n", elapsed.count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_options(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zipf_miss_ratio: %s\n", e.what());
    return 2;
  }
}
