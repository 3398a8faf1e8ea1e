#include "respcache/http/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace respcache::http {
namespace {

std::string encode(std::string_view bytes) {
  std::string out;
  append_json_string(out, bytes);
  return out;
}

TEST(PutBody, ReadsKeyAndValue) {
  PutBody body;
  EXPECT_EQ(parse_put_body(R"({"key": "k", "value": "v", "extra": [1, 2]})", body), "");
  EXPECT_EQ(body.key, "k");
  EXPECT_EQ(body.value, "v");
}

TEST(PutBody, UnescapesEverythingJsonCanSay) {
  PutBody body;
  ASSERT_EQ(parse_put_body(R"({"key":"a\"b\\c\/d\n","value":"\u00e9\u0000\ud83d\ude00"})", body),
            "");
  EXPECT_EQ(body.key, "a\"b\\c/d\n");
  EXPECT_EQ(body.value, std::string("\xc3\xa9\0\xf0\x9f\x98\x80", 7));
}

TEST(PutBody, SaysWhatIsWrong) {
  PutBody body;
  EXPECT_EQ(parse_put_body(R"({"key":"k","value":"v")", body), "Request body is not valid JSON.");
  EXPECT_EQ(parse_put_body("", body), "Request body is not valid JSON.");
  EXPECT_EQ(parse_put_body(R"(["k","v"])", body), "Request body must be a JSON object.");
  EXPECT_EQ(parse_put_body(R"({"value":"v"})", body), "Field 'key' is missing or not a string.");
  EXPECT_EQ(parse_put_body(R"({"key":1,"value":"v"})", body),
            "Field 'key' is missing or not a string.");
  EXPECT_EQ(parse_put_body(R"({"key":"k","value":null})", body),
            "Field 'value' is missing or not a string.");
  EXPECT_EQ(parse_put_body(R"({"key":"k","value":"\ud800"})", body),
            "Request body is not valid JSON.");
}

TEST(JsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(encode("plain"), R"("plain")");
  EXPECT_EQ(encode("q\"b\\"), R"("q\"b\\")");
  EXPECT_EQ(encode(std::string("\n\r\t\b\f\x01\0", 7)), R"("\n\r\t\b\f\u0001\u0000")");
  EXPECT_EQ(encode("/"), R"("/")");
}

TEST(JsonString, PassesValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(encode("\xc3\xa9\xf0\x9f\x98\x80"), "\"\xc3\xa9\xf0\x9f\x98\x80\"");
  EXPECT_EQ(encode("a\xff"
                   "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(encode("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(encode("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a UTF-16 surrogate
  EXPECT_EQ(encode("\xe2\x82"), R"("\ufffd\ufffd")");            // truncated
}

TEST(JsonString, RoundTripsThroughTheParser) {
  const std::string value("k\x01\"\\\xc3\xa9\0z", 8);
  const std::string document = "{\"key\":" + encode("k") + ",\"value\":" + encode(value) + "}";
  PutBody body;
  ASSERT_EQ(parse_put_body(document, body), "");
  EXPECT_EQ(body.value, value);
}

}  // namespace
}  // namespace respcache::http
