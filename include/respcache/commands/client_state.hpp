#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "respcache/commands/transaction.hpp"
#include "respcache/commands/watch_table.hpp"

namespace respcache::commands {

/// What CLIENT SETNAME and CLIENT SETINFO record: rare, so kept out of line.
struct ClientNames {
  std::string name;
  std::string lib_name;
  std::string lib_version;
};

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
