#include "respcache/protocol/reply_writer.hpp"

#include "respcache/protocol/integer.hpp"

namespace respcache::protocol {

void ReplyWriter::prefixed_number(char prefix, long long value) {
  char line[1 + kMaxInt64Digits + 2];
  line[0] = prefix;
  std::size_t len = 1 + format_int64(value, line + 1);
  line[len++] = '\r';
  line[len++] = '\n';
  out_.append(line, len);
}

void ReplyWriter::simple(std::string_view text) {
  out_.reserve_tail(text.size() + 3);
  out_.push_back('+');
  out_.append(text);
  out_.append("\r\n", 2);
}

void ReplyWriter::error(std::string_view text) {
  out_.reserve_tail(text.size() + 3);
  out_.push_back('-');
  // A reply line may not contain CR or LF; Redis replaces them with spaces too.
  for (char c : text) out_.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out_.append("\r\n", 2);
}

void ReplyWriter::integer(long long value) { prefixed_number(':', value); }

void ReplyWriter::array_header(std::size_t count) {
  prefixed_number('*', static_cast<long long>(count));
}

void ReplyWriter::bulk_header(std::size_t len) {
  prefixed_number('$', static_cast<long long>(len));
}

void ReplyWriter::bulk(std::string_view data) {
  out_.reserve_tail(data.size() + 1 + kMaxInt64Digits + 4);
  bulk_header(data.size());
  out_.append(data);
  out_.append("\r\n", 2);
}

}  // namespace respcache::protocol
