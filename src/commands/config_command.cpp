// CONFIG GET, SET, RESETSTAT and HELP, as Redis 7.0 answers them.

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <functional>
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

using Apply = std::function<void(CommandContext&)>;
/// Checks a new value: nullopt and `apply` set, or the error's text (after "... - ").
using Prepare = std::optional<std::string> (*)(CommandContext&, std::string_view, Apply&);

/// One parameter: its name as Redis spells it, its value now, and how to change it (null:
/// fixed at start-up, "can't set immutable config").
struct Parameter {
  std::string_view name;
  std::string (*get)(CommandContext&);
  Prepare prepare;
};

std::string between(long long low, long long high) {
  return fmt::format("argument must be between {} and {} inclusive", low, high);
}

// Redis's numeric configs: an integer in [low, high].
std::optional<long long> integer_in(std::string_view value, long long low, long long high,
                                    std::optional<std::string>& error) {
  const auto parsed = protocol::parse_int64(value);
  if (!parsed) {
    error = "argument couldn't be parsed into an integer";
    return std::nullopt;
  }
  if (*parsed < low || *parsed > high) {
    error = between(low, high);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::string> prepare_memory(std::string_view value, std::uint64_t least,
                                          std::uint64_t& bytes) {
  const auto parsed = config::parse_memory_size(std::string(value));
  if (!parsed) return "argument must be a memory value";
  if (*parsed < least) return between(static_cast<long long>(least), LLONG_MAX);
  bytes = *parsed;
  return std::nullopt;
}

std::optional<std::string> set_maxmemory(CommandContext&, std::string_view value, Apply& apply) {
  std::uint64_t bytes = 0;
  if (auto error = prepare_memory(value, 0, bytes)) return error;
  apply = [bytes](CommandContext& ctx) { ctx.cache().set_max_memory(bytes); };
  return std::nullopt;
}

std::optional<std::string> set_policy(CommandContext&, std::string_view value, Apply& apply) {
  const auto policy = storage::parse_eviction_policy(value);
  if (!policy) {
    return fmt::format("argument(s) must be one of the following: {}",
                       storage::eviction_policy_names());
  }
  apply = [policy = *policy](CommandContext& ctx) { ctx.cache().set_eviction_policy(policy); };
  return std::nullopt;
}

std::optional<std::string> set_requirepass(CommandContext&, std::string_view value, Apply& apply) {
  apply = [password = std::string(value)](CommandContext& ctx) {
    ctx.auth().set_password(password);
  };
  return std::nullopt;
}

std::optional<std::string> set_timeout(CommandContext&, std::string_view value, Apply& apply) {
  std::optional<std::string> error;
  const auto seconds = integer_in(value, 0, INT_MAX, error);
  if (!seconds) return error;
  apply = [seconds = *seconds](CommandContext& ctx) {
    ctx.settings().set_timeout_seconds(static_cast<std::uint64_t>(seconds));
  };
  return std::nullopt;
}

std::optional<std::string> set_query_limit(CommandContext&, std::string_view value, Apply& apply) {
  std::uint64_t bytes = 0;
  if (auto error = prepare_memory(value, config::kLeastBufferLimit, bytes)) return error;
  apply = [bytes](CommandContext& ctx) { ctx.settings().set_query_buffer_limit(bytes); };
  return std::nullopt;
}

std::optional<std::string> set_slower_than(CommandContext&, std::string_view value, Apply& apply) {
  std::optional<std::string> error;
  const auto us = integer_in(value, -1, LLONG_MAX, error);
  if (!us) return error;
  apply = [us = *us](CommandContext& ctx) { ctx.core.slowlog.set_slower_than_us(us); };
  return std::nullopt;
}

std::optional<std::string> set_slowlog_len(CommandContext&, std::string_view value, Apply& apply) {
  std::optional<std::string> error;
  const auto length = integer_in(value, 0, LONG_MAX, error);
  if (!length) return error;
  apply = [length = *length](CommandContext& ctx) {
    ctx.core.slowlog.set_max_length(static_cast<std::uint64_t>(length));
  };
  return std::nullopt;
}

std::optional<std::string> set_keepalive(CommandContext&, std::string_view value, Apply& apply) {
  std::optional<std::string> error;
  const auto seconds = integer_in(value, 0, INT_MAX, error);
  if (!seconds) return error;
  apply = [seconds = *seconds](CommandContext& ctx) {
    ctx.settings().set_tcp_keepalive(static_cast<unsigned>(seconds));
  };
  return std::nullopt;
}

// Redis's updateMaxclients: raise the open-files limit first; refuse what it cannot hold.
std::optional<std::string> set_maxclients(CommandContext&, std::string_view value, Apply& apply) {
  std::optional<std::string> error;
  const auto clients = integer_in(value, 1, UINT_MAX, error);
  if (!clients) return error;
  rlimit limit{};
  const auto wanted = static_cast<rlim_t>(*clients) + config::kReservedFds;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted)
      raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) raised = limit;
    if (raised.rlim_cur < wanted) {
      return fmt::format(
          "The operating system is not able to handle the specified number of clients, try "
          "with {}",
          raised.rlim_cur > config::kReservedFds ? raised.rlim_cur - config::kReservedFds : 1);
    }
  }
  apply = [clients = *clients](CommandContext& ctx) {
    ctx.settings().set_max_clients(static_cast<std::uint64_t>(clients));
  };
  return std::nullopt;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

