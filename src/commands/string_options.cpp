#include "string_options.hpp"

#include "respcache/commands/replies.hpp"

namespace respcache::commands {

using storage::EntryView;
using storage::Mutation;
using storage::WriteStatus;

bool parse_string_options(CommandContext& ctx, std::size_t first, StringCommand command,
                          StringOptions& opts) {
  enum : unsigned { kEx = 1, kPx = 2, kExAt = 4, kPxAt = 8 };
  const bool is_set = command == StringCommand::kSet;
  unsigned expire_kind = 0;
  for (std::size_t j = first; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.args[j];
    const bool has_next = j + 1 < ctx.argc();
    // An expiry conflicts with another kind of expiry (repeating the same kind is allowed,
    // the last one wins), with KEEPTTL and with PERSIST, and needs a value after it.
    auto expire_option = [&](unsigned kind, ExpireUnit unit, ExpireBase base) {
      const unsigned others = (kEx | kPx | kExAt | kPxAt) & ~kind;
      if ((expire_kind & others) != 0 || opts.keep_ttl || opts.persist || !has_next) return false;
      expire_kind |= kind;
      opts.has_expire = true;
      opts.unit = unit;
      opts.base = base;
      opts.expire_arg = ctx.args[++j];
      return true;
    };
    bool ok = false;
    if (is_set && iequals(opt, "nx") && !opts.xx) {
      ok = opts.nx = true;
    } else if (is_set && iequals(opt, "xx") && !opts.nx) {
      ok = opts.xx = true;
    } else if (is_set && iequals(opt, "get")) {
      ok = opts.get = true;
    } else if (is_set && iequals(opt, "keepttl") && expire_kind == 0) {
      ok = opts.keep_ttl = true;
    } else if (!is_set && iequals(opt, "persist") && expire_kind == 0) {
      ok = opts.persist = true;
    } else if (iequals(opt, "ex")) {
      ok = expire_option(kEx, ExpireUnit::kSeconds, ExpireBase::kRelative);
    } else if (iequals(opt, "px")) {
      ok = expire_option(kPx, ExpireUnit::kMilliseconds, ExpireBase::kRelative);
    } else if (iequals(opt, "exat")) {
      ok = expire_option(kExAt, ExpireUnit::kSeconds, ExpireBase::kAbsolute);
    } else if (iequals(opt, "pxat")) {
      ok = expire_option(kPxAt, ExpireUnit::kMilliseconds, ExpireBase::kAbsolute);
    }
    if (!ok) {
      ctx.reply.error(replies::kSyntaxError);
      return false;
    }
  }
  return true;
}

void set_generic(CommandContext& ctx, std::string_view key, std::string_view value,
                 const StringOptions& opts, std::string_view command) {
  std::int64_t expire_at = 0;
  if (opts.has_expire) {
    const auto parsed = parse_expire(ctx, opts.expire_arg, opts.unit, opts.base, command);
    if (!parsed) return;
    expire_at = *parsed;
  }
  if (!key_fits(ctx, key) || !value_fits(ctx, value.size()) ||
      !entry_fits(ctx, key, value.size())) {
    return;
  }

  // With GET the old value goes into the reply under the shard's lock; if the write then fails
  // that partial reply is taken back, so the client sees exactly one reply.
  const std::size_t reply_mark = ctx.reply.mark();
  bool aborted = false;
  bool hit = false;
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    hit = current != nullptr;
    if (opts.get) {
      if (hit) {
        ctx.reply.bulk(current->value);
      } else {
        ctx.reply.null();
      }
    }
    if ((opts.nx && hit) || (opts.xx && !hit)) {
      aborted = true;
      return Mutation::keep();
    }
    const std::int64_t expiry =
        opts.has_expire ? expire_at : (opts.keep_ttl && hit ? current->expire_at_ms : 0);
    return Mutation::store(value, expiry);
  });
  if (opts.get) count_lookup(ctx, hit);
  if (status != WriteStatus::kOk) {
    ctx.reply.rollback(reply_mark);
    ctx.reply.error(replies::kOutOfMemory);
  } else if (aborted) {
    if (!opts.get) ctx.reply.null();
  } else if (!opts.get) {
    ctx.reply.ok();
  }
}

}  // namespace respcache::commands
