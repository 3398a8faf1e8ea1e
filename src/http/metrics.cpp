#include "respcache/http/metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

#include "respcache/commands/command_table.hpp"

namespace respcache::http {
namespace {

template <class... Args>
void line(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  out += '\n';
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  line(out, "# HELP respcache_{} {}", name, help);
  line(out, "# TYPE respcache_{} {}", name, type);
}

template <class T>
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            T value) {
  family(out, name, type, help);
  line(out, "respcache_{} {}", name, value);
}

void write_commands(const core::Totals& totals, std::string& out) {
  const auto table = commands::all_commands();
  family(out, "commands_processed_total", "counter", "Commands executed, by command.");
  for (std::size_t c = 0; c < table.size(); ++c) {
    line(out, "respcache_commands_processed_total{{command=\"{}\"}} {}", table[c].name,
         totals.command_calls[c]);
  }
  family(out, "command_duration_seconds", "histogram",
         "Time spent executing commands (RESP and HTTP alike).");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < core::kLatencyBucketsUs.size(); ++b) {
    cumulative += totals.latency_buckets[b];
    line(out, "respcache_command_duration_seconds_bucket{{le=\"{}\"}} {}",
         static_cast<double>(core::kLatencyBucketsUs[b]) / 1e6, cumulative);
  }
  cumulative += totals.latency_buckets.back();
  line(out, "respcache_command_duration_seconds_bucket{{le=\"+Inf\"}} {}", cumulative);
  std::uint64_t nanos = 0;
  for (std::uint64_t n : totals.command_nanos) nanos += n;
  line(out, "respcache_command_duration_seconds_sum {}", static_cast<double>(nanos) / 1e9);
  line(out, "respcache_command_duration_seconds_count {}", cumulative);
}

}  // namespace

void write_metrics(const commands::Service& service, std::string& out) {
  out.clear();
  const core::ServerCore& server = service.core();
  const core::Totals totals = service.totals();
  const storage::CacheStats cache = service.cache_stats();
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - server.started());

  write_commands(totals, out);
  single(out, "keyspace_hits_total", "counter", "Lookups that found a live key.",
         totals.keyspace_hits);
  single(out, "keyspace_misses_total", "counter", "Lookups that found no live key.",
         totals.keyspace_misses);
  single(out, "evicted_keys_total", "counter", "Keys evicted to stay within maxmemory.",
         cache.evicted_keys);
  single(out, "expired_keys_total", "counter", "Keys removed because their TTL passed.",
         cache.expired_keys);
  single(out, "keys", "gauge", "Keys currently stored.", cache.keys);
  single(out, "used_memory_bytes", "gauge",
         "Bytes counted against the budget: entries, hash tables, connection buffers.",
         cache.used_memory);
  single(out, "max_memory_bytes", "gauge", "The memory budget (maxmemory).", cache.max_memory);

  const std::int64_t connected =
      server.statistics.connected_clients.load(std::memory_order_relaxed);
  const std::int64_t http = server.statistics.http_clients.load(std::memory_order_relaxed);
  family(out, "connected_clients", "gauge", "Open client connections, by protocol.");
  line(out, "respcache_connected_clients{{protocol=\"resp\"}} {}", connected - http);
  line(out, "respcache_connected_clients{{protocol=\"http\"}} {}", http);
  single(out, "connections_received_total", "counter", "Connections accepted.",
         server.statistics.total_connections_received.load(std::memory_order_relaxed));
  single(out, "net_input_bytes_total", "counter", "Bytes read from clients.",
         totals.net_input_bytes);
  single(out, "net_output_bytes_total", "counter", "Bytes written to clients.",
         totals.net_output_bytes);
  single(out, "uptime_seconds", "gauge", "Seconds since the server started.", uptime.count());
}

}  // namespace respcache::http
