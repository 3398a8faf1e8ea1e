#include "respcache/core/statistics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace respcache::core {
namespace {

TEST(Statistics, ResetIsABaselineNotAWrite) {
  Statistics stats(2);
  bump(stats.worker(0).commands_processed, 5);
  bump(stats.worker(1).commands_processed, 3);
  stats.total_connections_received.fetch_add(4);
  EXPECT_EQ(stats.totals(10, 2).commands_processed, 8u);
  stats.reset(10, 2);
  Totals t = stats.totals(10, 2);
  EXPECT_EQ(t.commands_processed, 0u);
  EXPECT_EQ(t.total_connections_received, 0u);
  EXPECT_EQ(t.evicted_keys, 0u);
  // The counters themselves were not touched: the owning thread keeps counting from there.
  EXPECT_EQ(stats.worker(0).commands_processed.load(), 5u);
  bump(stats.worker(0).commands_processed);
  t = stats.totals(13, 2);
  EXPECT_EQ(t.commands_processed, 1u);
  EXPECT_EQ(t.evicted_keys, 3u);
}

TEST(Statistics, OlderStorageCountsThanTheResetSawReadAsZero) {
  Statistics stats(1);
  stats.reset(100, 100);
  const Totals t = stats.totals(90, 50);
  EXPECT_EQ(t.evicted_keys, 0u);
  EXPECT_EQ(t.expired_keys, 0u);
}

// The old reset stored zeros into counters another thread was bumping with load-then-store,
// so an increment that straddled the reset wrote the pre-reset total back. Here a reset is
// followed at once by a read: it may count only increments made after the reset began.
TEST(StatisticsConcurrency, AResetCannotBeUndoneByAConcurrentIncrement) {
  Statistics stats(1);
  std::atomic<std::uint64_t> published{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      bump(stats.worker(0).commands_processed);
      published.fetch_add(1, std::memory_order_release);
    }
  });
  for (int round = 0; round < 2000; ++round) {
    // Every increment done before `before` was read is in the baseline the reset takes.
    const std::uint64_t before = published.load(std::memory_order_acquire);
    stats.reset(0, 0);
    const std::uint64_t counted = stats.totals().commands_processed;
    const std::uint64_t after = published.load(std::memory_order_acquire);
    // One increment may be stored but not yet published when `after` is read.
    ASSERT_LE(counted, after - before + 1) << "round " << round;
  }
  stop = true;
  writer.join();
}

}  // namespace
}  // namespace respcache::core
