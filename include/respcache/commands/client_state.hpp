#pragma once

#include <cstdint>
#include <string>

namespace respcache::commands {

/// What the command layer remembers about one client connection.
struct ClientState {
  std::uint64_t id = 0;
  std::string name;      ///< CLIENT SETNAME; empty when unset
  std::string lib_name;  ///< CLIENT SETINFO LIB-NAME
  std::string lib_version;
  int protocol = 2;  ///< RESP version (only 2 so far)
  /// Set by QUIT: send the replies so far, then close.
  bool close_after_reply = false;
};

}  // namespace respcache::commands
