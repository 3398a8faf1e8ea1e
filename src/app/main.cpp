// respcache: parse flags, build the cache and the server, serve until a signal.

#include <malloc.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <exception>

#include "respcache/app/maintenance.hpp"
#include "respcache/app/ping_client.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/config/config.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/server/server.hpp"
#include "respcache/storage/cache.hpp"

using namespace respcache;

namespace {

void log_banner(const config::Config& c, std::uint16_t port) {
  spdlog::info("respcache {} listening on {}:{} (RESP)", RESPCACHE_VERSION, c.bind, port);
  spdlog::info("threads {} ({}), shards {}", c.threads, c.threads_source, c.shards);
  spdlog::info("maxmemory {} bytes = {} ({}), policy {}", c.max_memory,
               config::human_bytes(c.max_memory), c.max_memory_source,
               storage::eviction_policy_name(c.max_memory_policy));
  spdlog::info(
      "limits: key {} B, value {} B, bulk {} B, inline {} B, {} args; backlog {}, "
      "sndbuf {}, rcvbuf {}",
      c.max_key_size, c.max_value_size, c.proto_max_bulk_len, c.max_inline_len, c.max_args,
      c.backlog, c.send_buffer, c.receive_buffer);
  spdlog::info(
      "clients: maxclients {}; query buffer {} B, output buffer {} B; timeout {} s, "
      "tcp-keepalive {} s",
      c.max_clients_source, c.client_query_buffer_limit, c.client_output_buffer_limit, c.timeout,
      c.tcp_keepalive);
  if (c.requirepass.empty()) {
    const bool loopback = c.bind == "127.0.0.1" || c.bind == "::1" || c.bind == "localhost";
    if (loopback) {
      spdlog::info("no password set (--requirepass): any local client may read and write");
    } else {
      spdlog::warn(
          "no password set (--requirepass) and listening on {}: anyone who can reach "
          "the port may read and write",
          c.bind);
    }
  } else {
    spdlog::info("clients must AUTH (--requirepass is set)");
  }
}

/// Makes glibc's malloc keep RSS close to what the budget counts; measured with
/// bench/memory_limit.py (bench/RESULTS.md, "Memory under a container limit"). Call before any
/// other thread starts.
/// - A fixed mmap threshold: by default glibc raises it to the size of each mmapped block
///   freed, so after the first evicted 1 MiB value every large value came from the heap, and
///   evicting them left holes that RSS kept: 1 MiB values drove a 1 GiB container into the
///   OOM killer at a 70% budget. Fixed at 128 KiB, large values are mmapped and given back
///   whole when evicted.
/// - One arena: with one per thread, entries freed by eviction fragmented each thread's heap
///   separately; with 4 KiB values at a 256 MiB limit, peak RSS fell from 85-89% of the limit
///   to 78% with one.
void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_ARENA_MAX, 1);
}

}  // namespace

int main(int argc, char** argv) {
  const config::CommandLine command_line = config::parse_command_line(argc, argv);
  if (!command_line.config) return command_line.exit_code;
  const config::Config& config = *command_line.config;
  if (config.ping) return app::run_ping(config.bind, config.port);
  tune_allocator();

  spdlog::set_default_logger(spdlog::stderr_color_mt("respcache"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  std::signal(SIGPIPE, SIG_IGN);

  try {
    storage::CacheOptions options;
    options.databases = config.databases;
    options.shard_count = config.shards;
    options.max_memory = config.max_memory;
    options.eviction_policy = config.max_memory_policy;
    options.initial_capacity = config.reserve_keys;
    storage::Cache cache(options);
    core::ServerCore core(config);
    cache.count_in_budget(&core.buffer_bytes);
    commands::Service service(core, cache);
    app::Maintenance maintenance(core, cache);
    server::Server server(service);
    server.listen();
    log_banner(config, server.port());
    server.run();
    spdlog::info("bye");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
}
