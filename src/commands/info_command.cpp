// INFO: Redis's section format ("# Section" headers, "field:value" lines), with the fields
// clients and dashboards read. Fields describing the server itself are respcache's own.

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/service.hpp"

namespace respcache::commands {
namespace {

using Out = fmt::memory_buffer;

std::size_t process_rss_bytes() {
  long pages_total = 0;
  long pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(pages_resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

template <class... Args>
void line(Out& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  out.append(std::string_view("\r\n"));
}

// A stable id of this build (Redis hashes its build environment): the version and the
// compile date, as hex.
std::string build_id() {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (char c : std::string_view(RESPCACHE_VERSION " " __DATE__ " " __TIME__)) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash).substr(0, 15);
}

void server_section(CommandContext& ctx, Out& out) {
  const config::Config& c = ctx.config();
  utsname host{};
  uname(&host);
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - ctx.core.started())
                          .count();
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  line(out, "# Server");
  line(out, "redis_version:{}", core::kCompatibleRedisVersion);
  // Redis's fields for its source tree; respcache is not built from one, so zeros as Redis
  // shows for a build outside git, and a build id of respcache's version.
  line(out, "redis_git_sha1:00000000");
  line(out, "redis_git_dirty:0");
  line(out, "redis_build_id:{}", build_id());
  line(out, "respcache_version:{}", RESPCACHE_VERSION);
  line(out, "redis_mode:standalone");
  line(out, "os:{} {} {}", host.sysname, host.release, host.machine);
  line(out, "arch_bits:{}", sizeof(void*) * 8);
  line(out, "multiplexing_api:epoll");
  line(out, "process_id:{}", getpid());
  line(out, "run_id:{}", ctx.core.run_id());
  line(out, "tcp_port:{}", c.port);
  line(out, "server_time_usec:{}", now_us);
  line(out, "uptime_in_seconds:{}", uptime);
  line(out, "uptime_in_days:{}", uptime / 86400);
  line(out, "io_threads_active:{}", c.threads > 1 ? 1 : 0);
  line(out, "server_threads:{}", c.threads);
  line(out, "server_threads_source:{}", c.threads_source);
  line(out, "cache_shards:{}", c.shards);
}

void clients_section(CommandContext& ctx, Out& out) {
  line(out, "# Clients");
  line(out, "connected_clients:{}",
       ctx.core.statistics.connected_clients.load(std::memory_order_relaxed));
  line(out, "maxclients:{}", ctx.settings().max_clients());
  std::size_t blocked = 0;
  if (ctx.core.pause.maybe_paused()) {
    for (const auto& record : ctx.core.clients.snapshot()) {
      blocked += record->has_flag(core::kClientBlocked) ? 1 : 0;
    }
  }
  line(out, "blocked_clients:{}", blocked);
}

void memory_section(CommandContext& ctx, Out& out) {
  const storage::CacheStats stats = ctx.cache().stats();
  const std::size_t rss = process_rss_bytes();
  line(out, "# Memory");
  line(out, "used_memory:{}", stats.used_memory);
  line(out, "used_memory_human:{}", config::human_bytes(stats.used_memory));
  line(out, "used_memory_dataset:{}", stats.data_memory);
  line(out, "mem_clients_normal:{}",
       std::max<std::int64_t>(0, ctx.core.buffer_bytes.load(std::memory_order_relaxed)));
  line(out, "used_memory_rss:{}", rss);
  line(out, "used_memory_rss_human:{}", config::human_bytes(rss));
  line(out, "maxmemory:{}", stats.max_memory);
  line(out, "maxmemory_human:{}", config::human_bytes(stats.max_memory));
  line(out, "maxmemory_policy:{}", storage::eviction_policy_name(ctx.cache().eviction_policy()));
  line(out, "maxmemory_source:{}", ctx.config().max_memory_source);
  line(out, "mem_fragmentation_ratio:{:.2f}",
       stats.used_memory ? static_cast<double>(rss) / static_cast<double>(stats.used_memory) : 0.0);
  line(out, "mem_allocator:libc");
}

void persistence_section(CommandContext&, Out& out) {
  line(out, "# Persistence");
  line(out, "loading:0");
  line(out, "rdb_changes_since_last_save:0");
  line(out, "rdb_bgsave_in_progress:0");
  line(out, "aof_enabled:0");
}

void stats_section(CommandContext& ctx, Out& out) {
  const core::Totals totals = Service::statistics_totals(ctx.core, ctx.cache());
  line(out, "# Stats");
  line(out, "total_connections_received:{}", totals.total_connections_received);
  line(out, "total_commands_processed:{}", totals.commands_processed);
  line(out, "instantaneous_ops_per_sec:{}", ctx.core.statistics.instantaneous_ops_per_sec());
  line(out, "total_net_input_bytes:{}", totals.net_input_bytes);
  line(out, "total_net_output_bytes:{}", totals.net_output_bytes);
  line(out, "rejected_connections:{}", totals.rejected_connections);
  line(out, "expired_keys:{}", totals.expired_keys);
  line(out, "evicted_keys:{}", totals.evicted_keys);
  line(out, "keyspace_hits:{}", totals.keyspace_hits);
  line(out, "keyspace_misses:{}", totals.keyspace_misses);
  line(out, "total_error_replies:{}", ctx.core.errors.total());
}

void replication_section(CommandContext&, Out& out) {
  line(out, "# Replication");
  line(out, "role:master");
  line(out, "connected_slaves:0");
}

// As Redis: the process, its children (none: no snapshots), and the calling thread, which
// for respcache is one of the event-loop threads (Redis's main thread runs every command).
void cpu_section(CommandContext&, Out& out) {
  rusage self{};
  rusage children{};
  rusage thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
  };
  line(out, "# CPU");
  line(out, "used_cpu_sys:{:.6f}", seconds(self.ru_stime));
  line(out, "used_cpu_user:{:.6f}", seconds(self.ru_utime));
  line(out, "used_cpu_sys_children:{:.6f}", seconds(children.ru_stime));
  line(out, "used_cpu_user_children:{:.6f}", seconds(children.ru_utime));
  line(out, "used_cpu_sys_main_thread:{:.6f}", seconds(thread.ru_stime));
  line(out, "used_cpu_user_main_thread:{:.6f}", seconds(thread.ru_utime));
}

// Redis's errorstats: one line per error code, in the codes' order.
void errorstats_section(CommandContext& ctx, Out& out) {
  auto codes = ctx.core.errors.by_code();
  std::sort(codes.begin(), codes.end());
  line(out, "# Errorstats");
  for (const auto& [code, count] : codes) line(out, "errorstat_{}:count={}", code, count);
}

// One line per database that holds keys, as Redis; avg_ttl is an estimate, as Redis's.
void keyspace_section(CommandContext& ctx, Out& out) {
  line(out, "# Keyspace");
  const storage::Cache& cache = ctx.cache();
  for (unsigned db = 0; db < cache.databases(); ++db) {
    const std::size_t keys = cache.db_size(db);
    if (keys == 0) continue;
    line(out, "db{}:keys={},expires={},avg_ttl={}", db, keys, cache.db_keys_with_expiry(db),
         cache.db_avg_ttl(db));
  }
}

// As in Redis: calls and microseconds per command, for the commands that have run.
void commandstats_section(CommandContext& ctx, Out& out) {
  const core::Totals totals = Service::statistics_totals(ctx.core, ctx.cache());
  const auto commands = all_commands();
  line(out, "# Commandstats");
  for (std::size_t c = 0; c < commands.size(); ++c) {
    const std::uint64_t calls = totals.command_calls[c];
    if (calls == 0) continue;
    const std::uint64_t usec = totals.command_nanos[c] / 1000;
    line(out, "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls=0,failed_calls=0",
         commands[c].name, calls, usec, static_cast<double>(usec) / static_cast<double>(calls));
  }
}

// A percentile of a command's latency histogram, in microseconds: linear within the bucket
// that holds it (as Prometheus's histogram_quantile), so it is as precise as the buckets
// (kLatencyBucketsUs); past the last bound it is that bound.
double percentile_us(const std::array<std::uint64_t, core::kLatencyBucketCount>& buckets,
                     std::uint64_t total, double p) {
  const double rank = p / 100.0 * static_cast<double>(total);
  double below = 0;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const auto count = static_cast<double>(buckets[b]);
    if (count > 0 && below + count >= rank) {
      const double low = b == 0 ? 0.0 : static_cast<double>(core::kLatencyBucketsUs[b - 1]);
      if (b == core::kLatencyBucketsUs.size()) return low;
      const auto high = static_cast<double>(core::kLatencyBucketsUs[b]);
      return low + (high - low) * (rank - below) / count;
    }
    below += count;
  }
  return 0;
}

