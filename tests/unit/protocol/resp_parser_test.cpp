#include "respcache/protocol/resp_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace respcache::protocol {
namespace {

using namespace std::string_literals;

// What one parse() result meant to the caller, with the arguments copied out of the buffer.
struct Event {
  ParseStatus status = ParseStatus::kCommand;
  std::vector<std::string> args;         // kCommand
  ParseError error = ParseError::kNone;  // kRejected and kProtocolError
  char unexpected = 0;                   // kExpectedDollar

  bool operator==(const Event&) const = default;
};

Event command(std::vector<std::string> args) { return {ParseStatus::kCommand, std::move(args)}; }
Event rejected() { return {ParseStatus::kRejected, {}, ParseError::kArgumentTooLarge}; }
Event protocol_error(ParseError error, char unexpected = 0) {
  return {ParseStatus::kProtocolError, {}, error, unexpected};
}

std::string escaped(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

void PrintTo(const Event& event, std::ostream* os) {
  switch (event.status) {
    case ParseStatus::kCommand:
      *os << "command[";
      for (std::size_t i = 0; i < event.args.size(); ++i) {
        *os << (i ? " " : "") << '"' << escaped(event.args[i]) << '"';
      }
      *os << "]";
      return;
    case ParseStatus::kRejected:
      *os << "rejected(" << describe(event.error) << ")";
      return;
    case ParseStatus::kProtocolError:
      *os << "error(" << describe(event.error);
      if (event.error == ParseError::kExpectedDollar) *os << escaped({&event.unexpected, 1}) << "'";
      *os << ")";
      return;
    case ParseStatus::kNeedMore:
      *os << "need-more";
      return;
  }
}

// Plays the caller's side of RespParser's contract: keeps every byte not yet dropped in one
// buffer, appends each chunk to it, calls parse() until it asks for more input, and drops
// `consumed` bytes after every call. A protocol error ends the connection.
class Feeder {
 public:
  explicit Feeder(const ParserLimits& limits = {}, bool unauthenticated = false) : parser_(limits) {
    parser_.set_unauthenticated(unauthenticated);
  }

  void feed(std::string_view chunk) {
    if (closed_) return;
    buffer_.append(chunk);
    while (true) {
      const ParseResult result = parser_.parse({buffer_.data(), buffer_.size()});
      if (result.consumed > buffer_.size()) {
        ADD_FAILURE() << "consumed " << result.consumed << " of " << buffer_.size() << " bytes";
        closed_ = true;
        return;
      }
      switch (result.status) {
        case ParseStatus::kNeedMore:
          dropped_while_waiting_ += result.consumed;
          buffer_.erase(0, result.consumed);
          return;
        case ParseStatus::kCommand:
          record_command(result.consumed);
          break;
        case ParseStatus::kRejected:
          events_.push_back({ParseStatus::kRejected, {}, parser_.error()});
          break;
        case ParseStatus::kProtocolError:
          events_.push_back(protocol_error(
              parser_.error(),
              parser_.error() == ParseError::kExpectedDollar ? parser_.unexpected_byte() : 0));
          closed_ = true;
          return;
      }
      if (result.consumed == 0) {
        ADD_FAILURE() << "a finished command consumed no bytes";
        closed_ = true;
        return;
      }
      buffer_.erase(0, result.consumed);
    }
  }

  const std::vector<Event>& events() const { return events_; }
  /// Bytes the caller still holds for the parser.
  std::size_t buffered() const { return buffer_.size(); }
  /// Bytes the parser let the caller drop while asking for more input.
  std::size_t dropped_while_waiting() const { return dropped_while_waiting_; }

 private:
  void record_command(std::size_t consumed) {
    Event event;
    const char* begin = buffer_.data();
    const char* end = begin + consumed;
    for (std::string_view arg : parser_.args()) {
      // The views must point into the consumed part of the caller's buffer.
      EXPECT_TRUE(arg.empty() || (arg.data() >= begin && arg.data() + arg.size() <= end))
          << "argument \"" << escaped(arg) << "\" lies outside the consumed input";
      event.args.emplace_back(arg);
    }
    events_.push_back(std::move(event));
  }

  RespParser parser_;
  std::string buffer_;
  std::vector<Event> events_;
  std::size_t dropped_while_waiting_ = 0;
  bool closed_ = false;
};

std::vector<Event> feed_chunks(const std::vector<std::string_view>& chunks,
                               const ParserLimits& limits, bool unauthenticated = false) {
  Feeder feeder(limits, unauthenticated);
  for (std::string_view chunk : chunks) feeder.feed(chunk);
  return feeder.events();
}

// Inputs up to this size are also split into three chunks at every pair of offsets.
constexpr std::size_t kThreeWaySplitLimit = 96;

// Parses `input` whole, then split into two chunks at every byte offset, then one byte at a
// time (and, when short, in three chunks at every pair of offsets). Every way must give the
// same events; returns them.
std::vector<Event> parse_every_split(std::string_view input, const ParserLimits& limits = {},
                                     bool unauthenticated = false) {
  const std::vector<Event> whole = feed_chunks({input}, limits, unauthenticated);
  auto check = [&](const std::vector<std::string_view>& chunks, const std::string& how) {
    const std::vector<Event> events = feed_chunks(chunks, limits, unauthenticated);
    if (events == whole) return true;
    ADD_FAILURE() << "input \"" << escaped(input) << "\" " << how << " gives\n  "
                  << testing::PrintToString(events) << "\nbut whole it gives\n  "
                  << testing::PrintToString(whole);
    return false;
  };

  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    if (!check({input.substr(0, cut), input.substr(cut)}, "split at " + std::to_string(cut))) {
      return whole;
    }
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  if (!check(bytes, "fed byte by byte")) return whole;

  if (input.size() <= kThreeWaySplitLimit) {
    for (std::size_t a = 1; a < input.size(); ++a) {
      for (std::size_t b = a + 1; b < input.size(); ++b) {
        if (!check({input.substr(0, a), input.substr(a, b - a), input.substr(b)},
                   "split at " + std::to_string(a) + " and " + std::to_string(b))) {
          return whole;
        }
      }
    }
  }
  return whole;
}

using Events = std::vector<Event>;

ParserLimits small_limits() {
  ParserLimits limits;
  limits.max_inline_len = 16;
  limits.max_bulk_len = 1000;
  limits.max_buffered_arg_len = 8;
  limits.max_args = 4;
  return limits;
}

// ---------------------------------------------------------------------------------------------
// Arrays of bulk strings

TEST(RespParser, ParsesOneArray) {
  EXPECT_EQ(parse_every_split("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n"),
            (Events{command({"SET", "a", "b"})}));
}

TEST(RespParser, ParsesPipelinedArrays) {
  EXPECT_EQ(parse_every_split("*1\r\n$4\r\nPING\r\n"
                              "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"
                              "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"),
            (Events{command({"PING"}), command({"GET", "key"}), command({"SET", "key", "value"})}));
}

TEST(RespParser, BulksAreBinarySafe) {
  const std::string input = "*3\r\n$3\r\nSET\r\n$3\r\nk\0y\r\n$12\r\n\r\n*1\r\n$0\r\n\0\xff\r\n"s;
  EXPECT_EQ(parse_every_split(input),
            (Events{command({"SET", "k\0y"s, "\r\n*1\r\n$0\r\n\0\xff"s})}));
}

TEST(RespParser, ParsesEmptyBulks) {
  EXPECT_EQ(parse_every_split("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n"),
            (Events{command({"SET", "", ""})}));
}

TEST(RespParser, IgnoresEmptyAndNullArrays) {
  EXPECT_EQ(parse_every_split("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n*0\r\n*-1\r\n"),
            (Events{command({"PING"})}));

  // The ignored commands are consumed, not left in the caller's buffer.
  Feeder feeder;
  feeder.feed("*0\r\n*-1\r\n*-5\r\n");
  EXPECT_TRUE(feeder.events().empty());
  EXPECT_EQ(feeder.buffered(), 0u);
}

TEST(RespParser, SkipsTheTwoBytesAfterABulkUnchecked) {
  // As in Redis, the CRLF after a payload is skipped by count, not verified.
  EXPECT_EQ(parse_every_split("*2\r\n$3\r\nGET\r\n$1\r\nkXY*1\r\n$4\r\nPING\r\n"),
            (Events{command({"GET", "k"}), command({"PING"})}));
}

TEST(RespParser, ReportsExactlyTheBytesOfOneCommand) {
  std::string input = "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPI";
  RespParser parser;

  ParseResult result = parser.parse({input.data(), input.size()});
  ASSERT_EQ(result.status, ParseStatus::kCommand);
  EXPECT_EQ(result.consumed, 14u);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
  EXPECT_EQ(parser.args()[0].data(), input.data() + 8);  // a view into the input, not a copy
  input.erase(0, result.consumed);

  result = parser.parse({input.data(), input.size()});
  ASSERT_EQ(result.status, ParseStatus::kCommand);
  EXPECT_EQ(result.consumed, 20u);
  input.erase(0, result.consumed);

  // A partial command keeps every byte: its arguments will be views into them.
  result = parser.parse({input.data(), input.size()});
  EXPECT_EQ(result.status, ParseStatus::kNeedMore);
  EXPECT_EQ(result.consumed, 0u);
  input += "NG\r\n";
  result = parser.parse({input.data(), input.size()});
  ASSERT_EQ(result.status, ParseStatus::kCommand);
  EXPECT_EQ(result.consumed, input.size());
}

TEST(RespParser, NeedsMoreOnEmptyInput) {
  RespParser parser;
  std::string empty;
  const ParseResult result = parser.parse({empty.data(), empty.size()});
  EXPECT_EQ(result.status, ParseStatus::kNeedMore);
  EXPECT_EQ(result.consumed, 0u);
}

TEST(RespParser, AcceptsUpToMaxArgs) {
  const ParserLimits limits = small_limits();  // max_args = 4
  EXPECT_EQ(parse_every_split("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", limits),
            (Events{command({"a", "b", "c", "d"})}));
  EXPECT_EQ(parse_every_split("*5\r\n$1\r\na\r\n", limits),
            (Events{protocol_error(ParseError::kInvalidMultibulkLen)}));
}

TEST(RespParser, KeepsParsingAfterACommandWithVeryManyArguments) {
  // Far more arguments than the parser keeps capacity for between commands.
  std::string input = "*3000\r\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 3000; ++i) {
    const std::string arg = std::to_string(i);
    input += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
    expected.push_back(arg);
  }
  input += "*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n";

  std::vector<std::string_view> chunks;
  for (std::size_t i = 0; i < input.size(); i += 1000)
    chunks.push_back(std::string_view(input).substr(i, 1000));
  const Events want{command(expected), command({"GET", "k"}), command({"PING"}), command({"QUIT"})};
  EXPECT_EQ(feed_chunks({input}, {}), want);
  EXPECT_EQ(feed_chunks(chunks, {}), want);
}

// ---------------------------------------------------------------------------------------------
// Inline commands

TEST(RespParserInline, ParsesABareCommand) {
  EXPECT_EQ(parse_every_split("PING\r\n"), (Events{command({"PING"})}));
}

TEST(RespParserInline, SplitsOnBlanks) {
  EXPECT_EQ(parse_every_split("  SET \t key   value \r\n"),
            (Events{command({"SET", "key", "value"})}));
}

TEST(RespParserInline, HonoursDoubleQuotes) {
  EXPECT_EQ(parse_every_split("SET a \"b c\"\r\n"), (Events{command({"SET", "a", "b c"})}));
}

TEST(RespParserInline, HonoursSingleQuotes) {
  EXPECT_EQ(parse_every_split("SET 'a b' 'it\\'s'\r\n"), (Events{command({"SET", "a b", "it's"})}));
}

TEST(RespParserInline, DecodesEscapesInDoubleQuotes) {
  EXPECT_EQ(parse_every_split("SET \"\\x41\\x62\" \"\\x00\\n\\\"\"\r\n"),
            (Events{command({"SET", "Ab", "\0\n\""s})}));
}

TEST(RespParserInline, KeepsAnEmptyQuotedArgument) {
  EXPECT_EQ(parse_every_split("SET k \"\"\r\n"), (Events{command({"SET", "k", ""})}));
}

TEST(RespParserInline, IgnoresBlankLines) {
  EXPECT_EQ(parse_every_split("\r\n\n   \r\n\t\nPING\r\n\r\n\nECHO x\r\n\r\n"),
            (Events{command({"PING"}), command({"ECHO", "x"})}));

  Feeder feeder;
  feeder.feed("\r\n\n  \r\n");
  EXPECT_TRUE(feeder.events().empty());
  EXPECT_EQ(feeder.buffered(), 0u);
}

TEST(RespParserInline, AcceptsLfOnlyLineEndings) {
  EXPECT_EQ(parse_every_split("GET k\nSET k v\n"),
            (Events{command({"GET", "k"}), command({"SET", "k", "v"})}));
}

TEST(RespParserInline, MixesWithArrays) {
  EXPECT_EQ(parse_every_split("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO 'x y'\n*0\r\nQUIT\r\n"),
            (Events{command({"PING"}), command({"ECHO", "hi"}), command({"ECHO", "x y"}),
                    command({"QUIT"})}));
}

TEST(RespParserInline, WaitsForTheNewlineOfALineOfExactlyTheLimit) {
  const std::string line(64 * 1024, 'a');
  Feeder feeder;
  feeder.feed(line);
  EXPECT_TRUE(feeder.events().empty());
  feeder.feed("\n");
  EXPECT_EQ(feeder.events(), (Events{command({line})}));
}

// ---------------------------------------------------------------------------------------------
// Protocol errors

TEST(RespParserErrors, TooBigInlineRequest) {
  const ParserLimits limits = small_limits();  // max_inline_len = 16
  EXPECT_EQ(parse_every_split(std::string(17, 'a'), limits),
            (Events{protocol_error(ParseError::kTooBigInline)}));
  EXPECT_TRUE(parse_every_split(std::string(16, 'a'), limits).empty());
  EXPECT_EQ(parse_every_split("PING\r\nGET aaaaaaaaaaaaaaaa", limits),
            (Events{command({"PING"}), protocol_error(ParseError::kTooBigInline)}));
}

TEST(RespParserErrors, OverlongLinesAreRefusedEvenWhenTheirEndHasArrived) {
  // Whether the newline came in the same read must not matter.
  const ParserLimits limits = small_limits();  // max_inline_len = 16
  EXPECT_EQ(parse_every_split("GET " + std::string(13, 'a') + "\r\n", limits),
            (Events{protocol_error(ParseError::kTooBigInline)}));
  EXPECT_EQ(parse_every_split("GET " + std::string(11, 'a') + "\r\n", limits),
            (Events{command({"GET", std::string(11, 'a')})}));
  EXPECT_EQ(parse_every_split("*" + std::string(16, '1') + "\r\n", limits),
            (Events{protocol_error(ParseError::kTooBigMultibulk)}));
  EXPECT_EQ(parse_every_split("*1\r\n$" + std::string(16, '1') + "\r\n", limits),
            (Events{protocol_error(ParseError::kTooBigBulkCount)}));
}

TEST(RespParserErrors, TooBigInlineRequestAtTheDefaultLimit) {
  const std::string input(64 * 1024 + 1, 'a');
  const Events want{protocol_error(ParseError::kTooBigInline)};
  EXPECT_EQ(feed_chunks({input}, {}), want);
  std::vector<std::string_view> chunks;
  for (std::size_t i = 0; i < input.size(); i += 4096) {
    chunks.push_back(std::string_view(input).substr(i, 4096));
  }
  EXPECT_EQ(feed_chunks(chunks, {}), want);
  // Too long to split at every offset; every offset around the limit is where it matters.
  const std::string_view view(input);
  for (std::size_t cut = input.size() - 8; cut < input.size(); ++cut) {
    EXPECT_EQ(feed_chunks({view.substr(0, cut), view.substr(cut)}, {}), want) << "split at " << cut;
  }
}

TEST(RespParserErrors, UnbalancedQuotes) {
  const Events want{protocol_error(ParseError::kUnbalancedQuotes)};
  EXPECT_EQ(parse_every_split("SET k \"abc\r\n"), want);
  EXPECT_EQ(parse_every_split("SET k 'abc\r\n"), want);
  EXPECT_EQ(parse_every_split("SET k \"abc\"def\r\n"), want);  // a closing quote needs a blank
  EXPECT_EQ(parse_every_split("SET k 'abc'def\n"), want);
  EXPECT_EQ(parse_every_split("PING\r\nSET k \"abc\\\"\r\n"),
            (Events{command({"PING"}), protocol_error(ParseError::kUnbalancedQuotes)}));
}

TEST(RespParserErrors, TooBigMultibulkCount) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*" + std::string(16, '1'), limits),
            (Events{protocol_error(ParseError::kTooBigMultibulk)}));
  EXPECT_TRUE(parse_every_split("*" + std::string(15, '1'), limits).empty());

  const std::string input = "*" + std::string(64 * 1024, '1');
  EXPECT_EQ(feed_chunks({input}, {}), (Events{protocol_error(ParseError::kTooBigMultibulk)}));
}

