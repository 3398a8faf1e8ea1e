#include "respcache/protocol/resp_encoder.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <string>
#include <string_view>

#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/protocol/reply_recorder.hpp"

namespace respcache::protocol {
namespace {

using namespace std::string_literals;

class RespEncoderTest : public testing::Test {
 protected:
  std::string written() const { return std::string(out_.view()); }

  ByteBuffer out_;
  RespEncoder resp2_{out_, 2};
};

TEST_F(RespEncoderTest, SimpleStringAndOk) {
  resp2_.simple("PONG");
  resp2_.ok();
  EXPECT_EQ(written(), "+PONG\r\n+OK\r\n");
}

TEST_F(RespEncoderTest, ErrorIsWrittenAsGivenWithLineBreaksAsSpaces) {
  resp2_.error("ERR unknown command 'FOO'");
  resp2_.error("ERR a\r\nb\nc\rd");
  EXPECT_EQ(written(), "-ERR unknown command 'FOO'\r\n-ERR a  b c d\r\n");
}

TEST_F(RespEncoderTest, Integers) {
  resp2_.integer(0);
  resp2_.integer(42);
  resp2_.integer(-1);
  resp2_.integer(LLONG_MAX);
  resp2_.integer(LLONG_MIN);
  EXPECT_EQ(written(), ":0\r\n:42\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
}

TEST_F(RespEncoderTest, BulkStrings) {
  resp2_.bulk("hello");
  resp2_.bulk("");
  resp2_.bulk("a\r\n\0b"s);
  EXPECT_EQ(written(), "$5\r\nhello\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n"s);
}

TEST_F(RespEncoderTest, LargeBulkGrowsTheBuffer) {
  const std::string payload(100000, 'x');
  resp2_.simple("first");
  resp2_.bulk(payload);
  EXPECT_EQ(written(), "+first\r\n$100000\r\n" + payload + "\r\n");
}

TEST_F(RespEncoderTest, AppendsAfterUnreadBytes) {
  out_.append("+queued\r\n");
  out_.consume(1);
  resp2_.ok();
  EXPECT_EQ(written(), "queued\r\n+OK\r\n");
}

// Every typed call in RESP2 and RESP3, as Redis 7.0 writes them.
struct Case {
  const char* name;
  void (*make)(ReplyBuilder&);
  std::string_view resp2;
  std::string_view resp3;
};

const Case kCases[] = {
    {"null", [](ReplyBuilder& r) { r.null(); }, "$-1\r\n", "_\r\n"},
    {"null_array", [](ReplyBuilder& r) { r.null_array(); }, "*-1\r\n", "_\r\n"},
    {"array",
     [](ReplyBuilder& r) {
       r.array(3);
       r.bulk("GET");
       r.integer(7);
       r.null();
     },
     "*3\r\n$3\r\nGET\r\n:7\r\n$-1\r\n", "*3\r\n$3\r\nGET\r\n:7\r\n_\r\n"},
    {"map",
     [](ReplyBuilder& r) {
       r.map(2);
       r.bulk("a");
       r.integer(1);
       r.bulk("b");
       r.bulk("x");
     },
     "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n",
     "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n"},
    {"set",
     [](ReplyBuilder& r) {
       r.set(1);
       r.simple("write");
     },
     "*1\r\n+write\r\n", "~1\r\n+write\r\n"},
    {"push",
     [](ReplyBuilder& r) {
       r.push(2);
       r.bulk("invalidate");
       r.null_array();
     },
     "*2\r\n$10\r\ninvalidate\r\n*-1\r\n", ">2\r\n$10\r\ninvalidate\r\n_\r\n"},
    {"double", [](ReplyBuilder& r) { r.double_value(3.5); }, "$3\r\n3.5\r\n", ",3.5\r\n"},
    {"double_precision", [](ReplyBuilder& r) { r.double_value(0.1); },
     "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"},
    {"double_inf", [](ReplyBuilder& r) { r.double_value(-INFINITY); }, "$4\r\n-inf\r\n",
     ",-inf\r\n"},
    {"boolean",
     [](ReplyBuilder& r) {
       r.boolean(true);
       r.boolean(false);
     },
     ":1\r\n:0\r\n", "#t\r\n#f\r\n"},
    {"verbatim", [](ReplyBuilder& r) { r.verbatim("a:b\r\n", "txt"); }, "$5\r\na:b\r\n\r\n",
     "=9\r\ntxt:a:b\r\n\r\n"},
    {"big_number", [](ReplyBuilder& r) { r.big_number("123456789012345678901234567890"); },
     "$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n"},
};

TEST(RespEncoderTypes, EveryTypeInBothProtocols) {
  for (const Case& c : kCases) {
    for (int protocol : {2, 3}) {
      ByteBuffer out;
      RespEncoder encoder(out, protocol);
      EXPECT_EQ(encoder.protocol(), protocol);
      c.make(encoder);
      EXPECT_EQ(out.view(), protocol == 2 ? c.resp2 : c.resp3) << c.name << " RESP" << protocol;
    }
  }
}

TEST(RespEncoderTypes, ScalarsAreTheSameInBothProtocols) {
  for (int protocol : {2, 3}) {
    ByteBuffer out;
    RespEncoder encoder(out, protocol);
    encoder.simple("PONG");
    encoder.error("ERR x");
    encoder.integer(-5);
    encoder.bulk("v");
    encoder.ok();
    EXPECT_EQ(out.view(), "+PONG\r\n-ERR x\r\n:-5\r\n$1\r\nv\r\n+OK\r\n");
  }
}

TEST(RespEncoderTypes, ProtocolSwitchesBetweenReplies) {
  ByteBuffer out;
  RespEncoder encoder(out, 2);
  encoder.null();
  encoder.set_protocol(3);
  encoder.null();
  EXPECT_EQ(out.view(), "$-1\r\n_\r\n");
}

TEST(RespEncoderTypes, RollbackDropsAPartialReply) {
  ByteBuffer out;
  RespEncoder encoder(out, 2);
  encoder.ok();
  const std::size_t mark = encoder.mark();
  encoder.bulk("old value");
  encoder.rollback(mark);
  encoder.error("OOM x");
  EXPECT_EQ(out.view(), "+OK\r\n-OOM x\r\n");
}

TEST(ReplyRecorder, KeepsTypesAndText) {
  ReplyRecorder recorder;
  recorder.array(4);
  recorder.bulk("v\0w"s);
  recorder.integer(-3);
  recorder.double_value(2.5);
  recorder.error("ERR no");
  ASSERT_EQ(recorder.nodes().size(), 5u);
  EXPECT_EQ(recorder.top()->type, ReplyType::kArray);
  EXPECT_EQ(recorder.top()->integer, 4);
  EXPECT_EQ(recorder.nodes()[1].type, ReplyType::kBulk);
  EXPECT_EQ(recorder.text(recorder.nodes()[1]), "v\0w"s);
  EXPECT_EQ(recorder.nodes()[2].integer, -3);
  EXPECT_EQ(recorder.nodes()[3].number, 2.5);
  EXPECT_EQ(recorder.text(recorder.nodes()[4]), "ERR no");
  EXPECT_EQ(recorder.protocol(), 3);
}

TEST(ReplyRecorder, RollbackDropsNodesAndTheirText) {
  ReplyRecorder recorder;
  recorder.simple("keep");
  const std::size_t mark = recorder.mark();
  recorder.bulk("dropped");
  recorder.null();
  recorder.rollback(mark);
  recorder.error("ERR after");
  ASSERT_EQ(recorder.nodes().size(), 2u);
  EXPECT_EQ(recorder.text(recorder.nodes()[0]), "keep");
  EXPECT_EQ(recorder.text(recorder.nodes()[1]), "ERR after");
}

TEST(ReplyRecorder, BulkConsumerTakesTheBytesInstead) {
  struct Collect final : BulkConsumer {
    std::string got;
    void consume(std::string_view data) override { got.append(data); }
  } collect;
  ReplyRecorder recorder;
  recorder.set_bulk_consumer(&collect);
  recorder.bulk("value");
  EXPECT_EQ(collect.got, "value");
  ASSERT_EQ(recorder.nodes().size(), 1u);
  EXPECT_EQ(recorder.top()->type, ReplyType::kBulk);
  EXPECT_EQ(recorder.text(*recorder.top()), "");
}

TEST(ReplyRecorder, ClearedRecorderReusesItsCapacity) {
  ReplyRecorder recorder;
  for (int i = 0; i < 100; ++i) recorder.bulk("some text");
  const std::size_t capacity = recorder.nodes().capacity();
  recorder.clear();
  EXPECT_TRUE(recorder.nodes().empty());
  EXPECT_EQ(recorder.nodes().capacity(), capacity);
}

}  // namespace
}  // namespace respcache::protocol
