#include "respcache/commands/dispatcher.hpp"

#include <chrono>

#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {
namespace {

// Two reads of the vDSO clock per command: cheap next to the command itself, and it gives
// INFO commandstats and the /metrics latency histogram real figures.
void record(WorkerStats& stats, std::size_t command, std::chrono::nanoseconds elapsed) {
  const auto nanos = static_cast<std::uint64_t>(elapsed.count());
  bump(stats.commands_processed);
  bump(stats.command_calls[command]);
  bump(stats.command_nanos[command], nanos);
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsUs.size() && nanos > kLatencyBucketsUs[bucket] * 1000) ++bucket;
  bump(stats.latency_buckets[bucket]);
}

}  // namespace

void execute(CommandContext& ctx) {
  const CommandSpec* spec = find_command(ctx.args[0]);
  if (spec == nullptr) {
    replies::unknown_command(ctx.reply, ctx.args);
    return;
  }
  if (!arity_accepts(spec->arity, ctx.argc())) {
    replies::wrong_arity(ctx.reply, spec->name);
    return;
  }
  // As in Redis, an unknown command or a wrong arity is reported before authentication.
  if (!ctx.client.authenticated && (spec->flags & kNoAuth) == 0 && ctx.server.auth_required()) {
    ctx.reply.error(replies::kNoAuth);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  spec->handler(ctx);
  record(ctx.stats, static_cast<std::size_t>(spec - all_commands().data()),
         std::chrono::steady_clock::now() - start);
}

}  // namespace respcache::commands
