// OBJECT and MEMORY USAGE: what Redis reports about one key's value and its memory, for
// strings, the only type respcache stores.

#include <climits>
#include <initializer_list>
#include <optional>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"
#include "respcache/storage/clock.hpp"
#include "respcache/storage/eviction_policy.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;

// Redis's shared integers (OBJ_SHARED_INTEGERS): 0 to 9999 are one shared object with
// refcount INT_MAX, unless maxmemory is set with an LRU or LFU policy (which needs a clock
// per key).
constexpr long long kSharedIntegers = 10000;

// What Redis 7.0 reports for a string: for what SET stores (tryObjectEncoding), "int" for up
// to 20 characters that read back as a long long, else "embstr" up to 44 bytes, else "raw";
// the entry's ValueEncoding says where the command that made it did otherwise.
std::string_view encoding_of(std::string_view value, storage::ValueEncoding how) {
  using storage::ValueEncoding;
  if (how == ValueEncoding::kRaw) return "raw";
  if (how == ValueEncoding::kAsSet && value.size() <= protocol::kMaxInt64Digits &&
      protocol::parse_int64(value)) {
    return "int";
  }
  return value.size() <= 44 ? "embstr" : "raw";
}

bool uses_shared_integers(CommandContext& ctx) {
  const storage::EvictionPolicy policy = ctx.cache().eviction_policy();
  const bool per_key_clock = storage::counts_frequency(policy) ||
                             policy == storage::EvictionPolicy::kAllKeysLru ||
                             policy == storage::EvictionPolicy::kVolatileLru;
  return ctx.cache().max_memory() == 0 || !per_key_clock;
}

// Redis's objectCommandLookupOrReply: a lookup that counts in the keyspace statistics but
// does not touch the key; replies null and returns false when it is missing.
bool lookup(CommandContext& ctx, storage::ValueEncoding& how, std::string& value) {
  const bool hit = ctx.db().peek(ctx.args[2], [&](const EntryView& e) {
    value.assign(e.value);
    how = e.entry->encoding();
  });
  count_lookup(ctx, hit);
  if (!hit) ctx.reply.null();
  return hit;
}

void object_encoding(CommandContext& ctx) {
  std::string value;
  storage::ValueEncoding how{};
  if (lookup(ctx, how, value)) ctx.reply.bulk(encoding_of(value, how));
}

void object_refcount(CommandContext& ctx) {
  std::string value;
  storage::ValueEncoding how{};
  if (!lookup(ctx, how, value)) return;
  const auto number = protocol::parse_int64(value);
  const bool shared = encoding_of(value, how) == "int" && *number >= 0 &&
                      *number < kSharedIntegers && uses_shared_integers(ctx);
  ctx.reply.integer(shared ? INT_MAX : 1);
}

// The key's access stamp, or nullopt having replied null.
std::optional<std::uint32_t> access_stamp_of(CommandContext& ctx) {
  std::uint32_t stamp = 0;
  const bool hit = ctx.db().peek(ctx.args[2], [&](const EntryView& e) {
    stamp = e.entry->access_tick.load(std::memory_order_relaxed);
  });
  count_lookup(ctx, hit);
  if (!hit) {
    ctx.reply.null();
    return std::nullopt;
  }
  return stamp;
}

void object_idletime(CommandContext& ctx) {
  const auto found = access_stamp_of(ctx);
  if (!found) return;
  if (storage::counts_frequency(ctx.cache().eviction_policy())) {
    return ctx.reply.error(replies::kLfuSelected);
  }
  const std::uint32_t now = storage::lru_clock(ctx.cache().clock().now_ms());
  const std::uint32_t idle = storage::lru_idle_ticks(storage::access_stamp::clock_of(*found), now);
  ctx.reply.integer(static_cast<long long>(idle) * storage::kLruClockResolutionMs / 1000);
}

