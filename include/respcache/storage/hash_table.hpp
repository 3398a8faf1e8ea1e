#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>

#include "respcache/storage/entry.hpp"
#include "respcache/storage/function_ref.hpp"

namespace respcache::storage {

/// A chained hash table of Entry pointers, the index of one shard. Not thread-safe: the
/// shard's lock guards it.
///
/// It is sized at construction and doubles when it holds more entries than buckets. Growing
/// never stops the world: like Redis's dict, it keeps the old and the new bucket arrays and
/// moves a few buckets on every write (`kRehashBucketsPerWrite`), so the cost of a resize is
/// spread over the writes that follow it. Lookups consult both arrays while a move is on.
class HashTable {
 public:
  explicit HashTable(std::size_t initial_buckets = 16);
  /// Replaces the (empty) bucket array with one sized for `keys`.
  void reserve(std::size_t keys);
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  Entry* find(std::uint32_t hash, std::string_view key) const;
  /// Links an entry whose key is not in the table.
  void insert(Entry* entry);
  /// Puts `fresh` where `old` is (same key) and unlinks `old`; the caller frees `old`.
  void replace(Entry* old, Entry* fresh);
  /// Unlinks an entry that is in the table; the caller frees it.
  void remove(Entry* entry);
  /// Unlinks and frees every entry; keeps the current bucket array.
  void clear(FunctionRef<void(Entry*)> on_remove);

  /// A pseudo-random entry (null when empty): a random entry of the first non-empty bucket at
  /// or after a random position.
  Entry* sample(std::minstd_rand& rng) const;

  std::size_t size() const { return size_; }
  /// Bytes held by the bucket arrays.
  std::size_t bucket_bytes() const;

  static constexpr std::size_t kRehashBucketsPerWrite = 4;

 private:
  struct FreeDeleter {
    void operator()(Entry** p) const;
  };
  struct Buckets {
    std::unique_ptr<Entry*[], FreeDeleter> slots;
    std::size_t mask = 0;  // bucket count - 1; the count is a power of two
    std::size_t count() const { return slots ? mask + 1 : 0; }
  };

  Entry** slot_for(const Entry* entry);
  void maybe_grow();
  void rehash_step(std::size_t buckets);
  bool rehashing() const { return next_.slots != nullptr; }

  Buckets main_;
  Buckets next_;                // the new, larger array while a move is on
  std::size_t rehash_pos_ = 0;  // buckets of main_ below this have been moved to next_
  std::size_t size_ = 0;
};

}  // namespace respcache::storage
