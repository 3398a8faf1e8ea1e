#include "respcache/commands/service.hpp"

#include <chrono>

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
  if (refused_for_memory(*spec, transaction)) {
    // Redis's rejectCommand on EXEC: the transaction ends, saying why.
    if (transaction != nullptr && spec->handler == cmd_exec) {
      client.transaction.reset();
      if (client.watched) watch_table_.unwatch(*client.watched);
      return replies::exec_aborted(reply, replies::kOutOfMemory);
    }
    reply.error(replies::kOutOfMemory);
    return refuse();
  }
  if (transaction != nullptr && (spec->flags & kRunsInMulti) == 0)
    return queue(*spec, client, args, reply);
  run(*spec, client, args, reply, stats);
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

void Service::queue(const CommandSpec& spec, ClientState& client,
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
  transaction.flags |= spec.flags;
  reply.simple("QUEUED");
}

}  // namespace respcache::commands