TEST(RespParserErrors, InvalidMultibulkLength) {
  const Events want{protocol_error(ParseError::kInvalidMultibulkLen)};
  for (const char* input : {"*abc\r\n", "*\r\n", "*1x\r\n", "*01\r\n", "*+1\r\n", "* 1\r\n",
                            "*-0\r\n", "*2147483648\r\n", "*99999999999999999999\r\n"}) {
    SCOPED_TRACE(escaped(input));
    EXPECT_EQ(parse_every_split(input), want);
  }
  // Commands before the bad header are still delivered.
  EXPECT_EQ(parse_every_split("*1\r\n$4\r\nPING\r\n*x\r\n"),
            (Events{command({"PING"}), protocol_error(ParseError::kInvalidMultibulkLen)}));
}

TEST(RespParserErrors, MultibulkCountIsCappedAtIntMaxWhateverTheArgumentLimit) {
  ParserLimits limits;
  limits.max_args = static_cast<std::size_t>(-1);
  EXPECT_TRUE(parse_every_split("*2147483647\r\n", limits).empty());
  EXPECT_EQ(parse_every_split("*2147483648\r\n", limits),
            (Events{protocol_error(ParseError::kInvalidMultibulkLen)}));
}

TEST(RespParserErrors, TooBigBulkCount) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*1\r\n$" + std::string(16, '1'), limits),
            (Events{protocol_error(ParseError::kTooBigBulkCount)}));
  EXPECT_TRUE(parse_every_split("*1\r\n$" + std::string(15, '1'), limits).empty());

  const std::string input = "*2\r\n$1\r\na\r\n$" + std::string(64 * 1024, '1');
  EXPECT_EQ(feed_chunks({input}, {}), (Events{protocol_error(ParseError::kTooBigBulkCount)}));
}

