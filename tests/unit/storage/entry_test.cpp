#include "respcache/storage/entry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace respcache::storage {
namespace {

using namespace std::string_literals;

struct Destroy {
  void operator()(Entry* entry) const { Entry::destroy(entry); }
};
using EntryPtr = std::unique_ptr<Entry, Destroy>;

TEST(Entry, HoldsKeyAndTheConcatenatedValue) {
  EntryPtr entry(Entry::create(0xabcdef, "key", "head-", "tail", 1234, 9));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key(), "key");
  EXPECT_EQ(entry->value(), "head-tail");
  EXPECT_EQ(entry->key_len, 3u);
  EXPECT_EQ(entry->value_len, 9u);
  EXPECT_EQ(entry->hash, 0xabcdefu);
  EXPECT_EQ(entry->expire_at_ms, 1234);
  EXPECT_EQ(entry->access_tick.load(), 9u);
  EXPECT_EQ(entry->next, nullptr);
}

TEST(Entry, EmptyAndBinaryParts) {
  EntryPtr empty(Entry::create(1, "", "", "", 0, 0));
  EXPECT_EQ(empty->key(), "");
  EXPECT_EQ(empty->value(), "");

  EntryPtr binary(Entry::create(1, "k\0\r\n"s, "\0"s, "\xff\0"s, 0, 0));
  EXPECT_EQ(binary->key(), "k\0\r\n"s);
  EXPECT_EQ(binary->value(), "\0\xff\0"s);
}

TEST(Entry, ExpiresOnlyStrictlyAfterItsExpiryTime) {
  EntryPtr entry(Entry::create(1, "k", "v", "", 1000, 0));
  EXPECT_TRUE(entry->has_expiry());
  EXPECT_FALSE(entry->expired_at(999));
  EXPECT_FALSE(entry->expired_at(1000));
  EXPECT_TRUE(entry->expired_at(1001));

  EntryPtr forever(Entry::create(1, "k", "v", "", 0, 0));
  EXPECT_FALSE(forever->has_expiry());
  EXPECT_FALSE(forever->expired_at(INT64_MAX));
}

TEST(Entry, FootprintCoversTheWholeAllocation) {
  EntryPtr small(Entry::create(1, "k", "v", "", 0, 0));
  EntryPtr large(Entry::create(1, "k", std::string(10000, 'x'), "", 0, 0));
  EXPECT_GE(small->footprint(), sizeof(Entry) + 2);
  EXPECT_GE(large->footprint(), sizeof(Entry) + 10001);
  EXPECT_GT(large->footprint(), small->footprint());
}

}  // namespace
}  // namespace respcache::storage
