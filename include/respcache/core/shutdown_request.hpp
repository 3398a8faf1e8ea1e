#pragma once

#include <functional>
#include <mutex>
#include <utility>

namespace respcache::core {

/// How a command (SHUTDOWN) asks the server to stop: the server installs a handler while it
/// serves, so the command layer needs no server of its own to call.
class ShutdownRequest {
 public:
  /// Installs the handler, or removes it (an empty one). Thread-safe.
  void install(std::function<void()> handler) {
    const std::lock_guard guard(mutex_);
    handler_ = std::move(handler);
  }

  /// Starts the server's graceful shutdown; false when no server is serving (a unit test).
  bool request() {
    const std::lock_guard guard(mutex_);
    if (!handler_) return false;
    handler_();
    return true;
  }

 private:
  std::mutex mutex_;
  std::function<void()> handler_;
};

}  // namespace respcache::core