TEST(RespParserErrors, ExpectedDollar) {
  EXPECT_EQ(parse_every_split("*1\r\n:5\r\n"),
            (Events{protocol_error(ParseError::kExpectedDollar, ':')}));
  EXPECT_EQ(parse_every_split("*2\r\n$3\r\nGET\r\nkey\r\n"),
            (Events{protocol_error(ParseError::kExpectedDollar, 'k')}));
  EXPECT_EQ(parse_every_split("*1\r\n*1\r\n$1\r\na\r\n"),
            (Events{protocol_error(ParseError::kExpectedDollar, '*')}));

  RespParser parser;
  std::string input = "*1\r\n+OK\r\n";
  EXPECT_EQ(parser.parse({input.data(), input.size()}).status, ParseStatus::kProtocolError);
  EXPECT_EQ(parser.error(), ParseError::kExpectedDollar);
  EXPECT_EQ(parser.unexpected_byte(), '+');
}

TEST(RespParserErrors, InvalidBulkLength) {
  const Events want{protocol_error(ParseError::kInvalidBulkLen)};
  for (const char* input :
       {"*1\r\n$-5\r\n", "*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$+3\r\n",
        "*1\r\n$03\r\n", "*1\r\n$3x\r\n", "*1\r\n$99999999999999999999\r\n"}) {
    SCOPED_TRACE(escaped(input));
    EXPECT_EQ(parse_every_split(input), want);
  }
}

