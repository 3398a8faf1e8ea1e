#include "respcache/server/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace respcache::server {
namespace {

// An output buffer that hit its size limit goes back to the pool; the pool may next hand it
// out as an input buffer, which must be able to grow.
TEST(BufferPool, ReleasedBuffersComeBackWithoutSizeLimit) {
  protocol::ByteBuffer::Meter meter{0};
  BufferPool pool(1024, 4, &meter);
  protocol::ByteBuffer out = pool.acquire();
  out.set_size_limit(2048);
  out.reserve_tail(1 << 20);
  ASSERT_TRUE(out.overflowed());
  pool.release(out);
  ASSERT_EQ(pool.pooled(), 1U);

  protocol::ByteBuffer in = pool.acquire();
  EXPECT_FALSE(in.overflowed());
  in.append(std::string(1 << 16, 'x'));
  EXPECT_EQ(in.size(), 1U << 16);
  EXPECT_FALSE(in.overflowed());
}

TEST(BufferPool, MetersWhatItHoldsAndHandsOut) {
  protocol::ByteBuffer::Meter meter{0};
  {
    BufferPool pool(1024, 1, &meter);
    protocol::ByteBuffer a = pool.acquire();
    protocol::ByteBuffer b = pool.acquire();
    EXPECT_EQ(meter.load(), 2048);
    b.append(std::string(4096, 'y'));  // grown past the standard size: freed on release
    pool.release(a);
    pool.release(b);
    EXPECT_EQ(meter.load(), 1024);
  }
  EXPECT_EQ(meter.load(), 0);
}

// The shared model's drift: buffers taken on one thread and given back on another. Through the
// depot the taking pool reuses what the other gave back, so once the giving pool is full no new
// buffer is made.
TEST(BufferPool, PoolsSharingADepotPassBuffersInsteadOfAllocating) {
  protocol::ByteBuffer::Meter meter{0};
  BufferPool::Depot depot(8);
  BufferPool taker(1024, 4, &meter, &depot);
  BufferPool giver(1024, 4, &meter, &depot);
  std::vector<protocol::ByteBuffer> held(6);
  auto round = [&] {
    for (auto& buffer : held) buffer = taker.acquire();
    for (auto& buffer : held) giver.release(buffer);
  };
  for (int i = 0; i < 3; ++i) round();
  const std::int64_t settled = meter.load();
  EXPECT_LE(settled, (6 + 4) * 1024);  // in flight, plus what the giver keeps
  for (int i = 0; i < 100; ++i) round();
  EXPECT_EQ(meter.load(), settled) << "the taking pool made new buffers";
}

TEST(BufferPool, FreesWhatNeitherPoolNorDepotKeeps) {
  protocol::ByteBuffer::Meter meter{0};
  BufferPool::Depot depot(1);
  BufferPool pool(1024, 2, &meter, &depot);
  std::vector<protocol::ByteBuffer> many(5);
  for (auto& buffer : many) buffer = pool.acquire();
  for (auto& buffer : many) pool.release(buffer);
  EXPECT_EQ(pool.pooled(), 2U);
  EXPECT_EQ(meter.load(), (2 + 1) * 1024);
}

}  // namespace
}  // namespace respcache::server
