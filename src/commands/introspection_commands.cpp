// Commands about the server: TIME, ROLE, WAIT, LASTSAVE, SLOWLOG and MONITOR, as Redis 7.0
// answers them for a master without replicas or snapshots.

#include <fmt/format.h>

#include <chrono>
#include <climits>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

void slowlog_get(CommandContext& ctx) {
  std::size_t count = 10;
  if (ctx.argc() == 3) {
    const auto parsed = protocol::parse_int64(ctx.args[2]);
    if (!parsed || *parsed < -1) {
      ctx.reply.error("ERR count should be greater than or equal to -1");
      return;
    }
    count = *parsed == -1 ? static_cast<std::size_t>(-1) : static_cast<std::size_t>(*parsed);
  }
  const auto entries = ctx.core.slowlog.newest(count);
  ctx.reply.array(entries.size());
  for (const core::SlowlogEntry& entry : entries) {
    ctx.reply.array(6);
    ctx.reply.integer(static_cast<long long>(entry.id));
    ctx.reply.integer(entry.unix_time);
    ctx.reply.integer(static_cast<long long>(entry.duration_us));
    ctx.reply.array(entry.args.size());
    for (const std::string& arg : entry.args) ctx.reply.bulk(arg);
    ctx.reply.bulk(entry.client_addr);
    ctx.reply.bulk(entry.client_name);
  }
}

void slowlog_len(CommandContext& ctx) {
  ctx.reply.integer(static_cast<long long>(ctx.core.slowlog.size()));
}

void slowlog_reset(CommandContext& ctx) {
  ctx.core.slowlog.reset();
  ctx.reply.ok();
}

constexpr std::string_view kSlowlogHelp[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
};

void slowlog_help(CommandContext& ctx) { reply_help(ctx, kSlowlogHelp); }

void slowlog_get_checked(CommandContext& ctx) {
  if (ctx.argc() > 3) return subcommand_syntax_error(ctx);
  slowlog_get(ctx);
}

constexpr Subcommand kSlowlogSubcommands[] = {
    {"get", "slowlog|get", -2, slowlog_get_checked, kAdmin},
    {"len", "slowlog|len", 2, slowlog_len, kAdmin},
    {"reset", "slowlog|reset", 2, slowlog_reset, kAdmin},
    {"help", "slowlog|help", 2, slowlog_help},
};

}  // namespace

void cmd_time(CommandContext& ctx) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ctx.reply.array(2);
  ctx.reply.bulk(fmt::format("{}", now / 1000000));
  ctx.reply.bulk(fmt::format("{}", now % 1000000));
}

void cmd_role(CommandContext& ctx) {
  ctx.reply.array(3);
  ctx.reply.bulk("master");
  ctx.reply.integer(0);
  ctx.reply.array(0);
}

// Redis's waitCommand with no replica connected: the count of acknowledging replicas is 0.
// Redis would block for the timeout when more are asked for; none can ever acknowledge
// here, so respcache answers at once.
void cmd_wait(CommandContext& ctx) {
  if (!protocol::parse_int64(ctx.args[1])) {
    ctx.reply.error(replies::kNotInteger);
    return;
  }
  const auto timeout = protocol::parse_int64(ctx.args[2]);
  if (!timeout) {
    ctx.reply.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (*timeout < 0) {
    ctx.reply.error("ERR timeout is negative");
    return;
  }
  ctx.reply.integer(0);
}

// No snapshots yet: the last "save" is the start of this process.
void cmd_lastsave(CommandContext& ctx) { ctx.reply.integer(ctx.core.started_unix()); }

void cmd_slowlog(CommandContext& ctx) { dispatch_subcommand(ctx, kSlowlogSubcommands); }

// Redis's monitorCommand: not from inside EXEC (a client that expects one reply per command),
// and a client already monitoring gets no reply at all.
void cmd_monitor(CommandContext& ctx) {
  if (ctx.queued) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (ctx.client.monitor) return;
  ctx.client.monitor = std::make_unique<MonitorSubscription>(ctx.core.monitors, ctx.client.record);
  ctx.client.record->set_flag(core::kClientMonitor, true);
  ctx.reply.ok();
}

}  // namespace respcache::commands
