#include "respcache/config/config.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "respcache/config/system_resources.hpp"
#include "respcache/storage/entry.hpp"

namespace respcache::config {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// A CLI11 validator for memory sizes, so that a bad value is reported like any bad flag.
CLI::Validator memory_size_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return parse_memory_size(value) ? "" : "not a memory size (like 1048576, 64mb, 2gb)";
      },
      "SIZE");
}

void resolve_max_memory(const std::string& spec, const SystemResources& system, Config& config) {
  const std::size_t limit = system.memory_limit();
  const std::string limit_name =
      system.cgroup_memory_limit ? "cgroup memory limit" : "physical memory";
  if (spec.empty()) {
    config.max_memory =
        static_cast<std::size_t>(static_cast<double>(limit) * kDefaultMemoryFraction);
    config.max_memory_source = fmt::format("{:.0f}% of {} {}", kDefaultMemoryFraction * 100,
                                           limit_name, human_bytes(limit));
  } else if (spec.back() == '%') {
    std::size_t parsed = 0;
    const double percent = std::stod(spec.substr(0, spec.size() - 1), &parsed);
    if (parsed != spec.size() - 1 || !(percent > 0 && percent <= 100)) {
      throw std::invalid_argument("percentage out of range");
    }
    config.max_memory = static_cast<std::size_t>(static_cast<double>(limit) * percent / 100.0);
    config.max_memory_source = fmt::format("{} of {} {}", spec, limit_name, human_bytes(limit));
  } else {
    config.max_memory = *parse_memory_size(spec);
    config.max_memory_source = "--maxmemory";
  }
}

void resolve_threads(unsigned requested, const SystemResources& system, Config& config) {
  if (requested != 0) {
    config.threads = requested;
    config.threads_source = "--threads";
    return;
  }
  // At least two: while a script runs on one thread, the other answers -BUSY, SCRIPT KILL
  // and SHUTDOWN NOSAVE (Redis does that from inside the script; one thread here cannot).
  config.threads = std::max(2U, system.usable_cpus());
  config.threads_source = system.cgroup_cpu_quota > 0
                              ? fmt::format("cgroup CPU quota {:.2f}, {} CPUs in affinity",
                                            system.cgroup_cpu_quota, system.affinity_cpus)
                              : fmt::format("{} CPUs in affinity", system.affinity_cpus);
  if (config.threads > system.usable_cpus()) config.threads_source += ", at least 2";
}

}  // namespace

std::optional<std::size_t> parse_memory_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  const std::string unit = lower(text.substr(digits));
  std::size_t multiplier = 1;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k") {
    multiplier = 1000;
  } else if (unit == "kb") {
    multiplier = 1024;
  } else if (unit == "m") {
    multiplier = 1000 * 1000;
  } else if (unit == "mb") {
    multiplier = 1024 * 1024;
  } else if (unit == "g") {
    multiplier = 1000UL * 1000 * 1000;
  } else if (unit == "gb") {
    multiplier = 1024UL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  std::size_t value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const auto digit = static_cast<std::size_t>(text[i] - '0');
    if (value > (SIZE_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (value != 0 && multiplier > SIZE_MAX / value) return std::nullopt;
  return value * multiplier;
}

std::string fit_max_clients_to_fd_limit(Config& config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return fmt::format("{} (open-files limit unknown)", config.max_clients);
  }
  const rlim_t wanted = config.max_clients + kReservedFds;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const std::size_t requested = config.max_clients;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    config.max_clients = limit.rlim_cur > kReservedFds + 1
                             ? static_cast<std::size_t>(limit.rlim_cur) - kReservedFds
                             : 1;
  }
  const std::string fds =
      limit.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(limit.rlim_cur);
  if (config.max_clients < requested) {
    return fmt::format("{} (asked {}; open-files limit {} minus {} reserved)", config.max_clients,
                       requested, fds, kReservedFds);
  }
  return fmt::format("{} (open-files limit {}, {} reserved)", config.max_clients, fds,
                     kReservedFds);
}

std::string human_bytes(std::size_t bytes) {
  // Redis's bytesToHuman: B below 1K, then two decimals in K, M, G, T.
  const double d = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{}B", bytes);
  if (bytes < 1024ULL * 1024) return fmt::format("{:.2f}K", d / 1024);
  if (bytes < 1024ULL * 1024 * 1024) return fmt::format("{:.2f}M", d / (1024.0 * 1024));
  if (bytes < 1024ULL * 1024 * 1024 * 1024)
    return fmt::format("{:.2f}G", d / (1024.0 * 1024 * 1024));
  return fmt::format("{:.2f}T", d / (1024.0 * 1024 * 1024 * 1024));
}

