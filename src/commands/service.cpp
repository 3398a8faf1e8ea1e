#include "respcache/commands/service.hpp"

#include <chrono>
#include <utility>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {
namespace {

using core::bump;

// Two reads of the vDSO clock per command: cheap next to the command itself, and it gives
// INFO commandstats and the /metrics latency histogram real figures.
void record(core::WorkerStats& stats, std::size_t command, std::chrono::nanoseconds elapsed) {
  const auto nanos = static_cast<std::uint64_t>(elapsed.count());
  bump(stats.commands_processed);
  bump(stats.command_calls[command]);
  bump(stats.command_nanos[command], nanos);
  std::size_t bucket = 0;
  while (bucket < core::kLatencyBucketsUs.size() &&
         nanos > core::kLatencyBucketsUs[bucket] * 1000) {
    ++bucket;
  }
  bump(stats.latency_buckets[bucket]);
}

constexpr std::string_view kBusy =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

// Redis's allow-busy commands: what a client may still do while a script holds the cache.
bool allowed_while_busy(const CommandSpec& spec, std::span<const std::string_view> args) {
  if ((spec.flags & kAllowBusy) != 0) return true;
  return spec.handler == cmd_script && args.size() == 2 && iequals(args[1], "kill");
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

void Service::open_client(ClientState& client) {
  client.id = core_.next_client_id();
  client.authenticated = !core_.authentication.required();
}

void Service::execute(ClientState& client, std::span<const std::string_view> args,
                      protocol::ReplyBuilder& reply, core::WorkerStats& stats) {
  Transaction* const transaction = client.transaction.get();
  // Redis's rejectCommand: a refusal inside MULTI also dooms the EXEC (-EXECABORT).
  const auto refuse = [&] {
    if (transaction != nullptr) transaction->aborted = true;
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
      return replies::exec_aborted_wrong_arity(reply, spec->name);
    }
    replies::wrong_arity(reply, spec->name);
    return refuse();
  }
  // As in Redis, an unknown command or a wrong arity is reported before authentication.
  if (!client.authenticated && (spec->flags & kNoAuth) == 0 && core_.authentication.required()) {
    reply.error(replies::kNoAuth);
    return refuse();
  }
  if (script_runner_.busy() && !allowed_while_busy(*spec, args)) {
    reply.error(kBusy);
    return refuse();
  }
  if (transaction != nullptr && (spec->flags & kRunsInMulti) == 0)
    return queue(client, args, reply);
  const BusyScope busy_scope(script_runner_);
  const std::size_t mark = reply.mark();
  try {
    run(*spec, client, args, reply, stats);
  } catch (const storage::CacheBusy&) {
    // It waited for a shard that a script has held past busy-reply-threshold, and gave up
    // before changing anything there.
    reply.rollback(mark);
    reply.error(kBusy);
  }
}

void Service::execute_queued(ClientState& client, std::span<const std::string_view> args,
                             protocol::ReplyBuilder& reply, core::WorkerStats& stats) {
  const CommandSpec* spec = find_command(args[0]);
  if (spec == nullptr) return replies::unknown_command(reply, args);  // checked when queued
  run(*spec, client, args, reply, stats);
}

void Service::run(const CommandSpec& spec, ClientState& client,
                  std::span<const std::string_view> args, protocol::ReplyBuilder& reply,
                  core::WorkerStats& stats) {
  CommandContext ctx{args, client, core_, cache_, stats, reply, *this};
  const auto start = std::chrono::steady_clock::now();
  spec.handler(ctx);
  record(stats, static_cast<std::size_t>(&spec - all_commands().data()),
         std::chrono::steady_clock::now() - start);
}

void Service::queue(ClientState& client, std::span<const std::string_view> args,
                    protocol::ReplyBuilder& reply) {
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
  reply.simple("QUEUED");
}

}  // namespace respcache::commands
