#pragma once

#include <span>
#include <string_view>

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/server_state.hpp"
#include "respcache/protocol/reply_writer.hpp"

namespace respcache::commands {

/// Everything one command execution may touch. `args` are views into the connection's
/// input buffer, valid for this execution only; args[0] is the command name.
struct CommandContext {
  std::span<const std::string_view> args;
  ClientState& client;
  ServerState& server;
  WorkerStats& stats;
  protocol::ReplyWriter& reply;

  storage::Cache& cache() { return server.cache(); }
  std::size_t argc() const { return args.size(); }
};

using CommandHandler = void (*)(CommandContext&);

}  // namespace respcache::commands