TEST(RespParserErrors, BulkLengthAboveTheBulkLimit) {
  const ParserLimits limits = small_limits();  // max_bulk_len = 1000
  EXPECT_EQ(parse_every_split("*1\r\n$1001\r\n", limits),
            (Events{protocol_error(ParseError::kInvalidBulkLen)}));
  // Exactly the limit is a legal (if rejected, being above max_buffered_arg_len) length.
  EXPECT_TRUE(parse_every_split("*1\r\n$1000\r\n", limits).empty());

  const std::string input = "*1\r\n$" + std::to_string(512 * 1024 * 1024 + 1) + "\r\n";
  EXPECT_EQ(feed_chunks({input}, {}), (Events{protocol_error(ParseError::kInvalidBulkLen)}));
}

// Redis's limits for clients that have not authenticated: 10 arguments, 16384-byte bulks,
// checked after the general limits (so an invalid length is still "invalid").
TEST(RespParserErrors, UnauthenticatedClientsGetTightLimits) {
  const std::string eleven = "*11\r\n";
  EXPECT_EQ(parse_every_split(eleven, {}, true),
            (Events{protocol_error(ParseError::kUnauthenticatedMultibulkLen)}));
  EXPECT_TRUE(parse_every_split(eleven, {}, false).empty());
  EXPECT_EQ(parse_every_split("*1\r\n$16385\r\n", {}, true),
            (Events{protocol_error(ParseError::kUnauthenticatedBulkLen)}));
  EXPECT_TRUE(parse_every_split("*1\r\n$16384\r\n", {}, true).empty());
  EXPECT_EQ(parse_every_split("*2147483648\r\n", {}, true),
            (Events{protocol_error(ParseError::kInvalidMultibulkLen)}));
  EXPECT_EQ(parse_every_split("*1\r\n$-3\r\n", {}, true),
            (Events{protocol_error(ParseError::kInvalidBulkLen)}));
  const std::string auth = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*0\r\n*-1\r\n";
  EXPECT_EQ(parse_every_split(auth, {}, true), (Events{command({"AUTH", "pw"})}));
}

