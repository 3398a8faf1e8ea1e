// Commands about keys and the keyspace as a whole: DEL, EXISTS, DBSIZE, FLUSHALL, SELECT.

#include <climits>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {

void cmd_del(CommandContext& ctx) {
  long long removed = 0;
  for (std::size_t i = 1; i < ctx.argc(); ++i) removed += ctx.cache().erase(ctx.args[i]) ? 1 : 0;
  ctx.reply.integer(removed);
}

void cmd_exists(CommandContext& ctx) {
  long long found = 0;
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    const bool hit = ctx.cache().contains(ctx.args[i]);
    count_lookup(ctx, hit);
    found += hit ? 1 : 0;
  }
  ctx.reply.integer(found);
}

void cmd_dbsize(CommandContext& ctx) {
  ctx.reply.integer(static_cast<long long>(ctx.cache().size()));
}

// FLUSHALL and FLUSHDB: there is one database, so they are the same command.
void cmd_flushall(CommandContext& ctx) {
  if (ctx.argc() > 2 ||
      (ctx.argc() == 2 && !iequals(ctx.args[1], "sync") && !iequals(ctx.args[1], "async"))) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  ctx.cache().clear();
  ctx.reply.ok();
}

// There is one database, 0, as in Redis started with `databases 1`.
void cmd_select(CommandContext& ctx) {
  const auto index = protocol::parse_int64(ctx.args[1]);
  if (!index) {
    ctx.reply.error(replies::kNotInteger);
  } else if (*index < INT_MIN || *index > INT_MAX) {
    ctx.reply.error(replies::kNotInt32);
  } else if (*index != 0) {
    ctx.reply.error(replies::kDbIndexOutOfRange);
  } else {
    ctx.reply.ok();
  }
}

}  // namespace respcache::commands
