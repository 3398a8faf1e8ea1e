#include "respcache/commands/service.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {
namespace {

using core::bump;

// Two reads of the vDSO clock per command: cheap next to the command itself, and it gives
// INFO commandstats and the /metrics latency histogram real figures.
void record_timing(core::WorkerStats& stats, std::size_t command,
                   std::chrono::nanoseconds elapsed) {
  const auto nanos = static_cast<std::uint64_t>(elapsed.count());
  bump(stats.commands_processed);
  bump(stats.command_calls[command]);
  bump(stats.command_nanos[command], nanos);
  std::size_t bucket = 0;
  while (bucket < core::kLatencyBucketsUs.size() &&
         nanos > core::kLatencyBucketsUs[bucket] * 1000) {
    ++bucket;
  }
  bump(stats.command_latency[command][bucket]);
}

// Redis's allow-busy commands: what a client may still do while a script holds the cache.
// SCRIPT KILL while a function runs, or FUNCTION KILL while a script does, gets -BUSY, as in
// Redis (which names the right KILL in it).
bool allowed_while_busy(const CommandSpec& spec, std::span<const std::string_view> args,
                        bool function_running) {
  if ((spec.flags & kAllowBusy) != 0) return true;
  if (args.size() != 2) return false;
  if (spec.handler == cmd_script) return !function_running && iequals(args[1], "kill");
  if (spec.handler != cmd_function) return false;
  // FUNCTION STATS too, but only while a function (not an EVAL) runs, as in Redis.
  return function_running && (iequals(args[1], "stats") || iequals(args[1], "kill"));
}

// Makes the calling thread's shard-lock waits give up when a script goes busy, for the
// length of one command.
class BusyScope {
 public:
  explicit BusyScope(const storage::BusyCheck& check)
      : previous_(std::exchange(storage::t_busy_check, &check)) {}
  ~BusyScope() { storage::t_busy_check = previous_; }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  const storage::BusyCheck* previous_;
};

}  // namespace

core::Totals Service::statistics_totals(const core::ServerCore& core, const storage::Cache& cache) {
  const storage::CacheStats stats = cache.stats();
  return core.statistics.totals(stats.evicted_keys, stats.expired_keys);
}

void Service::reset_statistics(core::ServerCore& core, const storage::Cache& cache) {
  const storage::CacheStats stats = cache.stats();
  core.statistics.reset(stats.evicted_keys, stats.expired_keys);
}

void Service::open_client(ClientState& client, std::shared_ptr<core::ClientRecord> record) {
  if (!record) {
    record = std::make_shared<core::ClientRecord>(core_.next_client_id(), "", "", -1,
                                                  core_.clock.now_ms());
  }
  client.id = record->id;
  client.record = std::move(record);
  client.authenticated = !core_.authentication.required();
}

// Redis's processCommand: ALL holds every command; WRITE holds the commands that may write
// (and an EXEC with a write queued, and WAIT).
bool Service::must_wait(const ClientState& client, const CommandSpec& spec) {
  const core::ClientPause::Mode mode = core_.pause.mode(core::ClientPause::now_ms());
  if (mode == core::ClientPause::Mode::kNone) return false;
  if (mode == core::ClientPause::Mode::kAll) return true;
  if (spec.flags & kWrite) return true;
  if (spec.handler == cmd_wait) return true;
  return spec.handler == cmd_exec && client.transaction && client.transaction->has_write;
}

