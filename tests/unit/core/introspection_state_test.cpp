// Slowlog trimming and bounds, CLIENT KILL's filter matching, the error table, the pause
// state and the monitor feed's bound.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "respcache/core/client_pause.hpp"
#include "respcache/core/client_registry.hpp"
#include "respcache/core/error_stats.hpp"
#include "respcache/core/monitor_feed.hpp"
#include "respcache/core/slowlog.hpp"

namespace respcache::core {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& args) {
  return {args.begin(), args.end()};
}

TEST(Slowlog, TrimsLongArgumentsAndManyArguments) {
  const std::string long_arg(200, 'x');
  std::vector<std::string> args{"ECHO", long_arg, std::string(128, 'y')};
  auto trimmed = Slowlog::trim(views(args));
  ASSERT_EQ(trimmed.size(), 3u);
  EXPECT_EQ(trimmed[1], std::string(128, 'x') + "... (72 more bytes)");
  EXPECT_EQ(trimmed[2], std::string(128, 'y'));  // exactly 128 bytes stays whole

  std::vector<std::string> many{"MGET"};
  for (int i = 0; i < 40; ++i) many.push_back("k" + std::to_string(i));
  trimmed = Slowlog::trim(views(many));
  ASSERT_EQ(trimmed.size(), Slowlog::kMaxArgs);
  EXPECT_EQ(trimmed[30], "k29");
  EXPECT_EQ(trimmed.back(), "... (10 more arguments)");

  std::vector<std::string> exactly(32, "a");
  EXPECT_EQ(Slowlog::trim(views(exactly)).back(), "a");
}

TEST(Slowlog, ThresholdsAndLength) {
  Slowlog log;
  EXPECT_FALSE(log.wants(9999));
  EXPECT_TRUE(log.wants(10000));
  log.set_slower_than_us(-1);
  EXPECT_FALSE(log.wants(1u << 30));
  log.set_slower_than_us(0);
  EXPECT_TRUE(log.wants(0));

  std::vector<std::string> args{"PING"};
  for (int i = 0; i < 5; ++i) log.add(views(args), 7, "127.0.0.1:1", "n");
  EXPECT_EQ(log.size(), 5u);
  const auto newest = log.newest(2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, 4u);
  EXPECT_EQ(newest[1].id, 3u);
  EXPECT_EQ(newest[0].client_name, "n");
  log.set_max_length(3);  // drops the oldest at once
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.newest(10).back().id, 2u);
  log.set_max_length(0);
  log.add(views(args), 7, "", "");
  EXPECT_EQ(log.size(), 0u);
  log.set_max_length(10);
  log.add(views(args), 7, "", "");
  EXPECT_EQ(log.newest(1)[0].id, 6u);  // ids go on across drops and resets
  log.reset();
  EXPECT_EQ(log.size(), 0u);
}

ClientRecord record(std::uint64_t id, std::string addr, std::string laddr) {
  return ClientRecord(id, std::move(addr), std::move(laddr), 10, 0);
}

TEST(ClientFilter, MatchesEveryGivenFilter) {
  const ClientRecord a = record(1, "127.0.0.1:5000", "127.0.0.1:7171");
  const ClientRecord b = record(2, "127.0.0.1:5001", "127.0.0.1:7171");
  ClientFilter filter;
  EXPECT_TRUE(filter.matches(a, 2));
  EXPECT_FALSE(filter.matches(b, 2));  // SKIPME yes by default
  filter.skip_me = false;
  EXPECT_TRUE(filter.matches(b, 2));

  filter.addr = "127.0.0.1:5000";
  EXPECT_TRUE(filter.matches(a, 2));
  EXPECT_FALSE(filter.matches(b, 2));
  filter.addr = "127.0.0.1:500";  // whole strings only
  EXPECT_FALSE(filter.matches(a, 2));

  ClientFilter by_id;
  by_id.id = 2;
  by_id.skip_me = false;
  EXPECT_FALSE(by_id.matches(a, 9));
  EXPECT_TRUE(by_id.matches(b, 9));
  by_id.laddr = "127.0.0.1:7172";
  EXPECT_FALSE(by_id.matches(b, 9));

  ClientFilter by_type;
  by_type.type = ClientType::kNormal;
  EXPECT_TRUE(by_type.matches(a, 9));
  by_type.type = ClientType::kPubSub;  // respcache has none
  EXPECT_FALSE(by_type.matches(a, 9));
}

TEST(ClientType, ParsesRedisNames) {
  EXPECT_EQ(parse_client_type("NORMAL"), ClientType::kNormal);
  EXPECT_EQ(parse_client_type("slave"), ClientType::kReplica);
  EXPECT_EQ(parse_client_type("Replica"), ClientType::kReplica);
  EXPECT_EQ(parse_client_type("pubsub"), ClientType::kPubSub);
  EXPECT_EQ(parse_client_type("master"), ClientType::kMaster);
  EXPECT_EQ(parse_client_type("normall"), std::nullopt);
}

