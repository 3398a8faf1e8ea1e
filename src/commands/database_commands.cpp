// Commands about databases as a whole: SELECT, DBSIZE, FLUSHDB, FLUSHALL, MOVE, SWAPDB.

#include <climits>
#include <utility>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

// Redis's FLUSHALL/FLUSHDB option check: nothing, SYNC or ASYNC (both flush at once here).
bool flush_options_valid(CommandContext& ctx) {
  if (ctx.argc() > 2 ||
      (ctx.argc() == 2 && !iequals(ctx.args[1], "sync") && !iequals(ctx.args[1], "async"))) {
    ctx.reply.error(replies::kSyntaxError);
    return false;
  }
  return true;
}

}  // namespace

std::optional<int> parse_int_argument(CommandContext& ctx, std::string_view arg,
                                      std::string_view error) {
  const auto value = protocol::parse_int64(arg);
  if (!value || *value < INT_MIN || *value > INT_MAX) {
    ctx.reply.error(!error.empty() ? error : value ? replies::kNotInt32 : replies::kNotInteger);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<unsigned> parse_db_index(CommandContext& ctx, std::string_view arg) {
  const auto index = parse_int_argument(ctx, arg);
  if (!index) return std::nullopt;
  if (*index < 0 || static_cast<std::size_t>(*index) >= ctx.cache().databases()) {
    ctx.reply.error(replies::kDbIndexOutOfRange);
    return std::nullopt;
  }
  return static_cast<unsigned>(*index);
}

void cmd_select(CommandContext& ctx) {
  const auto index = parse_db_index(ctx, ctx.args[1]);
  if (!index) return;
  ctx.client.db = *index;
  ctx.client.record->db.store(static_cast<std::int32_t>(*index), std::memory_order_relaxed);
  ctx.reply.ok();
}

void cmd_dbsize(CommandContext& ctx) { ctx.reply.integer(static_cast<long long>(ctx.db().size())); }

void cmd_flushall(CommandContext& ctx) {
  if (!flush_options_valid(ctx)) return;
  ctx.cache().clear();
  ctx.reply.ok();
}

void cmd_flushdb(CommandContext& ctx) {
  if (!flush_options_valid(ctx)) return;
  ctx.db().clear();
  ctx.reply.ok();
}

// As Redis: the target is checked (integer, range, not the source) before the key is looked
// at; 0 when the key is missing or the target already has it.
void cmd_move(CommandContext& ctx) {
  const auto target = parse_db_index(ctx, ctx.args[2]);
  if (!target) return;
  if (*target == ctx.client.db) return ctx.reply.error(replies::kSameObject);
  const storage::MoveStatus status = ctx.db().move_to(*target, ctx.args[1]);
  ctx.reply.integer(status == storage::MoveStatus::kMoved ? 1 : 0);
}

// SWAPDB is O(1) (Cache::swap_databases). Watched keys are touched first, as Redis 7.0's
// touchAllWatchedKeysInDb does for both databases: a client watching a key in either one
// fails its EXEC if the key exists in either before the swap. Under ExclusiveAccess, so no
// write falls between the look and the swap.
void cmd_swapdb(CommandContext& ctx) {
  const auto first = parse_int_argument(ctx, ctx.args[1], replies::kInvalidFirstDbIndex);
  if (!first) return;
  const auto second = parse_int_argument(ctx, ctx.args[2], replies::kInvalidSecondDbIndex);
  if (!second) return;
  const auto databases = static_cast<long long>(ctx.cache().databases());
  if (*first < 0 || *first >= databases || *second < 0 || *second >= databases) {
    return ctx.reply.error(replies::kDbIndexOutOfRange);
  }
  const auto a = static_cast<unsigned>(*first);
  const auto b = static_cast<unsigned>(*second);
  const storage::Cache::ExclusiveAccess exclusive(ctx.cache());
  if (a != b) {
    WatchTable& watches = ctx.service.watch_table();
    for (const auto& [db, key] : watches.watched_in(a, b)) {
      if (ctx.cache().contains(a, key) || ctx.cache().contains(b, key)) {
        watches.key_changed(db, key);
      }
    }
    ctx.cache().swap_databases(a, b);
  }
  ctx.reply.ok();
}

}  // namespace respcache::commands
