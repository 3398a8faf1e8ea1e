#pragma once

// COMMAND INFO and COMMAND DOCS data: Redis's own replies for respcache's commands, generated
// by scripts/gen_command_docs.py into command_docs.inc, indexed once at first use.

#include <span>
#include <string_view>
#include <vector>

#include "respcache/protocol/reply_builder.hpp"

namespace respcache::commands {

/// One command or subcommand's entries: views into the generated RESP3 bytes (static).
struct CommandDoc {
  std::string_view name;  ///< "get", or "client|kill" for a subcommand
  std::string_view info;  ///< one COMMAND INFO element
  std::string_view docs;  ///< one COMMAND DOCS value (the map after the name)
  std::vector<std::string_view> acl_categories;  ///< "@read", ...
  std::vector<CommandDoc> subcommands;
};

/// Every top-level command, in respcache's table order.
std::span<const CommandDoc> command_docs();
/// By name, case-insensitively: "get", or "client|kill"; null if respcache has none.
const CommandDoc* find_command_doc(std::string_view name);

/// Replays trusted RESP3 bytes (one value) as ReplyBuilder calls, so the client's encoder
/// writes them in its protocol. Returns the bytes the value took.
std::size_t replay_resp(protocol::ReplyBuilder& reply, std::string_view bytes);

}  // namespace respcache::commands
