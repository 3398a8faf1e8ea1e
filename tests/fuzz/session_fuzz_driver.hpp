// The body shared by the session fuzz targets: a tiny server (small key, value and bulk
// limits, a 16 KiB budget so eviction runs, a manual clock that moves between reads) and one
// session fed the input as a connection would feed it, in pieces the fuzzer chooses, until it
// closes or the input runs out.
//
// Input layout: byte 0 is a header, then up to 15 piece lengths, then the client's bytes.
//   header & 0x0f  number of leading pieces, each given by one length byte (1 + byte value)
//   header >> 4    the rest is delivered in chunks of this many bytes; 0: all at once
// A header of 0 delivers everything in one read, as the driver did before it split input
// (the seed corpora start with that byte).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/config/config.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::fuzz {

/// The sizes of the reads that deliver `payload`, decoded from the header described above.
/// The header and length bytes are removed from `input`, which becomes the payload.
inline std::vector<std::size_t> choose_reads(std::string_view& input) {
  std::vector<std::size_t> reads;
  if (input.empty()) return reads;
  const auto header = static_cast<unsigned char>(input[0]);
  input.remove_prefix(1);
  const std::size_t leading = std::min<std::size_t>(header & 0x0f, input.size());
  const std::size_t rest_chunk = header >> 4;
  std::vector<std::size_t> lengths;
  for (std::size_t i = 0; i < leading; ++i) {
    lengths.push_back(1 + static_cast<unsigned char>(input[i]));
  }
  input.remove_prefix(leading);
  std::size_t left = input.size();
  for (std::size_t length : lengths) {
    if (left == 0) break;
    reads.push_back(std::min(length, left));
    left -= reads.back();
  }
  while (left > 0) {
    reads.push_back(rest_chunk == 0 ? left : std::min(rest_chunk, left));
    left -= reads.back();
  }
  return reads;
}

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
  SessionType session(service, nullptr);  // the session makes an unregistered record

  std::string_view payload(reinterpret_cast<const char*>(data), size);
  const std::vector<std::size_t> reads = choose_reads(payload);

  // As a connection does: every unconsumed byte stays in the buffer, each read appends to it,
  // and the session runs until it makes no progress (nothing consumed, nothing to send).
  // Consumed bytes are erased, so the rest moves: a view kept across calls would be caught.
  std::string buffer;
  protocol::ByteBuffer out(1024);
  std::size_t offset = 0;
  for (std::size_t read : reads) {
    buffer.append(payload.substr(offset, read));
    offset += read;
    for (;;) {
      const auto result =
          session.on_input({buffer.data(), buffer.size()}, out, 4096, core.statistics.worker(0));
      if (result.consumed > buffer.size()) __builtin_trap();
      buffer.erase(0, result.consumed);
      const bool produced = !out.empty();
      out.clear();
      clock.advance(7);
      if (result.close) return 0;
      if (result.consumed == 0 && !produced) break;
    }
  }
  return 0;
}

}  // namespace respcache::fuzz
