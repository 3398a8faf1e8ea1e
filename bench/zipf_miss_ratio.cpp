// Miss ratio of respcache's Cache (sampled LRU under a byte budget) against an exact LRU that
// holds the same number of entries, on a deterministic Zipf trace.
//
// Protocol per request (cache-aside): GET; on a miss, SET. The first 20% of the trace warms the
// cache and is not counted. Each respcache run comes first; the exact LRU then gets exactly the
// entry count that respcache held in steady state, so the two differ only in which keys they
// choose to keep.
//
// Usage: zipf_miss_ratio [--keys=N] [--requests=R] [--seed=S]
// The defaults (1,000,000 keys, 5,000,000 requests, seed 42) produce the table in
// bench/ZIPF_AND_MICRO.md.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <list>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "respcache/storage/cache.hpp"

namespace {

using respcache::storage::Cache;
using respcache::storage::CacheOptions;
using respcache::storage::EntryView;

struct Options {
  std::size_t keys = 1'000'000;
  std::size_t requests = 5'000'000;
  std::uint64_t seed = 42;
};

constexpr double kWarmupFraction = 0.2;
constexpr std::size_t kShardCount = 64;
constexpr std::size_t kDefaultSamples = 8;
constexpr std::uint64_t kHashSeed = 0x5EED5EED5EED5EEDULL;
// What one entry costs under the budget: a 12-byte header, a key of at most 10 bytes and a
// 64-byte value come to at most 86 bytes, which glibc serves from a 96-byte chunk. Budgets are
// sized with this figure (plus the index arrays, counted in used_memory before filling); the
// table reports the entries really held.
constexpr std::size_t kEntryBytesEstimate = 96;
// How often (in requests) the measured phase samples cache.size().
constexpr std::size_t kSizeSampleInterval = 1024;

const std::vector<double> kSkews = {0.8, 0.99, 1.2};
const std::vector<double> kBudgetFractions = {0.01, 0.05, 0.10, 0.25};
const std::vector<std::size_t> kSweepSamples = {1, 5, 8, 16};
constexpr double kSweepSkew = 0.99;

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("expected --name=value: " + arg);
    const std::string name = arg.substr(0, eq);
    const std::uint64_t value = std::stoull(arg.substr(eq + 1));
    if (name == "--keys") {
      options.keys = value;
    } else if (name == "--requests") {
      options.requests = value;
    } else if (name == "--seed") {
      options.seed = value;
    } else {
      throw std::invalid_argument("unknown flag: " + name);
    }
  }
  if (options.keys == 0 || options.requests < 10) throw std::invalid_argument("trace too small");
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

/// Zipf(s) over ranks 0..N-1 (P(rank k) proportional to 1/(k+1)^s): a precomputed CDF and a
/// binary search per draw. Ranks are mapped to key ids through a fixed random permutation, so
/// popularity is independent of the key's name (and so of its length and its shard).
std::vector<std::uint32_t> make_trace(std::size_t keys, std::size_t requests, double skew,
                                      std::uint64_t seed) {
  std::vector<double> cdf(keys);
  double sum = 0;
  for (std::size_t k = 0; k < keys; ++k) {
    sum += 1.0 / std::pow(static_cast<double>(k + 1), skew);
    cdf[k] = sum;
  }
  for (double& c : cdf) c /= sum;

  std::mt19937_64 rng(seed);
  std::vector<std::uint32_t> rank_to_id(keys);
  std::iota(rank_to_id.begin(), rank_to_id.end(), 0U);
  std::shuffle(rank_to_id.begin(), rank_to_id.end(), rng);

  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::uint32_t> trace(requests);
  for (auto& id : trace) {
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), uniform(rng));
    const auto rank = static_cast<std::size_t>(
        std::min<std::ptrdiff_t>(it - cdf.begin(), static_cast<std::ptrdiff_t>(keys) - 1));
    id = rank_to_id[rank];
  }
  return trace;
}

struct RespcacheResult {
  double miss_ratio = 0;
  std::size_t budget_bytes = 0;
  std::size_t entries = 0;  ///< mean size() over the measured phase once evicting
  bool filled = false;      ///< whether the budget was ever reached
};

/// Runs the trace against a Cache whose budget holds about `target_entries` entries.
RespcacheResult run_respcache(const std::vector<std::uint32_t>& trace, const KeySpace& keys,
                              std::size_t target_entries, std::size_t samples) {
  CacheOptions options;
  options.shard_count = kShardCount;
  options.eviction_samples = samples;
  options.hash_seed = kHashSeed;
  // Twice the target, so no shard's table grows (and takes budget from entries) mid-run.
  options.initial_capacity = 2 * target_entries;
  Cache cache(options);
  RespcacheResult result;
  result.budget_bytes = cache.used_memory() + target_entries * kEntryBytesEstimate;
  cache.set_max_memory(result.budget_bytes);

  const std::string value(64, 'v');
  const std::size_t warmup = static_cast<std::size_t>(trace.size() * kWarmupFraction);
  std::size_t misses = 0;
  double size_sum = 0;
  std::size_t size_samples = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const std::string_view key = keys[trace[i]];
    const bool hit = cache.read(key, [](const EntryView&) {});
    if (!hit) {
      cache.set(key, value);
      if (i >= warmup) ++misses;
    }
    if (i >= warmup && i % kSizeSampleInterval == 0) {
      result.filled = result.filled || cache.stats().evicted_keys > 0;
      if (result.filled) {
        size_sum += static_cast<double>(cache.size());
        ++size_samples;
      }
    }
  }
  result.filled = result.filled || cache.stats().evicted_keys > 0;
  result.miss_ratio = static_cast<double>(misses) / static_cast<double>(trace.size() - warmup);
  result.entries = size_samples > 0 ? static_cast<std::size_t>(std::lround(size_sum / size_samples))
                                    : cache.size();
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

