#include "respcache/server/worker.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::server {
namespace {

using asio::ip::tcp;

// Far past what closing a few dozen idle connections takes, and far short of the server's
// 10 s grace: reaching it means a connection was left open.
constexpr auto kHung = std::chrono::seconds(5);

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.threads = 2;
    storage::CacheOptions options;
    options.max_memory = 16 * 1024 * 1024;
    cache_ = std::make_unique<storage::Cache>(options);
    core_ = std::make_unique<core::ServerCore>(config_);
    service_ = std::make_unique<commands::Service>(*core_, *cache_);
  }

  config::Config config_;
  std::unique_ptr<storage::Cache> cache_;
  std::unique_ptr<core::ServerCore> core_;
  std::unique_ptr<commands::Service> service_;
};

// Sockets adopted just before begin_shutdown run their adopt handlers on other threads while
// it takes its snapshot. Whichever side of the snapshot each lands on, every connection must
// close without its (idle, silent) client doing anything. Before the fix, one that passed the
// shutdown check just before the snapshot stayed open until the grace period ran out.
TEST_F(WorkerTest, ShutdownRacingWithAdoptLeavesNoConnectionOpen) {
  constexpr int kRounds = 30;
  constexpr int kConnectionsPerRound = 32;
  asio::io_context client_io;
  tcp::acceptor acceptor(client_io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  for (int round = 0; round < kRounds; ++round) {
    Worker worker(0, 2, *service_);
    std::vector<tcp::socket> clients;
    std::vector<tcp::socket> accepted;
    for (int i = 0; i < kConnectionsPerRound; ++i) {
      clients.emplace_back(client_io).connect(acceptor.local_endpoint());
      accepted.push_back(acceptor.accept(worker.executor_for_new_socket()));
    }
    worker.start();
    for (tcp::socket& socket : accepted) {
      core_->statistics.connected_clients.fetch_add(1);
      worker.adopt(std::move(socket));
    }
    worker.begin_shutdown();

    const auto deadline = std::chrono::steady_clock::now() + kHung;
    while (!worker.finished() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const bool finished = worker.finished();
    if (!finished) worker.stop_now();
    worker.join();
    ASSERT_TRUE(finished) << "round " << round << ": a connection outlived begin_shutdown";
    ASSERT_EQ(core_->statistics.connected_clients.load(), 0) << "round " << round;
  }
}

}  // namespace
}  // namespace respcache::server