void object_freq(CommandContext& ctx) {
  const auto found = access_stamp_of(ctx);
  if (!found) return;
  if (!storage::counts_frequency(ctx.cache().eviction_policy())) {
    return ctx.reply.error(replies::kLfuNotSelected);
  }
  const std::uint32_t now = storage::lru_clock(ctx.cache().clock().now_ms());
  ctx.reply.integer(storage::access_stamp::decayed_counter(*found, now));
}

void reply_help(CommandContext& ctx, std::initializer_list<std::string_view> lines) {
  ctx.reply.array(lines.size() + 2);
  for (std::string_view line : lines) ctx.reply.simple(line);
  ctx.reply.simple("HELP");
  ctx.reply.simple("    Prints this help.");
}

void object_help(CommandContext& ctx) {
  reply_help(ctx, {
                      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                      "ENCODING <key>",
                      "    Return the kind of internal representation used in order to store "
                      "the value",
                      "    associated with a <key>.",
                      "FREQ <key>",
                      "    Return the access frequency index of the <key>. The returned "
                      "integer is",
                      "    proportional to the logarithm of the recent access frequency of "
                      "the key.",
                      "IDLETIME <key>",
                      "    Return the idle time of the <key>, that is the approximated number "
                      "of",
                      "    seconds elapsed since the last access to the key.",
                      "REFCOUNT <key>",
                      "    Return the number of references of the value associated with the "
                      "specified",
                      "    <key>.",
                  });
}

// MEMORY USAGE: the entry's allocation as the allocator sized it (header, TTL, key and
// value, rounding and chunk header included) plus its 8-byte slot in the hash table. SAMPLES
// is checked as Redis checks it and otherwise unused: a string has nothing to sample.
void memory_usage(CommandContext& ctx) {
  for (std::size_t j = 3; j < ctx.argc(); ++j) {
    if (!iequals(ctx.args[j], "samples") || j + 1 >= ctx.argc()) {
      return ctx.reply.error(replies::kSyntaxError);
    }
    const auto samples = protocol::parse_int64(ctx.args[j + 1]);
    if (!samples) return ctx.reply.error(replies::kNotInteger);
    if (*samples < 0) return ctx.reply.error(replies::kSyntaxError);
    ++j;
  }
  std::size_t bytes = 0;
  const bool hit = ctx.db().peek(ctx.args[2], [&](const EntryView& e) {
    bytes = e.entry->footprint() + sizeof(std::uint64_t);
  });
  if (!hit) return ctx.reply.null();
  ctx.reply.integer(static_cast<long long>(bytes));
}

void memory_help(CommandContext& ctx) {
  reply_help(ctx, {
                      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                      "DOCTOR",
                      "    Return memory problems reports.",
                      "MALLOC-STATS",
                      "    Return internal statistics report from the memory allocator.",
                      "PURGE",
                      "    Attempt to purge dirty pages for reclamation by the allocator.",
                      "STATS",
                      "    Return information about the memory usage of the server.",
                      "USAGE <key> [SAMPLES <count>]",
                      "    Return memory in bytes used by <key> and its value. Nested values "
                      "are",
                      "    sampled up to <count> times (default: 5, 0 means sample all).",
                  });
}

constexpr Subcommand kObjectSubcommands[] = {
    {"encoding", "object|encoding", 3, object_encoding},
    {"freq", "object|freq", 3, object_freq},
    {"idletime", "object|idletime", 3, object_idletime},
    {"refcount", "object|refcount", 3, object_refcount},
    {"help", "object|help", 2, object_help},
};

constexpr Subcommand kMemorySubcommands[] = {
    {"usage", "memory|usage", -3, memory_usage},
    {"help", "memory|help", 2, memory_help},
};

}  // namespace

void cmd_object(CommandContext& ctx) { dispatch_subcommand(ctx, kObjectSubcommands); }

void cmd_memory(CommandContext& ctx) { dispatch_subcommand(ctx, kMemorySubcommands); }

}  // namespace respcache::commands