TEST(RespParserErrors, UnauthenticatedLimitsLiftForTheNextCommand) {
  RespParser parser;
  parser.set_unauthenticated(true);
  std::string input = "*1\r\n$4\r\nPING\r\n*11\r\n";
  const ParseResult first = parser.parse({input.data(), input.size()});
  ASSERT_EQ(first.status, ParseStatus::kCommand);
  parser.set_unauthenticated(false);
  const ParseResult second =
      parser.parse({input.data() + first.consumed, input.size() - first.consumed});
  EXPECT_EQ(second.status, ParseStatus::kNeedMore);
}

TEST(RespParserErrors, ErrorAfterIgnoredCommands) {
  EXPECT_EQ(parse_every_split("*0\r\n\r\n*-1\r\n*1\r\n$x\r\n"),
            (Events{protocol_error(ParseError::kInvalidBulkLen)}));
}

// ---------------------------------------------------------------------------------------------
// Commands rejected for an oversized argument

TEST(RespParserRejection, OversizedBulkRejectsTheCommandAndParsingGoesOn) {
  const ParserLimits limits = small_limits();  // max_buffered_arg_len = 8
  EXPECT_EQ(parse_every_split("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n"
                              "*1\r\n$4\r\nPING\r\n",
                              limits),
            (Events{rejected(), command({"PING"})}));
}