CommandLine parse_command_line(int argc, char** argv) {
  return parse_command_line(argc, argv, read_system_resources());
}

CommandLine parse_command_line(int argc, char** argv, const SystemResources& system) {
  Config config;
  CLI::App app{
      "respcache: a multi-threaded, memory-bounded cache server speaking RESP (the Redis "
      "protocol)"};
  app.set_version_flag("--version", std::string("respcache ") + RESPCACHE_VERSION);
  app.get_formatter()->column_width(34);

  unsigned threads = 0;
  std::string max_memory;
  std::string max_memory_policy(storage::eviction_policy_name(config.max_memory_policy));
  std::string max_key_size = std::to_string(config.max_key_size);
  std::string max_value_size = std::to_string(config.max_value_size);
  std::string lua_heap_limit = std::to_string(config.lua_heap_limit);
  std::string proto_max_bulk_len = std::to_string(config.proto_max_bulk_len);
  std::string max_inline_len = std::to_string(config.max_inline_len);
  std::string query_buffer_limit;
  std::string output_buffer_limit;

  // The environment variables let the Docker image set a default that flags after the image
  // name override, and that its health check (respcache --ping) reads too.
  app.add_option("--bind", config.bind, "Address to listen on (0.0.0.0 for every interface)")
      ->capture_default_str()
      ->envname("RESPCACHE_BIND");
  app.add_option("--port", config.port, "TCP port")
      ->capture_default_str()
      ->envname("RESPCACHE_PORT");
  app.add_flag("--ping", config.ping,
               "Health check: send PING to the server at --bind/--port, exit 0 if it answers");
  app.add_option("--threads", threads,
                 "Event-loop threads (default: the cgroup CPU quota, capped by CPU affinity)")
      ->check(CLI::Range(1U, 1024U));
  app.add_option("--io-model", config.io_model,
                 "shared: one io_context run by all threads (default); per-thread: one each")
      ->capture_default_str()
      ->check(CLI::IsMember({"per-thread", "shared"}));
  app.add_option("--shards", config.shards, "Cache shards, each with its own lock (power of two)")
      ->capture_default_str()
      ->check([](const std::string& v) {
        const auto n = std::stoull(v);
        return (n != 0 && (n & (n - 1)) == 0 && n <= 65536) ? ""
                                                            : "must be a power of two up to 65536";
      });
  app.add_option("--databases", config.databases,
                 "Number of databases, SELECT 0 to N-1 (as Redis's `databases`)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, storage::Entry::kMaxDatabases));
  app.add_option("--maxmemory", max_memory,
                 "Data budget: bytes (k/m/g = 1000^n, kb/mb/gb = 1024^n) or a percentage of the "
                 "memory limit, like 60% (default: " +
                     fmt::format("{:.0f}", kDefaultMemoryFraction * 100) +
                     "% of the cgroup limit or of RAM)");
  app.add_option(
         "--maxmemory-policy", max_memory_policy,
         "What goes when a write would exceed --maxmemory: " + storage::eviction_policy_names())
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            return storage::parse_eviction_policy(value)
                       ? ""
                       : "unknown policy '" + value +
                             "'; one of: " + storage::eviction_policy_names();
          },
          "POLICY"));
  app.add_option(
      "--reserve-keys", config.reserve_keys,
      "Keys the hash tables are sized for at start (default: maxmemory / 256, at most 256Ki)");
  app.add_option("--backlog", config.backlog, "Listen backlog")->capture_default_str();
  app.add_option("--sndbuf", config.send_buffer, "Socket send buffer bytes (0: kernel default)")
      ->capture_default_str();
  app.add_option("--rcvbuf", config.receive_buffer,
                 "Socket receive buffer bytes (0: kernel default)")
      ->capture_default_str();
  app.add_option("--max-key-size", max_key_size, "Largest key accepted")
      ->capture_default_str()
      ->check(memory_size_validator());
  app.add_option("--max-value-size", max_value_size, "Largest value accepted")
      ->capture_default_str()
      ->check(memory_size_validator());
  app.add_option("--proto-max-bulk-len", proto_max_bulk_len,
                 "Largest bulk string length a client may announce (larger is a protocol error)")
      ->capture_default_str()
      ->check(memory_size_validator());
  app.add_option("--max-inline-len", max_inline_len,
                 "Longest inline command or `*`/`$` header line")
      ->capture_default_str()
      ->check(memory_size_validator());
  app.add_option("--max-args", config.max_args, "Most arguments in one command")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{INT32_MAX}));
  app.add_option("--client-query-buffer-limit", query_buffer_limit,
                 "Unparsed input at which a client is disconnected (default: 64mb, or twice "
                 "--max-value-size if larger)")
      ->check(memory_size_validator());
  app.add_option("--client-output-buffer-limit", output_buffer_limit,
                 "Pending replies at which a client is disconnected (default: 64mb, or twice "
                 "--max-value-size if larger)")
      ->check(memory_size_validator());
  app.add_option("--maxclients", config.max_clients,
                 "Most connected clients, capped by the open-files limit minus 32")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
  app.add_option("--timeout", config.timeout, "Close clients idle this many seconds (0: never)")
      ->capture_default_str();
  app.add_option("--busy-reply-threshold,--lua-time-limit", config.busy_reply_threshold_ms,
                 "Milliseconds a script runs before other clients get -BUSY (0: never)")
      ->capture_default_str();
  app.add_option("--lua-heap-limit", lua_heap_limit,
                 "Bytes each thread's Lua state may hold; a script past it gets an error")
      ->capture_default_str()
      ->check(memory_size_validator());
  app.add_option("--tcp-keepalive", config.tcp_keepalive,
                 "Seconds of idle before TCP keepalive probes (0: no keepalive)")
      ->capture_default_str();
  app.add_option("--requirepass", config.requirepass,
                 "Password clients must give with AUTH (also read from RESPCACHE_REQUIREPASS)")
      ->envname("RESPCACHE_REQUIREPASS");
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error, critical, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  try {
    app.parse(argc, argv);
    if (!max_memory.empty() && max_memory.back() != '%' && !parse_memory_size(max_memory)) {
      throw CLI::ValidationError("--maxmemory", "not a memory size or percentage: " + max_memory);
    }
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }

  config.max_memory_policy = *storage::parse_eviction_policy(max_memory_policy);
  config.max_key_size = *parse_memory_size(max_key_size);
  if (config.max_key_size > storage::Entry::kMaxKeyLen) {
    std::fprintf(stderr, "--max-key-size: at most %zu bytes (16 MiB - 1)\n",
                 storage::Entry::kMaxKeyLen);
    return {std::nullopt, 2};
  }
  config.max_value_size = *parse_memory_size(max_value_size);
  if (config.max_value_size > storage::Entry::kMaxValueLen) {
    std::fprintf(stderr, "--max-value-size: at most %zu bytes (1 GiB - 1)\n",
                 storage::Entry::kMaxValueLen);
    return {std::nullopt, 2};
  }
  config.lua_heap_limit = std::max<std::size_t>(*parse_memory_size(lua_heap_limit), 1U << 20);
  config.proto_max_bulk_len = *parse_memory_size(proto_max_bulk_len);
  config.max_inline_len = std::max<std::size_t>(*parse_memory_size(max_inline_len), 16);
  for (const auto& [flag, text] :
       {std::pair{"--client-query-buffer-limit", query_buffer_limit},
        std::pair{"--client-output-buffer-limit", output_buffer_limit}}) {
    if (!text.empty() && *parse_memory_size(text) < kLeastBufferLimit) {
      std::fprintf(stderr, "%s: must be at least %zu bytes\n", flag, kLeastBufferLimit);
      return {std::nullopt, 2};
    }
  }
  const std::size_t twice_largest_value = 2 * config.max_value_size;
  config.client_query_buffer_limit = query_buffer_limit.empty()
                                         ? std::max(kMinQueryBufferLimit, twice_largest_value)
                                         : *parse_memory_size(query_buffer_limit);
  config.client_output_buffer_limit = output_buffer_limit.empty()
                                          ? std::max(kMinOutputBufferLimit, twice_largest_value)
                                          : *parse_memory_size(output_buffer_limit);
  try {
    resolve_max_memory(max_memory, system, config);
  } catch (const std::exception&) {
    std::fprintf(stderr, "--maxmemory: not a memory size or percentage: %s\n", max_memory.c_str());
    return {std::nullopt, 2};
  }
  resolve_threads(threads, system, config);
  if (config.reserve_keys == 0) {
    config.reserve_keys = std::clamp<std::size_t>(config.max_memory / kExpectedEntryBytes, 1024,
                                                  kMaxDefaultReserveKeys);
  }
  config.max_clients_source = fit_max_clients_to_fd_limit(config);
  return {config, 0};
}

}  // namespace respcache::config
