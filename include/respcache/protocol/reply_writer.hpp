#pragma once

#include <cstddef>
#include <string_view>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::protocol {

/// Appends RESP2 replies to a connection's output buffer. It builds each reply in place:
/// no temporary strings. `error` texts are written after a '-' as given, so they start with
/// the error code ("ERR ...", "NOAUTH ...").
class ReplyWriter {
 public:
  explicit ReplyWriter(ByteBuffer& out) : out_(out) {}

  void simple(std::string_view text);  ///< +text
  void ok() { out_.append("+OK\r\n", 5); }
  void error(std::string_view text);  ///< -text (CR and LF in text become spaces)
  void integer(long long value);      ///< :value
  void bulk(std::string_view data);   ///< $len data
  void null_bulk() { out_.append("$-1\r\n", 5); }
  void null_array() { out_.append("*-1\r\n", 5); }
  void array_header(std::size_t count);

  /// Starts a bulk reply of `len` bytes whose payload the caller appends with raw().
  void bulk_header(std::size_t len);
  void bulk_trailer() { out_.append("\r\n", 2); }
  void raw(std::string_view bytes) { out_.append(bytes); }

  ByteBuffer& buffer() { return out_; }

 private:
  void prefixed_number(char prefix, long long value);
  ByteBuffer& out_;
};

}  // namespace respcache::protocol
