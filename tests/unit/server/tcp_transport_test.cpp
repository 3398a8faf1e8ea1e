// TcpTransport against a real loopback connection, with its io_context run by two threads as
// in the shared model. The level-triggered wait tests pin the asio behaviour Connection relies
// on (see tcp_transport.hpp): if an asio upgrade broke it, they fail instead of every client
// hanging.

#include "respcache/server/tcp_transport.hpp"

#include <gtest/gtest.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace respcache::server {
namespace {

using asio::ip::tcp;
using Status = Transport::Status;
using Wait = Transport::Wait;

// How long a wait may take before the test calls it hung: far longer than any of these needs.
constexpr auto kHung = std::chrono::seconds(5);

// Collects wait completions, which arrive on the io_context's threads.
class Recorder : public TransportUser {
 public:
  struct Completion {
    Wait wait;
    std::error_code ec;
  };

  void on_transport_ready(Wait wait, const std::error_code& ec) override {
    std::lock_guard lock(mutex_);
    completions_.push_back({wait, ec});
    ready_.notify_all();
  }

  /// The next completion, or nothing if none comes within kHung.
  std::optional<Completion> next() {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, kHung, [this] { return !completions_.empty(); })) return {};
    Completion completion = completions_.front();
    completions_.pop_front();
    return completion;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Completion> completions_;
};

class TcpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client_.connect(acceptor.local_endpoint());
    transport_.emplace(acceptor.accept());
    std::error_code ec;
    transport_->configure({}, ec);
    ASSERT_FALSE(ec) << ec.message();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    transport_->close();
    work_.reset();
    for (auto& thread : threads_) thread.join();
  }

  void send(std::string_view bytes) { asio::write(client_, asio::buffer(bytes)); }

  /// Starts a wait and expects it to complete without error.
  void expect_ready(Wait wait) {
    transport_->async_wait(wait, recorder_);
    const std::optional<Recorder::Completion> completion = recorder_->next();
    ASSERT_TRUE(completion.has_value()) << "the wait never completed";
    EXPECT_EQ(completion->wait, wait);
    EXPECT_FALSE(completion->ec) << completion->ec.message();
  }

  std::string read_all_available() {
    std::string got;
    char chunk[256];
    for (;;) {
      const Transport::IoResult read = transport_->read_some(chunk);
      if (read.status != Status::kOk) break;
      got.append(chunk, read.bytes);
    }
    return got;
  }

  asio::io_context io_{2};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  asio::io_context client_io_;
  tcp::socket client_{client_io_};
  std::optional<TcpTransport> transport_;
  std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
  std::vector<std::thread> threads_;
};

TEST_F(TcpTransportTest, ReadsReportBytesThenWouldBlockThenEof) {
  char buffer[64];
  EXPECT_EQ(transport_->read_some(buffer).status, Status::kWouldBlock);
  send("hello");
  expect_ready(Wait::kRead);
  const Transport::IoResult read = transport_->read_some(buffer);
  ASSERT_EQ(read.status, Status::kOk);
  EXPECT_EQ(std::string_view(buffer, read.bytes), "hello");
  EXPECT_EQ(transport_->read_some(buffer).status, Status::kWouldBlock);
  client_.shutdown(tcp::socket::shutdown_send);
  expect_ready(Wait::kRead);
  EXPECT_EQ(transport_->read_some(buffer).status, Status::kEof);
}

// Level-triggered: bytes left in the socket by a read that filled its buffer still satisfy
// the next wait, though nothing new arrives.
TEST_F(TcpTransportTest, WaitCompletesForBytesLeftUnread) {
  send("0123456789");
  expect_ready(Wait::kRead);
  char small[4];
  ASSERT_EQ(transport_->read_some(small).bytes, sizeof small);
  expect_ready(Wait::kRead);
  EXPECT_EQ(read_all_available(), "456789");
}

// The shared model's case: bytes arrive while no wait is pending, so a reactor thread sees the
// socket become readable with nobody waiting. A wait started afterwards must still complete.
TEST_F(TcpTransportTest, WaitCompletesForBytesThatArrivedBeforeIt) {
  send("first");
  expect_ready(Wait::kRead);
  ASSERT_EQ(read_all_available(), "first");
  send("second");
  // Long enough for the idle reactor thread's epoll_wait to take the readiness, if it would.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  expect_ready(Wait::kRead);
  EXPECT_EQ(read_all_available(), "second");
}

TEST_F(TcpTransportTest, WriteGathersPiecesInOrder) {
  const std::span<const char> pieces[] = {std::string_view("GET "), std::string_view("key"),
                                          std::string_view("\r\n")};
  const Transport::IoResult written = transport_->write_some(pieces);
  ASSERT_EQ(written.status, Status::kOk);
  ASSERT_EQ(written.bytes, 9U);
  std::string got(9, '\0');
  asio::read(client_, asio::buffer(got));
  EXPECT_EQ(got, "GET key\r\n");
}

// A client that does not read fills the socket; the write wait completes once it drains.
TEST_F(TcpTransportTest, WriteWaitCompletesOnceThePeerReads) {
  expect_ready(Wait::kWrite);  // a fresh socket has room at once
  const std::string block(64 * 1024, 'x');
  std::size_t sent = 0;
  for (;;) {
    const Transport::IoResult written = transport_->write_some(std::span<const char>(block));
    if (written.status == Status::kWouldBlock) break;
    ASSERT_EQ(written.status, Status::kOk);
    sent += written.bytes;
  }
  transport_->async_wait(Wait::kWrite, recorder_);
  std::string sink(sent, '\0');
  asio::read(client_, asio::buffer(sink));
  const std::optional<Recorder::Completion> completion = recorder_->next();
  ASSERT_TRUE(completion.has_value()) << "the write wait never completed";
  EXPECT_FALSE(completion->ec);
  EXPECT_EQ(transport_->write_some(std::span<const char>(block)).status, Status::kOk);
}

TEST_F(TcpTransportTest, CancelAndCloseEndThePendingWait) {
  transport_->async_wait(Wait::kRead, recorder_);
  transport_->cancel();
  std::optional<Recorder::Completion> completion = recorder_->next();
  ASSERT_TRUE(completion.has_value());
  EXPECT_EQ(completion->ec, asio::error::operation_aborted);

  // The shutdown inside close() may make the socket ready before the wait is cancelled.
  transport_->async_wait(Wait::kRead, recorder_);
  transport_->close();
  ASSERT_TRUE(recorder_->next().has_value()) << "close() left the wait pending";
  transport_->close();  // idempotent
  char buffer[8];
  EXPECT_EQ(transport_->read_some(buffer).status, Status::kError);
}

TEST_F(TcpTransportTest, RemoteEndpointIsThePeer) {
  std::error_code ec;
  EXPECT_EQ(transport_->remote_endpoint(ec), client_.local_endpoint());
  EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace respcache::server