Service::Outcome Service::execute(ClientState& client, std::span<const std::string_view> args,
                                  protocol::ReplyBuilder& reply, core::WorkerStats& stats,
                                  bool may_postpone) {
  Transaction* const transaction = client.transaction.get();
  // Redis's rejectCommand: a refusal inside MULTI also dooms the EXEC (-EXECABORT).
  const auto refuse = [&] {
    if (transaction != nullptr) transaction->aborted = true;
    return Outcome::kDone;
  };
  const CommandSpec* spec = find_command(args[0]);
  if (spec == nullptr) {
    replies::unknown_command(reply, args);
    return refuse();
  }
  if (!arity_accepts(spec->arity, args.size())) {
    // Redis's execCommandAbort: a refused EXEC itself ends the transaction, saying why.
    if (transaction != nullptr && spec->handler == cmd_exec) {
      client.transaction.reset();
      if (client.watched) watch_table_.unwatch(*client.watched);
      client.record->multi.store(-1, std::memory_order_relaxed);
      client.record->set_flag(core::kClientMulti, false);
      replies::exec_aborted_wrong_arity(reply, spec->name);
      return Outcome::kDone;
    }
    replies::wrong_arity(reply, spec->name);
    return refuse();
  }
  // As in Redis, an unknown command or a wrong arity is reported before authentication.
  if (!client.authenticated && (spec->flags & kNoAuth) == 0 && core_.authentication.required()) {
    reply.error(replies::kNoAuth);
    return refuse();
  }
  if (transaction != nullptr && (spec->flags & kNoMulti) != 0) {
    reply.error("ERR Command not allowed inside a transaction");
    return refuse();
  }
  if (script_runner_.busy() &&
      !allowed_while_busy(*spec, args, script_runner_.running_function())) {
    reply.error(script_runner_.busy_error());
    return refuse();
  }
  if (refused_for_memory(*spec, transaction)) {
    // Redis's rejectCommand on EXEC: the transaction ends, saying why.
    if (transaction != nullptr && spec->handler == cmd_exec) {
      client.transaction.reset();
      if (client.watched) watch_table_.unwatch(*client.watched);
      client.record->multi.store(-1, std::memory_order_relaxed);
      client.record->set_flag(core::kClientMulti, false);
      replies::exec_aborted(reply, replies::kOutOfMemory);
      return Outcome::kDone;
    }
    reply.error(replies::kOutOfMemory);
    return refuse();
  }
  // One relaxed load while no pause is set.
  if (may_postpone && core_.pause.maybe_paused() && must_wait(client, *spec)) {
    return Outcome::kPostponed;
  }
  if (transaction != nullptr && (spec->flags & kRunsInMulti) == 0) {
    queue(client, *spec, args, reply);
    return Outcome::kDone;
  }
  const BusyScope busy_scope(script_runner_);
  const std::size_t mark = reply.mark();
  try {
    run(*spec, client, args, reply, stats);
  } catch (const storage::CacheBusy&) {
    // It waited for a shard that a script has held past busy-reply-threshold, and gave up
    // before changing anything there.
    reply.rollback(mark);
    reply.error(script_runner_.busy_error());
  }
  return Outcome::kDone;
}

bool Service::refused_for_memory(const CommandSpec& spec, const Transaction* transaction) {
  bool may_grow = (spec.flags & kDenyOom) != 0;
  if (transaction != nullptr) {
    if (spec.handler == cmd_exec) {
      may_grow = may_grow || (transaction->flags & kDenyOom) != 0;
    } else if (spec.handler != cmd_discard && spec.handler != cmd_quit) {
      may_grow = true;  // a queue may take any amount of memory
    }
  }
  // Only then is usage looked at: the plain GET path pays one flag test.
  return may_grow && cache_.out_of_memory();
}

void Service::execute_queued(ClientState& client, std::span<const std::string_view> args,
                             protocol::ReplyBuilder& reply, core::WorkerStats& stats) {
  const CommandSpec* spec = find_command(args[0]);
  if (spec == nullptr) return replies::unknown_command(reply, args);  // checked when queued
  run(*spec, client, args, reply, stats, /*queued=*/true);
}

