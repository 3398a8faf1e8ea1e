#include "respcache/storage/entry.hpp"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace respcache::storage {

Entry* Entry::create(std::uint32_t hash, std::string_view key, std::string_view first,
                     std::string_view second, std::int64_t expire_at_ms, std::uint32_t tick) {
  const std::size_t value_len = first.size() + second.size();
  void* memory = std::malloc(sizeof(Entry) + key.size() + value_len);
  if (memory == nullptr) return nullptr;
  auto* entry = new (memory) Entry{nullptr,
                                   expire_at_ms,
                                   hash,
                                   {tick},
                                   static_cast<std::uint32_t>(key.size()),
                                   static_cast<std::uint32_t>(value_len)};
  char* out = entry->data();
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

bool Entry::assign_in_place(std::string_view head, std::string_view tail, std::int64_t expire_at) {
  const std::size_t needed = sizeof(Entry) + key_len + head.size() + tail.size();
  const std::size_t usable = malloc_usable_size(this);
  if (needed > usable || needed * 2 < usable) return false;
  char* value = data() + key_len;
  // Only a head that is the current value itself may alias this entry; anything else that
  // points into it would be overwritten while being copied, so it takes the slow path.
  const auto begin = reinterpret_cast<std::uintptr_t>(this);
  const auto end = begin + usable;
  auto inside = [&](std::string_view s) {
    const auto p = reinterpret_cast<std::uintptr_t>(s.data());
    return !s.empty() && p < end && p + s.size() > begin;
  };
  if (inside(tail) || (inside(head) && head.data() != value)) return false;
  if (!head.empty() && head.data() != value) std::memcpy(value, head.data(), head.size());
  if (!tail.empty()) std::memcpy(value + head.size(), tail.data(), tail.size());
  value_len = static_cast<std::uint32_t>(head.size() + tail.size());
  expire_at_ms = expire_at;
  return true;
}

std::size_t Entry::footprint() const {
  // glibc keeps one size word in front of every chunk.
  return malloc_usable_size(const_cast<Entry*>(this)) + sizeof(std::size_t);
}

}  // namespace respcache::storage
