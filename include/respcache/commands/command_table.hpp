#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "respcache/commands/command_context.hpp"

namespace respcache::commands {

/// Flags reported by COMMAND, as Redis names them.
enum CommandFlag : std::uint32_t {
  kWrite = 1U << 0,
  kReadOnly = 1U << 1,
  kFast = 1U << 2,
  kDenyOom = 1U << 3,
  kLoading = 1U << 4,
  kStale = 1U << 5,
  kNoAuth = 1U << 6,
  kAdmin = 1U << 7,
  kSkipMonitor = 1U << 8,
  kSkipSlowlog = 1U << 9,
  kNoScript = 1U << 10,
  kMayReplicate = 1U << 11,
  kNoMandatoryKeys = 1U << 12,
  kAllowBusy = 1U << 13,
  /// respcache's own, not reported by COMMAND: runs at once inside MULTI instead of being
  /// queued (EXEC, DISCARD, MULTI, WATCH, QUIT, as Redis's processCommand lists them).
  kRunsInMulti = 1U << 16,
  /// respcache's own, Redis's CMD_NO_MULTI: refused inside MULTI (SHUTDOWN).
  kNoMulti = 1U << 17,
};

/// One command: its lowercase name, Redis arity (n: exactly n arguments counting the name;
/// -n: at least n), flags, key positions for COMMAND, and the function that runs it.
struct CommandSpec {
  std::string_view name;
  int arity;
  std::uint32_t flags;
  int first_key;
  int last_key;
  int key_step;
  CommandHandler handler;
};

/// Finds a command by name, case-insensitively; null if unknown. No allocation.
const CommandSpec* find_command(std::string_view name);
/// Every command, in table order.
std::span<const CommandSpec> all_commands();

/// Whether `argc` arguments satisfy a Redis arity.
inline bool arity_accepts(int arity, std::size_t argc) {
  return arity >= 0 ? argc == static_cast<std::size_t>(arity)
                    : argc >= static_cast<std::size_t>(-arity);
}

}  // namespace respcache::commands
