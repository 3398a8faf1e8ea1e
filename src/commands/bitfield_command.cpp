// BITFIELD and BITFIELD_RO, as Redis 7.0's bitfieldGeneric: signed fields of 1 to 64 bits and
// unsigned ones of 1 to 63, read, written and incremented with WRAP, SAT or FAIL overflow.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

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

enum class Opcode { kGet, kSet, kIncrBy };
enum class Overflow { kWrap, kSat, kFail };

struct FieldOp {
  Opcode opcode;
  Overflow overflow;  ///< the OVERFLOW in force when the op was given
  bool is_signed;
  int bits;
  std::uint64_t offset;
  long long value;  ///< SET's value or INCRBY's increment
};

/// Redis's getBitfieldTypeFromArgument: "i1".."i64" or "u1".."u63", lowercase letter.
bool parse_type(CommandContext& ctx, std::string_view arg, bool& is_signed, int& bits) {
  const auto width = arg.empty() ? std::nullopt : protocol::parse_int64(arg.substr(1));
  const bool letter_ok = !arg.empty() && (arg[0] == 'i' || arg[0] == 'u');
  is_signed = letter_ok && arg[0] == 'i';
  if (!letter_ok || !width || *width < 1 || *width > (is_signed ? 64 : 63)) {
    ctx.reply.error(replies::kBitfieldType);
    return false;
  }
  bits = static_cast<int>(*width);
  return true;
}

