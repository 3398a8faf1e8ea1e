// SCAN and KEYS: walks of the selected database, a step or the whole of it, through
// Cache::scan and Cache::for_each_chunked (see their contracts for the guarantees).

#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;

// Redis's parseScanCursorOrReply is strtoul(): no leading space, an optional sign (a minus
// negates modulo 2^64), digits to the end of the C string (an embedded NUL ends it), no
// overflow; "" is 0.
std::optional<std::uint64_t> parse_cursor(std::string_view text) {
  text = text.substr(0, text.find('\0'));
  if (text.empty()) return 0;
  if (std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') text.remove_prefix(1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return negative ? ~value + 1 : value;
}

struct ScanOptions {
  std::size_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  bool type_filter = false;  ///< TYPE given: only "string" keeps anything
  bool keep_type = true;
};

// Redis's scanGenericCommand option loop, errors and all.
bool parse_scan_options(CommandContext& ctx, ScanOptions& options) {
  for (std::size_t i = 2; i < ctx.argc();) {
    const std::size_t left = ctx.argc() - i;
    if (iequals(ctx.args[i], "count") && left >= 2) {
      const auto count = protocol::parse_int64(ctx.args[i + 1]);
      if (!count) {
        ctx.reply.error(replies::kNotInteger);
        return false;
      }
      if (*count < 1) {
        ctx.reply.error(replies::kSyntaxError);
        return false;
      }
      options.count = static_cast<std::size_t>(*count);
    } else if (iequals(ctx.args[i], "match") && left >= 2) {
      options.pattern = ctx.args[i + 1];
      options.use_pattern = options.pattern != "*";
    } else if (iequals(ctx.args[i], "type") && left >= 2) {
      options.type_filter = true;
      options.keep_type = iequals(ctx.args[i + 1], "string");
    } else {
      ctx.reply.error(replies::kSyntaxError);
      return false;
    }
    i += 2;
  }
  return true;
}

void reply_keys(CommandContext& ctx, const std::vector<std::string>& keys) {
  ctx.reply.array(keys.size());
  for (const std::string& key : keys) ctx.reply.bulk(key);
}

}  // namespace

void cmd_scan(CommandContext& ctx) {
  const auto cursor = parse_cursor(ctx.args[1]);
  if (!cursor) return ctx.reply.error(replies::kInvalidCursor);
  ScanOptions options;
  if (!parse_scan_options(ctx, options)) return;
  std::vector<std::string> keys;
  const std::uint64_t next = ctx.db().scan(*cursor, options.count, [&](const EntryView& e) {
    if (!options.keep_type) return;
    if (options.use_pattern && !glob_match(options.pattern, e.key, false)) return;
    keys.emplace_back(e.key);
  });
  char digits[protocol::kMaxInt64Digits + 1];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, next);
  ctx.reply.array(2);
  ctx.reply.bulk(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  reply_keys(ctx, keys);
}

// Shard by shard, kKeysChunk entries per lock hold, so a KEYS over millions of keys never
// holds a shard for long and never more than one at once.
void cmd_keys(CommandContext& ctx) {
  constexpr std::size_t kKeysChunk = 1024;
  const std::string_view pattern = ctx.args[1];
  const bool all = pattern == "*";
  std::vector<std::string> keys;
  ctx.db().for_each_chunked(
      storage::ScanBudget{kKeysChunk},
      [&](const EntryView& e) {
        if (all || glob_match(pattern, e.key, false)) keys.emplace_back(e.key);
      },
      [] {});
  reply_keys(ctx, keys);
}

}  // namespace respcache::commands
