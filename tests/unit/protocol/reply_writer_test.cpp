#include "respcache/protocol/reply_writer.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <string_view>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::protocol {
namespace {

using namespace std::string_literals;

class ReplyWriterTest : public testing::Test {
 protected:
  std::string written() const { return std::string(out_.view()); }

  ByteBuffer out_;
  ReplyWriter writer_{out_};
};

TEST_F(ReplyWriterTest, SimpleString) {
  writer_.simple("PONG");
  EXPECT_EQ(written(), "+PONG\r\n");
}

TEST_F(ReplyWriterTest, Ok) {
  writer_.ok();
  EXPECT_EQ(written(), "+OK\r\n");
}

TEST_F(ReplyWriterTest, ErrorIsWrittenAsGiven) {
  writer_.error("ERR unknown command 'FOO'");
  EXPECT_EQ(written(), "-ERR unknown command 'FOO'\r\n");
}

TEST_F(ReplyWriterTest, ErrorTurnsLineBreaksIntoSpaces) {
  writer_.error("ERR a\r\nb\nc\rd");
  EXPECT_EQ(written(), "-ERR a  b c d\r\n");
}

TEST_F(ReplyWriterTest, Integers) {
  writer_.integer(0);
  writer_.integer(42);
  writer_.integer(-1);
  writer_.integer(LLONG_MAX);
  writer_.integer(LLONG_MIN);
  EXPECT_EQ(written(), ":0\r\n:42\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
}

TEST_F(ReplyWriterTest, BulkStrings) {
  writer_.bulk("hello");
  writer_.bulk("");
  writer_.bulk("a\r\n\0b"s);
  EXPECT_EQ(written(), "$5\r\nhello\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n"s);
}

TEST_F(ReplyWriterTest, NullBulkAndNullArray) {
  writer_.null_bulk();
  writer_.null_array();
  EXPECT_EQ(written(), "$-1\r\n*-1\r\n");
}

TEST_F(ReplyWriterTest, ArrayOfMixedReplies) {
  writer_.array_header(3);
  writer_.bulk("GET");
  writer_.integer(7);
  writer_.null_bulk();
  writer_.array_header(0);
  EXPECT_EQ(written(), "*3\r\n$3\r\nGET\r\n:7\r\n$-1\r\n*0\r\n");
}

TEST_F(ReplyWriterTest, BulkBuiltFromPieces) {
  writer_.bulk_header(6);
  writer_.raw("abc");
  writer_.raw("def");
  writer_.bulk_trailer();
  EXPECT_EQ(written(), "$6\r\nabcdef\r\n");
}

TEST_F(ReplyWriterTest, LargeBulkGrowsTheBuffer) {
  const std::string payload(100000, 'x');
  writer_.simple("first");
  writer_.bulk(payload);
  EXPECT_EQ(written(), "+first\r\n$100000\r\n" + payload + "\r\n");
}

TEST_F(ReplyWriterTest, AppendsAfterUnreadBytes) {
  out_.append("+queued\r\n");
  out_.consume(1);
  writer_.ok();
  EXPECT_EQ(written(), "queued\r\n+OK\r\n");
  EXPECT_EQ(&writer_.buffer(), &out_);
}

}  // namespace
}  // namespace respcache::protocol
