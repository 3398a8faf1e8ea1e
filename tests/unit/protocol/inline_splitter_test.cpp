#include "respcache/protocol/inline_splitter.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace respcache::protocol {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

// Splits a copy of `line`; nullopt when the splitter reports unbalanced quotes.
std::optional<Args> split(std::string line) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  if (!split_inline(line, 0, spans)) return std::nullopt;
  Args args;
  for (auto [offset, length] : spans) args.push_back(line.substr(offset, length));
  return args;
}

TEST(InlineSplitter, EmptyAndBlankLinesHaveNoArguments) {
  EXPECT_EQ(split(""), Args{});
  EXPECT_EQ(split("   "), Args{});
  EXPECT_EQ(split(" \t\r\n\v\f "), Args{});
}

TEST(InlineSplitter, SplitsOnRunsOfBlanks) {
  EXPECT_EQ(split("SET key value"), (Args{"SET", "key", "value"}));
  EXPECT_EQ(split("  a \t b\r\nc  "), (Args{"a", "b", "c"}));
}

TEST(InlineSplitter, VerticalTabAndFormFeedSeparateOnlyBetweenArguments) {
  // sdssplitargs skips any isspace() before an argument but ends a bare one only at
  // space, tab, CR, LF or NUL.
  EXPECT_EQ(split("\v\fa"), (Args{"a"}));
  EXPECT_EQ(split("a\vb c\fd"), (Args{"a\vb", "c\fd"}));
}

TEST(InlineSplitter, DoubleQuotesGroupAndUnescape) {
  EXPECT_EQ(split("SET k \"hello world\""), (Args{"SET", "k", "hello world"}));
  EXPECT_EQ(split(R"("\n\r\t\b\a\\\"")"), (Args{"\n\r\t\b\a\\\""}));
  EXPECT_EQ(split(R"("\q\'")"), (Args{"q'"}));  // other escapes stand for the character
  EXPECT_EQ(split(R"("")"), (Args{""}));
}

TEST(InlineSplitter, HexEscapesNeedTwoHexDigits) {
  EXPECT_EQ(split(R"("\x41\x7a\xFF\x00")"), (Args{"Az\xff\0"s}));
  EXPECT_EQ(split(R"("\x4" "\xZZ" "\x")"), (Args{"x4", "xZZ", "x"}));
  EXPECT_EQ(split(R"("\x414")"), (Args{"A4"}));
}

TEST(InlineSplitter, SingleQuotesUnescapeOnlyTheQuote) {
  EXPECT_EQ(split(R"('it\'s' 'a\nb' 'c\\d')"), (Args{"it's", "a\\nb", "c\\\\d"}));
  EXPECT_EQ(split("'a \"b\" c'"), (Args{"a \"b\" c"}));
  EXPECT_EQ(split("''"), (Args{""}));
}

TEST(InlineSplitter, QuotesMayStartInsideABareArgument) {
  EXPECT_EQ(split(R"(ab"c d" x'y z')"), (Args{"abc d", "xy z"}));
}

TEST(InlineSplitter, BackslashOutsideQuotesIsLiteral) {
  EXPECT_EQ(split(R"(a\nb \x41)"), (Args{R"(a\nb)", R"(\x41)"}));
}

TEST(InlineSplitter, ClosingQuoteMustBeFollowedByABlankOrTheEnd) {
  EXPECT_EQ(split("\"a\" b"), (Args{"a", "b"}));
  EXPECT_EQ(split("\"a\"\tb"), (Args{"a", "b"}));
  EXPECT_EQ(split("'a'\vb"), (Args{"a", "b"}));
  EXPECT_EQ(split("\"a\""), (Args{"a"}));
  EXPECT_EQ(split("\"a\"b"), std::nullopt);
  EXPECT_EQ(split("'a'b"), std::nullopt);
  EXPECT_EQ(split("\"a\"\"b\""), std::nullopt);
}

TEST(InlineSplitter, UnterminatedQuotesFail) {
  EXPECT_EQ(split("\"abc"), std::nullopt);
  EXPECT_EQ(split("'abc"), std::nullopt);
  EXPECT_EQ(split("GET \""), std::nullopt);
  EXPECT_EQ(split(R"("abc\")"), std::nullopt);  // the quote is escaped
  EXPECT_EQ(split(R"('abc\')"), std::nullopt);
  EXPECT_EQ(split(R"("abc\)"), std::nullopt);  // a trailing backslash
}

TEST(InlineSplitter, NulByteEndsTheLine) {
  EXPECT_EQ(split("GET a\0b c"s), (Args{"GET", "a"}));
  EXPECT_EQ(split("\0GET"s), Args{});
  EXPECT_EQ(split("GET \"a\0b\""s), std::nullopt);
}

TEST(InlineSplitter, UnescapesInPlaceAndReportsOffsetsFromBase) {
  std::string line = "SET \"a\\x42c\" 'd'";
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  ASSERT_TRUE(split_inline(line, 100, spans));
  ASSERT_EQ(spans.size(), 3u);
  // Each argument is rewritten from its first source byte, including its opening quote.
  EXPECT_EQ(spans[0], (std::pair<std::size_t, std::size_t>{100, 3}));
  EXPECT_EQ(spans[1], (std::pair<std::size_t, std::size_t>{104, 3}));
  EXPECT_EQ(spans[2], (std::pair<std::size_t, std::size_t>{113, 1}));
  EXPECT_EQ(line.substr(4, 3), "aBc");
  EXPECT_EQ(line.substr(13, 1), "d");
}

TEST(InlineSplitter, AppendsToExistingSpans) {
  std::string line = "a b";
  std::vector<std::pair<std::size_t, std::size_t>> spans{{7, 7}};
  ASSERT_TRUE(split_inline(line, 0, spans));
  EXPECT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0], (std::pair<std::size_t, std::size_t>{7, 7}));
}

}  // namespace
}  // namespace respcache::protocol
