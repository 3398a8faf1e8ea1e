// Steady-state GET, SET and PUT do no heap allocation anywhere on the request path: socket
// read, parse, execute, reply, socket write, and the event loop between them. The test runs
// the real Server in-process on a loopback port and counts every malloc, calloc, realloc and
// operator new in the process while a client pipelines thousands of requests. It runs with one
// event-loop thread and with two sharing one io_context (--io-model shared), where a
// connection's handlers run on either thread, one at a time.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/server/server.hpp"
#include "respcache/storage/cache.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RESPCACHE_COUNT_ALLOCATIONS 0  // the sanitizers own malloc; nothing to count here
#else
#define RESPCACHE_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

#if RESPCACHE_COUNT_ALLOCATIONS
// Interpose glibc's allocator for the whole process (the executable's definitions win), and
// count. operator new in libstdc++ calls malloc, so it is counted too.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* malloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
}
#endif

namespace respcache {
namespace {

std::string resp(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (auto a : args) out += "$" + std::to_string(a.size()) + "\r\n" + std::string(a) + "\r\n";
  return out;
}

class AllocationTest : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override {
    config_.threads = GetParam();
    config_.io_model = "shared";
    config_.port = 0;
    config_.max_memory = 64 * 1024 * 1024;
    storage::CacheOptions options;
    options.max_memory = config_.max_memory;
    options.initial_capacity = 4096;
    cache_ = std::make_unique<storage::Cache>(options);
    core_ = std::make_unique<core::ServerCore>(config_);
    // A command slower than slowlog-log-slower-than (10 ms) is logged, which allocates: on a
    // loaded machine (ctest -j) one can be, so the steady state here has no slowlog.
    core_->slowlog.set_slower_than_us(-1);
    cache_->count_in_budget(&core_->buffer_bytes);
    service_ = std::make_unique<commands::Service>(*core_, *cache_);
    server_ = std::make_unique<server::Server>(*service_);
    server_->listen();
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(); });

    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }

  void TearDown() override {
    close(fd_);
    server_->stop();
    thread_.join();
  }

  /// Sends the batch and reads exactly `reply_bytes` back, with no allocation of its own.
  void round_trip(const std::string& batch, std::size_t reply_bytes) {
    ASSERT_EQ(send(fd_, batch.data(), batch.size(), 0), static_cast<ssize_t>(batch.size()));
    std::size_t got = 0;
    while (got < reply_bytes) {
      const ssize_t n = recv(fd_, reply_ + got, sizeof(reply_) - got, 0);
      ASSERT_GT(n, 0);
      got += static_cast<std::size_t>(n);
    }
    ASSERT_EQ(got, reply_bytes);
  }

  /// Repeats `batch` until every event-loop thread has served it a few times: each thread has
  /// its own buffer pool, asio handler cache and scratch space, made the first time it serves
  /// this connection, and in the shared model which thread serves is up to asio.
  void warm_up(const std::string& batch, std::size_t reply_bytes) {
    constexpr int kMinBatches = 200;
    constexpr int kMaxBatches = 100000;
    constexpr std::uint64_t kBatchesPerThread = 20;
    std::vector<std::uint64_t> start;
    for (unsigned t = 0; t < config_.threads; ++t) start.push_back(input_bytes(t));
    auto every_thread_served = [&] {
      for (unsigned t = 0; t < config_.threads; ++t) {
        if (input_bytes(t) - start[t] < kBatchesPerThread * batch.size()) return false;
      }
      return true;
    };
    for (int i = 0; i < kMaxBatches && (i < kMinBatches || !every_thread_served()); ++i) {
      round_trip(batch, reply_bytes);
    }
  }

  std::uint64_t input_bytes(unsigned thread) {
    return core_->statistics.worker(thread).net_input_bytes.load(std::memory_order_relaxed);
  }

  config::Config config_;
  std::unique_ptr<storage::Cache> cache_;
  std::unique_ptr<core::ServerCore> core_;
  std::unique_ptr<commands::Service> service_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  int fd_ = -1;
  char reply_[1 << 16];
};