void Service::run(const CommandSpec& spec, ClientState& client,
                  std::span<const std::string_view> args, protocol::ReplyBuilder& reply,
                  core::WorkerStats& stats, bool queued) {
  CommandContext ctx{args, client, core_, cache_, stats, reply, *this};
  ctx.queued = queued;
  core::ClientRecord& record = *client.record;
  // Redis's lastcmd is set when a command arrives, so EXEC's commands leave it at "exec".
  if (!queued) record.last_command.store(&spec.name, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  if (client.no_touch) {
    const storage::Cache::NoTouchScope no_touch;
    spec.handler(ctx);
  } else {
    spec.handler(ctx);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  record_timing(stats, static_cast<std::size_t>(&spec - all_commands().data()), elapsed);
  bump(record.commands);
  // Two relaxed loads when neither a slow command nor a monitor is about.
  const auto micros = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  if (core_.slowlog.wants(micros) || core_.monitors.active()) {
    after_command(spec, ctx.subcommand_flags, client, args, elapsed);
  }
}

// Redis's call() after the command: the slowlog (not for skip_slowlog commands: EXEC), then
// the monitors (not for admin commands). AUTH's and HELLO AUTH's secrets are redacted in
// both, as Redis's redactClientCommandArgument.
void Service::after_command(const CommandSpec& spec, std::uint32_t subcommand_flags,
                            ClientState& client, std::span<const std::string_view> args,
                            std::chrono::nanoseconds elapsed) {
  static constexpr std::string_view kRedacted = "(redacted)";
  std::vector<std::string_view> shown(args.begin(), args.end());
  if (spec.handler == cmd_auth) {
    for (std::size_t i = 1; i < shown.size(); ++i) shown[i] = kRedacted;
  } else if (spec.handler == cmd_hello) {
    for (std::size_t i = 2; i < shown.size(); ++i) {
      const std::size_t more = shown.size() - 1 - i;
      if (iequals(shown[i], "auth") && more >= 2) {
        shown[i + 1] = kRedacted;
        shown[i + 2] = kRedacted;
        i += 2;
      } else if (iequals(shown[i], "setname") && more >= 1) {
        ++i;
      }
    }
  } else if (spec.handler == cmd_config && shown.size() > 1 && iequals(shown[1], "set")) {
    for (std::size_t i = 2; i + 1 < shown.size(); i += 2) {
      if (iequals(shown[i], "requirepass")) shown[i + 1] = kRedacted;  // SENSITIVE_CONFIG
    }
  }
  const core::ClientRecord& record = *client.record;
  const auto micros = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  if (core_.slowlog.wants(micros) && (spec.flags & kSkipSlowlog) == 0) {
    std::string name;
    core_.clients.read_names(record, [&](const core::ClientRecord& r) { name = r.name; });
    core_.slowlog.add(shown, micros, record.addr, std::move(name));
  }
  if (core_.monitors.active() && ((spec.flags | subcommand_flags) & (kAdmin | kSkipMonitor)) == 0) {
    // Redis's replicationFeedMonitors, without the leading '+' and the CRLF: the mailbox
    // holds lines, which the monitor's session sends as status replies.
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::string line = fmt::format("{}.{:06} [{} {}]", now / 1000000, now % 1000000,
                                   record.db.load(std::memory_order_relaxed), record.addr);
    for (std::string_view arg : shown) {
      line.push_back(' ');
      append_quoted(line, arg);
    }
    line.push_back('\n');
    core_.monitors.publish(line, core_.settings.output_buffer_size_limit());
  }
}

void Service::queue(ClientState& client, const CommandSpec& spec,
                    std::span<const std::string_view> args, protocol::ReplyBuilder& reply) {
  Transaction& transaction = *client.transaction;
  if (transaction.aborted) {
    // Doomed already: nothing it queues will run, so nothing is kept.
    reply.simple("QUEUED");
    return;
  }
  std::size_t bytes = 0;
  for (std::string_view arg : args) bytes += arg.size() + 16;
  // A queue is input waiting to run, so it obeys the same bound as unparsed input.
  if (transaction.queue.bytes() + bytes > core_.settings.query_buffer_limit()) {
    transaction.aborted = true;
    transaction.queue.clear();
    reply.error(replies::kTransactionTooLarge);
    return;
  }
  transaction.push(args);
  if (spec.flags & kWrite) transaction.has_write = true;
  client.record->multi.store(static_cast<std::int32_t>(transaction.queue.size()),
                             std::memory_order_relaxed);
  client.record->multi_memory.store(transaction.queue.bytes(), std::memory_order_relaxed);
  transaction.flags |= spec.flags;
  reply.simple("QUEUED");
}

}  // namespace respcache::commands