TEST(RespParserRejection, ArgumentOfExactlyTheLimitIsKept) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*2\r\n$3\r\nGET\r\n$8\r\n01234567\r\n", limits),
            (Events{command({"GET", "01234567"})}));
}

TEST(RespParserRejection, OversizedFirstArgumentStillReadsTheRest) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*3\r\n$10\r\n\r\n*1\r\n$2\r\n\r\n$1\r\na\r\n$2\r\nbc\r\n"
                              "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                              limits),
            (Events{rejected(), command({"GET", "k"})}));
}

TEST(RespParserRejection, SeveralOversizedArgumentsAndCommands) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*3\r\n$9\r\n123456789\r\n$1\r\na\r\n$9\r\n123456789\r\n"
                              "*1\r\n$9\r\n123456789\r\n"
                              "PING\r\n",
                              limits),
            (Events{rejected(), rejected(), command({"PING"})}));
}

TEST(RespParserRejection, ProtocolErrorInsideARejectedCommandWins) {
  const ParserLimits limits = small_limits();
  EXPECT_EQ(parse_every_split("*3\r\n$10\r\n0123456789\r\nX\r\n", limits),
            (Events{protocol_error(ParseError::kExpectedDollar, 'X')}));
  EXPECT_EQ(parse_every_split("*3\r\n$10\r\n0123456789\r\n$-3\r\n", limits),
            (Events{protocol_error(ParseError::kInvalidBulkLen)}));
}

