#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/core/client_registry.hpp"

namespace respcache::core {

/// MONITOR: every command run by any client, as a line, to every monitoring client.
///
/// Cost when nobody monitors: active() is one relaxed load per command. While someone
/// monitors, the running thread formats the line once and appends it to each monitor's
/// mailbox under that mailbox's mutex, waking the monitor's connection (on its own thread)
/// only when the mailbox goes from empty to non-empty.
///
/// Memory: a mailbox holds at most the output limit given to publish() (the
/// client-output-buffer-limit); one that would pass it is dropped and its client killed, as
/// Redis disconnects a monitor past its output limits. Mailbox bytes count in `meter`
/// (the connection buffers' share of the memory budget).
class MonitorFeed {
 public:
  class Mailbox {
   public:
    /// Moves what is waiting into `out` (appended); false if nothing was.
    bool take(std::string& out);
    bool overflowed() const { return overflowed_.load(std::memory_order_relaxed); }

   private:
    friend class MonitorFeed;
    Mailbox(std::shared_ptr<ClientRecord> client, std::atomic<std::int64_t>& meter)
        : client_(std::move(client)), meter_(meter) {}

    std::shared_ptr<ClientRecord> client_;
    std::atomic<std::int64_t>& meter_;
    std::mutex mutex_;
    std::string pending_;
    std::atomic<bool> overflowed_{false};
  };

  explicit MonitorFeed(std::atomic<std::int64_t>& meter) : meter_(meter) {}

  /// Whether any client monitors: one relaxed load.
  bool active() const { return count_.load(std::memory_order_relaxed) > 0; }
  std::shared_ptr<Mailbox> add(std::shared_ptr<ClientRecord> client);
  void remove(Mailbox& mailbox);
  /// Appends `line` to every mailbox (a monitor's own commands included, as in Redis).
  void publish(std::string_view line, std::size_t limit);

 private:
  std::atomic<std::int64_t>& meter_;
  std::atomic<std::size_t> count_{0};
  std::mutex mutex_;
  std::vector<std::shared_ptr<Mailbox>> mailboxes_;
};

}  // namespace respcache::core
