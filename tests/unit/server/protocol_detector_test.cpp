#include "respcache/server/protocol_detector.hpp"

#include <gtest/gtest.h>

namespace respcache::server {
namespace {

TEST(ProtocolDetector, HttpRequestLinesAreHttp) {
  EXPECT_EQ(detect_protocol("GET /get?key=k HTTP/1.1\r\n"), Protocol::kHttp);
  EXPECT_EQ(detect_protocol("POST /put HTTP/1.1\r\n"), Protocol::kHttp);
  EXPECT_EQ(detect_protocol("HEAD /"), Protocol::kHttp);
  EXPECT_EQ(detect_protocol("DELETE /x"), Protocol::kHttp);
}

TEST(ProtocolDetector, RespArraysAndInlineCommandsAreResp) {
  EXPECT_EQ(detect_protocol("*2\r\n$3\r\nGET\r\n"), Protocol::kResp);
  EXPECT_EQ(detect_protocol("PING\r\n"), Protocol::kResp);
  EXPECT_EQ(detect_protocol("GET key\r\n"), Protocol::kResp);
  EXPECT_EQ(detect_protocol("PUT key value\r\n"), Protocol::kResp);
  EXPECT_EQ(detect_protocol("get /x"), Protocol::kResp);  // methods are case-sensitive
  EXPECT_EQ(detect_protocol("\x16\x03\x01"), Protocol::kResp);
}

TEST(ProtocolDetector, WaitsWhileAMethodPrefixIsAmbiguous) {
  EXPECT_EQ(detect_protocol("G"), Protocol::kUndecided);
  EXPECT_EQ(detect_protocol("GET"), Protocol::kUndecided);
  EXPECT_EQ(detect_protocol("PUT "), Protocol::kUndecided);
  EXPECT_EQ(detect_protocol("PUT k"), Protocol::kResp);
}

}  // namespace
}  // namespace respcache::server
