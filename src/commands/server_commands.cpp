// COMMAND (CONFIG is in config_command.cpp).

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

void reply_command_info(CommandContext& ctx, const CommandSpec& spec) {
  static constexpr std::array<std::pair<CommandFlag, std::string_view>, 7> kFlagNames = {{
      {kWrite, "write"},
      {kReadOnly, "readonly"},
      {kDenyOom, "denyoom"},
      {kFast, "fast"},
      {kLoading, "loading"},
      {kStale, "stale"},
      {kNoAuth, "no_auth"},
  }};
  // Redis 7.0's layout: name, arity, flags, first key, last key, step, ACL categories, tips,
  // key specs, subcommands.
  ctx.reply.array(10);
  ctx.reply.bulk(spec.name);
  ctx.reply.integer(spec.arity);
  std::size_t flag_count = 0;
  for (const auto& [flag, name] : kFlagNames) flag_count += (spec.flags & flag) ? 1 : 0;
  ctx.reply.array(flag_count);
  for (const auto& [flag, name] : kFlagNames) {
    if (spec.flags & flag) ctx.reply.simple(name);
  }
  ctx.reply.integer(spec.first_key);
  ctx.reply.integer(spec.last_key);
  ctx.reply.integer(spec.key_step);
  for (int i = 0; i < 4; ++i) ctx.reply.array(0);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<long long>(all_commands().size()));
}

// A valid, short reply: clients (redis-cli) use COMMAND DOCS only for hints.
void command_docs(CommandContext& ctx) { ctx.reply.array(0); }

void command_info(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 2);
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    if (const CommandSpec* spec = find_command(ctx.args[i])) {
      reply_command_info(ctx, *spec);
    } else {
      ctx.reply.null_array();
    }
  }
}

void command_list(CommandContext& ctx) {
  ctx.reply.array(all_commands().size());
  for (const CommandSpec& spec : all_commands()) ctx.reply.bulk(spec.name);
}

constexpr Subcommand kCommandSubcommands[] = {
    {"count", "command|count", 2, command_count},
    {"docs", "command|docs", -2, command_docs},
    {"info", "command|info", -2, command_info},
    {"list", "command|list", -2, command_list},
};

}  // namespace

void cmd_command(CommandContext& ctx) {
  if (ctx.argc() == 1) {
    ctx.reply.array(all_commands().size());
    for (const CommandSpec& spec : all_commands()) reply_command_info(ctx, spec);
    return;
  }
  dispatch_subcommand(ctx, kCommandSubcommands);
}

}  // namespace respcache::commands
