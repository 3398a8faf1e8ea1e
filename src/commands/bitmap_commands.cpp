// SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP, as Redis 7.0's bitops.c.

#include <bit>
#include <cstring>
#include <string>

#include "bitmap_support.hpp"
#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;
using storage::Mutation;
using storage::WriteStatus;

/// Set bits of `value` from bit `first` to bit `last`, inclusive (first <= last, both inside).
long long count_bits(std::string_view value, std::uint64_t first, std::uint64_t last) {
  const std::size_t first_byte = first >> 3;
  const std::size_t last_byte = last >> 3;
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  long long count = 0;
  std::size_t i = first_byte;
  for (; i + 8 <= last_byte + 1; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, sizeof word);
    count += std::popcount(word);
  }
  for (; i <= last_byte; ++i) count += std::popcount(static_cast<unsigned>(p[i]));
  // Take back the bits of the edge bytes that lie outside the range.
  const unsigned before = (0xFFU << (8 - (first & 7))) & 0xFFU;
  const unsigned after = (1U << (7 - (last & 7))) - 1;
  count -= std::popcount(p[first_byte] & before);
  count -= std::popcount(p[last_byte] & after);
  return count;
}

/// The first bit equal to `bit` from bit `first` to bit `last`, inclusive; -1 if none.
long long find_bit(std::string_view value, std::uint64_t first, std::uint64_t last, bool bit) {
  const char skip = bit ? '\0' : '\xff';  // a whole byte that cannot hold the bit
  std::uint64_t pos = first;
  while (pos <= last) {
    if ((pos & 7) == 0 && pos + 7 <= last && value[pos >> 3] == skip) {
      pos += 8;
      continue;
    }
    if (bit_at(value, pos) == bit) return static_cast<long long>(pos);
    ++pos;
  }
  return -1;
}

/// Parses BIT or BYTE (case-insensitive); replies a syntax error otherwise.
std::optional<bool> parse_unit_is_bit(CommandContext& ctx, std::string_view arg) {
  if (iequals(arg, "bit")) return true;
  if (iequals(arg, "byte")) return false;
  ctx.reply.error(replies::kSyntaxError);
  return std::nullopt;
}

/// A range in the Redis index convention resolved to bits [first, last] of a value of
/// `length` bytes; `empty` when nothing is left.
struct BitRange {
  bool empty = true;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// Redis's shared range arithmetic of BITCOUNT and BITPOS: negative indexes count from the
/// end, both ends are clamped to the value, and BYTE indexes cover whole bytes.
BitRange resolve_range(std::size_t length, long long start, long long end, bool in_bits) {
  const long long total = static_cast<long long>(length) * (in_bits ? 8 : 1);
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return {};
  const auto s = static_cast<std::uint64_t>(start);
  const auto e = static_cast<std::uint64_t>(end);
  return in_bits ? BitRange{false, s, e} : BitRange{false, s * 8, e * 8 + 7};
}

void bitcount_of(CommandContext& ctx, std::string_view value) {
  long long start = 0;
  long long end = -1;
  bool in_bits = false;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    const auto s = protocol::parse_int64(ctx.args[2]);
    const auto e = s ? protocol::parse_int64(ctx.args[3]) : std::nullopt;
    if (!e) {
      ctx.reply.error(replies::kNotInteger);
      return;
    }
    if (ctx.argc() == 5) {
      const auto unit = parse_unit_is_bit(ctx, ctx.args[4]);
      if (!unit) return;
      in_bits = *unit;
    }
    start = *s;
    end = *e;
    // Both negative and crossed: 0, before clamping could make them meet.
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.integer(0);
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  const BitRange range = resolve_range(value.size(), start, end, in_bits);
  ctx.reply.integer(range.empty ? 0 : count_bits(value, range.first, range.last));
}

void bitpos_of(CommandContext& ctx, std::string_view value, bool bit) {
  long long start = 0;
  long long end = -1;
  bool in_bits = false;
  bool end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    const auto s = protocol::parse_int64(ctx.args[3]);
    if (!s) {
      ctx.reply.error(replies::kNotInteger);
      return;
    }
    start = *s;
    // Redis checks the unit before it parses the end.
    if (ctx.argc() == 6) {
      const auto unit = parse_unit_is_bit(ctx, ctx.args[5]);
      if (!unit) return;
      in_bits = *unit;
    }
    if (ctx.argc() >= 5) {
      const auto e = protocol::parse_int64(ctx.args[4]);
      if (!e) {
        ctx.reply.error(replies::kNotInteger);
        return;
      }
      end = *e;
      end_given = true;
    }
  } else if (ctx.argc() != 3) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  const BitRange range = resolve_range(value.size(), start, end, in_bits);
  if (range.empty) {
    ctx.reply.integer(-1);  // an empty range holds neither a 0 nor a 1
    return;
  }
  const long long pos = find_bit(value, range.first, range.last, bit);
  // Looking for a 0 with no end given, the value reads as padded with zeros past its end.
  if (pos < 0 && !bit && !end_given) {
    ctx.reply.integer(static_cast<long long>(range.last + 1));
  } else {
    ctx.reply.integer(pos);
  }
}

enum class BitOp { kAnd, kOr, kXor, kNot };