/// Redis's setConfigClientOutputBufferLimitOption: "<class> <hard> <soft> <seconds>"
/// repeated. Only the normal class applies to respcache (it has no replicas or pub/sub
/// clients); the others are checked and kept for CONFIG GET. nullopt on success.
std::optional<std::string> parse_output_buffer_limits(std::string_view value,
                                                      core::OutputBufferLimits& limits) {
  const std::vector<std::string_view> words = split_words(value);
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  core::OutputBufferLimits parsed = limits;
  for (std::size_t i = 0; i < words.size(); i += 4) {
    const auto type = core::parse_client_type(words[i]);
    if (!type || *type == core::ClientType::kMaster) {
      return "Invalid client class specified in buffer limit configuration.";
    }
    const auto hard = config::parse_memory_size(std::string(words[i + 1]));
    const auto soft = config::parse_memory_size(std::string(words[i + 2]));
    const auto seconds = protocol::parse_int64(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    core::OutputBufferLimits::Class& target = *type == core::ClientType::kNormal    ? parsed.normal
                                              : *type == core::ClientType::kReplica ? parsed.replica
                                                                                    : parsed.pubsub;
    target = {*hard, *soft, static_cast<std::uint64_t>(*seconds)};
  }
  // respcache's own floor: a tiny hard limit would close every client on its first reply.
  if (parsed.normal.hard != 0 && parsed.normal.hard < config::kLeastBufferLimit) {
    return fmt::format("the normal class's hard limit must be 0 (none) or at least {} bytes",
                       config::kLeastBufferLimit);
  }
  limits = parsed;
  return std::nullopt;
}

std::optional<std::string> set_output_limit(CommandContext& ctx, std::string_view value,
                                            Apply& apply) {
  core::OutputBufferLimits limits = ctx.settings().output_buffer_limits();
  if (auto error = parse_output_buffer_limits(value, limits)) return error;
  apply = [limits](CommandContext& c) { c.settings().set_output_buffer_limits(limits); };
  return std::nullopt;
}

template <class T>
std::string text(T value) {
  return fmt::format("{}", value);
}

// CONFIG GET's list, in this order (Redis answers in its hash table's order).
const Parameter kParameters[] = {
    {"bind", [](CommandContext& c) { return c.config().bind; }, nullptr},
    {"port", [](CommandContext& c) { return text(c.config().port); }, nullptr},
    {"maxmemory", [](CommandContext& c) { return text(c.cache().max_memory()); }, set_maxmemory},
    {"maxmemory-policy",
     [](CommandContext& c) {
       return std::string(storage::eviction_policy_name(c.cache().eviction_policy()));
     },
     set_policy},
    {"maxmemory-samples", [](CommandContext&) { return std::string("8"); }, nullptr},
    {"save", [](CommandContext&) { return std::string(); }, nullptr},
    {"appendonly", [](CommandContext&) { return std::string("no"); }, nullptr},
    {"databases", [](CommandContext&) { return std::string("1"); }, nullptr},
    {"timeout", [](CommandContext& c) { return text(c.settings().timeout_seconds()); },
     set_timeout},
    {"tcp-keepalive", [](CommandContext& c) { return text(c.settings().tcp_keepalive()); },
     set_keepalive},
    {"maxclients", [](CommandContext& c) { return text(c.settings().max_clients()); },
     set_maxclients},
    {"requirepass", [](CommandContext& c) { return c.auth().password(); }, set_requirepass},
    {"client-query-buffer-limit",
     [](CommandContext& c) { return text(c.settings().query_buffer_limit()); }, set_query_limit},
    {"client-output-buffer-limit",
     [](CommandContext& c) {
       return core::format_output_buffer_limits(c.settings().output_buffer_limits());
     },
     set_output_limit},
    {"slowlog-log-slower-than",
     [](CommandContext& c) { return text(c.core.slowlog.slower_than_us()); }, set_slower_than},
    {"slowlog-max-len", [](CommandContext& c) { return text(c.core.slowlog.max_length()); },
     set_slowlog_len},
    {"max-args", [](CommandContext& c) { return text(c.config().max_args); }, nullptr},
    {"max-inline-len", [](CommandContext& c) { return text(c.config().max_inline_len); }, nullptr},
    {"tcp-backlog", [](CommandContext& c) { return text(c.config().backlog); }, nullptr},
    {"io-threads", [](CommandContext& c) { return text(c.config().threads); }, nullptr},
    {"shards", [](CommandContext& c) { return text(c.config().shards); }, nullptr},
    {"proto-max-bulk-len", [](CommandContext& c) { return text(c.config().proto_max_bulk_len); },
     nullptr},
    {"max-key-size", [](CommandContext& c) { return text(c.config().max_key_size); }, nullptr},
    {"max-value-size", [](CommandContext& c) { return text(c.config().max_value_size); }, nullptr},
};

const Parameter* find_parameter(std::string_view name) {
  for (const Parameter& p : kParameters) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

// Redis 7.0's configGetCommand: a name without glob characters is looked up (and answered
// under the name as given); a pattern matches case-insensitively.
void config_get(CommandContext& ctx) {
  constexpr std::size_t kCount = std::size(kParameters);
  std::array<std::string_view, kCount> shown{};
  std::size_t count = 0;
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    const std::string_view pattern = ctx.args[i];
    const bool glob = pattern.find_first_of("[*?") != std::string_view::npos;
    for (std::size_t p = 0; p < kCount; ++p) {
      if (!shown[p].empty()) continue;
      const bool hit = glob ? glob_match(pattern, kParameters[p].name, true)
                            : iequals(pattern, kParameters[p].name);
      if (!hit) continue;
      shown[p] = glob ? kParameters[p].name : pattern;
      ++count;
    }
  }
  ctx.reply.map(count);
  for (std::size_t p = 0; p < kCount; ++p) {
    if (shown[p].empty()) continue;
    ctx.reply.bulk(shown[p]);
    ctx.reply.bulk(kParameters[p].get(ctx));
  }
}

// Redis 7.0's configSetCommand: the names are checked in order, the first unknown, immutable
// or repeated one answering; then every value is checked before any is applied, so a refused
// CONFIG SET changes nothing.
void config_set(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  std::vector<const Parameter*> chosen;
  for (std::size_t i = 2; i < ctx.argc(); i += 2) {
    const Parameter* parameter = find_parameter(ctx.args[i]);
    std::string_view why;
    if (parameter == nullptr) {
      ctx.reply.error(fmt::format("ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                                  ctx.args[i]));
      return;
    }
    if (parameter->prepare == nullptr) {
      why = "can't set immutable config";
    } else if (std::find(chosen.begin(), chosen.end(), parameter) != chosen.end()) {
      why = "duplicate parameter";
    }
    if (!why.empty()) {
      ctx.reply.error(fmt::format("ERR CONFIG SET failed (possibly related to argument '{}') - {}",
                                  ctx.args[i], why));
      return;
    }
    chosen.push_back(parameter);
  }
  std::vector<Apply> changes(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (auto error = chosen[i]->prepare(ctx, ctx.args[3 + 2 * i], changes[i])) {
      ctx.reply.error(fmt::format("ERR CONFIG SET failed (possibly related to argument '{}') - {}",
                                  chosen[i]->name, *error));
      return;
    }
  }
  for (Apply& apply : changes) apply(ctx);
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  Service::reset_statistics(ctx.core, ctx.cache());
  ctx.core.errors.reset();
  ctx.reply.ok();
}

constexpr std::string_view kConfigHelp[] = {
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
};

void config_help(CommandContext& ctx) { reply_help(ctx, kConfigHelp); }

constexpr Subcommand kConfigSubcommands[] = {
    {"get", "config|get", -3, config_get, kAdmin},
    {"set", "config|set", -4, config_set, kAdmin},
    {"resetstat", "config|resetstat", 2, config_resetstat, kAdmin},
    {"help", "config|help", 2, config_help},
};

}  // namespace

void cmd_config(CommandContext& ctx) { dispatch_subcommand(ctx, kConfigSubcommands); }

}  // namespace respcache::commands
