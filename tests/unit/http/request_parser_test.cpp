#include "respcache/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace respcache::http {
namespace {

struct Framed {
  Method method;
  std::string path;
  std::string query;
  std::string body;
  bool keep_alive;
  bool http_1_0;
};

struct Outcome {
  std::vector<Framed> requests;
  int error_status = 0;
  int continues = 0;
};

// Feeds `input` in pieces of `chunk` bytes, as a connection's buffer would grow, and frames
// every request; consumed bytes leave the buffer as a connection drops them.
Outcome feed(const std::string& input, std::size_t chunk, RequestLimits limits = {}) {
  RequestParser parser(limits);
  Outcome outcome;
  std::string buffer;
  std::size_t offset = 0;
  while (offset < input.size() && outcome.error_status == 0) {
    buffer.append(input, offset, chunk);
    offset += chunk;
    for (;;) {
      const ParseResult result = parser.parse({buffer.data(), buffer.size()});
      if (result.status == ParseStatus::kError) {
        outcome.error_status = result.error_status;
        break;
      }
      if (result.status == ParseStatus::kNeedMore) {
        outcome.continues += result.send_continue ? 1 : 0;
        break;
      }
      const Request& r = parser.request();
      outcome.requests.push_back({r.method, std::string(r.path), std::string(r.query),
                                  std::string(r.body), r.keep_alive, r.http_1_0});
      buffer.erase(0, result.consumed);
    }
  }
  return outcome;
}

// Every split of the input gives the same requests as the whole input.
Outcome feed_every_split(const std::string& input, RequestLimits limits = {}) {
  const Outcome whole = feed(input, input.size(), limits);
  for (std::size_t chunk = 1; chunk < input.size(); ++chunk) {
    const Outcome split = feed(input, chunk, limits);
    EXPECT_EQ(split.error_status, whole.error_status) << "chunk " << chunk;
    EXPECT_EQ(split.requests.size(), whole.requests.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < std::min(split.requests.size(), whole.requests.size()); ++i) {
      EXPECT_EQ(split.requests[i].path, whole.requests[i].path);
      EXPECT_EQ(split.requests[i].query, whole.requests[i].query);
      EXPECT_EQ(split.requests[i].body, whole.requests[i].body);
    }
  }
  return whole;
}

TEST(RequestParser, FramesAGetWithQuery) {
  const Outcome o = feed_every_split("GET /get?key=a%20b&x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].method, Method::kGet);
  EXPECT_EQ(o.requests[0].path, "/get");
  EXPECT_EQ(o.requests[0].query, "key=a%20b&x=1");
  EXPECT_EQ(o.requests[0].body, "");
  EXPECT_TRUE(o.requests[0].keep_alive);
}

TEST(RequestParser, FramesAPostBodyByContentLength) {
  const std::string body = R"({"key":"k","value":"v"})";
  const Outcome o = feed_every_split(
      "POST /put HTTP/1.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].method, Method::kPost);
  EXPECT_EQ(o.requests[0].body, body);
}

TEST(RequestParser, FramesPipelinedRequestsInOrder) {
  std::string input;
  for (int i = 0; i < 3; ++i) {
    input += "GET /get?key=" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
    input += "POST /put HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
  }
  const Outcome o = feed_every_split(input);
  ASSERT_EQ(o.requests.size(), 6u);
  EXPECT_EQ(o.requests[2].query, "key=1");
  EXPECT_EQ(o.requests[5].body, "{}");
}

TEST(RequestParser, KeepsTheAuthorizationHeader) {
  RequestParser parser;
  const std::string input = "GET /get?key=k HTTP/1.1\r\nauthorization: Bearer s3cret\r\n\r\n";
  ASSERT_EQ(parser.parse({input.data(), input.size()}).status, ParseStatus::kRequest);
  EXPECT_EQ(parser.request().authorization, "Bearer s3cret");
}

TEST(RequestParser, AcceptsBareLineFeeds) {
  const Outcome o = feed_every_split("GET /health HTTP/1.1\nHost: h\n\n");
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].path, "/health");
}

TEST(RequestParser, HonoursConnectionCloseAndHttp10) {
  EXPECT_FALSE(feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 100).requests[0].keep_alive);
  const Framed old = feed("GET / HTTP/1.0\r\n\r\n", 100).requests[0];
  EXPECT_FALSE(old.keep_alive);
  EXPECT_TRUE(old.http_1_0);
  EXPECT_TRUE(feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 100).requests[0].keep_alive);
}

TEST(RequestParser, AsksForContinueOnceWhileTheBodyIsMissing) {
  const Outcome o =
      feed("POST /put HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", 5);
  EXPECT_EQ(o.continues, 1);
  EXPECT_TRUE(o.requests.empty());
}

TEST(RequestParser, RejectsOversizedHeaders) {
  RequestLimits limits;
  limits.max_header_bytes = 64;
  EXPECT_EQ(
      feed_every_split("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", limits).error_status,
      414);
  EXPECT_EQ(feed_every_split("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", limits)
                .error_status,
            431);
}

TEST(RequestParser, RejectsOversizedBodyBeforeItArrives) {
  RequestLimits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(feed("POST /put HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 100, limits).error_status,
            413);
  EXPECT_EQ(
      feed("POST /put HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 100).error_status,
      400);
}

TEST(RequestParser, RefusesChunkedBodies) {
  EXPECT_EQ(
      feed("POST /put HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 100)
          .error_status,
      411);
}

TEST(RequestParser, RejectsGarbage) {
  EXPECT_EQ(feed("GET /\x01 HTTP/1.1\r\n\r\n", 100).error_status, 400);
  EXPECT_EQ(feed("GET / HTTP/9.9.9\r\n\r\n", 100).error_status, 400);
  EXPECT_EQ(feed("POST /put HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 100)
                .error_status,
            400);
}

}  // namespace
}  // namespace respcache::http
