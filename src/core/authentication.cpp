#include "respcache/core/authentication.hpp"

#include <algorithm>

namespace respcache::core {

bool Authentication::matches(std::string_view candidate) const {
  std::lock_guard lock(mutex_);
  // Every byte of the longer string is compared, so the time taken does not tell how long a
  // prefix was right.
  const std::size_t n = std::max(candidate.size(), password_.size());
  unsigned char diff = candidate.size() == password_.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(i < candidate.size() ? candidate[i] : 0);
    const auto b = static_cast<unsigned char>(i < password_.size() ? password_[i] : 0);
    diff |= static_cast<unsigned char>(a ^ b);
  }
  return diff == 0;
}

std::string Authentication::password() const {
  std::lock_guard lock(mutex_);
  return password_;
}

void Authentication::set_password(std::string password) {
  std::lock_guard lock(mutex_);
  password_ = std::move(password);
  required_.store(!password_.empty(), std::memory_order_relaxed);
}

}  // namespace respcache::core
