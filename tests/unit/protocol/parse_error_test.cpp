#include "respcache/protocol/parse_error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <system_error>

namespace respcache::protocol {
namespace {

TEST(ParseError, DescribesErrorsInRedisWording) {
  EXPECT_EQ(describe(ParseError::kTooBigInline), "too big inline request");
  EXPECT_EQ(describe(ParseError::kUnbalancedQuotes), "unbalanced quotes in request");
  EXPECT_EQ(describe(ParseError::kTooBigMultibulk), "too big mbulk count string");
  EXPECT_EQ(describe(ParseError::kInvalidMultibulkLen), "invalid multibulk length");
  EXPECT_EQ(describe(ParseError::kTooBigBulkCount), "too big bulk count string");
  EXPECT_EQ(describe(ParseError::kExpectedDollar), "expected '$', got '");
  EXPECT_EQ(describe(ParseError::kInvalidBulkLen), "invalid bulk length");
}

TEST(ParseError, IsAnErrorCode) {
  const std::error_code code = ParseError::kInvalidBulkLen;
  EXPECT_TRUE(code);
  EXPECT_EQ(code, ParseError::kInvalidBulkLen);
  EXPECT_EQ(code.message(), "invalid bulk length");
  EXPECT_STREQ(code.category().name(), "resp");
  EXPECT_EQ(&code.category(), &parse_error_category());

  const std::error_code none = make_error_code(ParseError::kNone);
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace respcache::protocol