double run_exact_lru(const std::vector<std::uint32_t>& trace, std::size_t capacity) {
  ExactLru lru(capacity);
  const std::size_t warmup = static_cast<std::size_t>(trace.size() * kWarmupFraction);
  std::size_t misses = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (!lru.get(trace[i])) {
      lru.put(trace[i]);
      if (i >= warmup) ++misses;
    }
  }
  return static_cast<double>(misses) / static_cast<double>(trace.size() - warmup);
}

struct Row {
  RespcacheResult respcache;
  double lru_miss_ratio = 0;
};

using RowKey = std::tuple<double, double, std::size_t>;  // skew, budget fraction, samples

std::string budget_label(double fraction, std::size_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g%% (%.1f MiB)", fraction * 100, bytes / 1048576.0);
  return buf;
}

void print_row_tail(const Row& row) {
  const double ours = row.respcache.miss_ratio * 100;
  const double lru = row.lru_miss_ratio * 100;
  std::printf("| %zu%s | %.2f | %.2f | %+.2f |\n", row.respcache.entries,
              row.respcache.filled ? "" : " (never full)", ours, lru, ours - lru);
}

void print_tables(const Options& options, const std::map<RowKey, Row>& rows) {
  std::printf(
      "Keys %zu, requests %zu (first %.0f%% warm-up), seed %llu, %zu shards, "
      "64-byte values, cache-aside (GET, SET on miss).\n\n",
      options.keys, options.requests, kWarmupFraction * 100,
      static_cast<unsigned long long>(options.seed), kShardCount);

  std::printf("### Sampled LRU (eviction_samples %zu) vs exact LRU of equal entry count\n\n",
              kDefaultSamples);
  std::printf(
      "| skew s | budget (share of keys) | entries held | respcache miss %% | "
      "exact-LRU miss %% | difference (points) |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  for (double skew : kSkews) {
    for (double fraction : kBudgetFractions) {
      const Row& row = rows.at({skew, fraction, kDefaultSamples});
      std::printf("| %.2f | %s ", skew, budget_label(fraction, row.respcache.budget_bytes).c_str());
      print_row_tail(row);
    }
  }

  std::printf("\n### eviction_samples sweep, s = %.2f\n\n", kSweepSkew);
  std::printf(
      "| budget (share of keys) | samples | entries held | respcache miss %% | "
      "exact-LRU miss %% | difference (points) |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  for (double fraction : kBudgetFractions) {
    for (std::size_t samples : kSweepSamples) {
      const Row& row = rows.at({kSweepSkew, fraction, samples});
      std::printf("| %s | %zu ", budget_label(fraction, row.respcache.budget_bytes).c_str(),
                  samples);
      print_row_tail(row);
    }
  }
}

int run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  const KeySpace keys(options.keys);
  std::map<RowKey, Row> rows;
  for (double skew : kSkews) {
    const auto trace = make_trace(options.keys, options.requests, skew, options.seed);
    std::map<std::size_t, double> lru_by_capacity;
    const std::vector<std::size_t> sample_counts =
        skew == kSweepSkew ? kSweepSamples : std::vector<std::size_t>{kDefaultSamples};
    for (double fraction : kBudgetFractions) {
      const auto target = static_cast<std::size_t>(std::lround(fraction * options.keys));
      for (std::size_t samples : sample_counts) {
        Row row;
        row.respcache = run_respcache(trace, keys, std::max<std::size_t>(target, 1), samples);
        // The sweep's runs often hold the very same count: simulate each capacity once.
        const std::size_t capacity = row.respcache.filled ? row.respcache.entries : options.keys;
        auto [lru, fresh] = lru_by_capacity.try_emplace(capacity, 0.0);
        if (fresh) lru->second = run_exact_lru(trace, capacity);
        row.lru_miss_ratio = lru->second;
        std::fprintf(stderr, "s=%.2f budget=%g%% samples=%zu: entries %zu, %.4f vs %.4f\n", skew,
                     fraction * 100, samples, row.respcache.entries, row.respcache.miss_ratio,
                     row.lru_miss_ratio);
        rows[{skew, fraction, samples}] = row;
      }
    }
  }
  print_tables(options, rows);
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
