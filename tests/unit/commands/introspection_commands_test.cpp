// CONFIG SET parsing and application, SLOWLOG through the command path, CLIENT KILL over the
// registry, CLIENT PAUSE's postponement, MONITOR lines.

#include <gtest/gtest.h>

#include "command_harness.hpp"
#include "respcache/core/client_pause.hpp"

namespace respcache::commands {
namespace {

using testing::CommandHarness;

std::string err(std::string_view text) { return "-" + std::string(text) + "\r\n"; }

TEST(ConfigSet, AppliesSeveralAtOnce) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "slowlog-max-len", "7", "maxclients", "50", "timeout", "3",
                   "slowlog-log-slower-than", "-1"}),
            "+OK\r\n");
  EXPECT_EQ(h.core().slowlog.max_length(), 7u);
  EXPECT_EQ(h.core().settings.max_clients(), 50u);
  EXPECT_EQ(h.core().settings.timeout_seconds(), 3u);
  EXPECT_EQ(h.core().slowlog.slower_than_us(), -1);
  EXPECT_EQ(h.run({"CONFIG", "GET", "maxclients"}), "*2\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n");
}

TEST(ConfigSet, OneBadValueChangesNothing) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "slowlog-max-len", "7", "timeout", "-1"}),
            err("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must "
                "be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(h.core().slowlog.max_length(), 128u);
}

TEST(ConfigSet, NamesAreCheckedInOrder) {
  CommandHarness h;
  EXPECT_EQ(h.run({"CONFIG", "SET", "timeout", "x", "nosuch", "1"}),
            err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "Timeout", "0", "TIMEOUT", "1"}),
            err("ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate "
                "parameter"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "port", "1", "nosuch", "1"}),
            err("ERR CONFIG SET failed (possibly related to argument 'port') - can't set "
                "immutable config"));
  EXPECT_EQ(h.run({"CONFIG", "SET", "timeout", "1", "port"}), err("ERR syntax error"));
}

