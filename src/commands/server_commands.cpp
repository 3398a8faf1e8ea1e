// Introspection and administration: COMMAND and CONFIG.

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
  static constexpr std::array<std::pair<CommandFlag, std::string_view>, 12> kFlagNames = {{
      {kWrite, "write"},
      {kReadOnly, "readonly"},
      {kDenyOom, "denyoom"},
      {kNoScript, "noscript"},
      {kFast, "fast"},
      {kLoading, "loading"},
      {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"},
      {kNoAuth, "no_auth"},
      {kMayReplicate, "may_replicate"},
      {kNoMandatoryKeys, "no_mandatory_keys"},
      {kAllowBusy, "allow_busy"},
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

/// The settings CONFIG GET reports, with their current values.
std::vector<std::pair<std::string_view, std::string>> config_values(CommandContext& ctx) {
  const config::Config& c = ctx.config();
  return {
      {"bind", c.bind},
      {"port", std::to_string(c.port)},
      {"maxmemory", std::to_string(ctx.cache().max_memory())},
      {"maxmemory-policy",
       std::string(storage::eviction_policy_name(ctx.cache().eviction_policy()))},
      {"maxmemory-samples", "8"},
      {"save", ""},
      {"appendonly", "no"},
      {"databases", "1"},
      {"timeout", std::to_string(ctx.settings().timeout_seconds())},
      {"tcp-keepalive", std::to_string(c.tcp_keepalive)},
      {"maxclients", std::to_string(c.max_clients)},
      {"requirepass", ctx.auth().password()},
      {"client-query-buffer-limit", std::to_string(ctx.settings().query_buffer_limit())},
      {"client-output-buffer-limit", fmt::format("normal {} 0 0", c.client_output_buffer_limit)},
      {"max-args", std::to_string(c.max_args)},
      {"max-inline-len", std::to_string(c.max_inline_len)},
      {"tcp-backlog", std::to_string(c.backlog)},
      {"io-threads", std::to_string(c.threads)},
      {"shards", std::to_string(c.shards)},
      {"proto-max-bulk-len", std::to_string(c.proto_max_bulk_len)},
      {"max-key-size", std::to_string(c.max_key_size)},
      {"max-value-size", std::to_string(c.max_value_size)},
  };
}

void config_get(CommandContext& ctx) {
  const auto values = config_values(ctx);
  std::vector<bool> matched(values.size(), false);
  std::size_t count = 0;
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    for (std::size_t v = 0; v < values.size(); ++v) {
      if (!matched[v] && glob_match(ctx.args[i], values[v].first, true)) {
        matched[v] = true;
        ++count;
      }
    }
  }
  ctx.reply.map(count);
  for (std::size_t v = 0; v < values.size(); ++v) {
    if (!matched[v]) continue;
    ctx.reply.bulk(values[v].first);
    ctx.reply.bulk(values[v].second);
  }
}

// The settings CONFIG SET can change, as Redis names them. Every argument is checked before
// any is applied, so a refused CONFIG SET changes nothing.
enum class Settable { kMaxMemory, kRequirePass, kTimeout, kQueryBufferLimit, kMaxMemoryPolicy };

std::optional<Settable> settable(std::string_view name) {
  if (iequals(name, "maxmemory")) return Settable::kMaxMemory;
  if (iequals(name, "maxmemory-policy")) return Settable::kMaxMemoryPolicy;
  if (iequals(name, "requirepass")) return Settable::kRequirePass;
  if (iequals(name, "timeout")) return Settable::kTimeout;
  if (iequals(name, "client-query-buffer-limit")) return Settable::kQueryBufferLimit;
  return std::nullopt;
}

void config_set(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    replies::wrong_arity(ctx.reply, "config|set");
    return;
  }
  struct Change {
    Settable setting;
    std::string_view text;
    std::uint64_t number;
  };
  std::vector<Change> changes;
  for (std::size_t i = 2; i < ctx.argc(); i += 2) {
    const std::string_view name = ctx.args[i];
    const std::string_view value = ctx.args[i + 1];
    const auto setting = settable(name);
    if (!setting) {
      ctx.reply.error(
          fmt::format("ERR Unknown option or number of arguments for CONFIG SET - '{}'", name));
      return;
    }
    Change change{*setting, value, 0};
    if (*setting == Settable::kMaxMemory || *setting == Settable::kQueryBufferLimit) {
      const auto bytes = config::parse_memory_size(std::string(value));
      if (!bytes) {
        ctx.reply.error(fmt::format(
            "ERR CONFIG SET failed (possibly related to argument '{}') - argument must be a "
            "memory value",
            name));
        return;
      }
      change.number = *bytes;
      if (*setting == Settable::kQueryBufferLimit && *bytes < config::kLeastBufferLimit) {
        ctx.reply.error(fmt::format(
            "ERR CONFIG SET failed (possibly related to argument '{}') - argument must be "
            "between {} and 9223372036854775807 inclusive",
            name, config::kLeastBufferLimit));
        return;
      }
    } else if (*setting == Settable::kMaxMemoryPolicy) {
      const auto policy = storage::parse_eviction_policy(value);
      if (!policy) {
        ctx.reply.error(fmt::format(
            "ERR CONFIG SET failed (possibly related to argument '{}') - argument(s) must be one "
            "of the following: {}",
            name, storage::eviction_policy_names()));
        return;
      }
      change.number = static_cast<std::uint64_t>(*policy);
    } else if (*setting == Settable::kTimeout) {
      const auto seconds = protocol::parse_int64(value);
      if (!seconds || *seconds < 0) {
        ctx.reply.error(fmt::format(
            "ERR CONFIG SET failed (possibly related to argument '{}') - argument couldn't be "
            "parsed into an integer",
            name));
        return;
      }
      change.number = static_cast<std::uint64_t>(*seconds);
    }
    changes.push_back(change);
  }
  for (const Change& change : changes) {
    switch (change.setting) {
      case Settable::kMaxMemory:
        ctx.cache().set_max_memory(change.number);
        break;
      case Settable::kMaxMemoryPolicy:
        ctx.cache().set_eviction_policy(static_cast<storage::EvictionPolicy>(change.number));
        break;
      case Settable::kRequirePass:
        ctx.auth().set_password(std::string(change.text));
        break;
      case Settable::kTimeout:
        ctx.settings().set_timeout_seconds(change.number);
        break;
      case Settable::kQueryBufferLimit:
        ctx.settings().set_query_buffer_limit(change.number);
        break;
    }
  }
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  Service::reset_statistics(ctx.core, ctx.cache());
  ctx.reply.ok();
}

constexpr Subcommand kConfigSubcommands[] = {
    {"get", "config|get", -3, config_get},
    {"set", "config|set", -4, config_set},
    {"resetstat", "config|resetstat", 2, config_resetstat},
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

void cmd_config(CommandContext& ctx) { dispatch_subcommand(ctx, kConfigSubcommands); }

}  // namespace respcache::commands
