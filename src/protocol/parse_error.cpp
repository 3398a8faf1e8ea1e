#include "respcache/protocol/parse_error.hpp"

#include <string>

namespace respcache::protocol {

std::string_view describe(ParseError error) {
  switch (error) {
    case ParseError::kNone:
      return "no error";
    case ParseError::kTooBigInline:
      return "too big inline request";
    case ParseError::kUnbalancedQuotes:
      return "unbalanced quotes in request";
    case ParseError::kTooBigMultibulk:
      return "too big mbulk count string";
    case ParseError::kInvalidMultibulkLen:
      return "invalid multibulk length";
    case ParseError::kTooBigBulkCount:
      return "too big bulk count string";
    case ParseError::kExpectedDollar:
      return "expected '$', got '";
    case ParseError::kInvalidBulkLen:
      return "invalid bulk length";
    case ParseError::kUnauthenticatedMultibulkLen:
      return "unauthenticated multibulk length";
    case ParseError::kUnauthenticatedBulkLen:
      return "unauthenticated bulk length";
    case ParseError::kArgumentTooLarge:
      return "argument too large";
  }
  return "unknown error";
}

namespace {
class ParseErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "resp"; }
  std::string message(int value) const override {
    return std::string(describe(static_cast<ParseError>(value)));
  }
};
}  // namespace

const std::error_category& parse_error_category() {
  static const ParseErrorCategory category;
  return category;
}

std::error_code make_error_code(ParseError error) {
  return {static_cast<int>(error), parse_error_category()};
}

}  // namespace respcache::protocol
