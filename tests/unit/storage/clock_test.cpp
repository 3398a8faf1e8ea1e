#include "respcache/storage/clock.hpp"

#include <gtest/gtest.h>

namespace respcache::storage {
namespace {

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(5000);
  EXPECT_EQ(clock.now_ms(), 5000);
  EXPECT_EQ(clock.now_ms(), 5000);
  clock.advance(250);
  EXPECT_EQ(clock.now_ms(), 5250);
  clock.set(42);
  EXPECT_EQ(clock.now_ms(), 42);
}

TEST(ManualClock, StartsAtARealisticEpochTime) {
  const ManualClock clock;
  EXPECT_GT(clock.now_ms(), 1'600'000'000'000);
}

TEST(SystemClock, ReadsEpochMilliseconds) {
  const Clock& clock = SystemClock::instance();
  EXPECT_EQ(&clock, &SystemClock::instance());
  const std::int64_t now = clock.now_ms();
  EXPECT_GT(now, 1'600'000'000'000);  // after September 2020
  EXPECT_LT(now, 4'000'000'000'000);  // before the year 2096
}

}  // namespace
}  // namespace respcache::storage
