#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace respcache::scripting {

/// The allocator of one Lua state (lua_newstate's lua_Alloc): every byte the state holds is
/// counted here and in a shared meter that the cache's memory budget includes, and growth
/// past `limit` fails, which Lua turns into a "not enough memory" error for the script
/// instead of the process growing until it is OOM-killed. Freeing and shrinking never fail,
/// as Lua requires.
class LuaHeap {
 public:
  LuaHeap(std::size_t limit, std::atomic<std::int64_t>* meter) : limit_(limit), meter_(meter) {}
  ~LuaHeap();
  LuaHeap(const LuaHeap&) = delete;
  LuaHeap& operator=(const LuaHeap&) = delete;

  /// The lua_Alloc: `self` is the LuaHeap.
  static void* allocate(void* self, void* block, std::size_t old_size, std::size_t new_size);

  std::size_t used() const { return used_; }
  std::size_t limit() const { return limit_; }
  void set_limit(std::size_t limit) { limit_ = limit; }

 private:
  void charge(std::int64_t bytes);

  std::size_t used_ = 0;
  std::size_t limit_;
  std::atomic<std::int64_t>* meter_;
};

}  // namespace respcache::scripting
