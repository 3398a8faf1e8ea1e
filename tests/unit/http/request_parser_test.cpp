#include "respcache/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace respcache::http {
namespace {

struct Framed {
  Method method;
  std::string path;
  std::string query;
  std::string body;
  std::string authorization;
  bool keep_alive;
  bool http_1_0;
};

struct Outcome {
  std::vector<Framed> requests;
  int error_status = 0;
  int continues = 0;
};

// Feeds `input` in the given pieces, as a connection's buffer would grow, and frames every
// request; consumed bytes leave the buffer as a connection drops them.
Outcome feed_pieces(const std::vector<std::string_view>& pieces, RequestLimits limits = {}) {
  RequestParser parser(limits);
  Outcome outcome;
  std::string buffer;
  for (std::string_view piece : pieces) {
    if (outcome.error_status != 0) break;
    buffer.append(piece);
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
      EXPECT_LE(result.consumed, buffer.size());
      const Request& r = parser.request();
      outcome.requests.push_back({r.method, std::string(r.path), std::string(r.query),
                                  std::string(r.body), std::string(r.authorization), r.keep_alive,
                                  r.http_1_0});
      buffer.erase(0, result.consumed);
    }
  }
  return outcome;
}

Outcome feed(std::string_view input, RequestLimits limits = {}) {
  return feed_pieces({input}, limits);
}

Outcome feed_in_chunks(std::string_view input, std::size_t chunk, RequestLimits limits = {}) {
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0; at < input.size(); at += chunk)
    pieces.push_back(input.substr(at, chunk));
  return feed_pieces(pieces, limits);
}

// Whether two outcomes agree on everything: the error, each request's every field, and how
// often 100 Continue was asked for (the same for every split: either the body is still
// missing at the end of the input, or the input carries no Expect).
::testing::AssertionResult same(const Outcome& got, const Outcome& want) {
  if (got.error_status != want.error_status) {
    return ::testing::AssertionFailure()
           << "error " << got.error_status << " instead of " << want.error_status;
  }
  if (got.continues != want.continues) {
    return ::testing::AssertionFailure()
           << got.continues << " continues instead of " << want.continues;
  }
  if (got.requests.size() != want.requests.size()) {
    return ::testing::AssertionFailure()
           << got.requests.size() << " requests instead of " << want.requests.size();
  }
  for (std::size_t i = 0; i < got.requests.size(); ++i) {
    const Framed& a = got.requests[i];
    const Framed& b = want.requests[i];
    if (a.method != b.method || a.path != b.path || a.query != b.query || a.body != b.body ||
        a.authorization != b.authorization || a.keep_alive != b.keep_alive ||
        a.http_1_0 != b.http_1_0) {
      return ::testing::AssertionFailure() << "request " << i << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

// Parsegrind: the input whole, then split in two at every byte offset, then in chunks of
// every size from 1 byte up. Every way must frame the same requests and errors as the whole
// input; returns that outcome.
Outcome feed_every_split(std::string_view input, RequestLimits limits = {}) {
  const Outcome whole = feed(input, limits);
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    EXPECT_TRUE(same(feed_pieces({input.substr(0, cut), input.substr(cut)}, limits), whole))
        << "split at byte " << cut;
  }
  for (std::size_t chunk = 1; chunk < input.size(); ++chunk) {
    EXPECT_TRUE(same(feed_in_chunks(input, chunk, limits), whole)) << "chunks of " << chunk;
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
  const Outcome o =
      feed_every_split("GET /get?key=k HTTP/1.1\r\nauthorization: Bearer s3cret\r\n\r\n");
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].authorization, "Bearer s3cret");
}

TEST(RequestParser, AcceptsBareLineFeeds) {
  const Outcome o = feed_every_split("GET /health HTTP/1.1\nHost: h\n\n");
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].path, "/health");
}

TEST(RequestParser, HonoursConnectionCloseAndHttp10) {
  const Outcome closing = feed_every_split("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(closing.requests.size(), 1u);
  EXPECT_FALSE(closing.requests[0].keep_alive);
  const Outcome old = feed_every_split("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(old.requests.size(), 1u);
  EXPECT_FALSE(old.requests[0].keep_alive);
  EXPECT_TRUE(old.requests[0].http_1_0);
  const Outcome kept = feed_every_split("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(kept.requests.size(), 1u);
  EXPECT_TRUE(kept.requests[0].keep_alive);
}

TEST(RequestParser, AsksForContinueOnceWhileTheBodyIsMissing) {
  const Outcome o =
      feed_every_split("POST /put HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
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
  EXPECT_EQ(
      feed_every_split("POST /put HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits).error_status,
      413);
  EXPECT_EQ(feed_every_split("POST /put HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n")
                .error_status,
            400);
}

TEST(RequestParser, RefusesChunkedBodies) {
  EXPECT_EQ(feed_every_split(
                "POST /put HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                .error_status,
            411);
}

TEST(RequestParser, RejectsGarbage) {
  EXPECT_EQ(feed_every_split("GET /\x01 HTTP/1.1\r\n\r\n").error_status, 400);
  EXPECT_EQ(feed_every_split("GET / HTTP/9.9.9\r\n\r\n").error_status, 400);
  EXPECT_EQ(feed_every_split("POST /put HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                .error_status,
            400);
}

}  // namespace
}  // namespace respcache::http
