#include "respcache/scripting/lua_heap.hpp"

#include <algorithm>
#include <cstdlib>

namespace respcache::scripting {

LuaHeap::~LuaHeap() { charge(-static_cast<std::int64_t>(used_)); }

void LuaHeap::charge(std::int64_t bytes) {
  if (meter_ != nullptr && bytes != 0) meter_->fetch_add(bytes, std::memory_order_relaxed);
}

void* LuaHeap::allocate(void* self, void* block, std::size_t old_size, std::size_t new_size) {
  auto& heap = *static_cast<LuaHeap*>(self);
  if (new_size == 0) {
    std::free(block);
    heap.used_ -= old_size;
    heap.charge(-static_cast<std::int64_t>(old_size));
    return nullptr;
  }
  if (new_size > old_size &&
      new_size - old_size > heap.limit_ - std::min(heap.used_, heap.limit_)) {
    return nullptr;  // Lua raises LUA_ERRMEM and leaves `block` as it was
  }
  void* grown = std::realloc(block, new_size);
  if (grown == nullptr) return nullptr;
  heap.used_ = heap.used_ - old_size + new_size;
  heap.charge(static_cast<std::int64_t>(new_size) - static_cast<std::int64_t>(old_size));
  return grown;
}

}  // namespace respcache::scripting
