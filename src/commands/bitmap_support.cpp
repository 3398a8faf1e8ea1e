#include "bitmap_support.hpp"

#include "command_support.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {

std::optional<std::uint64_t> parse_bit_offset(CommandContext& ctx, std::string_view arg, int bits) {
  const bool per_field = bits > 0 && !arg.empty() && arg[0] == '#';
  auto offset = protocol::parse_int64(per_field ? arg.substr(1) : arg);
  if (offset && per_field) {
    // Redis multiplies in signed 64 bits; a product that wraps negative is refused below.
    offset = static_cast<long long>(static_cast<std::uint64_t>(*offset) *
                                    static_cast<std::uint64_t>(bits));
  }
  if (!offset || *offset < 0 || static_cast<std::uint64_t>(*offset >> 3) >= kProtoMaxBulkLen) {
    ctx.reply.error(replies::kBitOffsetInvalid);
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*offset);
}

}  // namespace respcache::commands
