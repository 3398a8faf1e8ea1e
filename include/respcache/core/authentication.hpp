#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace respcache::core {

/// The server's password (Redis's `requirepass` for the default user). Thread-safe: the
/// password can change (CONFIG SET requirepass) while any thread checks it.
class Authentication {
 public:
  explicit Authentication(std::string password = {}) { set_password(std::move(password)); }

  /// Whether clients must AUTH: a password is set. A relaxed load, cheap enough to call
  /// before every command.
  bool required() const { return required_.load(std::memory_order_relaxed); }
  /// Compares with the password in time independent of where they differ.
  bool matches(std::string_view candidate) const;
  std::string password() const;
  /// An empty password turns AUTH off. Clients already connected keep their state.
  void set_password(std::string password);

 private:
  mutable std::mutex mutex_;
  std::string password_;
  std::atomic<bool> required_{false};
};

}  // namespace respcache::core
