#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "respcache/storage/eviction_policy.hpp"

namespace respcache::config {

struct SystemResources;

/// File descriptors kept back from --maxclients for the server's own use (Redis: 32).
inline constexpr std::size_t kReservedFds = 32;
/// Defaults of the per-client buffer limits: at least this, and at least twice the largest
/// value, so that a single SET or GET of the largest value always fits.
inline constexpr std::size_t kMinQueryBufferLimit = 64UL * 1024 * 1024;
inline constexpr std::size_t kMinOutputBufferLimit = 64UL * 1024 * 1024;
/// The smallest buffer limits accepted (Redis's minimum for client-query-buffer-limit).
inline constexpr std::size_t kLeastBufferLimit = 1024 * 1024;

/// The server's settings after the command line is read and defaults are derived from the
/// machine. Read by app and handed down; nothing below app parses flags.
struct Config {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 7171;
  /// Event-loop threads. Derived from the CPU quota and affinity unless --threads is given.
  unsigned threads = 0;
  std::string threads_source;  ///< how `threads` was chosen, for the start-up log and INFO
  /// "shared": one io_context run by every thread, a strand per connection (the default: it
  /// measured faster, with a third of the p99 latency, in bench/RESULTS.md); "per-thread": an
  /// io_context per thread with each connection pinned to one.
  std::string io_model = "shared";
  std::size_t shards = 64;
  /// Independent keyspaces, SELECT 0 to databases - 1 (Redis's `databases`); at most 128,
  /// the 7 bits an entry has for its database.
  std::size_t databases = 16;
  /// Data budget in bytes (entries and hash tables).
  std::size_t max_memory = 0;
  std::string max_memory_source;
  /// What goes when a write takes usage over max_memory (Redis's maxmemory-policy).
  storage::EvictionPolicy max_memory_policy = storage::EvictionPolicy::kAllKeysLru;
  /// Keys the hash tables are sized for at start-up; by default the budget over
  /// kExpectedEntryBytes, at most kMaxDefaultReserveKeys.
  std::size_t reserve_keys = 0;
  int backlog = 511;
  int send_buffer = 256 * 1024;
  int receive_buffer = 256 * 1024;
  /// At most kMaxKeySizeLimit (16 MiB - 1): an entry keeps its key length in 24 bits.
  std::size_t max_key_size = 64 * 1024;
  /// At most 1 GiB - 1: an entry keeps its value length in 30 bits.
  std::size_t max_value_size = 8 * 1024 * 1024;
  std::size_t proto_max_bulk_len = 512 * 1024 * 1024;
  /// Longest inline command and longest `*`/`$` header line (Redis's PROTO_INLINE_MAX_SIZE).
  std::size_t max_inline_len = 64 * 1024;
  /// Most arguments in one command (`*<count>`); larger is a protocol error.
  std::size_t max_args = 1024 * 1024;
  /// A client whose unparsed input reaches this is disconnected. Derived from
  /// max_value_size when not given (see kMinQueryBufferLimit).
  std::size_t client_query_buffer_limit = kMinQueryBufferLimit;
  /// A client whose pending replies would pass this is disconnected (Redis's
  /// client-output-buffer-limit for normal clients, but on by default). Derived from
  /// max_value_size when not given (see kMinOutputBufferLimit).
  std::size_t client_output_buffer_limit = kMinOutputBufferLimit;
  /// Most connected clients; capped by the open-files limit minus kReservedFds.
  std::size_t max_clients = 10000;
  std::string max_clients_source;  ///< how max_clients was chosen, for the start-up log
  /// Seconds a client may stay idle before it is closed; 0 = never (Redis's timeout).
  unsigned timeout = 0;
  /// Milliseconds a script may hold the cache before other clients get -BUSY and SCRIPT KILL
  /// may stop it (Redis's busy-reply-threshold, formerly lua-time-limit); 0: never -BUSY.
  std::uint64_t busy_reply_threshold_ms = 5000;
  /// Bytes each thread's Lua state may allocate (compiled scripts and what they build).
  std::size_t lua_heap_limit = 256ULL << 20;
  /// Lua instructions a script may run before it fails; 0: no limit. No flag: for the
  /// scripting fuzzer, which must not run an endless loop for ever.
  std::uint64_t lua_max_instructions = 0;
  /// SO_KEEPALIVE with this many seconds of idle before probes (Redis's tcp-keepalive); 0 = off.
  unsigned tcp_keepalive = 300;
  /// The default user's password; empty = no AUTH needed (Redis's requirepass).
  std::string requirepass;
  std::string log_level = "info";
  /// --ping: act as a health-check client of the server at bind:port instead of serving.
  bool ping = false;
};

/// Share of the memory limit (cgroup, else physical RAM) given to data when --maxmemory is not
/// set. The rest covers what the budget cannot see: allocator slack and fragmentation, thread
/// stacks, the binary, kernel socket buffers. Chosen with bench/memory_limit.py: at 70%, the
/// worst of six workloads (4 KiB values) peaked at 1.11x maxmemory, 77.6% of a 256 MiB limit;
/// 75% puts that worst case near 83%, leaving the rest as margin (bench/RESULTS.md, "Memory
/// under a container limit").
inline constexpr double kDefaultMemoryFraction = 0.75;

/// The entry size the hash tables are sized for when --reserve-keys is not given: a small key
/// and value with their header and allocator rounding.
inline constexpr std::size_t kExpectedEntryBytes = 256;
/// The default reservation stops here (about 2.3 MiB of hash-table slots); past it the
/// tables grow incrementally. A table much larger than its key count costs a cache miss per lookup:
/// with 100k keys, 128Ki reserved keys used 10-13% less CPU per request than 8Mi
/// (redis-benchmark -P 16, bench/RESULTS.md).
inline constexpr std::size_t kMaxDefaultReserveKeys = 256 << 10;

/// What the command line asked for: run with a config, or exit at once with a status
/// (after --help, --version or a bad flag, with the text already printed).
struct CommandLine {
  std::optional<Config> config;
  int exit_code = 0;
};

/// Parses argv with CLI11 and derives every default that depends on the machine.
CommandLine parse_command_line(int argc, char** argv);
/// The same, with the machine's limits given (tests pass a made-up machine).
CommandLine parse_command_line(int argc, char** argv, const SystemResources& system);

/// Parses a memory size as Redis's memtoull does: a plain number of bytes, or with a suffix
/// k/m/g (powers of 1000) or kb/mb/gb (powers of 1024), case-insensitive. nullopt if invalid.
std::optional<std::size_t> parse_memory_size(const std::string& text);

/// Redis's adjustOpenFilesLimit: raises the soft RLIMIT_NOFILE towards max_clients +
/// kReservedFds (up to the hard limit) and lowers max_clients to what the limit allows.
/// Returns a description for the start-up log.
std::string fit_max_clients_to_fd_limit(Config& config);

/// Formats bytes the way INFO's *_human fields do ("1.50G").
std::string human_bytes(std::size_t bytes);

}  // namespace respcache::config
