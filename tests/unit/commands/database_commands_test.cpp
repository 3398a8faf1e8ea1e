// Databases through the command layer: SELECT per client, SWAPDB and FLUSHDB seen by other
// clients, WATCH per database, and a whole SCAN of one database through Service.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "command_harness.hpp"

namespace respcache::commands {
namespace {

using testing::CommandHarness;

class DatabaseCommands : public ::testing::Test {
 protected:
  DatabaseCommands() { harness_.service().open_client(other_); }

  std::string a(std::initializer_list<std::string_view> args) { return harness_.run(args); }
  // The same, as a second client.
  std::string b(std::initializer_list<std::string_view> args) {
    protocol::ByteBuffer out;
    protocol::RespEncoder encoder(out, 2);
    const std::vector<std::string_view> list(args);
    harness_.service().execute(other_, list, encoder, harness_.stats());
    return std::string(out.view());
  }

  CommandHarness harness_;
  ClientState other_;
};

TEST_F(DatabaseCommands, EachClientHasItsOwnSelectedDatabase) {
  EXPECT_EQ(a({"SELECT", "5"}), "+OK\r\n");
  EXPECT_EQ(a({"SET", "k", "five"}), "+OK\r\n");
  EXPECT_EQ(b({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(b({"SELECT", "5"}), "+OK\r\n");
  EXPECT_EQ(b({"GET", "k"}), "$4\r\nfive\r\n");
  EXPECT_EQ(b({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(b({"DBSIZE"}), ":1\r\n");
}

TEST_F(DatabaseCommands, SwapdbIsSeenAtOnceByAClientOfEitherDatabase) {
  a({"SET", "k", "zero"});
  EXPECT_EQ(b({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(a({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(b({"GET", "k"}), "$4\r\nzero\r\n");
  EXPECT_EQ(a({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(b({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(harness_.cache().size(), 0u);
}

TEST_F(DatabaseCommands, WatchIsPerDatabase) {
  b({"SELECT", "1"});
  EXPECT_EQ(b({"WATCH", "k"}), "+OK\r\n");
  a({"SET", "k", "in zero"});  // another database: not a change to the watched key
  b({"MULTI"});
  b({"PING"});
  EXPECT_EQ(b({"EXEC"}), "*1\r\n+PONG\r\n");
  b({"WATCH", "k"});
  a({"SELECT", "1"});
  a({"SET", "k", "in one"});
  b({"MULTI"});
  EXPECT_EQ(b({"EXEC"}), "*-1\r\n");
}

TEST_F(DatabaseCommands, SwapdbTouchesKeysWatchedInEitherDatabase) {
  a({"SELECT", "2"});
  a({"SET", "k", "two"});
  EXPECT_EQ(b({"WATCH", "k"}), "+OK\r\n");  // in database 0, where k is missing
  EXPECT_EQ(b({"WATCH", "j"}), "+OK\r\n");
  a({"SWAPDB", "0", "2"});
  b({"MULTI"});
  EXPECT_EQ(b({"EXEC"}), "*-1\r\n");
}

TEST_F(DatabaseCommands, AWholeScanOfOneDatabase) {
  std::set<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i);
    harness_.cache().set(0, key, "zero");
    if (i % 3 == 0) {
      harness_.cache().set(3, key, "three");
      expected.insert(key);
    }
  }
  a({"SELECT", "3"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    // Recorded flat: the pair, the cursor, the array of keys, then the keys.
    const protocol::ReplyRecorder& reply = harness_.record({"SCAN", cursor, "COUNT", "7"});
    const auto& nodes = reply.nodes();
    cursor = std::string(reply.text(nodes.at(1)));
    for (std::size_t i = 3; i < nodes.size(); ++i) {
      EXPECT_TRUE(seen.insert(std::string(reply.text(nodes[i]))).second);
    }
  } while (cursor != "0" && ++calls < 1000);
  EXPECT_EQ(seen, expected);
}

TEST_F(DatabaseCommands, MemoryUsageIsTheEntrysFootprintAndItsSlot) {
  a({"SET", "key", std::string(100, 'v')});
  const std::string reply = a({"MEMORY", "USAGE", "key"});
  const long long bytes = std::stoll(reply.substr(1));
  EXPECT_GE(bytes, 12 + 3 + 100 + 8);
  EXPECT_LE(bytes, 12 + 3 + 100 + 8 + 32);  // glibc rounding and its size word
}

}  // namespace
}  // namespace respcache::commands
