// GET, SET, PUT and the other string commands, with Redis 7.0's semantics and replies.

#include <climits>
#include <cmath>

#include "command_support.hpp"
#include "handlers.hpp"
#include "long_double_text.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"
#include "string_options.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;
using storage::Mutation;
using storage::WriteStatus;

void reply_write(CommandContext& ctx, WriteStatus status) {
  if (status == WriteStatus::kOk) {
    ctx.reply.ok();
  } else {
    ctx.reply.error(replies::kOutOfMemory);
  }
}

/// INCR, DECR, INCRBY and DECRBY: the value must parse as a 64-bit integer; the result keeps
/// the key's TTL.
void increment(CommandContext& ctx, long long delta) {
  const std::string_view key = ctx.args[1];
  if (!key_fits(ctx, key)) return;
  std::string_view error;
  long long result = 0;
  char digits[protocol::kMaxInt64Digits];
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    long long value = 0;
    if (current != nullptr) {
      const auto parsed = protocol::parse_int64(current->value);
      if (!parsed) {
        error = replies::kNotInteger;
        return Mutation::keep();
      }
      value = *parsed;
    }
    if ((delta < 0 && value < 0 && delta < LLONG_MIN - value) ||
        (delta > 0 && value > 0 && delta > LLONG_MAX - value)) {
      error = replies::kOverflow;
      return Mutation::keep();
    }
    result = value + delta;
    const std::size_t len = protocol::format_int64(result, digits);
    return Mutation::store({digits, len}, current != nullptr ? current->expire_at_ms : 0);
  });
  if (!error.empty()) {
    ctx.reply.error(error);
  } else if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(result);
  }
}

std::optional<long long> parse_increment(CommandContext& ctx) {
  const auto delta = protocol::parse_int64(ctx.args[2]);
  if (!delta) ctx.reply.error(replies::kNotInteger);
  return delta;
}

/// MSET and MSETNX: an even number of arguments after the name, and every pair within the
/// limits, checked before anything is written so that a refused command writes nothing.
bool pairs_fit(CommandContext& ctx, std::string_view command) {
  if (ctx.argc() % 2 == 0) {
    replies::wrong_arity(ctx.reply, command);
    return false;
  }
  for (std::size_t i = 1; i < ctx.argc(); i += 2) {
    const std::string_view key = ctx.args[i];
    const std::size_t value_size = ctx.args[i + 1].size();
    if (!key_fits(ctx, key) || !value_fits(ctx, value_size) || !entry_fits(ctx, key, value_size)) {
      return false;
    }
  }
  return true;
}

}  // namespace

void cmd_get(CommandContext& ctx) {
  // The value is copied into the reply while the shard's shared lock is held.
  const bool hit = ctx.db().read(ctx.args[1], [&](const EntryView& e) { ctx.reply.bulk(e.value); });
  if (!hit) ctx.reply.null();
  count_lookup(ctx, hit);
}

void cmd_put(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view value = ctx.args[2];
  if (!key_fits(ctx, key) || !value_fits(ctx, value.size()) ||
      !entry_fits(ctx, key, value.size())) {
    return;
  }
  reply_write(ctx, ctx.db().set(key, value));
}

void cmd_set(CommandContext& ctx) {
  StringOptions opts;
  if (!parse_string_options(ctx, 3, StringCommand::kSet, opts)) return;
  set_generic(ctx, ctx.args[1], ctx.args[2], opts, "set");
}

void cmd_mget(CommandContext& ctx) {
  const WholeCommand whole(ctx, 1);
  ctx.reply.array(ctx.argc() - 1);
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    const bool hit =
        ctx.db().read(ctx.args[i], [&](const EntryView& e) { ctx.reply.bulk(e.value); });
    if (!hit) ctx.reply.null();
    count_lookup(ctx, hit);
  }
}

void cmd_mset(CommandContext& ctx) {
  if (!pairs_fit(ctx, "mset")) return;
  const WholeCommand whole(ctx, 1, 2);
  WriteStatus status = WriteStatus::kOk;
  for (std::size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().set(ctx.args[i], ctx.args[i + 1]) != WriteStatus::kOk) {
      status = WriteStatus::kTooLarge;
    }
  }
  reply_write(ctx, status);
}

void cmd_setnx(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view value = ctx.args[2];
  if (!key_fits(ctx, key) || !value_fits(ctx, value.size()) ||
      !entry_fits(ctx, key, value.size())) {
    return;
  }
  bool stored = false;
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    if (current != nullptr) return Mutation::keep();
    stored = true;
    return Mutation::store(value, 0);
  });
  if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(stored ? 1 : 0);
  }
}

