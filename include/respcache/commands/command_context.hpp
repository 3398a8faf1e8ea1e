#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "respcache/commands/client_state.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/protocol/reply_builder.hpp"
#include "respcache/storage/cache.hpp"
#include "respcache/storage/database.hpp"

namespace respcache::commands {

class Service;

/// Everything one command execution may touch. `args` are views into the connection's
/// input buffer, valid for this execution only; args[0] is the command name.
struct CommandContext {
  std::span<const std::string_view> args;
  ClientState& client;
  core::ServerCore& core;
  storage::Cache& cache_ref;
  core::WorkerStats& stats;
  protocol::ReplyBuilder& reply;
  Service& service;
  /// Set by dispatch_subcommand: the subcommand's flags (kAdmin keeps CLIENT KILL out of
  /// MONITOR, as Redis keeps admin commands).
  std::uint32_t subcommand_flags = 0;
  /// Run by EXEC from its queue.
  bool queued = false;

  /// The whole cache: budget, policy, statistics, ExclusiveAccess, every database.
  storage::Cache& cache() { return cache_ref; }
  /// The client's selected database: where key commands read and write.
  storage::Database db() { return {cache_ref, client.db}; }
  const config::Config& config() const { return core.settings.startup(); }
  core::Settings& settings() { return core.settings; }
  core::Authentication& auth() { return core.authentication; }
  std::size_t argc() const { return args.size(); }
};

using CommandHandler = void (*)(CommandContext&);

}  // namespace respcache::commands
