#pragma once

// What the bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD) share: Redis
// 7.0's bit-offset parsing and bit addressing. Bit 0 is the most significant bit of byte 0.

#include <cstdint>
#include <optional>
#include <string_view>

#include "respcache/commands/command_context.hpp"

namespace respcache::commands {

/// Redis's getBitOffsetFromArgument: a non-negative integer whose byte (offset / 8) is below
/// proto-max-bulk-len. With `bits` > 0 (BITFIELD), "#n" means n * bits. Otherwise replies
/// "bit offset is not an integer or out of range" and returns nullopt.
std::optional<std::uint64_t> parse_bit_offset(CommandContext& ctx, std::string_view arg,
                                              int bits = 0);

/// Bit `offset` of `value`; bits past the end read as 0.
inline bool bit_at(std::string_view value, std::uint64_t offset) {
  const std::uint64_t byte = offset >> 3;
  if (byte >= value.size()) return false;
  return (static_cast<unsigned char>(value[byte]) >> (7 - (offset & 7))) & 1U;
}

/// Sets bit `offset` of `data`, which must hold it.
inline void set_bit_at(char* data, std::uint64_t offset, bool on) {
  auto& byte = reinterpret_cast<unsigned char&>(data[offset >> 3]);
  const unsigned mask = 1U << (7 - (offset & 7));
  byte = static_cast<unsigned char>(on ? (byte | mask) : (byte & ~mask));
}

}  // namespace respcache::commands
