// Runs commands through commands::Service the way a session does, into either RESP
// encoding or the typed recorder, with no network.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/protocol/reply_recorder.hpp"
#include "respcache/protocol/resp_encoder.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::commands::testing {

inline config::Config test_config() {
  config::Config config;
  config.threads = 1;
  return config;
}

inline storage::CacheOptions test_cache_options() {
  storage::CacheOptions options;
  options.shard_count = 4;
  options.initial_capacity = 64;
  return options;
}

class CommandHarness {
 public:
  explicit CommandHarness(config::Config config = test_config(),
                          storage::CacheOptions options = test_cache_options())
      : core_(config), cache_(options), service_(core_, cache_) {
    cache_.count_in_budget(&core_.buffer_bytes);
    service_.open_client(client_);
  }

  /// The reply's bytes in `protocol` (2 or 3).
  std::string run(std::initializer_list<std::string_view> args, int protocol = 2) {
    return run(std::vector<std::string_view>(args), protocol);
  }
  std::string run(const std::vector<std::string_view>& args, int protocol = 2) {
    protocol::ByteBuffer out;
    protocol::RespEncoder encoder(out, protocol);
    service_.execute(client_, args, encoder, stats());
    return std::string(out.view());
  }
  /// The reply as typed values.
  const protocol::ReplyRecorder& record(std::initializer_list<std::string_view> args) {
    recorder_.clear();
    const std::vector<std::string_view> list(args);
    service_.execute(client_, list, recorder_, stats());
    return recorder_;
  }

  core::WorkerStats& stats() { return core_.statistics.worker(0); }
  core::ServerCore& core() { return core_; }
  storage::Cache& cache() { return cache_; }
  Service& service() { return service_; }
  ClientState& client() { return client_; }

 private:
  core::ServerCore core_;
  storage::Cache cache_;
  Service service_;
  ClientState client_;
  protocol::ReplyRecorder recorder_;
};

}  // namespace respcache::commands::testing