/// Parses every op before anything runs, as Redis does: one bad op fails the command.
bool parse_ops(CommandContext& ctx, std::vector<FieldOp>& ops) {
  Overflow overflow = Overflow::kWrap;
  for (std::size_t j = 2; j < ctx.argc(); ++j) {
    const std::string_view sub = ctx.args[j];
    const std::size_t remaining = ctx.argc() - j - 1;
    FieldOp op{Opcode::kGet, overflow, false, 0, 0, 0};
    if (iequals(sub, "get") && remaining >= 2) {
      op.opcode = Opcode::kGet;
    } else if (iequals(sub, "set") && remaining >= 3) {
      op.opcode = Opcode::kSet;
    } else if (iequals(sub, "incrby") && remaining >= 3) {
      op.opcode = Opcode::kIncrBy;
    } else if (iequals(sub, "overflow") && remaining >= 1) {
      const std::string_view kind = ctx.args[++j];
      if (iequals(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (iequals(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (iequals(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        ctx.reply.error(replies::kBitfieldOverflowType);
        return false;
      }
      continue;
    } else {
      ctx.reply.error(replies::kSyntaxError);
      return false;
    }
    if (!parse_type(ctx, ctx.args[j + 1], op.is_signed, op.bits)) return false;
    const auto offset = parse_bit_offset(ctx, ctx.args[j + 2], op.bits);
    if (!offset) return false;
    op.offset = *offset;
    if (op.opcode != Opcode::kGet) {
      const auto value = protocol::parse_int64(ctx.args[j + 3]);
      if (!value) {
        ctx.reply.error(replies::kNotInteger);
        return false;
      }
      op.value = *value;
    }
    ops.push_back(op);
    j += op.opcode == Opcode::kGet ? 2 : 3;
  }
  return true;
}

std::uint64_t get_unsigned(std::string_view value, std::uint64_t offset, int bits) {
  std::uint64_t field = 0;
  for (int i = 0; i < bits; ++i) field = (field << 1) | (bit_at(value, offset + i) ? 1U : 0U);
  return field;
}

std::int64_t get_signed(std::string_view value, std::uint64_t offset, int bits) {
  std::uint64_t field = get_unsigned(value, offset, bits);
  if (bits < 64 && (field & (std::uint64_t{1} << (bits - 1))) != 0)
    field |= ~std::uint64_t{0} << bits;
  return static_cast<std::int64_t>(field);
}

void set_field(std::string& value, std::uint64_t offset, int bits, std::uint64_t field) {
  for (int i = 0; i < bits; ++i) {
    set_bit_at(value.data(), offset + i, ((field >> (bits - 1 - i)) & 1U) != 0);
  }
}

/// Redis's checkUnsignedBitfieldOverflow: whether value + incr leaves [0, 2^bits), and in
/// `limit` what WRAP or SAT makes of it. Redis's signed/unsigned mix is kept as it is.
bool unsigned_overflow(std::uint64_t value, std::int64_t incr, int bits, Overflow mode,
                       std::uint64_t& limit) {
  const std::uint64_t max = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  const auto max_incr = static_cast<std::int64_t>(max - value);
  const auto min_incr = static_cast<std::int64_t>(-value);
  const bool high = value > max || (incr > 0 && incr > max_incr);
  const bool low = !high && incr < 0 && incr < min_incr;
  if (!high && !low) return false;
  if (mode == Overflow::kWrap) {
    limit = (value + static_cast<std::uint64_t>(incr)) & ~(~std::uint64_t{0} << bits);
  } else if (mode == Overflow::kSat) {
    limit = high ? max : 0;
  }
  return true;
}

/// Redis's checkSignedBitfieldOverflow, the same for [-2^(bits-1), 2^(bits-1)).
bool signed_overflow(std::int64_t value, std::int64_t incr, int bits, Overflow mode,
                     std::int64_t& limit) {
  const std::int64_t max =
      bits == 64 ? INT64_MAX : static_cast<std::int64_t>((std::uint64_t{1} << (bits - 1)) - 1);
  const std::int64_t min = -max - 1;
  // Either may wrap; Redis uses them only once `value` is known to be in range.
  const auto max_incr = static_cast<std::int64_t>(static_cast<std::uint64_t>(max) -
                                                  static_cast<std::uint64_t>(value));
  const auto min_incr = static_cast<std::int64_t>(static_cast<std::uint64_t>(min) -
                                                  static_cast<std::uint64_t>(value));
  const bool high =
      value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr);
  const bool low = !high && (value < min || (bits != 64 && incr < min_incr) ||
                             (value < 0 && incr < 0 && incr < min_incr));
  if (!high && !low) return false;
  if (mode == Overflow::kWrap) {
    std::uint64_t sum = static_cast<std::uint64_t>(value) + static_cast<std::uint64_t>(incr);
    if (bits < 64) {
      const std::uint64_t mask = ~std::uint64_t{0} << bits;
      sum = (sum & (std::uint64_t{1} << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
    }
    limit = static_cast<std::int64_t>(sum);
  } else if (mode == Overflow::kSat) {
    limit = high ? max : min;
  }
  return true;
}

/// Runs a SET or INCRBY on `value` (already long enough) and replies its result: the old
/// value for SET, the new one for INCRBY, null when FAIL refused it.
void write_field(CommandContext& ctx, std::string& value, const FieldOp& op) {
  const bool incr = op.opcode == Opcode::kIncrBy;
  bool overflow = false;
  std::uint64_t stored = 0;
  long long reply = 0;
  if (op.is_signed) {
    const std::int64_t old = get_signed(value, op.offset, op.bits);
    std::int64_t wrapped = 0;
    std::int64_t next = 0;
    if (incr) {
      overflow = signed_overflow(old, op.value, op.bits, op.overflow, wrapped);
      next = overflow ? wrapped
                      : static_cast<std::int64_t>(static_cast<std::uint64_t>(old) +
                                                  static_cast<std::uint64_t>(op.value));
      reply = next;
    } else {
      overflow = signed_overflow(op.value, 0, op.bits, op.overflow, wrapped);
      next = overflow ? wrapped : op.value;
      reply = old;
    }
    stored = static_cast<std::uint64_t>(next);
  } else {
    const std::uint64_t old = get_unsigned(value, op.offset, op.bits);
    std::uint64_t wrapped = 0;
    if (incr) {
      overflow = unsigned_overflow(old, op.value, op.bits, op.overflow, wrapped);
      stored = overflow ? wrapped : old + static_cast<std::uint64_t>(op.value);
      reply = static_cast<long long>(stored);
    } else {
      const auto wanted = static_cast<std::uint64_t>(op.value);
      overflow = unsigned_overflow(wanted, 0, op.bits, op.overflow, wrapped);
      stored = overflow ? wrapped : wanted;
      reply = static_cast<long long>(old);
    }
  }
  if (overflow && op.overflow == Overflow::kFail) {
    ctx.reply.null();
    return;
  }
  ctx.reply.integer(reply);
  set_field(value, op.offset, op.bits, stored);
}

void reply_get(CommandContext& ctx, std::string_view value, const FieldOp& op) {
  ctx.reply.integer(op.is_signed ? get_signed(value, op.offset, op.bits)
                                 : static_cast<long long>(get_unsigned(value, op.offset, op.bits)));
}

void bitfield(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOp> ops;
  ops.reserve((ctx.argc() - 2) / 3);
  if (!parse_ops(ctx, ops)) return;
  std::uint64_t highest_bit = 0;
  bool writes = false;
  for (const FieldOp& op : ops) {
    if (op.opcode == Opcode::kGet) continue;
    writes = true;
    highest_bit = std::max(highest_bit, op.offset + op.bits - 1);
  }

  const std::string_view key = ctx.args[1];
  if (!writes) {
    bool hit = false;
    ctx.db().read(key, [&](const EntryView& e) {
      hit = true;
      ctx.reply.array(ops.size());
      for (const FieldOp& op : ops) reply_get(ctx, e.value, op);
    });
    count_lookup(ctx, hit);
    if (!hit) {
      ctx.reply.array(ops.size());
      for (const FieldOp& op : ops) reply_get(ctx, {}, op);
    }
    return;
  }
  if (read_only_command) {
    ctx.reply.error(replies::kBitfieldReadOnly);
    return;
  }
  if (!key_fits(ctx, key)) return;
  // Redis grows the value up to the highest bit written, within its 512 MB bit-offset limit
  // (checked while parsing, with Redis's text); past our smaller --max-value-size,
  // value_too_large, as APPEND replies.
  const std::uint64_t needed = (highest_bit >> 3) + 1;
  if (!value_fits(ctx, needed)) return;

  // The replies are made under the shard's lock; if the write then fails they are taken back
  // for an OOM error, so the client sees one reply.
  const std::size_t reply_mark = ctx.reply.mark();
  std::string value;  // the rewritten value: the storage API stores whole views
  const WriteStatus status = ctx.db().update(key, [&](const EntryView* current) {
    value.assign(current != nullptr ? current->value : std::string_view{});
    if (value.size() < needed) value.resize(needed, '\0');
    ctx.reply.array(ops.size());
    for (const FieldOp& op : ops) {
      if (op.opcode == Opcode::kGet) {
        reply_get(ctx, value, op);
      } else {
        write_field(ctx, value, op);
      }
    }
    return Mutation::store(value, current != nullptr ? current->expire_at_ms : 0)
        .encoded(storage::ValueEncoding::kRaw);
  });
  if (status != WriteStatus::kOk) {
    ctx.reply.rollback(reply_mark);
    ctx.reply.error(replies::kOutOfMemory);
  }
}

}  // namespace

void cmd_bitfield(CommandContext& ctx) { bitfield(ctx, false); }
void cmd_bitfield_ro(CommandContext& ctx) { bitfield(ctx, true); }

}  // namespace respcache::commands
