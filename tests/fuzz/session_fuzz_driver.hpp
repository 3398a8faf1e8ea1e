// The body shared by the session fuzz targets: a tiny server (small key, value and bulk
// limits, a 16 KiB budget so eviction runs, a manual clock that moves between reads) and one
// session fed the input as a connection would feed it, until it closes or stops consuming.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "respcache/commands/service.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/config/config.hpp"
#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::fuzz {

template <class SessionType>
int feed_session(const std::uint8_t* data, std::size_t size) {
  static storage::ManualClock clock;
  config::Config config;
  config.threads = 1;
  config.max_key_size = 64;
  config.max_value_size = 256;
  config.proto_max_bulk_len = 4096;
  storage::CacheOptions options;
  options.shard_count = 4;
  options.max_memory = 16 * 1024;
  options.initial_capacity = 16;
  options.clock = &clock;
  storage::Cache cache(options);
  core::ServerCore core(config);
  cache.count_in_budget(&core.buffer_bytes);
  commands::Service service(core, cache);
  SessionType session(service);

  std::string input(reinterpret_cast<const char*>(data), size);
  protocol::ByteBuffer out(1024);
  std::size_t offset = 0;
  while (offset < input.size()) {
    const auto result = session.on_input({input.data() + offset, input.size() - offset}, out, 4096,
                                         core.statistics.worker(0));
    offset += result.consumed;
    out.clear();
    clock.advance(7);
    if (result.close || result.consumed == 0) break;
  }
  return 0;
}

}  // namespace respcache::fuzz
