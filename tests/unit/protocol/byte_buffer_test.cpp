#include "respcache/protocol/byte_buffer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace respcache::protocol {
namespace {

TEST(ByteBuffer, StartsEmpty) {
  ByteBuffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.capacity(), 0u);
  EXPECT_EQ(buffer.view(), "");
  EXPECT_TRUE(buffer.readable().empty());
  EXPECT_TRUE(buffer.writable().empty());
}

TEST(ByteBuffer, PresizedBufferHasFreeSpace) {
  ByteBuffer buffer(128);
  EXPECT_EQ(buffer.capacity(), 128u);
  EXPECT_EQ(buffer.free_space(), 128u);
  EXPECT_EQ(buffer.writable().size(), 128u);
  EXPECT_TRUE(buffer.empty());
}

TEST(ByteBuffer, AppendAndPushBack) {
  ByteBuffer buffer;
  buffer.append("hello");
  buffer.push_back(' ');
  buffer.append("world!", 5);
  EXPECT_EQ(buffer.view(), "hello world");
  EXPECT_EQ(buffer.size(), 11u);
  EXPECT_FALSE(buffer.empty());
  EXPECT_GE(buffer.capacity(), 11u);
}

TEST(ByteBuffer, WritableAndCommitReceiveInPlace) {
  ByteBuffer buffer(16);
  std::span<char> space = buffer.writable();
  std::memcpy(space.data(), "abcdef", 6);
  buffer.commit(4);  // only what was committed becomes readable
  EXPECT_EQ(buffer.view(), "abcd");
  EXPECT_EQ(buffer.free_space(), 12u);
  EXPECT_EQ(buffer.writable().data(), space.data() + 4);
}

TEST(ByteBuffer, ConsumeDropsFromTheFront) {
  ByteBuffer buffer;
  buffer.append("abcdef");
  buffer.consume(2);
  EXPECT_EQ(buffer.view(), "cdef");
  EXPECT_EQ(std::string(buffer.readable().data(), buffer.readable().size()), "cdef");
  buffer.consume(4);
  EXPECT_TRUE(buffer.empty());
}

TEST(ByteBuffer, EmptiedBufferRewindsToTheStart) {
  ByteBuffer buffer(8);
  buffer.append("abcdef");
  EXPECT_EQ(buffer.free_space(), 2u);
  buffer.consume(6);
  EXPECT_EQ(buffer.free_space(), 8u);
  buffer.append("12345678");
  EXPECT_EQ(buffer.capacity(), 8u);
  EXPECT_EQ(buffer.view(), "12345678");
}

TEST(ByteBuffer, ClearDropsEverything) {
  ByteBuffer buffer(8);
  buffer.append("abc");
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.free_space(), 8u);
}

TEST(ByteBuffer, ReserveTailCompactsBeforeGrowing) {
  ByteBuffer buffer(16);
  buffer.append("0123456789abcdef");
  buffer.consume(10);
  EXPECT_EQ(buffer.free_space(), 0u);
  buffer.reserve_tail(10);  // 10 bytes were already read: moving the 6 unread ones is enough
  EXPECT_EQ(buffer.capacity(), 16u);
  EXPECT_GE(buffer.free_space(), 10u);
  EXPECT_EQ(buffer.view(), "abcdef");
  buffer.append("ghij");
  EXPECT_EQ(buffer.view(), "abcdefghij");
}

TEST(ByteBuffer, ReserveTailGrowsKeepingUnreadBytes) {
  ByteBuffer buffer(16);
  buffer.append("0123456789abcdef");
  buffer.consume(4);
  buffer.reserve_tail(100);
  EXPECT_GE(buffer.free_space(), 100u);
  EXPECT_GE(buffer.capacity(), 112u);
  EXPECT_EQ(buffer.view(), "456789abcdef");
}

TEST(ByteBuffer, ReserveTailWithRoomChangesNothing) {
  ByteBuffer buffer(64);
  buffer.append("abc");
  const char* before = buffer.view().data();
  buffer.reserve_tail(61);
  EXPECT_EQ(buffer.capacity(), 64u);
  EXPECT_EQ(buffer.view().data(), before);
}

TEST(ByteBuffer, GrowsFromNothing) {
  ByteBuffer buffer;
  buffer.reserve_tail(1);
  EXPECT_GE(buffer.free_space(), 1u);
  ByteBuffer zero(0);
  zero.push_back('x');
  EXPECT_EQ(zero.view(), "x");
}

TEST(ByteBuffer, ManyAppendsKeepEveryByte) {
  ByteBuffer buffer;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    buffer.append(piece);
    expected += piece;
    if (i % 7 == 0 && buffer.size() >= 3) {
      buffer.consume(3);
      expected.erase(0, 3);
    }
  }
  EXPECT_EQ(buffer.view(), expected);
}

TEST(ByteBuffer, SizeLimitDropsWritesAndNeverAllocatesPastIt) {
  ByteBuffer::Meter meter{0};
  ByteBuffer buffer(64, &meter);
  buffer.set_size_limit(100);
  buffer.append(std::string(90, 'a'));
  EXPECT_FALSE(buffer.overflowed());
  buffer.reserve_tail(1 << 30);  // a hint for a huge reply: must not allocate it
  EXPECT_TRUE(buffer.overflowed());
  EXPECT_LE(meter.load(), 256);
  buffer.append(std::string(5, 'b'));  // fits, but the reply it belongs to is already lost
  buffer.push_back('c');
  EXPECT_EQ(buffer.size(), 90U);
  buffer.truncate(10);
  buffer.set_size_limit(100);
  EXPECT_FALSE(buffer.overflowed());
  buffer.append(std::string(89, 'd'));
  buffer.push_back('e');
  EXPECT_FALSE(buffer.overflowed());
  EXPECT_EQ(buffer.size(), 100U);
  buffer.append("fg", 2);
  EXPECT_TRUE(buffer.overflowed());
  EXPECT_EQ(buffer.size(), 100U);
}

TEST(ByteBuffer, SizeLimitMovesWithTheBuffer) {
  ByteBuffer a;
  a.set_size_limit(4);
  a.append("12345", 5);
  ByteBuffer b(std::move(a));
  EXPECT_TRUE(b.overflowed());
  b.append("1", 1);
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace respcache::protocol