TEST_P(AllocationTest, SteadyStateGetSetPutAllocateNothing) {
  if (!RESPCACHE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under sanitizers";
  const std::string value(64, 'v');
  // 16 pipelined commands over 8 keys: overwrites of same-size values, hits and PUTs.
  std::string batch;
  std::size_t reply_bytes = 0;
  for (int i = 0; i < 16; ++i) {
    const std::string key = "key:" + std::to_string(i % 8);
    switch (i % 3) {
      case 0:
        batch += resp({"SET", key, value});
        reply_bytes += 5;  // +OK\r\n
        break;
      case 1:
        batch += resp({"PUT", key, value});
        reply_bytes += 5;
        break;
      default:
        batch += resp({"GET", key});
        reply_bytes += 5 + 64 + 2;  // $64\r\n + value + \r\n
        break;
    }
  }
  // Warm up: create the entries (so every GET hits), the buffers and asio's handler caches.
  // That does allocate, which also shows the counter is live.
  const long at_start = g_allocations.load();
  for (int k = 0; k < 8; ++k) round_trip(resp({"SET", "key:" + std::to_string(k), value}), 5);
  warm_up(batch, reply_bytes);
  ASSERT_GT(g_allocations.load(), at_start);

  const long before = g_allocations.load();
  constexpr int kBatches = 5000;
  for (int i = 0; i < kBatches; ++i) round_trip(batch, reply_bytes);
  const long allocations = g_allocations.load() - before;

  EXPECT_EQ(allocations, 0) << "allocations during " << kBatches * 16 << " requests";
  EXPECT_GE(service_->totals().commands_processed, static_cast<std::uint64_t>(kBatches * 16));
}

// The HTTP API on a keep-alive connection: POST /put and GET /get through the request
// framer, simdjson, the dispatcher and the JSON encoder, after warm-up, allocate nothing.
TEST_P(AllocationTest, SteadyStateHttpPutAndGetAllocateNothing) {
  if (!RESPCACHE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under sanitizers";
  const std::string value(256, 'v');  // the challenge's largest value
  const std::string body = R"({"key":"http:1","value":")" + value + R"("})";
  const std::string put =
      "POST /put HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string get = "GET /get?key=http%3A1 HTTP/1.1\r\nHost: t\r\n\r\n";
  const std::string put_reply_body =
      R"({"status":"OK","message":"Key inserted/updated successfully."})";
  const std::string get_reply_body = R"({"status":"OK","key":"http:1","value":")" + value + R"("})";
  auto reply_size = [](const std::string& reply_body) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
               .size() +
           std::to_string(reply_body.size()).size() + 4 + reply_body.size();
  };
  std::string batch;
  std::size_t reply_bytes = 0;
  for (int i = 0; i < 4; ++i) {
    batch += put + get;
    reply_bytes += reply_size(put_reply_body) + reply_size(get_reply_body);
  }
  const long at_start = g_allocations.load();
  warm_up(batch, reply_bytes);
  ASSERT_GT(g_allocations.load(), at_start);
  ASSERT_NE(std::string_view(reply_, reply_bytes).find(get_reply_body), std::string_view::npos);
  const long before = g_allocations.load();
  constexpr int kBatches = 2000;
  for (int i = 0; i < kBatches; ++i) round_trip(batch, reply_bytes);
  EXPECT_EQ(g_allocations.load() - before, 0)
      << "allocations during " << kBatches * 8 << " HTTP requests";
}

INSTANTIATE_TEST_SUITE_P(Threads, AllocationTest, ::testing::Values(1U, 2U),
                         [](const ::testing::TestParamInfo<unsigned>& info) {
                           return info.param == 1 ? std::string("OneThread")
                                                  : std::string("TwoThreadsSharedStrand");
                         });

}  // namespace
}  // namespace respcache
