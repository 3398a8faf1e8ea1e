#include "command_support.hpp"

#include <fmt/format.h>

#include <cctype>
#include <climits>
#include <string>

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

// Redis's stringmatchlen, for CONFIG GET patterns.
bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  auto fold = [nocase](char c) {
    return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  };
  std::size_t p = 0;
  std::size_t t = 0;
  while (p < pattern.size()) {
    switch (pattern[p]) {
      case '*':
        while (p + 1 < pattern.size() && pattern[p + 1] == '*') ++p;
        if (p + 1 == pattern.size()) return true;
        for (std::size_t i = t; i <= text.size(); ++i) {
          if (glob_match(pattern.substr(p + 1), text.substr(i), nocase)) return true;
        }
        return false;
      case '?':
        if (t == text.size()) return false;
        ++t;
        break;
      case '[': {
        if (t == text.size()) return false;
        ++p;
        const bool negate = p < pattern.size() && pattern[p] == '^';
        if (negate) ++p;
        bool matched = false;
        while (p < pattern.size() && pattern[p] != ']') {
          if (pattern[p] == '\\' && p + 1 < pattern.size()) {
            ++p;
            matched |= fold(pattern[p]) == fold(text[t]);
          } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
            char lo = fold(pattern[p]);
            char hi = fold(pattern[p + 2]);
            if (lo > hi) std::swap(lo, hi);
            const char c = fold(text[t]);
            matched |= c >= lo && c <= hi;
            p += 2;
          } else {
            matched |= fold(pattern[p]) == fold(text[t]);
          }
          ++p;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++t;
        break;
      }
      case '\\':
        if (p + 1 < pattern.size()) ++p;
        [[fallthrough]];
      default:
        if (t == text.size() || fold(pattern[p]) != fold(text[t])) return false;
        ++t;
        break;
    }
    ++p;
  }
  return t == text.size();
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

}  // namespace respcache::commands
