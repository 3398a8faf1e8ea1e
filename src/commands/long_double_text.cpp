#include "long_double_text.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace respcache::commands {

std::optional<long double> parse_long_double(std::string_view text) {
  char buf[kMaxLongDoubleChars];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';

  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buf, &end);
  const bool range_error =
      errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || value == 0.0L);
  if (std::isspace(static_cast<unsigned char>(buf[0])) || end != buf + text.size() || range_error ||
      errno == EINVAL || std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

std::size_t format_long_double(long double value, char* out) {
  if (std::isinf(value)) {
    const std::string_view text = value > 0 ? "inf" : "-inf";
    std::memcpy(out, text.data(), text.size());
    return text.size();
  }
  // 17 digits after the point, as Redis: enough that most short decimals typed by a user
  // come back as typed once the trailing zeros go.
  const int written = std::snprintf(out, kMaxLongDoubleChars, "%.17Lf", value);
  if (written < 0 || static_cast<std::size_t>(written) + 1 > kMaxLongDoubleChars) return 0;
  std::size_t len = static_cast<std::size_t>(written);
  if (std::memchr(out, '.', len) != nullptr) {
    while (out[len - 1] == '0') --len;
    if (out[len - 1] == '.') --len;
  }
  if (len == 2 && out[0] == '-' && out[1] == '0') {
    out[0] = '0';
    len = 1;
  }
  return len;
}

}  // namespace respcache::commands
