#include "respcache/protocol/integer.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <optional>
#include <string>
#include <string_view>

namespace respcache::protocol {
namespace {

using namespace std::string_literals;

TEST(ParseInt64, AcceptsPlainDecimals) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("1"), 1);
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("10"), 10);
  EXPECT_EQ(parse_int64("1234567890"), 1234567890);
  EXPECT_EQ(parse_int64("-987654321"), -987654321);
}

TEST(ParseInt64, AcceptsTheExtremes) {
  EXPECT_EQ(parse_int64("9223372036854775807"), LLONG_MAX);
  EXPECT_EQ(parse_int64("-9223372036854775808"), LLONG_MIN);
  EXPECT_EQ(parse_int64("-9223372036854775807"), LLONG_MIN + 1);
}

TEST(ParseInt64, RejectsOverflowByOne) {
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_int64("18446744073709551615"), std::nullopt);  // ULLONG_MAX
  EXPECT_EQ(parse_int64("18446744073709551616"), std::nullopt);  // ULLONG_MAX + 1
  EXPECT_EQ(parse_int64("-18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_int64("99999999999999999999999"), std::nullopt);
}

TEST(ParseInt64, RejectsWhatString2llRejects) {
  for (const std::string& text :
       {""s,    "-"s,   "-0"s, "01"s,  "00"s,  "-01"s,  "+1"s,  "+0"s,  " 1"s, "1 "s,
        "1\r"s, "--1"s, "1-"s, "1.0"s, "1e3"s, "0x10"s, "abc"s, "12a"s, "\0"s, "1\0"s}) {
    EXPECT_EQ(parse_int64(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseInt64, ReadsOnlyTheGivenBytes) {
  const std::string_view digits = "12345";
  EXPECT_EQ(parse_int64(digits.substr(0, 2)), 12);
  EXPECT_EQ(parse_int64(digits.substr(1, 3)), 234);
  EXPECT_EQ(parse_int64(digits.substr(0, 0)), std::nullopt);
}

std::string formatted(long long value) {
  char out[kMaxInt64Digits];
  const std::size_t len = format_int64(value, out);
  EXPECT_LE(len, kMaxInt64Digits);
  return {out, len};
}

TEST(FormatInt64, WritesDecimal) {
  EXPECT_EQ(formatted(0), "0");
  EXPECT_EQ(formatted(7), "7");
  EXPECT_EQ(formatted(-7), "-7");
  EXPECT_EQ(formatted(1000), "1000");
  EXPECT_EQ(formatted(LLONG_MAX), "9223372036854775807");
  EXPECT_EQ(formatted(LLONG_MIN), "-9223372036854775808");
  EXPECT_EQ(formatted(LLONG_MIN).size(), kMaxInt64Digits);
}

TEST(FormatInt64, RoundTripsThroughParse) {
  for (long long value : {0LL, 1LL, -1LL, 9LL, 10LL, -10LL, 99LL, 100LL, 123456789LL, -123456789LL,
                          LLONG_MAX, LLONG_MAX - 1, LLONG_MIN, LLONG_MIN + 1}) {
    EXPECT_EQ(parse_int64(formatted(value)), value);
  }
  for (long long value = 1; value > 0 && value <= LLONG_MAX / 3; value *= 3) {
    EXPECT_EQ(parse_int64(formatted(value)), value);
    EXPECT_EQ(parse_int64(formatted(-value)), -value);
  }
}

}  // namespace
}  // namespace respcache::protocol
