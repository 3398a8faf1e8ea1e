#pragma once

// Checks and helpers shared by several command files.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "respcache/commands/command_context.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::commands {

/// Redis's proto-max-bulk-len default (512 MB): the largest string Redis lets SETRANGE,
/// SETBIT or BITFIELD grow, and the limit behind its error texts for them. respcache's own
/// --max-value-size (smaller by default) is checked after it, with its own error.
inline constexpr std::uint64_t kProtoMaxBulkLen = 512ULL * 1024 * 1024;

/// Replies with an error and returns false if the key is over --max-key-size.
bool key_fits(CommandContext& ctx, std::string_view key);
/// Replies with an error and returns false if the value is over --max-value-size.
bool value_fits(CommandContext& ctx, std::size_t value_size);
/// Replies -OOM and returns false if an entry of this size can never fit in the budget.
bool entry_fits(CommandContext& ctx, std::string_view key, std::size_t value_size);

/// Counts a read lookup in keyspace_hits / keyspace_misses, as Redis does for reads.
inline void count_lookup(CommandContext& ctx, bool hit) {
  core::bump(hit ? ctx.stats.keyspace_hits : ctx.stats.keyspace_misses);
}

/// Redis's getIntFromObjectOrReply: an int, or the reply `error` (when given) or Redis's own
/// texts for a non-integer and for one outside int's range, and nullopt.
std::optional<int> parse_int_argument(CommandContext& ctx, std::string_view arg,
                                      std::string_view error = {});
/// A database index as SELECT, MOVE and COPY take it: an int, then in range.
std::optional<unsigned> parse_db_index(CommandContext& ctx, std::string_view arg);

/// Case-insensitive ASCII comparison, for option names.
bool iequals(std::string_view a, std::string_view b);

/// Glob-style matching as Redis's stringmatchlen: * ? [a-z] [^x] and backslash escapes.
bool glob_match(std::string_view pattern, std::string_view text, bool nocase);

/// For a command on several keys (args from `first`, every `step`th a key): holds their shards
/// so that the command runs whole, as in Redis, where no command is seen half done. One key
/// locks nothing here (the cache locks its shard as usual).
class WholeCommand {
 public:
  WholeCommand(CommandContext& ctx, std::size_t first, std::size_t step = 1) {
    if (ctx.argc() > first + step) lock_.emplace(ctx.cache(), ctx.args.subspan(first), step);
  }

 private:
  std::optional<storage::Cache::KeysAccess> lock_;
};

/// A subcommand of a container command such as CLIENT or CONFIG.
struct Subcommand {
  std::string_view name;       ///< lowercase
  std::string_view full_name;  ///< as Redis 7.0 names it in arity errors: "client|id"
  int arity;                   ///< Redis arity, counting the command and the subcommand
  CommandHandler handler;
  std::uint32_t flags = 0;  ///< CommandFlag values (kAdmin)
};

/// Runs the subcommand named by args[1], or replies with Redis's unknown-subcommand or
/// wrong-arity error.
void dispatch_subcommand(CommandContext& ctx, std::span<const Subcommand> table);

/// Redis's addReplySubcommandSyntaxError: "unknown subcommand or wrong number of arguments
/// for 'x'. Try CMD HELP." (for a subcommand that exists but got the wrong arguments).
void subcommand_syntax_error(CommandContext& ctx);

/// Redis's addReplyHelp: "CMD <subcommand> ... Subcommands are:", `lines`, then HELP's own
/// two lines, each a status reply in one array.
void reply_help(CommandContext& ctx, std::span<const std::string_view> lines);

enum class ExpireUnit { kSeconds, kMilliseconds };
enum class ExpireBase { kRelative, kAbsolute };

/// Redis's getExpireMillisecondsOrReply: parses an expire argument into an absolute Unix time
/// in milliseconds, or replies with Redis's error (naming `command`) and returns nullopt.
std::optional<std::int64_t> parse_expire(CommandContext& ctx, std::string_view arg, ExpireUnit unit,
                                         ExpireBase base, std::string_view command);

}  // namespace respcache::commands

namespace respcache::commands {

/// Redis's sdscatrepr: `text` in double quotes, with \\ \" \n \r \t \a \b and \xHH escapes.
void append_quoted(std::string& out, std::string_view text);

/// SCRIPT FLUSH / FUNCTION FLUSH's optional [ASYNC|SYNC] (both flush at once here): false,
/// having replied `error`, for anything else.
bool accepts_flush_mode(CommandContext& ctx, std::string_view error);

}  // namespace respcache::commands
