#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace respcache::storage {

/// One cached key and value with its metadata, in a single heap allocation:
///
///   offset 0   access_tick   u32, atomic   access stamp: LRU clock and LFU counter
///   offset 4   value_len_encoding  u32     value length (bits 0..29), ValueEncoding (30..31)
///   offset 8   key_len_flags u32           key length (bits 0..23), database (bits 24..30),
///                                          expiry present (bit 31)
///   offset 12  expire_at_ms  i64, only when the top bit is set (read and written by memcpy)
///   then       key bytes, then value bytes
///
/// No std::string, no separate key or value allocation, no hash and no link: the hash table's
/// slot holds the pointer, and a key's hash is recomputed from its bytes when the table moves
/// it. The 12-byte header is what lets a 12-byte key and a 64-byte value fit one 96-byte glibc
/// chunk (request 88 + 8-byte chunk header, rounded to 16); a 32-byte header needed 128.
/// Keys without a TTL do not pay the 8 bytes of expiry. The database index shares the word
/// with the key length, so 16 databases cost no byte per entry: keys are capped at 16 MiB - 1
/// (config enforces --max-key-size below that) and databases at kMaxDatabases. The index
/// stored is the physical one (see Cache's database map), which SWAPDB never rewrites.
///
/// `access_tick` is what the eviction policies rank entries by: a 24-bit LRU clock and an 8-bit
/// LFU counter, laid out and interpreted in eviction_policy.hpp (access_stamp). Readers update
/// it with a relaxed store under the shard's shared lock; all other fields change only under
/// the exclusive lock.
/// How Redis 7.0 would have encoded the string a command stored, which is what OBJECT
/// ENCODING reports: it depends on the command that made the value, not only on its bytes.
enum class ValueEncoding : std::uint8_t {
  kAsSet = 0,   ///< SET and its kin: "int" if it reads as a long long, else by size
  kString = 1,  ///< never "int": "embstr" up to 44 bytes, else "raw" (INCRBYFLOAT)
  kRaw = 2,     ///< "raw" whatever it holds (APPEND to a value, SETRANGE, SETBIT, BITFIELD, BITOP)
};

struct Entry {
  std::atomic<std::uint32_t> access_tick;
  std::uint32_t value_len_encoding;
  std::uint32_t key_len_flags;

  static constexpr int kEncodingShift = 30;
  /// 1 GiB - 1: config keeps --max-value-size below it.
  static constexpr std::size_t kMaxValueLen = (std::size_t{1} << kEncodingShift) - 1;
  std::uint32_t value_len() const {
    return value_len_encoding & static_cast<std::uint32_t>(kMaxValueLen);
  }
  ValueEncoding encoding() const {
    return static_cast<ValueEncoding>(value_len_encoding >> kEncodingShift);
  }
  /// Under the shard's exclusive lock only.
  void set_encoding(ValueEncoding encoding) {
    value_len_encoding = pack_value(value_len(), encoding);
  }
  static constexpr std::uint32_t pack_value(std::size_t length, ValueEncoding encoding) {
    return static_cast<std::uint32_t>(length) |
           (static_cast<std::uint32_t>(encoding) << kEncodingShift);
  }

  static constexpr std::uint32_t kHasExpiry = 1U << 31;
  static constexpr int kDbShift = 24;
  static constexpr std::uint32_t kKeyLenMask = (1U << kDbShift) - 1;
  static constexpr std::uint32_t kDbMask = 0x7FU << kDbShift;
  static constexpr std::size_t kMaxKeyLen = kKeyLenMask;
  static constexpr std::size_t kMaxDatabases = 128;

  /// The key length and database as key_len_flags holds them, without the expiry bit: what a
  /// lookup compares in one go.
  static constexpr std::uint32_t identity(unsigned db, std::size_t key_len) {
    return (static_cast<std::uint32_t>(db) << kDbShift) | static_cast<std::uint32_t>(key_len);
  }
  std::uint32_t identity() const { return key_len_flags & ~kHasExpiry; }
  std::uint32_t key_len() const { return key_len_flags & kKeyLenMask; }
  unsigned db() const { return (key_len_flags & kDbMask) >> kDbShift; }
  /// Moves the entry to another (physical) database; the caller unlinks it first, since its
  /// hash depends on the database.
  void set_db(unsigned db) {
    key_len_flags = (key_len_flags & ~kDbMask) | (static_cast<std::uint32_t>(db) << kDbShift);
  }
  bool has_expiry() const { return (key_len_flags & kHasExpiry) != 0; }
  /// 0: never expires.
  std::int64_t expire_at_ms() const {
    std::int64_t at = 0;
    if (has_expiry()) std::memcpy(&at, raw(), sizeof at);
    return at;
  }
  /// Redis's rule: a key is expired once the clock is strictly past its expiry time.
  bool expired_at(std::int64_t now_ms) const {
    if (!has_expiry()) return false;
    return now_ms > expire_at_ms();
  }

  const char* data() const { return raw() + (has_expiry() ? sizeof(std::int64_t) : 0); }
  std::string_view key() const { return {data(), key_len()}; }
  std::string_view value() const { return {data() + key_len(), value_len()}; }

  /// Bytes an entry of this shape asks of the allocator (before its rounding).
  static std::size_t bytes_for(std::size_t key_len, std::size_t value_len, bool has_expiry) {
    return sizeof(Entry) + (has_expiry ? sizeof(std::int64_t) : 0) + key_len + value_len;
  }

  /// Allocates an entry whose value is `first` followed by `second`; expire_at_ms 0 means no
  /// expiry. Returns null when the allocator fails or a length does not fit its field. The
  /// caller owns it until it is linked into a table.
  static Entry* create(unsigned db, std::string_view key, std::string_view first,
                       std::string_view second, std::int64_t expire_at_ms,
                       std::uint32_t access_stamp, ValueEncoding encoding = ValueEncoding::kAsSet);
  static void destroy(Entry* entry);

  /// Overwrites the value (head followed by tail; head may be the current value itself) and
  /// the expiry in the existing allocation when the result fits and would not leave more than
  /// half of it unused. Returns false, changing nothing, otherwise. No allocator call and no
  /// change in footprint: the common overwrite of a same-size value costs one memcpy (plus a
  /// memmove of key and value when a TTL is added or removed). The caller holds the shard's
  /// exclusive lock, so no reader can be looking at the entry.
  bool assign_in_place(std::string_view head, std::string_view tail, std::int64_t expire_at,
                       ValueEncoding encoding = ValueEncoding::kAsSet);

  /// Bytes this entry really costs the process: the allocator's usable size plus its chunk
  /// header, so that accounting includes rounding.
  std::size_t footprint() const;

 private:
  char* raw() { return reinterpret_cast<char*>(this + 1); }
  const char* raw() const { return reinterpret_cast<const char*>(this + 1); }
};

static_assert(sizeof(Entry) == 12, "the entry header is meant to stay at 12 bytes");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

}  // namespace respcache::storage