TEST(ClientRegistry, SnapshotInIdOrderAndRemoval) {
  ClientRegistry registry;
  for (std::uint64_t id : {5, 2, 9}) {
    registry.add(std::make_shared<ClientRecord>(id, "a", "b", 1, 0));
  }
  auto all = registry.snapshot();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->id, 2u);
  EXPECT_EQ(all[2]->id, 9u);
  registry.remove(*all[1]);
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.find(5), nullptr);
  EXPECT_NE(registry.find(9), nullptr);
  // A snapshot keeps its records alive after they leave.
  EXPECT_EQ(all[1]->id, 5u);
}

TEST(ErrorStats, CountsByFirstWordWithABaseline) {
  ErrorStats errors;
  errors.count("ERR unknown command 'x'");
  errors.count("ERR syntax error");
  errors.count("NOAUTH Authentication required.");
  errors.count("WEIRD");
  EXPECT_EQ(errors.total(), 4u);
  auto codes = errors.by_code();
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(codes[0], std::make_pair(std::string("ERR"), std::uint64_t{2}));
  EXPECT_EQ(codes[2].first, "WEIRD");
  errors.reset();
  EXPECT_EQ(errors.total(), 0u);
  EXPECT_TRUE(errors.by_code().empty());
  errors.count("NOAUTH again");
  codes = errors.by_code();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0].second, 1u);
}

TEST(ErrorStats, StopsAddingCodesAtTheLimitButCountsTheTotal) {
  ErrorStats errors;
  for (std::size_t i = 0; i < ErrorStats::kMaxCodes + 10; ++i) {
    errors.count("E" + std::to_string(i) + " x");
  }
  EXPECT_EQ(errors.by_code().size(), ErrorStats::kMaxCodes);
  EXPECT_EQ(errors.total(), ErrorStats::kMaxCodes + 10);
}

TEST(ErrorStats, ConcurrentCountsAreNotLost) {
  ErrorStats errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) errors.count(i % 2 ? "ERR a" : (t % 2 ? "OOM b" : "X c"));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.total(), 40000u);
  std::uint64_t sum = 0;
  for (const auto& [code, count] : errors.by_code()) sum += count;
  EXPECT_EQ(sum, 40000u);
}

TEST(ClientPause, StricterModeAndLaterEndWin) {
  ClientPause pause;
  EXPECT_FALSE(pause.maybe_paused());
  pause.pause(1000, ClientPause::Mode::kAll);
  pause.pause(500, ClientPause::Mode::kWrite);
  EXPECT_EQ(pause.end_ms(), 1000);
  EXPECT_EQ(pause.mode(999), ClientPause::Mode::kAll);
  pause.pause(2000, ClientPause::Mode::kWrite);
  EXPECT_EQ(pause.mode(1500), ClientPause::Mode::kAll);
  EXPECT_EQ(pause.mode(2000), ClientPause::Mode::kNone);  // ended: and cleared
  EXPECT_FALSE(pause.maybe_paused());
  pause.pause(3000, ClientPause::Mode::kWrite);
  pause.unpause();
  EXPECT_EQ(pause.mode(0), ClientPause::Mode::kNone);
}

TEST(MonitorFeed, AMailboxPastItsLimitIsDroppedAndItsClientKilled) {
  std::atomic<std::int64_t> meter{0};
  MonitorFeed feed(meter);
  EXPECT_FALSE(feed.active());
  int kills = 0;
  int wakes = 0;
  auto client = std::make_shared<ClientRecord>(
      1, "a", "b", 1, 0, [&](ClientControl c) { (c == ClientControl::kKill ? kills : wakes)++; });
  auto mailbox = feed.add(client);
  EXPECT_TRUE(feed.active());
  feed.publish("line one\n", 20);
  feed.publish("line two\n", 20);  // not empty any more: no second wake
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(meter.load(), 18);
  std::string out;
  EXPECT_TRUE(mailbox->take(out));
  EXPECT_EQ(out, "line one\nline two\n");
  EXPECT_EQ(meter.load(), 0);
  feed.publish("0123456789\n", 20);
  feed.publish("0123456789\n", 20);  // 22 > 20
  EXPECT_EQ(kills, 1);
  EXPECT_TRUE(mailbox->overflowed());
  EXPECT_EQ(meter.load(), 0);
  feed.publish("more\n", 20);  // an overflowed mailbox takes nothing more
  EXPECT_EQ(kills, 1);
  feed.remove(*mailbox);
  EXPECT_FALSE(feed.active());
}

}  // namespace
}  // namespace respcache::core
