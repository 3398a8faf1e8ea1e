// MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7.0's semantics and replies.
//
// Atomicity: EXEC runs its queue while holding every shard's lock exclusively
// (storage::Cache::ExclusiveAccess), taken in shard order, so no other client's command can
// run between two of its commands, whichever shards they touch. The plain GET/SET path pays
// one thread-local test per shard access for it.

#include <vector>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/commands/service.hpp"

namespace respcache::commands {
namespace {

// CLIENT LIST's multi= and its x flag.
void show_multi(CommandContext& ctx, bool in_multi) {
  core::ClientRecord& record = *ctx.client.record;
  record.multi.store(in_multi ? 0 : -1, std::memory_order_relaxed);
  record.multi_memory.store(0, std::memory_order_relaxed);
  record.set_flag(core::kClientMulti, in_multi);
}

}  // namespace

namespace {

void unwatch_all(CommandContext& ctx) {
  if (ctx.client.watched) ctx.service.watch_table().unwatch(*ctx.client.watched);
}

// A watched key was changed (the table marked it), or held a value at WATCH and holds none
// now: it expired, which lazy expiry may not have reported yet.
bool watch_broken(CommandContext& ctx) {
  const WatchedKeys* watched = ctx.client.watched.get();
  if (watched == nullptr || watched->empty()) return false;
  if (watched->dirty()) return true;
  for (const WatchedKeys::Key& key : watched->keys()) {
    if (key.existed && !ctx.cache().contains(key.db, key.name)) return true;
  }
  return false;
}

}  // namespace

void cmd_multi(CommandContext& ctx) {
  if (ctx.client.transaction) return ctx.reply.error(replies::kMultiNested);
  ctx.client.transaction = std::make_unique<Transaction>(ctx.core.buffer_bytes);
  show_multi(ctx, true);
  ctx.reply.ok();
}

void cmd_discard(CommandContext& ctx) {
  if (!ctx.client.transaction) return ctx.reply.error(replies::kDiscardWithoutMulti);
  ctx.client.transaction.reset();
  show_multi(ctx, false);
  unwatch_all(ctx);
  ctx.reply.ok();
}

void cmd_exec(CommandContext& ctx) {
  if (!ctx.client.transaction) return ctx.reply.error(replies::kExecWithoutMulti);
  const std::unique_ptr<Transaction> transaction = std::move(ctx.client.transaction);
  // CLIENT LIST shows the client in MULTI until its EXEC is done, as Redis does.
  struct LeaveMulti {
    CommandContext& ctx;
    ~LeaveMulti() { show_multi(ctx, false); }
  } leave{ctx};
  if (transaction->aborted) {
    unwatch_all(ctx);
    return ctx.reply.error(replies::kExecAbort);
  }
  // From here to the last queued command, nobody else touches the cache; watched keys are
  // checked under the same locks, so no change can slip between the check and the run.
  const storage::Cache::ExclusiveAccess exclusive(ctx.cache());
  const bool broken = watch_broken(ctx);
  unwatch_all(ctx);
  if (broken) return ctx.reply.null_array();
  const QueuedCommands& queue = transaction->queue;
  ctx.reply.array(queue.size());
  std::vector<std::string_view> args;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    queue.get(i, args);
    ctx.service.execute_queued(ctx.client, args, ctx.reply, ctx.stats);
  }
}

void cmd_watch(CommandContext& ctx) {
  if (ctx.client.transaction) return ctx.reply.error(replies::kWatchInsideMulti);
  if (!ctx.client.watched) {
    ctx.client.watched = std::make_unique<WatchedKeys>(ctx.service.watch_table());
  }
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    WatchedKeys::Key* key = nullptr;
    switch (
        ctx.service.watch_table().watch(*ctx.client.watched, ctx.client.db, ctx.args[i], &key)) {
      case WatchTable::WatchResult::kFull:
        return ctx.reply.error(replies::kTooManyWatchedKeys);
      case WatchTable::WatchResult::kAlreadyWatched:
        break;
      case WatchTable::WatchResult::kAdded:
        // Looked at once registered, so a change in between is reported, not missed.
        key->existed = ctx.db().contains(ctx.args[i]);
        break;
    }
  }
  ctx.reply.ok();
}

void cmd_unwatch(CommandContext& ctx) {
  unwatch_all(ctx);
  ctx.reply.ok();
}

}  // namespace respcache::commands
