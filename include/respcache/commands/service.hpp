#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string_view>

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/script_runner.hpp"
#include "respcache/commands/watch_table.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/protocol/reply_builder.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::commands {

struct CommandSpec;

/// The one interface the network layer uses to run commands (as Dragonfly's
/// ServiceInterface sits between its facade and its engine). Sessions parse requests and
/// call execute(); they never see storage or a handler.
class Service {
 public:
  /// Admission for memory happens here (see execute), so the cache is told to let the
  /// writes of an admitted command through (storage::Cache::admit_over_budget).
  Service(core::ServerCore& core, storage::Cache& cache)
      : core_(core), cache_(cache), watch_table_(cache, core.buffer_bytes), script_runner_(core) {
    cache_.admit_over_budget(true);
  }

  /// Starts the command layer's record of a new client: its id (the record's, when the
  /// connection brings one; otherwise a fresh id and an unregistered record), and whether it
  /// must AUTH.
  void open_client(ClientState& client, std::shared_ptr<core::ClientRecord> record = nullptr);

  /// What execute() did with a command.
  enum class Outcome {
    kDone,       ///< it ran (or was refused or queued) and made its reply
    kPostponed,  ///< CLIENT PAUSE holds it: no reply; run it again at paused_until() or on a
                 ///< kWake
  };

  /// Runs one parsed command for `client` and makes exactly one reply in `reply`. `args` are
  /// views into the caller's input buffer, valid for this call only; args[0] is the name.
  /// `stats` belong to the calling thread. Unknown commands, wrong arity and NOAUTH are
  /// answered here with Redis's texts; everything else is up to the command's handler.
  /// Inside MULTI, commands are queued (+QUEUED) and a refused one aborts the transaction.
  /// Memory, as Redis's processCommand: while usage is over maxmemory and the policy may evict
  /// nothing (storage::Cache::out_of_memory), commands flagged denyoom get -OOM before they
  /// run, so does every command sent inside MULTI (EXEC, DISCARD and QUIT aside), and EXEC
  /// answers -EXECABORT when its queue holds a denyoom command.
  /// With `may_postpone`, a command that CLIENT PAUSE holds is not run (kPostponed); callers
  /// that cannot wait (HTTP) run it regardless.
  Outcome execute(ClientState& client, std::span<const std::string_view> args,
                  protocol::ReplyBuilder& reply, core::WorkerStats& stats,
                  bool may_postpone = false);
  /// When the pause that postponed a command ends, in core::ClientPause::now_ms.
  std::int64_t paused_until() const { return core_.pause.end_ms(); }

  /// Runs one command of an EXEC: checked when it was queued, so straight to its handler.
  void execute_queued(ClientState& client, std::span<const std::string_view> args,
                      protocol::ReplyBuilder& reply, core::WorkerStats& stats);

  WatchTable& watch_table() { return watch_table_; }
  ScriptRunner& script_runner() { return script_runner_; }

  core::ServerCore& core() { return core_; }
  const core::ServerCore& core() const { return core_; }
  /// Read-only views for reports (/metrics): counts and memory, never entries.
  storage::CacheStats cache_stats() const { return cache_.stats(); }
  /// The statistics since the last CONFIG RESETSTAT, storage's counters included.
  core::Totals totals() const { return statistics_totals(core_, cache_); }

  /// What totals() reports, for a caller holding the parts (INFO).
  static core::Totals statistics_totals(const core::ServerCore& core, const storage::Cache& cache);
  /// CONFIG RESETSTAT.
  static void reset_statistics(core::ServerCore& core, const storage::Cache& cache);

 private:
  void run(const CommandSpec& spec, ClientState& client, std::span<const std::string_view> args,
           protocol::ReplyBuilder& reply, core::WorkerStats& stats, bool queued = false);
  void queue(ClientState& client, const CommandSpec& spec, std::span<const std::string_view> args,
             protocol::ReplyBuilder& reply);
  bool must_wait(const ClientState& client, const CommandSpec& spec);
  void after_command(const CommandSpec& spec, std::uint32_t subcommand_flags, ClientState& client,
                     std::span<const std::string_view> args, std::chrono::nanoseconds elapsed);
  /// Whether Redis would refuse `spec` now for memory (see execute).
  bool refused_for_memory(const CommandSpec& spec, const Transaction* transaction);

  core::ServerCore& core_;
  storage::Cache& cache_;
  WatchTable watch_table_;
  ScriptRunner script_runner_;
};

}  // namespace respcache::commands
