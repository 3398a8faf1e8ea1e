#include "respcache/server/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace respcache::server
