// libFuzzer target: bytes from a client through the HTTP request framer (http-parser), the
// JSON API (simdjson), the command handlers and the cache, as a connection would deliver
// them. Catches crashes, leaks and undefined behaviour anywhere on the HTTP request path,
// with tiny limits so that 413/414/431 and eviction are reached too.

#include <cstddef>
#include <cstdint>
#include <string>

#include "respcache/commands/server_state.hpp"
#include "respcache/config/config.hpp"
#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/server/http_session.hpp"
#include "respcache/storage/cache.hpp"

using namespace respcache;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
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
  commands::ServerState state(config, cache);
  server::HttpSession session(state);

  std::string input(reinterpret_cast<const char*>(data), size);
  protocol::ByteBuffer out(1024);
  std::size_t offset = 0;
  while (offset < input.size()) {
    const auto result = session.on_input({input.data() + offset, input.size() - offset}, out, 4096,
                                         state.worker_stats(0));
    offset += result.consumed;
    out.clear();
    clock.advance(7);
    if (result.close || result.consumed == 0) break;
  }
  return 0;
}