TEST(RespParserRejection, CallerCanDropBytesWhileAnArgumentIsDiscarded) {
  ParserLimits limits;
  limits.max_buffered_arg_len = 16;
  Feeder feeder(limits);
  feeder.feed("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n");
  const std::string chunk(100, 'v');
  std::size_t most_buffered = 0;
  for (int i = 0; i < 1000; ++i) {
    feeder.feed(chunk);
    most_buffered = std::max(most_buffered, feeder.buffered());
  }
  EXPECT_TRUE(feeder.events().empty());
  // Memory stays bounded by what one read delivers, not by the argument's length.
  EXPECT_LE(most_buffered, chunk.size());
  EXPECT_GE(feeder.dropped_while_waiting(), 100000u);

  feeder.feed("\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(feeder.events(), (Events{rejected(), command({"PING"})}));
  EXPECT_EQ(feeder.buffered(), 0u);
}

TEST(RespParserRejection, DroppingHonoursBytesOfIgnoredCommandsBefore) {
  // The dropped count includes the ignored commands skipped in the same call.
  ParserLimits limits;
  limits.max_buffered_arg_len = 4;
  RespParser parser(limits);
  std::string input = "*0\r\n\r\n*1\r\n$10\r\n01234";
  ParseResult result = parser.parse({input.data(), input.size()});
  EXPECT_EQ(result.status, ParseStatus::kNeedMore);
  EXPECT_EQ(result.consumed, input.size());
  input = "56789\r\nPING\r\n";
  result = parser.parse({input.data(), input.size()});
  EXPECT_EQ(result.status, ParseStatus::kRejected);
  EXPECT_EQ(result.consumed, 7u);
  EXPECT_EQ(parser.error(), ParseError::kArgumentTooLarge);
}

}  // namespace
}  // namespace respcache::protocol
