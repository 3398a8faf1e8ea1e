#include "respcache/core/coarse_clock.hpp"

#include <chrono>

namespace respcache::core {

void CoarseClock::tick() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  now_ms_.store(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(),
                std::memory_order_relaxed);
}

}  // namespace respcache::core
