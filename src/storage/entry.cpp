#include "respcache/storage/entry.hpp"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace respcache::storage {

Entry* Entry::create(unsigned db, std::string_view key, std::string_view first,
                     std::string_view second, std::int64_t expire_at_ms, std::uint32_t access_stamp,
                     ValueEncoding encoding) {
  const std::size_t value_len = first.size() + second.size();
  if (key.size() > kMaxKeyLen || db >= kMaxDatabases || value_len > kMaxValueLen) {
    return nullptr;
  }
  const bool expires = expire_at_ms != 0;
  void* memory = std::malloc(bytes_for(key.size(), value_len, expires));
  if (memory == nullptr) return nullptr;
  auto* entry = new (memory) Entry{{access_stamp},
                                   pack_value(value_len, encoding),
                                   identity(db, key.size()) | (expires ? kHasExpiry : 0U)};
  if (expires) std::memcpy(entry->raw(), &expire_at_ms, sizeof expire_at_ms);
  char* out = const_cast<char*>(entry->data());
  // memcpy with a null source is undefined even for zero bytes, hence the guards.
  if (!key.empty()) std::memcpy(out, key.data(), key.size());
  out += key.size();
  if (!first.empty()) std::memcpy(out, first.data(), first.size());
  out += first.size();
  if (!second.empty()) std::memcpy(out, second.data(), second.size());
  return entry;
}

void Entry::destroy(Entry* entry) {
  entry->~Entry();
  std::free(entry);
}

bool Entry::assign_in_place(std::string_view head, std::string_view tail, std::int64_t expire_at,
                            ValueEncoding encoding) {
  const bool expires = expire_at != 0;
  const std::size_t k = key_len();
  const std::size_t needed = bytes_for(k, head.size() + tail.size(), expires);
  const std::size_t usable = malloc_usable_size(this);
  if (needed > usable || needed * 2 < usable || head.size() + tail.size() > kMaxValueLen) {
    return false;
  }
  const char* old_data = data();
  const char* old_value = old_data + k;
  // Only a head that is the current value itself may alias this entry; anything else that
  // points into it would be overwritten while being copied, so it takes the slow path.
  const auto begin = reinterpret_cast<std::uintptr_t>(this);
  const auto end = begin + usable;
  auto inside = [&](std::string_view s) {
    const auto p = reinterpret_cast<std::uintptr_t>(s.data());
    return !s.empty() && p < end && p + s.size() > begin;
  };
  const bool own_head = inside(head);
  if (inside(tail) || (own_head && head.data() != old_value)) return false;

  // Adding or dropping the TTL shifts key and value by the 8 bytes of expiry. Move first
  // whichever of the two the shift would otherwise overwrite: the value when moving right,
  // the key when moving left. Both moves stay inside the allocation (needed <= usable).
  char* new_data = raw() + (expires ? sizeof(std::int64_t) : 0);
  char* new_value = new_data + k;
  if (new_data > old_data) {
    if (own_head) std::memmove(new_value, head.data(), head.size());
    std::memmove(new_data, old_data, k);
  } else if (new_data < old_data) {
    std::memmove(new_data, old_data, k);
    if (own_head) std::memmove(new_value, head.data(), head.size());
  }
  if (!own_head && !head.empty()) std::memcpy(new_value, head.data(), head.size());
  if (!tail.empty()) std::memcpy(new_value + head.size(), tail.data(), tail.size());
  value_len_encoding = pack_value(head.size() + tail.size(), encoding);
  key_len_flags = identity() | (expires ? kHasExpiry : 0U);
  if (expires) std::memcpy(raw(), &expire_at, sizeof expire_at);
  return true;
}

std::size_t Entry::footprint() const {
  // glibc keeps one size word in front of every chunk.
  return malloc_usable_size(const_cast<Entry*>(this)) + sizeof(std::size_t);
}

}  // namespace respcache::storage
