#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace respcache::protocol {

/// Parses a signed 64-bit decimal exactly as Redis's string2ll does: an optional '-', no '+',
/// no blanks, no leading zeros (but "0" itself), no overflow. Anything else is nullopt.
std::optional<long long> parse_int64(std::string_view text);

/// Writes `value` in decimal at `out` (room for 20 bytes needed); returns the length.
std::size_t format_int64(long long value, char* out);

/// Longest text format_int64 writes.
inline constexpr std::size_t kMaxInt64Digits = 20;

}  // namespace respcache::protocol
