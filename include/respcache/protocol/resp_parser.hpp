#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "respcache/protocol/parse_error.hpp"

namespace respcache::protocol {

/// Limits enforced while parsing, before any memory is committed to a request.
struct ParserLimits {
  /// Longest inline command line and longest `*`/`$` header line (Redis: 64 KiB).
  std::size_t max_inline_len = 64 * 1024;
  /// A `$<len>` above this is a protocol error (Redis's proto-max-bulk-len).
  std::size_t max_bulk_len = 512 * 1024 * 1024;
  /// A bulk above this (but within max_bulk_len) is read and thrown away as it arrives; the
  /// command is then reported as kRejected, so one huge argument never has to be buffered.
  std::size_t max_buffered_arg_len = 8 * 1024 * 1024;
  /// A `*<count>` above this is a protocol error.
  std::size_t max_args = 1024 * 1024;
  /// While the client has not authenticated, more arguments or a longer bulk than these is a
  /// protocol error, so an anonymous peer cannot make the server allocate (Redis: 10, 16384).
  std::size_t max_unauthenticated_args = 10;
  std::size_t max_unauthenticated_bulk_len = 16384;
};

enum class ParseStatus {
  kCommand,        ///< a whole command: args() holds it
  kNeedMore,       ///< the input ends inside a command
  kRejected,       ///< a whole command was consumed but refused (error() says why)
  kProtocolError,  ///< the input is not RESP: reply with error() and close
};

struct ParseResult {
  ParseStatus status;
  /// Bytes at the front of the input that the caller must drop before the next call.
  std::size_t consumed;
};

/// An incremental parser for RESP2 arrays of bulk strings and for inline commands, the two
/// forms Redis accepts from clients. It does no I/O and allocates only when a command has
/// more arguments than any before it on this connection.
///
/// Contract: each call to parse() gets every byte the caller has not yet dropped, starting
/// where the previous result's `consumed` ended, with any newly received bytes appended. The
/// parser remembers how far it got, so a command split over many reads is scanned once.
/// Inline commands are unquoted in place, which is why the input is mutable.
class RespParser {
 public:
  explicit RespParser(ParserLimits limits = {}) : limits_(limits) {}

  ParseResult parse(std::span<char> input);

  /// The arguments of the command just returned as kCommand. The views point into the input
  /// of that parse() call: valid until the caller drops or moves those bytes.
  std::span<const std::string_view> args() const { return args_; }

  ParseError error() const { return error_; }
  /// For kExpectedDollar: the byte found where `$` was expected.
  char unexpected_byte() const { return unexpected_byte_; }

  const ParserLimits& limits() const { return limits_; }
  /// Applies the unauthenticated limits to headers parsed from now on.
  void set_unauthenticated(bool unauthenticated) { unauthenticated_ = unauthenticated; }

 private:
  enum class Phase { kStart, kArrayElements };

  ParseResult parse_inline(std::span<char> input);
  ParseResult parse_array(std::span<char> input);
  ParseResult fail(ParseError error);
  void reset_command();

  ParserLimits limits_;
  Phase phase_ = Phase::kStart;
  std::size_t pos_ = 0;            // resume offset from the start of the current command
  std::size_t elements_left_ = 0;  // array elements still to read
  long long bulk_len_ = -1;        // length of the bulk being read, -1 before its header
  std::size_t discard_left_ = 0;   // bytes of an oversized bulk still to throw away
  bool rejected_ = false;          // the current command had an oversized argument
  bool unauthenticated_ = false;
  ParseError error_ = ParseError::kNone;
  char unexpected_byte_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // (offset, length) per argument
  std::vector<std::string_view> args_;
};

}  // namespace respcache::protocol
