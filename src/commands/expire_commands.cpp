// Time to live: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, PERSIST, GETEX, SETEX, PSETEX,
// with Redis 7.0's semantics and replies. Expiry times are absolute Unix milliseconds.

#include <fmt/format.h>

#include <climits>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"
#include "string_options.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;
using storage::Mutation;

enum ExpireCondition : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

/// Redis's parseExtendedExpireArgumentsOrReply.
bool parse_expire_conditions(CommandContext& ctx, unsigned& conditions) {
  for (std::size_t j = 3; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.args[j];
    if (iequals(opt, "nx")) {
      conditions |= kNx;
    } else if (iequals(opt, "xx")) {
      conditions |= kXx;
    } else if (iequals(opt, "gt")) {
      conditions |= kGt;
    } else if (iequals(opt, "lt")) {
      conditions |= kLt;
    } else {
      ctx.reply.error(fmt::format("ERR Unsupported option {}", opt.substr(0, opt.find('\0'))));
      return false;
    }
  }
  if ((conditions & kNx) && (conditions & (kXx | kGt | kLt))) {
    ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((conditions & kGt) && (conditions & kLt)) {
    ctx.reply.error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

/// Whether the conditions allow replacing `current` (0: none) with `when`.
bool conditions_allow(unsigned conditions, std::int64_t current, std::int64_t when) {
  const bool has_ttl = current != 0;
  if ((conditions & kNx) && has_ttl) return false;
  if ((conditions & kXx) && !has_ttl) return false;
  // No TTL counts as infinite: GT never beats it, LT always does.
  if ((conditions & kGt) && (!has_ttl || when <= current)) return false;
  if ((conditions & kLt) && has_ttl && when >= current) return false;
  return true;
}

/// Redis's expireGenericCommand. `base_ms` is now for EXPIRE/PEXPIRE and 0 for the *AT forms.
void expire_generic(CommandContext& ctx, std::int64_t base_ms, ExpireUnit unit,
                    std::string_view command) {
  unsigned conditions = 0;
  if (!parse_expire_conditions(ctx, conditions)) return;
  const auto parsed = protocol::parse_int64(ctx.args[2]);
  if (!parsed) {
    ctx.reply.error(replies::kNotInteger);
    return;
  }
  long long when = *parsed;
  // Negative times are allowed (they delete the key); only overflow is an error.
  if (unit == ExpireUnit::kSeconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
      replies::invalid_expire_time(ctx.reply, command);
      return;
    }
    when *= 1000;
  }
  if (when > LLONG_MAX - base_ms) {
    replies::invalid_expire_time(ctx.reply, command);
    return;
  }
  when += base_ms;

  const std::int64_t now = ctx.cache().clock().now_ms();
  bool applied = false;
  ctx.db().update(ctx.args[1], [&](const EntryView* current) {
    if (current == nullptr || !conditions_allow(conditions, current->expire_at_ms, when)) {
      return Mutation::keep();
    }
    applied = true;
    // A time already past deletes the key at once, as Redis does.
    if (when <= now) return Mutation::erase();
    return Mutation::store(current->value, when).keeping_encoding();
  });
  ctx.reply.integer(applied ? 1 : 0);
}

/// Redis's ttlGenericCommand: -2 for no key, -1 for no expiry, else the time left, or with
/// `absolute` the expiry time itself (EXPIRETIME, PEXPIRETIME). Looked up without touching
/// the key, as Redis's LOOKUP_NOTOUCH.
void ttl_generic(CommandContext& ctx, bool milliseconds, bool absolute = false) {
  std::int64_t expire_at = 0;
  const bool hit =
      ctx.db().peek(ctx.args[1], [&](const EntryView& e) { expire_at = e.expire_at_ms; });
  count_lookup(ctx, hit);
  if (!hit) {
    ctx.reply.integer(-2);
    return;
  }
  if (expire_at == 0) {
    ctx.reply.integer(-1);
    return;
  }
  long long ttl = absolute ? expire_at : expire_at - ctx.cache().clock().now_ms();
  if (ttl < 0) ttl = 0;
  ctx.reply.integer(milliseconds ? ttl : (ttl + 500) / 1000);
}

void setex_generic(CommandContext& ctx, ExpireUnit unit, std::string_view command) {
  StringOptions opts;
  opts.has_expire = true;
  opts.unit = unit;
  opts.base = ExpireBase::kRelative;
  opts.expire_arg = ctx.args[2];
  set_generic(ctx, ctx.args[1], ctx.args[3], opts, command);
}

}  // namespace

void cmd_expiretime(CommandContext& ctx) { ttl_generic(ctx, false, true); }

void cmd_pexpiretime(CommandContext& ctx) { ttl_generic(ctx, true, true); }

void cmd_expire(CommandContext& ctx) {
  expire_generic(ctx, ctx.cache().clock().now_ms(), ExpireUnit::kSeconds, "expire");
}
void cmd_pexpire(CommandContext& ctx) {
  expire_generic(ctx, ctx.cache().clock().now_ms(), ExpireUnit::kMilliseconds, "pexpire");
}
void cmd_expireat(CommandContext& ctx) { expire_generic(ctx, 0, ExpireUnit::kSeconds, "expireat"); }
void cmd_pexpireat(CommandContext& ctx) {
  expire_generic(ctx, 0, ExpireUnit::kMilliseconds, "pexpireat");
}
void cmd_ttl(CommandContext& ctx) { ttl_generic(ctx, false); }
void cmd_pttl(CommandContext& ctx) { ttl_generic(ctx, true); }

void cmd_persist(CommandContext& ctx) {
  bool removed = false;
  ctx.db().update(ctx.args[1], [&](const EntryView* current) {
    if (current == nullptr || current->expire_at_ms == 0) return Mutation::keep();
    removed = true;
    return Mutation::store(current->value, 0).keeping_encoding();
  });
  ctx.reply.integer(removed ? 1 : 0);
}

// GETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST]: the value, and a new expiry.
void cmd_getex(CommandContext& ctx) {
  StringOptions opts;
  if (!parse_string_options(ctx, 2, StringCommand::kGetEx, opts)) return;
  // Redis replies nil for a missing key before it looks at the expiry value; an invalid
  // expiry on an existing key gets its error and changes nothing.
  bool hit = false;
  std::int64_t expire_at = 0;
  ctx.db().update(ctx.args[1], [&](const EntryView* current) {
    hit = current != nullptr;
    if (!hit) return Mutation::keep();
    if (opts.has_expire) {
      const auto parsed = parse_expire(ctx, opts.expire_arg, opts.unit, opts.base, "getex");
      if (!parsed) return Mutation::keep();
      expire_at = *parsed;
    }
    ctx.reply.bulk(current->value);
    if (opts.has_expire && opts.base == ExpireBase::kAbsolute &&
        expire_at <= ctx.cache().clock().now_ms()) {
      return Mutation::erase();
    }
    if (opts.has_expire) return Mutation::store(current->value, expire_at).keeping_encoding();
    if (opts.persist && current->expire_at_ms != 0) {
      return Mutation::store(current->value, 0).keeping_encoding();
    }
    return Mutation::keep();
  });
  count_lookup(ctx, hit);
  if (!hit) ctx.reply.null();
}

void cmd_setex(CommandContext& ctx) { setex_generic(ctx, ExpireUnit::kSeconds, "setex"); }
void cmd_psetex(CommandContext& ctx) { setex_generic(ctx, ExpireUnit::kMilliseconds, "psetex"); }

}  // namespace respcache::commands
