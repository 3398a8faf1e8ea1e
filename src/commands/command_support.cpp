#include "command_support.hpp"

#include <fmt/format.h>

#include <cctype>
#include <climits>
#include <cstddef>
#include <string>
#include <utility>

#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {

bool key_fits(CommandContext& ctx, std::string_view key) {
  const std::size_t limit = ctx.config().max_key_size;
  if (key.size() <= limit) return true;
  replies::key_too_large(ctx.reply, limit);
  return false;
}

bool value_fits(CommandContext& ctx, std::size_t value_size) {
  const std::size_t limit = ctx.config().max_value_size;
  if (value_size <= limit) return true;
  replies::value_too_large(ctx.reply, limit);
  return false;
}

bool entry_fits(CommandContext& ctx, std::string_view key, std::size_t value_size) {
  const std::size_t budget = ctx.cache().max_memory();
  if (budget == 0 || sizeof(storage::Entry) + key.size() + value_size <= budget) return true;
  ctx.reply.error(replies::kOutOfMemory);
  return false;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

namespace {

// Redis 7.0's stringmatchlen_impl, line for line in behaviour (KEYS, SCAN MATCH, CONFIG GET):
// a '*' matches one or more remaining characters inside the loop and, once the text is used
// up, trailing '*'s match nothing; an unclosed '[' takes the rest of the pattern as its set;
// chars compare as signed, as in C. `skip_longer` is Redis's skipLongerMatches: once the rest
// after a '*' matched nowhere, no earlier '*' can help, which bounds the work.
bool match_impl(const char* pattern, std::ptrdiff_t pattern_len, const char* text,
                std::ptrdiff_t text_len, bool nocase, bool& skip_longer) {
  auto lower = [](int c) { return std::tolower(static_cast<unsigned char>(c)); };
  // Reads past the pattern's end see '\0', as Redis's NUL-terminated sds does.
  auto at = [&](std::ptrdiff_t i) { return i < pattern_len ? pattern[i] : '\0'; };
  while (pattern_len > 0 && text_len > 0) {
    switch (pattern[0]) {
      case '*':
        while (pattern_len > 1 && pattern[1] == '*') {
          ++pattern;
          --pattern_len;
        }
        if (pattern_len == 1) return true;
        while (text_len > 0) {
          if (match_impl(pattern + 1, pattern_len - 1, text, text_len, nocase, skip_longer)) {
            return true;
          }
          if (skip_longer) return false;
          ++text;
          --text_len;
        }
        skip_longer = true;
        return false;
      case '?':
        ++text;
        --text_len;
        break;
      case '[': {
        ++pattern;
        --pattern_len;
        const bool negate = pattern_len > 0 && pattern[0] == '^';
        if (negate) {
          ++pattern;
          --pattern_len;
        }
        bool matched = false;
        while (true) {
          if (pattern_len >= 2 && pattern[0] == '\\') {
            ++pattern;
            --pattern_len;
            if (pattern[0] == text[0]) matched = true;
          } else if (pattern_len > 0 && pattern[0] == ']') {
            break;
          } else if (pattern_len == 0) {
            --pattern;
            ++pattern_len;
            break;
          } else if (pattern_len >= 3 && pattern[1] == '-') {
            int start = pattern[0];
            int end = pattern[2];
            int c = text[0];
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            pattern += 2;
            pattern_len -= 2;
            if (c >= start && c <= end) matched = true;
          } else if (nocase ? lower(pattern[0]) == lower(text[0]) : pattern[0] == text[0]) {
            matched = true;
          }
          ++pattern;
          --pattern_len;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++text;
        --text_len;
        break;
      }
      case '\\':
        if (pattern_len >= 2) {
          ++pattern;
          --pattern_len;
        }
        [[fallthrough]];
      default:
        if (nocase ? lower(pattern[0]) != lower(text[0]) : pattern[0] != text[0]) return false;
        ++text;
        --text_len;
        break;
    }
    ++pattern;
    --pattern_len;
    if (text_len == 0) {
      while (at(0) == '*') {
        ++pattern;
        --pattern_len;
      }
      break;
    }
  }
  return pattern_len == 0 && text_len == 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  bool skip_longer = false;
  return match_impl(pattern.data(), static_cast<std::ptrdiff_t>(pattern.size()), text.data(),
                    static_cast<std::ptrdiff_t>(text.size()), nocase, skip_longer);
}

void dispatch_subcommand(CommandContext& ctx, std::span<const Subcommand> table) {
  for (const Subcommand& sub : table) {
    if (!iequals(ctx.args[1], sub.name)) continue;
    if (!arity_accepts(sub.arity, ctx.argc())) {
      replies::wrong_arity(ctx.reply, sub.full_name);
      return;
    }
    ctx.subcommand_flags = sub.flags;
    if (!ctx.queued) {
      ctx.client.record->last_command.store(&sub.full_name, std::memory_order_relaxed);
    }
    sub.handler(ctx);
    return;
  }
  replies::unknown_subcommand(ctx.reply, ctx.args[0], ctx.args[1]);
}

void subcommand_syntax_error(CommandContext& ctx) {
  std::string upper(ctx.args[0]);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ctx.reply.error(
      fmt::format("ERR unknown subcommand or wrong number of arguments for '{:.128}'. Try {} HELP.",
                  ctx.args[1], upper));
}

void reply_help(CommandContext& ctx, std::span<const std::string_view> lines) {
  std::string upper(ctx.args[0]);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ctx.reply.array(lines.size() + 3);
  ctx.reply.simple(
      fmt::format("{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", upper));
  for (std::string_view line : lines) ctx.reply.simple(line);
  ctx.reply.simple("HELP");
  ctx.reply.simple("    Prints this help.");
}

std::optional<std::int64_t> parse_expire(CommandContext& ctx, std::string_view arg, ExpireUnit unit,
                                         ExpireBase base, std::string_view command) {
  const auto parsed = protocol::parse_int64(arg);
  if (!parsed) {
    ctx.reply.error(replies::kNotInteger);
    return std::nullopt;
  }
  long long ms = *parsed;
  if (ms <= 0 || (unit == ExpireUnit::kSeconds && ms > LLONG_MAX / 1000)) {
    replies::invalid_expire_time(ctx.reply, command);
    return std::nullopt;
  }
  if (unit == ExpireUnit::kSeconds) ms *= 1000;
  if (base == ExpireBase::kRelative &&
      __builtin_add_overflow(ms, ctx.cache().clock().now_ms(), &ms)) {
    ms = -1;  // Redis's addition wraps negative here and then reports the same error
  }
  if (ms <= 0) {
    replies::invalid_expire_time(ctx.reply, command);
    return std::nullopt;
  }
  return ms;
}

}  // namespace respcache::commands

namespace respcache::commands {

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '\\':
        out.append("\\\\");
        break;
      case '"':
        out.append("\\\"");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\a':
        out.append("\\a");
        break;
      case '\b':
        out.append("\\b");
        break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out.push_back(c);
        } else {
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(c));
        }
    }
  }
  out.push_back('"');
}

bool accepts_flush_mode(CommandContext& ctx, std::string_view error) {
  if (ctx.argc() > 3 ||
      (ctx.argc() == 3 && !iequals(ctx.args[2], "sync") && !iequals(ctx.args[2], "async"))) {
    ctx.reply.error(error);
    return false;
  }
  return true;
}

}  // namespace respcache::commands