std::optional<BitOp> parse_bitop(std::string_view name) {
  if (iequals(name, "and")) return BitOp::kAnd;
  if (iequals(name, "or")) return BitOp::kOr;
  if (iequals(name, "xor")) return BitOp::kXor;
  if (iequals(name, "not")) return BitOp::kNot;
  return std::nullopt;
}

/// Folds one source into `result`. A missing key is an empty source; bytes past a source's
/// end count as zeros, so the result grows to the longest source.
void fold_source(std::string& result, std::string_view source, BitOp op, bool first) {
  if (first) {
    result.assign(source);
    if (op == BitOp::kNot) {
      for (char& c : result) c = static_cast<char>(~c);
    }
    return;
  }
  if (source.size() > result.size()) result.resize(source.size(), '\0');
  for (std::size_t i = 0; i < result.size(); ++i) {
    const char s = i < source.size() ? source[i] : '\0';
    switch (op) {
      case BitOp::kAnd:
        result[i] &= s;
        break;
      case BitOp::kOr:
        result[i] |= s;
        break;
      case BitOp::kXor:
        result[i] ^= s;
        break;
      case BitOp::kNot:
        break;
    }
  }
}

}  // namespace

void cmd_setbit(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const auto offset = parse_bit_offset(ctx, ctx.args[2]);
  if (!offset) return;
  const auto on = protocol::parse_int64(ctx.args[3]);
  if (!on || (*on & ~1LL) != 0) {
    ctx.reply.error(replies::kBitValueInvalid);
    return;
  }
  if (!key_fits(ctx, key)) return;
  // Redis grows a value up to its 512 MB bit-offset limit, checked above with Redis's text;
  // respcache's smaller --max-value-size gets value_too_large, as APPEND replies.
  const std::uint64_t needed = (*offset >> 3) + 1;
  if (!value_fits(ctx, needed)) return;

  bool old_bit = false;
  std::string value;  // the rewritten value: the storage API stores whole views
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    const std::string_view old = current != nullptr ? current->value : std::string_view{};
    old_bit = bit_at(old, *offset);
    const bool grows = current == nullptr || old.size() < needed;
    // No bit changes: nothing is written or signalled, but Redis has made the string raw.
    if (!grows && old_bit == (*on == 1))
      return Mutation::keep().encoded(storage::ValueEncoding::kRaw);
    value.assign(old);
    if (value.size() < needed) value.resize(needed, '\0');
    set_bit_at(value.data(), *offset, *on == 1);
    return Mutation::store(value, current != nullptr ? current->expire_at_ms : 0)
        .encoded(storage::ValueEncoding::kRaw);
  });
  if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(old_bit ? 1 : 0);
  }
}

void cmd_getbit(CommandContext& ctx) {
  const auto offset = parse_bit_offset(ctx, ctx.args[2]);
  if (!offset) return;
  bool bit = false;
  const bool hit =
      ctx.db().read(ctx.args[1], [&](const EntryView& e) { bit = bit_at(e.value, *offset); });
  count_lookup(ctx, hit);
  ctx.reply.integer(bit ? 1 : 0);
}

void cmd_bitcount(CommandContext& ctx) {
  // Redis looks the key up first: a missing key is 0 even with malformed arguments.
  const bool hit =
      ctx.db().read(ctx.args[1], [&](const EntryView& e) { bitcount_of(ctx, e.value); });
  count_lookup(ctx, hit);
  if (!hit) ctx.reply.integer(0);
}

void cmd_bitpos(CommandContext& ctx) {
  const auto bit = protocol::parse_int64(ctx.args[2]);
  if (!bit) {
    ctx.reply.error(replies::kNotInteger);
    return;
  }
  if (*bit != 0 && *bit != 1) {
    ctx.reply.error(replies::kBitArgument);
    return;
  }
  // A missing key is an endless run of zeros, whatever the range arguments say.
  const bool hit =
      ctx.db().read(ctx.args[1], [&](const EntryView& e) { bitpos_of(ctx, e.value, *bit == 1); });
  count_lookup(ctx, hit);
  if (!hit) ctx.reply.integer(*bit == 1 ? -1 : 0);
}

void cmd_bitop(CommandContext& ctx) {
  const auto op = parse_bitop(ctx.args[1]);
  if (!op) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  if (*op == BitOp::kNot && ctx.argc() != 4) {
    ctx.reply.error(replies::kBitopNotSingleKey);
    return;
  }
  const std::string_view target = ctx.args[2];
  if (!key_fits(ctx, target)) return;
  // Each source is read under its own shard's lock and the target written under its own;
  // atomicity across the keys is the transaction mechanism's job, not this handler's.
  std::string result;
  for (std::size_t j = 3; j < ctx.argc(); ++j) {
    const bool first = j == 3;
    const bool hit = ctx.db().read(
        ctx.args[j], [&](const EntryView& e) { fold_source(result, e.value, *op, first); });
    if (!hit) fold_source(result, {}, *op, first);
    count_lookup(ctx, hit);
  }
  // An empty result deletes the target, as in Redis; a stored one has no TTL.
  const WriteStatus status = ctx.db().update(target, [&](const EntryView*) {
    return result.empty() ? Mutation::erase()
                          : Mutation::store(result, 0).encoded(storage::ValueEncoding::kRaw);
  });
  if (status != WriteStatus::kOk) {
    ctx.reply.error(replies::kOutOfMemory);
  } else {
    ctx.reply.integer(static_cast<long long>(result.size()));
  }
}

}  // namespace respcache::commands
