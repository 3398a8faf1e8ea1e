// The string and bitmap commands added for client libraries, through Service in RESP2 and
// RESP3: the replies whose shape or text the differential test cannot reach (RESP3, our
// --max-value-size) or that are easy to get subtly wrong (float text, LCS IDX).

#include <gtest/gtest.h>

#include <string>

#include "command_harness.hpp"

namespace respcache::commands {
namespace {

using testing::CommandHarness;

/// INCRBYFLOAT of `increment` on a fresh key: Redis's long double text, both ways.
std::string incr_by_float(std::string_view increment) {
  CommandHarness h;
  return h.run({"INCRBYFLOAT", "f", increment});
}

TEST(StringCommands, IncrByFloatFormatsAsRedisHumanMode) {
  EXPECT_EQ(incr_by_float("0.1"), "$3\r\n0.1\r\n");
  EXPECT_EQ(incr_by_float("3.000"), "$1\r\n3\r\n");
  EXPECT_EQ(incr_by_float("-0.0"), "$1\r\n0\r\n") << "never -0";
  EXPECT_EQ(incr_by_float("-2.5"), "$4\r\n-2.5\r\n");
  EXPECT_EQ(incr_by_float("1e20"), "$21\r\n100000000000000000000\r\n") << "%Lf, not %g";
  EXPECT_EQ(incr_by_float("1e-18"), "$1\r\n0\r\n") << "17 digits after the point";
  EXPECT_EQ(incr_by_float("0x10"), "$2\r\n16\r\n") << "strtold reads hex";
}

TEST(StringCommands, IncrByFloatParsesAsRedisString2ld) {
  const std::string not_float = "-ERR value is not a valid float\r\n";
  for (const std::string_view bad : {"", " 1", "1 ", "1e", "nan", "1e-5000", "abc", "1,5"}) {
    EXPECT_EQ(incr_by_float(bad), not_float) << bad;
  }
  EXPECT_EQ(incr_by_float(std::string_view("1\0x", 3)), not_float) << "no C-string cut";
  EXPECT_EQ(incr_by_float(std::string(5120, '1')), not_float) << "5 KiB and longer";
  EXPECT_EQ(incr_by_float("inf"), "-ERR increment would produce NaN or Infinity\r\n");
}

TEST(StringCommands, IncrByFloatIsABulkStringInBothProtocols) {
  CommandHarness h;
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "0.1"}, 2), "$3\r\n0.1\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "0.2"}, 3), "$3\r\n0.3\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "-0.3"}, 3), "$1\r\n0\r\n");
  EXPECT_EQ(h.run({"SET", "f", "5.0e3"}), "+OK\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "2.0e2"}), "$4\r\n5200\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "x"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(h.run({"INCRBYFLOAT", "f", "inf"}), "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(h.run({"GET", "f"}), "$4\r\n5200\r\n") << "a refused increment writes nothing";
}

TEST(StringCommands, IncrByFloatKeepsTheTtl) {
  CommandHarness h;
  ASSERT_EQ(h.run({"SET", "f", "1", "EX", "100"}), "+OK\r\n");
  ASSERT_EQ(h.run({"INCRBYFLOAT", "f", "1.25"}), "$4\r\n2.25\r\n");
  EXPECT_EQ(h.run({"TTL", "f"}), ":100\r\n");
}

TEST(StringCommands, LcsIdxIsAMapInResp3) {
  CommandHarness h;
  ASSERT_EQ(h.run({"MSET", "a", "ohmytext", "b", "mynewtext"}), "+OK\r\n");
  const std::string matches =
      "*2\r\n"
      "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
      "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n";
  EXPECT_EQ(h.run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"}, 2),
            "*4\r\n$7\r\nmatches\r\n" + matches + "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"}, 3),
            "%2\r\n$7\r\nmatches\r\n" + matches + "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.run({"LCS", "a", "b"}, 3), "$6\r\nmytext\r\n");
  EXPECT_EQ(h.run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "3"}, 3),
            "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.run({"LCS", "a", "b", "LEN", "IDX"}),
            "-ERR If you want both the length and indexes, please just use IDX.\r\n");
}

