#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace respcache::persistence {

/// The pieces of Redis's RDB encoding that DUMP payloads (FUNCTION DUMP/RESTORE) are made of,
/// byte-compatible with Redis 7.0 (rdb.c): lengths, strings, and the CRC64 that ends a payload.

/// Redis's crc64 (Jones polynomial, reflected, initial 0).
std::uint64_t crc64(std::string_view bytes);

/// rdbSaveLen: 6, 14, 32 or 64 bits.
void append_length(std::string& out, std::uint64_t length);
/// An uncompressed string (a length, then the bytes); any Redis reads it.
void append_string(std::string& out, std::string_view bytes);

/// Reads what rdbLoadType / rdbLoadLen / rdbGenericLoadStringObject read, from a buffer;
/// every read returns false (and reads nothing more) once the input is short or malformed.
class RdbReader {
 public:
  explicit RdbReader(std::string_view data) : data_(data) {}

  bool read_byte(std::uint8_t& out);
  /// A length, or (`encoded` set) the special encoding it names: integer or LZF.
  bool read_length(std::uint64_t& out, bool& encoded);
  /// A string in any of Redis's encodings: plain, integer (8, 16, 32 bits) or LZF.
  bool read_string(std::string& out);

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }

 private:
  bool read_bytes(std::size_t count, std::string_view& out);

  std::string_view data_;
  std::size_t pos_ = 0;
};

/// LZF decompression (liblzf's format, as Redis's lzf_d.c): false if `in` does not expand to
/// exactly `out_size` bytes.
bool lzf_decompress(std::string_view in, std::size_t out_size, std::string& out);

/// A DUMP payload's footer: 2 bytes of RDB version and the CRC64 of everything before, little
/// endian.
void append_dump_footer(std::string& payload);
/// Redis's verifyDumpPayload: a version it can read (up to 10, Redis 7.0's) and a matching
/// CRC64. `body` is the payload without its footer.
bool verify_dump_payload(std::string_view payload, std::string_view& body);

}  // namespace respcache::persistence
