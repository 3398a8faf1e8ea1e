#pragma once

#include <string_view>
#include <system_error>

namespace respcache::protocol {

/// Why the RESP parser refused its input. Every value but kArgumentTooLarge is a protocol
/// error: the connection gets `-ERR Protocol error: <text>` and is closed, as in Redis.
enum class ParseError {
  kNone = 0,
  kTooBigInline,                 ///< an inline line longer than the inline limit
  kUnbalancedQuotes,             ///< inline command with an unterminated or misplaced quote
  kTooBigMultibulk,              ///< a `*<count>` line longer than the inline limit
  kInvalidMultibulkLen,          ///< `*<count>` not a number, or above the argument limit
  kTooBigBulkCount,              ///< a `$<len>` line longer than the inline limit
  kExpectedDollar,               ///< an array element that is not a bulk string
  kInvalidBulkLen,               ///< `$<len>` not a number, negative, or above the bulk limit
  kUnauthenticatedMultibulkLen,  ///< `*<count>` above the limit for unauthenticated clients
  kUnauthenticatedBulkLen,       ///< `$<len>` above the limit for unauthenticated clients
  kArgumentTooLarge,  ///< not a protocol error: an argument above the buffered-argument limit
};

/// The text Redis 7.0 sends after "Protocol error: " (without the offending character for
/// kExpectedDollar, which the caller appends).
std::string_view describe(ParseError error);

const std::error_category& parse_error_category();
std::error_code make_error_code(ParseError error);

}  // namespace respcache::protocol

template <>
struct std::is_error_code_enum<respcache::protocol::ParseError> : std::true_type {};
