#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "respcache/commands/transaction.hpp"
#include "respcache/commands/watch_table.hpp"
#include "respcache/core/client_registry.hpp"
#include "respcache/core/monitor_feed.hpp"

namespace respcache::commands {

/// What CLIENT SETNAME and CLIENT SETINFO record: rare, so kept out of line.
struct ClientNames {
  std::string name;
  std::string lib_name;
  std::string lib_version;
};

/// A client's MONITOR mailbox, taken out of the feed when the client goes.
class MonitorSubscription {
 public:
  MonitorSubscription(core::MonitorFeed& feed, std::shared_ptr<core::ClientRecord> client)
      : feed_(feed), mailbox_(feed.add(std::move(client))) {}
  ~MonitorSubscription() { feed_.remove(*mailbox_); }
  MonitorSubscription(const MonitorSubscription&) = delete;
  MonitorSubscription& operator=(const MonitorSubscription&) = delete;
  core::MonitorFeed::Mailbox& mailbox() { return *mailbox_; }

 private:
  core::MonitorFeed& feed_;
  std::shared_ptr<core::MonitorFeed::Mailbox> mailbox_;
};

/// CLIENT REPLY: whether replies are sent. kSkipNext is set by CLIENT REPLY SKIP and becomes
/// kSkip for the command after it, as Redis's CLIENT_REPLY_SKIP_NEXT.
enum class ReplyMode : std::uint8_t { kOn, kOff, kSkipNext, kSkip };

/// What the command layer remembers about one client connection. Kept small, since every
/// idle connection holds one: the names are allocated only when a client sets one.
struct ClientState {
  std::uint64_t id = 0;
  int protocol = 2;  ///< RESP version, 2 or 3 (HELLO)
  unsigned db = 0;   ///< the SELECTed database
  /// Passed AUTH, or connected while no password was set (as Redis: CONFIG SET requirepass
  /// does not lock out clients already connected).
  bool authenticated = true;
  /// Set by QUIT: send the replies so far, then close.
  bool close_after_reply = false;
  std::unique_ptr<ClientNames> names;
  /// Between MULTI and EXEC or DISCARD; null otherwise.
  std::unique_ptr<Transaction> transaction;
  /// Made by the first WATCH; unregisters itself when the client goes.
  std::unique_ptr<WatchedKeys> watched;
  /// This client as CLIENT LIST, SLOWLOG and MONITOR see it. Service::open_client makes an
  /// unregistered one when the caller (a unit test) brings none, so it is never null.
  std::shared_ptr<core::ClientRecord> record;
  ReplyMode reply_mode = ReplyMode::kOn;
  /// CLIENT NO-TOUCH on: reads do not update keys' access stamps.
  bool no_touch = false;
  /// Set by MONITOR.
  std::unique_ptr<MonitorSubscription> monitor;

  ClientNames& mutable_names() {
    if (!names) names = std::make_unique<ClientNames>();
    return *names;
  }
  const std::string& name() const {
    static const std::string kEmpty;
    return names ? names->name : kEmpty;
  }
};

}  // namespace respcache::commands
