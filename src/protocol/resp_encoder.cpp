#include "respcache/protocol/resp_encoder.hpp"

#include <cmath>
#include <cstdio>

#include "respcache/protocol/integer.hpp"

namespace respcache::protocol {

void RespEncoder::prefixed_number(char prefix, long long value) {
  char text[1 + kMaxInt64Digits + 2];
  text[0] = prefix;
  std::size_t len = 1 + format_int64(value, text + 1);
  text[len++] = '\r';
  text[len++] = '\n';
  out_.append(text, len);
}

void RespEncoder::line(char prefix, std::string_view text) {
  out_.reserve_tail(text.size() + 3);
  out_.push_back(prefix);
  out_.append(text);
  out_.append("\r\n", 2);
}

void RespEncoder::simple(std::string_view text) { line('+', text); }

void RespEncoder::error(std::string_view text) {
  if (error_hook_ != nullptr) error_hook_(error_context_, text);
  out_.reserve_tail(text.size() + 3);
  out_.push_back('-');
  // A reply line may not contain CR or LF; Redis replaces them with spaces too.
  for (char c : text) out_.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out_.append("\r\n", 2);
}

void RespEncoder::bulk(std::string_view data) {
  out_.reserve_tail(data.size() + 1 + kMaxInt64Digits + 4);
  prefixed_number('$', static_cast<long long>(data.size()));
  out_.append(data);
  out_.append("\r\n", 2);
}

void RespEncoder::map(std::size_t pairs) {
  if (resp3_) {
    aggregate('%', pairs);
  } else {
    aggregate('*', 2 * pairs);
  }
}

void RespEncoder::double_value(double value) {
  // Redis 7.0's addReplyDouble.
  char text[64];
  int len = 0;
  if (std::isinf(value)) {
    len = std::snprintf(text, sizeof text, "%s", value > 0 ? "inf" : "-inf");
  } else {
    len = std::snprintf(text, sizeof text, "%.17g", value);
  }
  const std::string_view digits(text, static_cast<std::size_t>(len));
  if (resp3_) {
    line(',', digits);
  } else {
    bulk(digits);
  }
}

void RespEncoder::boolean(bool value) {
  if (resp3_) {
    out_.append(value ? "#t\r\n" : "#f\r\n", 4);
  } else {
    integer(value ? 1 : 0);
  }
}

void RespEncoder::verbatim(std::string_view text, std::string_view format) {
  if (!resp3_) return bulk(text);
  out_.reserve_tail(text.size() + format.size() + 1 + kMaxInt64Digits + 4);
  prefixed_number('=', static_cast<long long>(text.size() + format.size() + 1));
  out_.append(format);
  out_.push_back(':');
  out_.append(text);
  out_.append("\r\n", 2);
}

void RespEncoder::big_number(std::string_view digits) {
  if (resp3_) {
    line('(', digits);
  } else {
    bulk(digits);
  }
}

}  // namespace respcache::protocol
