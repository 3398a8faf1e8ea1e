#include "respcache/protocol/integer.hpp"

#include <climits>

namespace respcache::protocol {

std::optional<long long> parse_int64(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return std::nullopt;
  if (text.size() == 1 && *p == '0') return 0;

  bool negative = false;
  if (*p == '-') {
    negative = true;
    if (++p == end) return std::nullopt;
  }
  if (*p < '1' || *p > '9') return std::nullopt;

  unsigned long long magnitude = static_cast<unsigned long long>(*p++ - '0');
  for (; p != end; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
    const auto digit = static_cast<unsigned long long>(*p - '0');
    if (magnitude > (ULLONG_MAX - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    if (magnitude > static_cast<unsigned long long>(LLONG_MAX) + 1) return std::nullopt;
    return static_cast<long long>(0ULL - magnitude);
  }
  if (magnitude > static_cast<unsigned long long>(LLONG_MAX)) return std::nullopt;
  return static_cast<long long>(magnitude);
}

std::size_t format_int64(long long value, char* out) {
  char digits[kMaxInt64Digits];
  std::size_t n = 0;
  unsigned long long magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                           : static_cast<unsigned long long>(value);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  std::size_t len = 0;
  if (value < 0) out[len++] = '-';
  while (n > 0) out[len++] = digits[--n];
  return len;
}

}  // namespace respcache::protocol
