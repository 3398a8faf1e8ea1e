#include "respcache/commands/service.hpp"

#include <gtest/gtest.h>

#include "command_harness.hpp"

namespace respcache::commands {
namespace {

using protocol::ReplyType;
using testing::CommandHarness;

TEST(Service, StringCommandsInBothEncodings) {
  CommandHarness h;
  for (int proto : {2, 3}) {
    EXPECT_EQ(h.run({"SET", "k", "v"}, proto), "+OK\r\n");
    EXPECT_EQ(h.run({"GET", "k"}, proto), "$1\r\nv\r\n");
    EXPECT_EQ(h.run({"INCR", "n"}, proto), proto == 2 ? ":1\r\n" : ":1\r\n");
    EXPECT_EQ(h.run({"DEL", "n"}, proto), ":1\r\n");
  }
  EXPECT_EQ(h.run({"GET", "missing"}, 2), "$-1\r\n");
  EXPECT_EQ(h.run({"GET", "missing"}, 3), "_\r\n");
  EXPECT_EQ(h.run({"MGET", "k", "missing"}, 2), "*2\r\n$1\r\nv\r\n$-1\r\n");
  EXPECT_EQ(h.run({"MGET", "k", "missing"}, 3), "*2\r\n$1\r\nv\r\n_\r\n");
}

TEST(Service, SetGetRollsBackTheOldValueWhenTheWriteFails) {
  storage::CacheOptions options = testing::test_cache_options();
  options.max_memory = 64 * 1024;
  CommandHarness h(testing::test_config(), options);
  ASSERT_EQ(h.run({"SET", "k", "old"}), "+OK\r\n");
  const std::string huge(128 * 1024, 'x');
  const std::string reply = h.run({"SET", "k", huge, "GET"});
  EXPECT_EQ(reply.rfind("-OOM", 0), 0u) << reply;
  EXPECT_EQ(reply.find("old"), std::string::npos) << "the GET part was taken back";
}

// Redis's processCommand under maxmemory: while over the budget, denyoom commands are
// refused before they run, every command inside MULTI too, and EXEC when its queue holds a
// denyoom command (tests/integration/noeviction_test.py compares it all with redis-server).
TEST(Service, DenyOomCommandsAreRefusedWhileOverTheBudget) {
  storage::CacheOptions options = testing::test_cache_options();
  options.max_memory = 256 * 1024;
  options.eviction_policy = storage::EvictionPolicy::kNoEviction;
  CommandHarness h(testing::test_config(), options);
  const std::string oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  ASSERT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n");
  ASSERT_EQ(h.run({"MULTI"}), "+OK\r\n");
  ASSERT_EQ(h.run({"INCR", "n"}), "+QUEUED\r\n");
  h.cache().set_max_memory(h.cache().used_memory() / 2);
  EXPECT_EQ(h.run({"EXEC"}),
            "-EXECABORT Transaction discarded because of: OOM command not "
            "allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_EQ(h.run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(h.run({"SET", "k", "w"}), oom);
  EXPECT_EQ(h.run({"SETNX", "k", "w"}), oom);
  EXPECT_EQ(h.run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h.run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(h.run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), oom);
  EXPECT_EQ(h.run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(h.run({"DEL", "k"}), ":1\r\n");
  h.cache().set_max_memory(0);
  EXPECT_EQ(h.run({"SET", "k", "w"}), "+OK\r\n");
}

TEST(Service, AKeyWatchedTwiceIsCountedOnce) {
  CommandHarness h;
  const std::int64_t before = h.core().buffer_bytes.load();
  EXPECT_EQ(h.run({"WATCH", "a", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(h.run({"WATCH", "b", "a"}), "+OK\r\n");
  const std::int64_t two_keys = h.core().buffer_bytes.load() - before;
  EXPECT_EQ(h.run({"UNWATCH"}), "+OK\r\n");
  EXPECT_EQ(h.core().buffer_bytes.load(), before);
  EXPECT_EQ(h.run({"WATCH", "a"}), "+OK\r\n");
  EXPECT_EQ((h.core().buffer_bytes.load() - before) * 2, two_keys);
  // Still watched: a write to it aborts the transaction.
  EXPECT_EQ(h.run({"WATCH", "a"}), "+OK\r\n");
  EXPECT_EQ(h.run({"SET", "a", "1"}), "+OK\r\n");
  EXPECT_EQ(h.run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(h.run({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(h.core().buffer_bytes.load(), before);
}

TEST(Service, ErrorsComeFromTheServiceBeforeAnyHandler) {
  CommandHarness h;
  EXPECT_EQ(h.run({"NOSUCH", "a"}),
            "-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n");
  EXPECT_EQ(h.run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST(Service, AuthIsRequiredOnceAPasswordIsSet) {
  config::Config config = testing::test_config();
  config.requirepass = "secret";
  CommandHarness h(config);
  EXPECT_FALSE(h.client().authenticated);
  EXPECT_EQ(h.run({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(h.run({"AUTH", "secret"}), "+OK\r\n");
  EXPECT_EQ(h.run({"GET", "k"}), "$-1\r\n");
}

TEST(Service, ConfigGetIsAMapInResp3) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "GET", "timeout"}, 2), "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
  EXPECT_EQ(h.run({"CONFIG", "GET", "timeout"}, 3), "%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
  EXPECT_EQ(h.run({"CONFIG", "SET", "timeout", "30"}), "+OK\r\n");
  EXPECT_EQ(h.core().settings.timeout_seconds(), 30u);
}

TEST(Service, InfoIsBulkInResp2AndVerbatimInResp3) {
  CommandHarness h;
  const std::string resp2 = h.run({"INFO", "server"}, 2);
  const std::string resp3 = h.run({"INFO", "server"}, 3);
  EXPECT_EQ(resp2[0], '$');
  EXPECT_EQ(resp3[0], '=');
  EXPECT_NE(resp3.find("txt:# Server"), std::string::npos);
}

TEST(Service, HelloIsAMapOfSevenPairs) {
  CommandHarness h;
  const auto& reply = h.record({"HELLO", "2"});
  ASSERT_NE(reply.top(), nullptr);
  EXPECT_EQ(reply.top()->type, ReplyType::kMap);
  EXPECT_EQ(reply.top()->integer, 7);
  EXPECT_EQ(h.run({"HELLO", "2"}, 2).rfind("*14\r\n", 0), 0u);
}

TEST(Service, RecorderSeesTypedReplies) {
  CommandHarness h;
  EXPECT_EQ(h.record({"PUT", "k", "value"}).top()->type, ReplyType::kSimple);
  const auto& hit = h.record({"GET", "k"});
  EXPECT_EQ(hit.top()->type, ReplyType::kBulk);
  EXPECT_EQ(hit.text(*hit.top()), "value");
  EXPECT_EQ(h.record({"GET", "nope"}).top()->type, ReplyType::kNull);
  EXPECT_EQ(h.record({"INCR", "k"}).top()->type, ReplyType::kError);
  EXPECT_EQ(h.record({"STRLEN", "k"}).top()->integer, 5);
}

TEST(Service, CommandsAreCountedPerThread) {
  CommandHarness h;
  h.run({"SET", "a", "1"});
  h.run({"GET", "a"});
  h.run({"GET", "b"});
  const core::Totals totals = h.service().totals();
  EXPECT_EQ(totals.commands_processed, 3u);
  EXPECT_EQ(totals.keyspace_hits, 1u);
  EXPECT_EQ(totals.keyspace_misses, 1u);
  h.run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(h.service().totals().commands_processed, 1u) << "RESETSTAT itself is counted after";
}

}  // namespace
}  // namespace respcache::commands
