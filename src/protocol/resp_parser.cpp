#include "respcache/protocol/resp_parser.hpp"

#include <algorithm>
#include <climits>
#include <cstring>

#include "respcache/protocol/inline_splitter.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::protocol {
namespace {

// Argument vectors larger than this are released after their command, so one MSET with a
// million arguments does not pin megabytes to an idle connection.
constexpr std::size_t kRetainedArgCapacity = 1024;

const char* find_byte(std::span<char> input, std::size_t from, char byte) {
  if (from >= input.size()) return nullptr;
  return static_cast<const char*>(std::memchr(input.data() + from, byte, input.size() - from));
}

}  // namespace

ParseResult RespParser::parse(std::span<char> input) {
  if (phase_ == Phase::kStart && spans_.capacity() > kRetainedArgCapacity) {
    spans_ = {};
    args_ = {};
  }
  std::size_t skipped = 0;  // bytes of empty commands (`*0`, blank lines) passed over
  while (true) {
    std::span<char> rest = input.subspan(skipped);
    ParseResult result;
    if (phase_ == Phase::kStart) {
      if (rest.empty()) return {ParseStatus::kNeedMore, skipped};
      result = rest[0] == '*' ? parse_array(rest) : parse_inline(rest);
    } else {
      result = parse_array(rest);
    }
    // An empty command is reported internally as a command with no arguments.
    if (result.status == ParseStatus::kCommand && args_.empty()) {
      skipped += result.consumed;
      continue;
    }
    result.consumed += skipped;
    return result;
  }
}

ParseResult RespParser::parse_inline(std::span<char> input) {
  // Lines are limited whether or not their end has arrived yet, so the outcome never depends
  // on how the input was split into reads (Redis checks only while the newline is missing).
  const char* newline = find_byte(input, 0, '\n');
  const std::size_t line_len_or_all =
      newline != nullptr ? static_cast<std::size_t>(newline - input.data()) : input.size();
  if (line_len_or_all > limits_.max_inline_len) return fail(ParseError::kTooBigInline);
  if (newline == nullptr) return {ParseStatus::kNeedMore, 0};
  std::size_t line_len = line_len_or_all;
  const std::size_t consumed = line_len + 1;
  if (line_len > 0 && input[line_len - 1] == '\r') --line_len;

  spans_.clear();
  if (!split_inline(input.first(line_len), 0, spans_)) return fail(ParseError::kUnbalancedQuotes);
  args_.clear();
  for (auto [offset, length] : spans_) args_.emplace_back(input.data() + offset, length);
  reset_command();
  return {ParseStatus::kCommand, consumed};
}

ParseResult RespParser::parse_array(std::span<char> input) {
  // While a command is rejected nothing in it is kept, so all scanned bytes can be dropped.
  auto need_more = [&]() -> ParseResult {
    if (!rejected_) return {ParseStatus::kNeedMore, 0};
    const std::size_t dropped = pos_;
    pos_ = 0;
    return {ParseStatus::kNeedMore, dropped};
  };

  if (phase_ == Phase::kStart) {
    const char* cr = find_byte(input, 0, '\r');
    const std::size_t header_len =
        cr != nullptr ? static_cast<std::size_t>(cr - input.data()) : input.size();
    if (header_len > limits_.max_inline_len) return fail(ParseError::kTooBigMultibulk);
    if (cr == nullptr) return {ParseStatus::kNeedMore, 0};
    const std::size_t cr_offset = header_len;
    if (cr_offset + 1 >= input.size()) return {ParseStatus::kNeedMore, 0};  // wait for '\n'
    const auto count = parse_int64({input.data() + 1, cr_offset - 1});
    if (!count || *count > INT_MAX ||
        (*count > 0 && static_cast<std::size_t>(*count) > limits_.max_args)) {
      return fail(ParseError::kInvalidMultibulkLen);
    }
    if (unauthenticated_ && *count > 0 &&
        static_cast<std::size_t>(*count) > limits_.max_unauthenticated_args) {
      return fail(ParseError::kUnauthenticatedMultibulkLen);
    }
    pos_ = cr_offset + 2;
    if (*count <= 0) {  // `*0` and `*-1` are empty commands, ignored as Redis does
      const std::size_t consumed = pos_;
      args_.clear();
      reset_command();
      return {ParseStatus::kCommand, consumed};
    }
    phase_ = Phase::kArrayElements;
    elements_left_ = static_cast<std::size_t>(*count);
    bulk_len_ = -1;
    spans_.clear();
  }

  while (elements_left_ > 0) {
    if (discard_left_ > 0) {
      const std::size_t take = std::min(input.size() - pos_, discard_left_);
      pos_ += take;
      discard_left_ -= take;
      if (discard_left_ > 0) return need_more();
      bulk_len_ = -1;
      --elements_left_;
      continue;
    }
    if (bulk_len_ < 0) {
      const char* cr = find_byte(input, pos_, '\r');
      const std::size_t cr_offset =
          cr != nullptr ? static_cast<std::size_t>(cr - input.data()) : input.size();
      if (cr_offset - pos_ > limits_.max_inline_len) return fail(ParseError::kTooBigBulkCount);
      if (cr == nullptr) return need_more();
      if (cr_offset + 1 >= input.size()) return need_more();
      if (input[pos_] != '$') {
        unexpected_byte_ = input[pos_];
        return fail(ParseError::kExpectedDollar);
      }
      const auto len = parse_int64({input.data() + pos_ + 1, cr_offset - pos_ - 1});
      if (!len || *len < 0 || static_cast<unsigned long long>(*len) > limits_.max_bulk_len) {
        return fail(ParseError::kInvalidBulkLen);
      }
      if (unauthenticated_ &&
          static_cast<std::size_t>(*len) > limits_.max_unauthenticated_bulk_len) {
        return fail(ParseError::kUnauthenticatedBulkLen);
      }
      pos_ = cr_offset + 2;
      bulk_len_ = *len;
      if (static_cast<std::size_t>(*len) > limits_.max_buffered_arg_len) {
        rejected_ = true;
        error_ = ParseError::kArgumentTooLarge;
        discard_left_ = static_cast<std::size_t>(*len) + 2;
        spans_.clear();
        continue;
      }
    }
    // Like Redis, the two bytes after a bulk payload are skipped, not checked.
    const auto needed = static_cast<std::size_t>(bulk_len_) + 2;
    if (input.size() - pos_ < needed) return need_more();
    if (!rejected_) spans_.emplace_back(pos_, static_cast<std::size_t>(bulk_len_));
    pos_ += needed;
    bulk_len_ = -1;
    --elements_left_;
  }

  const std::size_t consumed = pos_;
  if (rejected_) {
    reset_command();
    return {ParseStatus::kRejected, consumed};
  }
  args_.clear();
  for (auto [offset, length] : spans_) args_.emplace_back(input.data() + offset, length);
  reset_command();
  return {ParseStatus::kCommand, consumed};
}

ParseResult RespParser::fail(ParseError error) {
  reset_command();
  error_ = error;
  return {ParseStatus::kProtocolError, 0};
}

void RespParser::reset_command() {
  phase_ = Phase::kStart;
  pos_ = 0;
  elements_left_ = 0;
  bulk_len_ = -1;
  discard_left_ = 0;
  rejected_ = false;
}

}  // namespace respcache::protocol
