// Micro-benchmarks of the request path's two halves: the RESP parser and the Cache.
// Every benchmark reports items_per_second (an item is one command or one cache call).
//
// Run: build-bench/bench/micro_bench (see bench/run_micro.sh).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/protocol/resp_parser.hpp"
#include "respcache/storage/cache.hpp"

namespace {

using respcache::protocol::ParseStatus;
using respcache::protocol::RespParser;
using respcache::storage::Cache;
using respcache::storage::CacheOptions;
using respcache::storage::EntryView;

constexpr int kPipelineDepth = 16;
constexpr std::size_t kKeyCount = 100'000;
constexpr std::uint64_t kHashSeed = 0x5EED5EED5EED5EEDULL;
const std::string kValue(64, 'v');

std::string key_name(std::size_t i, const char* prefix = "key:") {
  char buf[32];
  const int len = std::snprintf(buf, sizeof buf, "%s%04zu", prefix, i);
  return {buf, static_cast<std::size_t>(len)};
}

std::string bulk(std::string_view s) {
  std::string out = "$";
  out.append(std::to_string(s.size())).append("\r\n").append(s).append("\r\n");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser: one iteration parses a whole pipelined buffer of kPipelineDepth commands.

void parse_pipeline(benchmark::State& state, std::string input) {
  RespParser parser;
  for (auto _ : state) {
    std::size_t offset = 0;
    while (offset < input.size()) {
      const auto result =
          parser.parse(std::span<char>(input.data() + offset, input.size() - offset));
      if (result.status != ParseStatus::kCommand) {
        state.SkipWithError("parser did not return a command");
        return;
      }
      benchmark::DoNotOptimize(parser.args().data());
      offset += result.consumed;
    }
  }
  state.SetItemsProcessed(state.iterations() * kPipelineDepth);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

void BM_ParseSetPipeline(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < kPipelineDepth; ++i) {
    input.append("*3\r\n").append(bulk("SET"));
    input.append(bulk(key_name(static_cast<std::size_t>(i)))).append(bulk(kValue));
  }
  parse_pipeline(state, std::move(input));
}
BENCHMARK(BM_ParseSetPipeline);

void BM_ParseGetPipeline(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < kPipelineDepth; ++i) {
    input.append("*2\r\n").append(bulk("GET"));
    input.append(bulk(key_name(static_cast<std::size_t>(i))));
  }
  parse_pipeline(state, std::move(input));
}
BENCHMARK(BM_ParseGetPipeline);

// Inline commands are unquoted in place; "PING" has nothing to unquote, so the buffer is the
// same on every pass.
void BM_ParseInlinePingPipeline(benchmark::State& state) {
  std::string input;
  for (int i = 0; i < kPipelineDepth; ++i) input += "PING\r\n";
  parse_pipeline(state, std::move(input));
}
BENCHMARK(BM_ParseInlinePingPipeline);

// ---------------------------------------------------------------------------------------------
// Cache: kKeyCount keys of 64-byte values in 64 shards, no budget unless stated. Keys are
// visited in a fixed shuffled order, so successive calls touch unrelated shards and lines.

std::vector<std::string> make_keys(std::size_t count, const char* prefix) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) keys.push_back(key_name(i, prefix));
  std::shuffle(keys.begin(), keys.end(), std::mt19937_64(7));
  return keys;
}

CacheOptions bench_options(std::size_t max_memory = 0) {
  CacheOptions options;
  options.shard_count = 64;
  options.max_memory = max_memory;
  options.initial_capacity = 2 * kKeyCount;
  options.hash_seed = kHashSeed;
  return options;
}

const std::vector<std::string>& present_keys() {
  static const auto keys = make_keys(kKeyCount, "key:");
  return keys;
}

/// One Cache filled with present_keys(), shared by every read benchmark and thread.
Cache& filled_cache() {
  static const auto cache = [] {
    auto c = std::make_unique<Cache>(bench_options());
    for (const auto& key : present_keys()) c->set(key, kValue);
    return c;
  }();
  return *cache;
}

/// Reads keys[start..] round-robin; returns how many hit.
std::size_t read_loop(benchmark::State& state, Cache& cache, const std::vector<std::string>& keys,
                      std::size_t start) {
  std::size_t i = start % keys.size();
  std::size_t hits = 0;
  for (auto _ : state) {
    std::size_t len = 0;
    hits += cache.read(keys[i], [&len](const EntryView& e) { len = e.value.size(); }) ? 1 : 0;
    benchmark::DoNotOptimize(len);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  return hits;
}

void BM_CacheReadHit(benchmark::State& state) {
  const std::size_t hits = read_loop(state, filled_cache(), present_keys(), 0);
  if (hits != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a read missed");
}
BENCHMARK(BM_CacheReadHit);

void BM_CacheReadMiss(benchmark::State& state) {
  static const auto absent = make_keys(kKeyCount, "nokey:");
  const std::size_t hits = read_loop(state, filled_cache(), absent, 0);
  if (hits != 0) state.SkipWithError("a read hit");
}
BENCHMARK(BM_CacheReadMiss);

// Every thread reads the same shared Cache (shared shard locks, relaxed tick stores), each from
// its own place in the key order. Real time, so items_per_second is the aggregate rate.
void BM_CacheReadHitShared(benchmark::State& state) {
  const auto& keys = present_keys();
  const std::size_t start =
      static_cast<std::size_t>(state.thread_index()) * keys.size() / state.threads();
  const std::size_t hits = read_loop(state, filled_cache(), keys, start);
  if (hits != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a read missed");
}
BENCHMARK(BM_CacheReadHitShared)->Threads(1)->Threads(2)->UseRealTime();

// SET of a key that exists: a new entry replaces the old one, no eviction.
void BM_CacheSetOverwrite(benchmark::State& state) {
  Cache cache(bench_options());
  const auto& keys = present_keys();
  for (const auto& key : keys) cache.set(key, kValue);
  std::size_t i = 0;
  for (auto _ : state) {
    cache.set(keys[i], kValue);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheSetOverwrite);

// SET of new keys into a full 1 MiB budget (about 7,000 entries): every SET evicts one entry,
// picked by sampling eviction_samples (default 8) of its shard.
void BM_CacheSetEvict(benchmark::State& state) {
  constexpr std::size_t kBudget = 1 << 20;
  CacheOptions options = bench_options(kBudget);
  options.initial_capacity = 16 * 1024;
  Cache cache(options);
  const auto& keys = present_keys();
  std::size_t i = 0;
  while (cache.stats().evicted_keys == 0) cache.set(keys[i++], kValue);
  const std::uint64_t evicted_before = cache.stats().evicted_keys;
  for (auto _ : state) {
    cache.set(keys[i], kValue);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["evictions_per_set"] =
      static_cast<double>(cache.stats().evicted_keys - evicted_before) /
      static_cast<double>(state.iterations());
  state.counters["entries"] = static_cast<double>(cache.size());
}
BENCHMARK(BM_CacheSetEvict);

}  // namespace

BENCHMARK_MAIN();