// Redis's latencystats (p50, p99, p99.9 per command), from the per-command histogram that
// the command path fills anyway.
void latencystats_section(CommandContext& ctx, Out& out) {
  const core::Totals totals = Service::statistics_totals(ctx.core, ctx.cache());
  const auto commands = all_commands();
  line(out, "# Latencystats");
  for (std::size_t c = 0; c < commands.size(); ++c) {
    const auto& buckets = totals.command_latency[c];
    std::uint64_t calls = 0;
    for (std::uint64_t n : buckets) calls += n;
    if (calls == 0) continue;
    line(out, "latency_percentiles_usec_{}:p50={:.3f},p99={:.3f},p99.9={:.3f}", commands[c].name,
         percentile_us(buckets, calls, 50), percentile_us(buckets, calls, 99),
         percentile_us(buckets, calls, 99.9));
  }
}

struct Section {
  std::string_view name;
  void (*write)(CommandContext&, Out&);
  bool in_default;  ///< shown by a bare INFO; the others only when named or with "all"
};

constexpr std::array<Section, 11> kSections = {{
    {"server", server_section, true},
    {"clients", clients_section, true},
    {"memory", memory_section, true},
    {"persistence", persistence_section, true},
    {"stats", stats_section, true},
    {"replication", replication_section, true},
    {"cpu", cpu_section, true},
    {"commandstats", commandstats_section, false},
    {"errorstats", errorstats_section, true},
    {"latencystats", latencystats_section, false},
    {"keyspace", keyspace_section, true},
}};

}  // namespace

void cmd_info(CommandContext& ctx) {
  // No argument and "default" mean the default sections; "all" and "everything" every
  // section; otherwise the named ones, in the server's order. Unknown names contribute
  // nothing, as in Redis.
  bool all = false;
  bool defaults = ctx.argc() == 1;
  std::array<bool, kSections.size()> wanted{};
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view arg = ctx.args[i];
    if (iequals(arg, "all") || iequals(arg, "everything")) all = true;
    if (iequals(arg, "default")) defaults = true;
    for (std::size_t s = 0; s < kSections.size(); ++s) {
      if (iequals(arg, kSections[s].name)) wanted[s] = true;
    }
  }
  Out out;
  bool first = true;
  for (std::size_t s = 0; s < kSections.size(); ++s) {
    if (!all && !wanted[s] && !(defaults && kSections[s].in_default)) continue;
    if (!first) out.append(std::string_view("\r\n"));
    first = false;
    kSections[s].write(ctx, out);
  }
  ctx.reply.verbatim({out.data(), out.size()});
}

}  // namespace respcache::commands
