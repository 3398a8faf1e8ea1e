// GETRANGE, SUBSTR and SETRANGE, as Redis 7.0's getrangeCommand and setrangeCommand.

#include <algorithm>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;
using storage::Mutation;
using storage::WriteStatus;

/// The bytes GETRANGE returns of `value` for Redis's inclusive, possibly negative indexes.
std::string_view byte_range(std::string_view value, long long start, long long end) {
  const auto size = static_cast<long long>(value.size());
  // Both negative and crossed: empty, before the clamping below could make them meet.
  if (start < 0 && end < 0 && start > end) return {};
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::max(start, 0LL);
  end = std::max(end, 0LL);
  if (end >= size) end = size - 1;
  if (start > end || size == 0) return {};
  return value.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1));
}

}  // namespace

void cmd_getrange(CommandContext& ctx) {
  const auto start = protocol::parse_int64(ctx.args[2]);
  const auto end = start ? protocol::parse_int64(ctx.args[3]) : std::nullopt;
  if (!end) {
    ctx.reply.error(replies::kNotInteger);
    return;
  }
  const bool hit = ctx.db().read(
      ctx.args[1], [&](const EntryView& e) { ctx.reply.bulk(byte_range(e.value, *start, *end)); });
  if (!hit) ctx.reply.bulk({});
  count_lookup(ctx, hit);
}

void cmd_setrange(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::string_view patch = ctx.args[3];
  const auto offset = protocol::parse_int64(ctx.args[2]);
  if (!offset) {
    ctx.reply.error(replies::kNotInteger);
    return;
  }
  if (*offset < 0) {
    ctx.reply.error(replies::kOffsetOutOfRange);
    return;
  }
  if (!key_fits(ctx, key)) return;
  const auto at = static_cast<std::uint64_t>(*offset);
  const std::uint64_t new_end = at + patch.size();  // cannot wrap: both are below 2^63

  enum class Refusal { kNone, kProtoLimit, kValueLimit };
  Refusal refusal = Refusal::kNone;
  std::size_t length = 0;
  std::string value;  // the rewritten value: the storage API stores whole views
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    const std::string_view old = current != nullptr ? current->value : std::string_view{};
    length = old.size();
    // Writing nothing changes nothing, whatever the offset: Redis replies the length at once.
    if (patch.empty()) return Mutation::keep();
    // Past Redis's own limit, Redis's text; past our smaller --max-value-size, respcache's
    // value_too_large, which names the flag, as SET and APPEND reply.
    if (new_end > kProtoMaxBulkLen) {
      refusal = Refusal::kProtoLimit;
      return Mutation::keep();
    }
    if (new_end > ctx.config().max_value_size) {
      refusal = Refusal::kValueLimit;
      return Mutation::keep();
    }
    value.assign(old);
    if (value.size() < new_end) value.resize(new_end, '\0');
    value.replace(at, patch.size(), patch);
    length = value.size();
    return Mutation::store(value, current != nullptr ? current->expire_at_ms : 0)
        .encoded(storage::ValueEncoding::kRaw);
  });
  if (refusal == Refusal::kProtoLimit) {
    ctx.reply.error(replies::kStringTooLong);
  } else if (refusal == Refusal::kValueLimit) {
    replies::value_too_large(ctx.reply, ctx.config().max_value_size);
  } else if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(static_cast<long long>(length));
  }
}

}  // namespace respcache::commands
