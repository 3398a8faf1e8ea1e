#include "respcache/core/server_core.hpp"

#include <random>

namespace respcache::core {

ServerCore::ServerCore(const config::Config& config)
    : settings(config),
      statistics(config.threads == 0 ? 1 : config.threads),
      authentication(config.requirepass) {
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) run_id_.push_back(kHex[random() % 16]);
}

}  // namespace respcache::core
