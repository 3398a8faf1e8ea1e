#include "respcache/persistence/rdb_codec.hpp"

#include <array>
#include <cstring>

namespace respcache::persistence {
namespace {

constexpr std::uint16_t kRdbVersion = 10;  // Redis 7.0's RDB_VERSION

// rdb.h's length encodings.
constexpr std::uint8_t k6BitLength = 0;
constexpr std::uint8_t k14BitLength = 1;
constexpr std::uint8_t kEncodedValue = 3;
constexpr std::uint8_t k32BitLength = 0x80;
constexpr std::uint8_t k64BitLength = 0x81;
constexpr std::uint64_t kEncodingInt8 = 0;
constexpr std::uint64_t kEncodingInt16 = 1;
constexpr std::uint64_t kEncodingInt32 = 2;
constexpr std::uint64_t kEncodingLzf = 3;

}  // namespace

std::uint64_t crc64(std::string_view bytes) {
  static const auto kTable = [] {
    std::array<std::uint64_t, 256> table{};
    for (std::uint64_t i = 0; i < 256; ++i) {
      std::uint64_t c = i;
      for (int bit = 0; bit < 8; ++bit)
        c = (c & 1) != 0 ? (c >> 1) ^ 0x95AC9329AC4BC9B5ULL : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  std::uint64_t crc = 0;
  for (const char byte : bytes)
    crc = kTable[(crc ^ static_cast<unsigned char>(byte)) & 0xff] ^ (crc >> 8);
  return crc;
}

void append_length(std::string& out, std::uint64_t length) {
  if (length < 64) {
    out += static_cast<char>(length);
  } else if (length < 16384) {
    out += static_cast<char>(0x40 | (length >> 8));
    out += static_cast<char>(length & 0xff);
  } else if (length <= 0xffffffffULL) {
    out += static_cast<char>(k32BitLength);
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
  } else {
    out += static_cast<char>(k64BitLength);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
  }
}

void append_string(std::string& out, std::string_view bytes) {
  append_length(out, bytes.size());
  out += bytes;
}

bool RdbReader::read_bytes(std::size_t count, std::string_view& out) {
  if (remaining() < count) {
    pos_ = data_.size();
    return false;
  }
  out = data_.substr(pos_, count);
  pos_ += count;
  return true;
}

bool RdbReader::read_byte(std::uint8_t& out) {
  std::string_view byte;
  if (!read_bytes(1, byte)) return false;
  out = static_cast<std::uint8_t>(byte[0]);
  return true;
}

bool RdbReader::read_length(std::uint64_t& out, bool& encoded) {
  encoded = false;
  std::uint8_t first = 0;
  if (!read_byte(first)) return false;
  const std::uint8_t kind = first >> 6;
  if (kind == kEncodedValue) {
    encoded = true;
    out = first & 0x3f;
    return true;
  }
  if (kind == k6BitLength) {
    out = first & 0x3f;
    return true;
  }
  if (kind == k14BitLength) {
    std::uint8_t second = 0;
    if (!read_byte(second)) return false;
    out = (static_cast<std::uint64_t>(first & 0x3f) << 8) | second;
    return true;
  }
  std::size_t width = 0;
  if (first == k32BitLength) {
    width = 4;
  } else if (first == k64BitLength) {
    width = 8;
  } else {
    return false;
  }
  std::string_view bytes;
  if (!read_bytes(width, bytes)) return false;
  out = 0;
  for (const char byte : bytes) out = (out << 8) | static_cast<unsigned char>(byte);  // big endian
  return true;
}

bool RdbReader::read_string(std::string& out) {
  std::uint64_t length = 0;
  bool encoded = false;
  if (!read_length(length, encoded)) return false;
  std::string_view bytes;
  if (!encoded) {
    if (!read_bytes(length, bytes)) return false;
    out.assign(bytes);
    return true;
  }
  if (length == kEncodingInt8 || length == kEncodingInt16 || length == kEncodingInt32) {
    const std::size_t width = std::size_t{1} << length;
    if (!read_bytes(width, bytes)) return false;
    std::uint32_t raw = 0;
    for (std::size_t i = width; i-- > 0;) raw = (raw << 8) | static_cast<unsigned char>(bytes[i]);
    std::int64_t value = 0;  // little endian, signed
    if (width == 1) value = static_cast<std::int8_t>(raw);
    if (width == 2) value = static_cast<std::int16_t>(raw);
    if (width == 4) value = static_cast<std::int32_t>(raw);
    out = std::to_string(value);
    return true;
  }
  if (length != kEncodingLzf) return false;
  std::uint64_t compressed = 0;
  std::uint64_t expanded = 0;
  bool ignored = false;
  if (!read_length(compressed, ignored) || ignored) return false;
  if (!read_length(expanded, ignored) || ignored) return false;
  if (!read_bytes(compressed, bytes)) return false;
  // Not more than the payload could expand to: LZF grows at most 264 times (a back reference
  // of 3 bytes makes up to 264), so a forged length cannot make this allocate without bound.
  if (expanded > compressed * 264 + 64) return false;
  return lzf_decompress(bytes, expanded, out);
}

// liblzf's format: a control byte below 32 starts a literal run of control+1 bytes; otherwise
// its top 3 bits are a length (7: one more byte adds to it) and the rest, with the next byte,
// a distance back into the output.
bool lzf_decompress(std::string_view in, std::size_t out_size, std::string& out) {
  out.clear();
  out.reserve(out_size);
  std::size_t i = 0;
  while (i < in.size()) {
    const auto control = static_cast<unsigned char>(in[i++]);
    if (control < 32) {
      const std::size_t run = control + 1U;
      if (i + run > in.size() || out.size() + run > out_size) return false;
      out.append(in.substr(i, run));
      i += run;
      continue;
    }
    std::size_t length = control >> 5;
    if (length == 7) {
      if (i >= in.size()) return false;
      length += static_cast<unsigned char>(in[i++]);
    }
    length += 2;
    if (i >= in.size()) return false;
    const std::size_t distance = ((control & 0x1fU) << 8) + static_cast<unsigned char>(in[i++]) + 1;
    if (distance > out.size() || out.size() + length > out_size) return false;
    // Byte by byte: a reference may overlap what it is writing.
    for (std::size_t k = 0; k < length; ++k) out += out[out.size() - distance];
  }
  return out.size() == out_size;
}

void append_dump_footer(std::string& payload) {
  payload += static_cast<char>(kRdbVersion & 0xff);
  payload += static_cast<char>(kRdbVersion >> 8);
  std::uint64_t crc = crc64(payload);
  for (int i = 0; i < 8; ++i, crc >>= 8) payload += static_cast<char>(crc & 0xff);
}

bool verify_dump_payload(std::string_view payload, std::string_view& body) {
  if (payload.size() < 10) return false;
  const std::string_view footer = payload.substr(payload.size() - 10);
  const unsigned version =
      static_cast<unsigned char>(footer[0]) | static_cast<unsigned char>(footer[1]) << 8;
  if (version > kRdbVersion) return false;
  std::uint64_t crc = crc64(payload.substr(0, payload.size() - 8));
  for (int i = 2; i < 10; ++i, crc >>= 8) {
    if (static_cast<unsigned char>(footer[i]) != (crc & 0xff)) return false;
  }
  body = payload.substr(0, payload.size() - 10);
  return true;
}

}  // namespace respcache::persistence