TEST(StringCommands, NullsAndEmptyStringsInResp3) {
  CommandHarness h;
  EXPECT_EQ(h.run({"GETSET", "k", "v"}, 3), "_\r\n");
  EXPECT_EQ(h.run({"GETSET", "k", "w"}, 3), "$1\r\nv\r\n");
  EXPECT_EQ(h.run({"GETRANGE", "missing", "0", "-1"}, 3), "$0\r\n\r\n");
  EXPECT_EQ(h.run({"SETNX", "k", "x"}, 3), ":0\r\n");
  EXPECT_EQ(h.run({"MSETNX", "k", "1", "n", "2"}, 3), ":0\r\n");
  EXPECT_EQ(h.run({"MSETNX", "m", "1", "n", "2"}, 3), ":1\r\n");
}

TEST(StringCommands, GrowingPastMaxValueSizeIsRefused) {
  config::Config config = testing::test_config();
  config.max_value_size = 16;
  CommandHarness h(config);
  const std::string too_large = "-ERR value is too large (max-value-size is 16 bytes)\r\n";
  EXPECT_EQ(h.run({"SETRANGE", "k", "15", "x"}), ":16\r\n");
  EXPECT_EQ(h.run({"SETRANGE", "k", "15", "xy"}), too_large);
  EXPECT_EQ(h.run({"SETRANGE", "k", "536870912", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n")
      << "past Redis's own limit, Redis's text";
  EXPECT_EQ(h.run({"SETBIT", "b", "127", "1"}), ":0\r\n");
  EXPECT_EQ(h.run({"SETBIT", "b", "128", "1"}), too_large);
  EXPECT_EQ(h.run({"SETBIT", "b", "4294967296", "1"}),
            "-ERR bit offset is not an integer or out of range\r\n");
  EXPECT_EQ(h.run({"BITFIELD", "f", "SET", "u8", "#16", "1"}), too_large);
  EXPECT_EQ(h.run({"BITFIELD", "f", "GET", "u8", "#16"}), "*1\r\n:0\r\n") << "reads may look";
  EXPECT_EQ(h.run({"STRLEN", "k"}), ":16\r\n");
  EXPECT_EQ(h.run({"EXISTS", "f"}), ":0\r\n");
}

TEST(BitmapCommands, BitfieldFailIsANullInEachProtocol) {
  CommandHarness h;
  const auto run = [&](int proto) {
    return h.run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "GET", "u2", "0"},
                 proto);
  };
  EXPECT_EQ(run(2), "*2\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(run(3), "*2\r\n_\r\n:0\r\n");
  EXPECT_EQ(h.run({"BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "1000"}),
            "*1\r\n:127\r\n");
  EXPECT_EQ(h.run({"BITFIELD", "k", "INCRBY", "i8", "0", "1"}), "*1\r\n:-128\r\n") << "wraps";
  EXPECT_EQ(h.run({"BITFIELD_RO", "k", "INCRBY", "i8", "0", "1"}),
            "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
}

TEST(BitmapCommands, BitopAndBitpos) {
  CommandHarness h;
  ASSERT_EQ(h.run({"MSET", "a", "\xff\xf0", "b", "\x0f"}), "+OK\r\n");
  EXPECT_EQ(h.run({"BITOP", "AND", "d", "a", "b"}), ":2\r\n");
  EXPECT_EQ(h.run({"GET", "d"}), std::string("$2\r\n\x0f\x00\r\n", 8));
  EXPECT_EQ(h.run({"BITPOS", "d", "1"}), ":4\r\n");
  EXPECT_EQ(h.run({"BITPOS", "a", "0"}), ":12\r\n");
  EXPECT_EQ(h.run({"BITPOS", "a", "0", "0", "0"}), ":-1\r\n") << "an end given: no padding";
  EXPECT_EQ(h.run({"BITCOUNT", "a", "4", "11", "BIT"}), ":8\r\n");
  EXPECT_EQ(h.run({"BITCOUNT", "a", "10", "13", "BIT"}), ":2\r\n");
  EXPECT_EQ(h.run({"BITOP", "NOT", "d", "missing"}), ":0\r\n");
  EXPECT_EQ(h.run({"EXISTS", "d"}), ":0\r\n");
}

}  // namespace
}  // namespace respcache::commands