TEST(ConfigSet, OutputBufferLimits) {
  CommandHarness h;
  EXPECT_EQ(
      h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 2mb 1mb 10 pubsub 1 2 3"}),
      "+OK\r\n");
  EXPECT_EQ(h.core().settings.output_buffer_limit(), 2u << 20);
  EXPECT_EQ(core::format_output_buffer_limits(h.core().settings.output_buffer_limits()),
            "normal 2097152 1048576 10 slave 268435456 67108864 60 pubsub 1 2 3");
  const std::string prefix =
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0"}),
            err(prefix + "Wrong number of arguments in buffer limit configuration."));
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "master 0 0 0"}),
            err(prefix + "Invalid client class specified in buffer limit configuration."));
  EXPECT_EQ(
      h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 -1"}),
      err(prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1000 0 0"}),
            err(prefix + "the normal class's hard limit must be 0 (none) or at least 1048576 "
                         "bytes"));
  EXPECT_EQ(h.core().settings.output_buffer_limit(), 2u << 20) << "refused: unchanged";
  EXPECT_EQ(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"}), "+OK\r\n");
  EXPECT_EQ(h.core().settings.output_buffer_size_limit(), static_cast<std::size_t>(-1));
}

TEST(Slowlog, LogsThroughTheCommandPathWithRedaction) {
  CommandHarness h;
  h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  h.run({"SLOWLOG", "RESET"});
  h.run({"AUTH", "default", "secret"});
  h.run({"CONFIG", "SET", "requirepass", "pw", "timeout", "0"});
  h.run({"CONFIG", "SET", "requirepass", ""});
  h.run({"MULTI"});
  h.run({"SET", "a", "1"});
  h.run({"EXEC"});  // not logged itself (skip_slowlog); its SET is
  const auto entries = h.core().slowlog.newest(10);
  ASSERT_EQ(entries.size(), 6u);  // RESET, AUTH, CONFIG SET x2, MULTI, SET
  EXPECT_EQ(entries[0].args, (std::vector<std::string>{"SET", "a", "1"}));
  EXPECT_EQ(entries[1].args, (std::vector<std::string>{"MULTI"}));
  EXPECT_EQ(entries[3].args, (std::vector<std::string>{"CONFIG", "SET", "requirepass", "(redacted)",
                                                       "timeout", "0"}));
  EXPECT_EQ(entries[4].args, (std::vector<std::string>{"AUTH", "(redacted)", "(redacted)"}));
}

TEST(ClientKill, KillsByIdThroughTheRecordsControl) {
  CommandHarness h;
  std::vector<core::ClientControl> seen;
  auto other = std::make_shared<core::ClientRecord>(
      h.core().next_client_id(), "127.0.0.1:4000", "127.0.0.1:7171", 9, 0,
      [&](core::ClientControl c) { seen.push_back(c); });
  h.core().clients.add(other);
  const std::string id = std::to_string(other->id);
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ID", id}), ":1\r\n");
  EXPECT_EQ(seen, std::vector<core::ClientControl>{core::ClientControl::kKill});
  EXPECT_EQ(h.run({"CLIENT", "KILL", "127.0.0.1:4000"}), "+OK\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "ADDR", "127.0.0.1:4000", "ID", "12345"}), ":0\r\n");
  EXPECT_EQ(h.run({"CLIENT", "KILL", "TYPE", "normal", "LADDR", "127.0.0.1:7171"}), ":1\r\n");
  EXPECT_EQ(seen.size(), 3u);
  const std::string list = h.run({"CLIENT", "LIST", "ID", id});
  EXPECT_NE(list.find("addr=127.0.0.1:4000 laddr=127.0.0.1:7171 fd=9 "), std::string::npos);
}

TEST(ClientPause, PostponesWritesOnlyWhenTheCallerMayWait) {
  CommandHarness h;
  h.run({"CLIENT", "PAUSE", "60000", "WRITE"});
  protocol::ByteBuffer out;
  protocol::RespEncoder encoder(out);
  const std::vector<std::string_view> set{"SET", "k", "v"};
  const std::vector<std::string_view> get{"GET", "k"};
  EXPECT_EQ(h.service().execute(h.client(), set, encoder, h.stats(), true),
            Service::Outcome::kPostponed);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(h.service().execute(h.client(), get, encoder, h.stats(), true),
            Service::Outcome::kDone);
  EXPECT_EQ(h.run({"SET", "k", "v"}), "+OK\r\n") << "callers that cannot wait run it";
  EXPECT_GT(h.service().paused_until(), core::ClientPause::now_ms());
  h.run({"CLIENT", "UNPAUSE"});
  EXPECT_EQ(h.service().execute(h.client(), set, encoder, h.stats(), true),
            Service::Outcome::kDone);
}

TEST(ClientReplyAndFlags, ShowInClientInfo) {
  CommandHarness h;
  h.run({"CLIENT", "NO-EVICT", "on"});
  h.run({"CLIENT", "NO-TOUCH", "on"});
  h.run({"CLIENT", "SETNAME", "me"});
  const std::string info = h.run({"CLIENT", "INFO"});
  EXPECT_NE(info.find(" name=me "), std::string::npos) << info;
  EXPECT_NE(info.find(" flags=eT "), std::string::npos) << info;
  EXPECT_NE(info.find(" cmd=client|info "), std::string::npos) << info;
  EXPECT_TRUE(h.client().no_touch);
  EXPECT_EQ(h.run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.client().reply_mode, ReplyMode::kOff);
}

TEST(Monitor, SeesOtherCommandsQuotedButNotAdminOnes) {
  CommandHarness h;
  EXPECT_EQ(h.run({"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(h.run({"MONITOR"}), "") << "a monitor's second MONITOR gets no reply";
  h.run({"SET", "k", "a\"b\n"});
  h.run({"CONFIG", "GET", "timeout"});
  h.run({"HELLO", "2", "AUTH", "default", "pw"});
  std::string lines;
  ASSERT_TRUE(h.client().monitor->mailbox().take(lines));
  const auto first = lines.find(" [0 ] ");
  ASSERT_NE(first, std::string::npos) << lines;
  EXPECT_NE(lines.find("\"SET\" \"k\" \"a\\\"b\\n\"\n"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("CONFIG"), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"\n"),
            std::string::npos)
      << lines;
}

TEST(InfoErrorstats, CountsErrorRepliesFromTheSession) {
  CommandHarness h;
  core::ErrorStats& errors = h.core().errors;
  errors.count("ERR x");
  const std::string info = h.run({"INFO", "errorstats"});
  EXPECT_NE(info.find("errorstat_ERR:count=1\r\n"), std::string::npos) << info;
  h.run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(errors.total(), 0u);
}

}  // namespace
}  // namespace respcache::commands
