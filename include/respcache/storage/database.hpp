#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "respcache/storage/cache.hpp"

namespace respcache::storage {

/// One logical database of a Cache (Redis's SELECT index): the cache's key operations bound to
/// it. A view of two words, made per command from the client's selected database; copying
/// it is free, and it holds nothing of its own. The index is checked by whoever makes it.
class Database {
 public:
  Database(Cache& cache, unsigned index) : cache_(&cache), index_(index) {}

  unsigned index() const { return index_; }
  Cache& cache() const { return *cache_; }

  bool read(std::string_view key, Cache::ReadFn fn) const { return cache_->read(index_, key, fn); }
  bool peek(std::string_view key, Cache::ReadFn fn) const { return cache_->peek(index_, key, fn); }
  WriteStatus update(std::string_view key, Cache::UpdateFn fn) const {
    return cache_->update(index_, key, fn);
  }
  WriteStatus set(std::string_view key, std::string_view value,
                  std::int64_t expire_at_ms = 0) const {
    return cache_->set(index_, key, value, expire_at_ms);
  }
  bool erase(std::string_view key) const { return cache_->erase(index_, key); }
  bool contains(std::string_view key) const { return cache_->contains(index_, key); }
  MoveStatus move_to(unsigned target, std::string_view key) const {
    return cache_->move(index_, target, key);
  }
  bool random_key(std::string& out) const { return cache_->random_key(index_, out); }
  void clear() const { cache_->clear_db(index_); }
  std::size_t size() const { return cache_->db_size(index_); }
  std::size_t keys_with_expiry() const { return cache_->db_keys_with_expiry(index_); }

  std::uint64_t scan(std::uint64_t cursor, std::size_t count, Cache::VisitFn fn) const {
    return cache_->scan(index_, cursor, count, fn);
  }
  void for_each_chunked(ScanBudget chunk, Cache::VisitFn fn, FunctionRef<void()> done) const {
    cache_->for_each_chunked(index_, chunk, fn, done);
  }

 private:
  Cache* cache_;
  unsigned index_;
};

}  // namespace respcache::storage
