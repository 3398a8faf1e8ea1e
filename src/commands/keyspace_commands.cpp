// Commands about single keys whatever their value: DEL, EXISTS, TYPE, TOUCH, RANDOMKEY,
// RENAME, RENAMENX, COPY.

#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;
using storage::Mutation;
using storage::WriteStatus;

struct CopiedValue {
  std::string value;
  std::int64_t expire_at_ms = 0;
  storage::ValueEncoding encoding = storage::ValueEncoding::kAsSet;

  void take(const EntryView& e) {
    value.assign(e.value);
    expire_at_ms = e.expire_at_ms;
    encoding = e.entry->encoding();
  }
};

// Stores a copied value (and its TTL) under `key` in `db`; false, having replied with the
// error, when the budget refuses it.
bool store_copy(CommandContext& ctx, const storage::Database& db, std::string_view key,
                const CopiedValue& copy) {
  const WriteStatus status = db.update(key, [&](const EntryView*) {
    return Mutation::store(copy.value, copy.expire_at_ms).encoded(copy.encoding);
  });
  if (status == WriteStatus::kOk) return true;
  ctx.reply.error(replies::kOutOfMemory);
  return false;
}

// Redis's renameGenericCommand. The two keys may live in different shards, so the command
// holds both shards' locks (PairAccess): no client sees the value under both names or
// neither, and clients of other shards are not held up.
void rename_generic(CommandContext& ctx, bool nx) {
  const std::string_view from = ctx.args[1];
  const std::string_view to = ctx.args[2];
  if (!key_fits(ctx, to)) return;
  const storage::Cache::PairAccess locked(ctx.cache(), from, to);
  const storage::Database db = ctx.db();
  CopiedValue copy;
  const bool found = db.peek(from, [&](const EntryView& e) { copy.take(e); });
  if (!found) return ctx.reply.error(replies::kNoSuchKey);
  if (from == to) return nx ? ctx.reply.integer(0) : ctx.reply.ok();
  if (nx && db.contains(to)) return ctx.reply.integer(0);
  if (!store_copy(ctx, db, to, copy)) return;
  db.erase(from);
  nx ? ctx.reply.integer(1) : ctx.reply.ok();
}

}  // namespace

void cmd_del(CommandContext& ctx) {
  const WholeCommand whole(ctx, 1);
  long long removed = 0;
  for (std::size_t i = 1; i < ctx.argc(); ++i) removed += ctx.db().erase(ctx.args[i]) ? 1 : 0;
  ctx.reply.integer(removed);
}

void cmd_exists(CommandContext& ctx) {
  const WholeCommand whole(ctx, 1);
  long long found = 0;
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    const bool hit = ctx.db().contains(ctx.args[i]);
    count_lookup(ctx, hit);
    found += hit ? 1 : 0;
  }
  ctx.reply.integer(found);
}

// Strings are the only type respcache stores.
void cmd_type(CommandContext& ctx) {
  const bool hit = ctx.db().contains(ctx.args[1]);
  count_lookup(ctx, hit);
  ctx.reply.simple(hit ? "string" : "none");
}

void cmd_touch(CommandContext& ctx) {
  const WholeCommand whole(ctx, 1);
  long long touched = 0;
  for (std::size_t i = 1; i < ctx.argc(); ++i) {
    const bool hit = ctx.db().read(ctx.args[i], [](const EntryView&) {});
    count_lookup(ctx, hit);
    touched += hit ? 1 : 0;
  }
  ctx.reply.integer(touched);
}

void cmd_randomkey(CommandContext& ctx) {
  std::string key;
  if (!ctx.db().random_key(key)) return ctx.reply.null();
  ctx.reply.bulk(key);
}

void cmd_rename(CommandContext& ctx) { rename_generic(ctx, false); }

void cmd_renamenx(CommandContext& ctx) { rename_generic(ctx, true); }

// Redis's copyCommand: options first (REPLACE, DB n), then the same-object check, then the
// source (a counted read), then the target. Both keys' shards locked, as for RENAME (a key's
// shard is the same in every database).
void cmd_copy(CommandContext& ctx) {
  bool replace = false;
  unsigned target_db = ctx.client.db;
  for (std::size_t j = 3; j < ctx.argc(); ++j) {
    if (iequals(ctx.args[j], "replace")) {
      replace = true;
    } else if (iequals(ctx.args[j], "db") && j + 1 < ctx.argc()) {
      const auto index = parse_db_index(ctx, ctx.args[j + 1]);
      if (!index) return;
      target_db = *index;
      ++j;
    } else {
      return ctx.reply.error(replies::kSyntaxError);
    }
  }
  const std::string_view from = ctx.args[1];
  const std::string_view to = ctx.args[2];
  if (target_db == ctx.client.db && from == to) return ctx.reply.error(replies::kSameObject);
  if (!key_fits(ctx, to)) return;
  const storage::Cache::PairAccess locked(ctx.cache(), from, to);
  CopiedValue copy;
  const bool found = ctx.db().read(from, [&](const EntryView& e) { copy.take(e); });
  count_lookup(ctx, found);
  if (!found) return ctx.reply.integer(0);
  const storage::Database target(ctx.cache(), target_db);
  if (!replace && target.contains(to)) return ctx.reply.integer(0);
  if (!store_copy(ctx, target, to, copy)) return;
  ctx.reply.integer(1);
}

}  // namespace respcache::commands
