#pragma once

// Redis 7.0's long double text conversions (util.c string2ld and ld2string), which
// INCRBYFLOAT uses for both the stored value and its increment.

#include <cstddef>
#include <optional>
#include <string_view>

namespace respcache::commands {

/// Redis's string2ld: strtold over the whole text, refusing an empty or 5 KiB+ text, leading
/// blanks, trailing bytes (an embedded NUL among them), NaN, and overflow or underflow to
/// zero. Infinity is accepted.
std::optional<long double> parse_long_double(std::string_view text);

/// Room format_long_double needs: Redis's MAX_LONG_DOUBLE_CHARS.
inline constexpr std::size_t kMaxLongDoubleChars = 5 * 1024;

/// Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf" with the trailing zeros (and a bare '.')
/// removed, "-0" written as "0", and "inf" / "-inf". Writes at most kMaxLongDoubleChars bytes
/// at `out` and returns the length (0 if it did not fit, as Redis).
std::size_t format_long_double(long double value, char* out);

}  // namespace respcache::commands