void cmd_getset(CommandContext& ctx) {
  // Redis's GETSET is GET then a plain SET: the old value (or null) is the reply and the
  // new value has no TTL.
  StringOptions opts;
  opts.get = true;
  set_generic(ctx, ctx.args[1], ctx.args[2], opts, "getset");
}

void cmd_msetnx(CommandContext& ctx) {
  if (!pairs_fit(ctx, "msetnx")) return;
  // If any key exists nothing is written; the keys' shards are held from the checks to the
  // last write, so no other client can create one of them in between (one pair too).
  const storage::Cache::KeysAccess whole(ctx.cache(), ctx.args.subspan(1), 2);
  for (std::size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().contains(ctx.args[i])) {
      ctx.reply.integer(0);
      return;
    }
  }
  for (std::size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().set(ctx.args[i], ctx.args[i + 1]) != WriteStatus::kOk) {
      ctx.reply.error(replies::kOutOfMemory);
      return;
    }
  }
  ctx.reply.integer(1);
}

void cmd_getdel(CommandContext& ctx) {
  bool hit = false;
  ctx.db().update(ctx.args[1], [&](const EntryView* current) {
    hit = current != nullptr;
    if (!hit) return Mutation::keep();
    ctx.reply.bulk(current->value);
    return Mutation::erase();
  });
  if (!hit) ctx.reply.null();
  count_lookup(ctx, hit);
}

void cmd_append(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view suffix = ctx.args[2];
  if (!key_fits(ctx, key)) return;
  bool too_large = false;
  std::size_t new_length = 0;
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    new_length = (current != nullptr ? current->value.size() : 0) + suffix.size();
    if (new_length > ctx.config().max_value_size) {
      too_large = true;
      return Mutation::keep();
    }
    // The stored value is the old one followed by the suffix; no temporary string is built.
    // As Redis: appending makes a raw string; a new key is stored as SET would store it.
    return current != nullptr ? Mutation::store(current->value, suffix, current->expire_at_ms)
                                    .encoded(storage::ValueEncoding::kRaw)
                              : Mutation::store(suffix, 0);
  });
  if (too_large) {
    replies::value_too_large(ctx.reply, ctx.config().max_value_size);
  } else if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(static_cast<long long>(new_length));
  }
}

void cmd_strlen(CommandContext& ctx) {
  std::size_t length = 0;
  const bool hit = ctx.db().read(ctx.args[1], [&](const EntryView& e) { length = e.value.size(); });
  count_lookup(ctx, hit);
  ctx.reply.integer(static_cast<long long>(length));
}

void cmd_incr(CommandContext& ctx) { increment(ctx, 1); }
void cmd_decr(CommandContext& ctx) { increment(ctx, -1); }

void cmd_incrby(CommandContext& ctx) {
  if (const auto delta = parse_increment(ctx)) increment(ctx, *delta);
}

void cmd_decrby(CommandContext& ctx) {
  const auto delta = parse_increment(ctx);
  if (!delta) return;
  if (*delta == LLONG_MIN) {
    ctx.reply.error(replies::kDecrementOverflow);
    return;
  }
  increment(ctx, -*delta);
}

void cmd_incrbyfloat(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  if (!key_fits(ctx, key)) return;
  // Redis reads the stored value before the increment; both fail with the same text, so
  // checking the increment first, outside the lock, replies the same.
  const auto delta = parse_long_double(ctx.args[2]);
  if (!delta) {
    ctx.reply.error(replies::kNotFloat);
    return;
  }
  std::string_view error;
  char text[kMaxLongDoubleChars];
  std::size_t len = 0;
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    long double value = 0;
    if (current != nullptr) {
      const auto parsed = parse_long_double(current->value);
      if (!parsed) {
        error = replies::kNotFloat;
        return Mutation::keep();
      }
      value = *parsed;
    }
    value += *delta;
    if (std::isnan(value) || std::isinf(value)) {
      error = replies::kNanOrInfinity;
      return Mutation::keep();
    }
    len = format_long_double(value, text);
    return Mutation::store({text, len}, current != nullptr ? current->expire_at_ms : 0)
        .encoded(storage::ValueEncoding::kString);
  });
  if (!error.empty()) {
    ctx.reply.error(error);
  } else if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.bulk({text, len});  // a bulk string in RESP3 too, as Redis replies
  }
}

}  // namespace respcache::commands
