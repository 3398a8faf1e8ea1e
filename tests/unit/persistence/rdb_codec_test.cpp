// The RDB pieces of DUMP payloads, against bytes Redis 7.0 writes: lengths in each width,
// integer and LZF strings, the CRC64 and footer check.
#include "respcache/persistence/rdb_codec.hpp"

#include <gtest/gtest.h>

#include <string>

namespace respcache::persistence {
namespace {

TEST(RdbCodec, Crc64IsRedisCheckValue) {
  // crc64.c's test vector: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
  EXPECT_EQ(crc64("123456789"), 0xe9c6d914c4b8d9caULL);
}

TEST(RdbCodec, LengthsRoundTripInEveryWidth) {
  for (const std::uint64_t length :
       {0ULL, 63ULL, 64ULL, 16383ULL, 16384ULL, 0xffffffffULL, 0x100000000ULL}) {
    std::string out;
    append_length(out, length);
    RdbReader reader(out);
    std::uint64_t read = 0;
    bool encoded = true;
    ASSERT_TRUE(reader.read_length(read, encoded)) << length;
    EXPECT_FALSE(encoded);
    EXPECT_EQ(read, length);
    EXPECT_EQ(reader.remaining(), 0U);
  }
}

TEST(RdbCodec, IntegerEncodedStrings) {
  const std::string bytes("\xc0\xff\xc1\x39\x30\xc2\x00\x00\x00\x80", 10);
  RdbReader reader(bytes);
  std::string out;
  ASSERT_TRUE(reader.read_string(out));
  EXPECT_EQ(out, "-1");
  ASSERT_TRUE(reader.read_string(out));
  EXPECT_EQ(out, "12345");
  ASSERT_TRUE(reader.read_string(out));
  EXPECT_EQ(out, "-2147483648");
}

TEST(RdbCodec, LzfStringsAsRedisWritesThem) {
  // The string part of redis-server 7.0's DUMP of SET k <50 a's>, and of a 135-byte value
  // with repeats at several distances.
  const std::string fifty(
      "\xc3\t2\x01"
      "aa\xe0%\x00\x01"
      "aa",
      12);
  RdbReader reader(fifty);
  std::string out;
  ASSERT_TRUE(reader.read_string(out));
  EXPECT_EQ(out, std::string(50, 'a'));
  EXPECT_EQ(reader.remaining(), 0U);

  const std::string mixed(
      "\xc3%@\x87\x03"
      "abca\xe0\x11\x02\x02xyz\xe0\x00\x02\xe0\x12&\x80\x1a\xe0\x00) \x08\x80\x11\xe0\x12\x05 "
      "#\xe0\x00\x02 &",
      42);
  std::string expected;
  for (int i = 0; i < 3; ++i) expected += "abcabcabcabcabcabcabcabcabcabcxyzxyzxyzxyzabc";
  RdbReader mixed_reader(mixed);
  ASSERT_TRUE(mixed_reader.read_string(out));
  EXPECT_EQ(out, expected);
}

TEST(RdbCodec, MalformedInputIsRefusedNotOverread) {
  std::string out;
  EXPECT_FALSE(lzf_decompress(std::string("\x05"
                                          "ab",
                                          3),
                              6, out));                              // literal past the end
  EXPECT_FALSE(lzf_decompress(std::string("\x20\x05", 2), 3, out));  // reference before start
  EXPECT_FALSE(lzf_decompress(std::string("\x00"
                                          "a",
                                          2),
                              2, out));  // shorter than announced
  const std::string truncated("\x80\x00\x00", 3);
  RdbReader reader(truncated);
  EXPECT_FALSE(reader.read_string(out));
}

TEST(RdbCodec, FooterVerifiesVersionAndChecksum) {
  std::string payload("\xf5\x01x", 3);
  append_dump_footer(payload);
  std::string_view body;
  ASSERT_TRUE(verify_dump_payload(payload, body));
  EXPECT_EQ(body, std::string_view("\xf5\x01x", 3));
  std::string corrupt = payload;
  corrupt[1] = '\x02';
  EXPECT_FALSE(verify_dump_payload(corrupt, body));
  std::string newer = payload;
  newer[3] = 11;  // RDB version 11: refused before the checksum
  EXPECT_FALSE(verify_dump_payload(newer, body));
  EXPECT_FALSE(verify_dump_payload("short", body));
}

}  // namespace
}  // namespace respcache::persistence
