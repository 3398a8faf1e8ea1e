#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "respcache/protocol/reply_recorder.hpp"

namespace respcache::scripting {

/// What one script invocation may do, and what it has done: the rules redis.call applies,
/// from the command (EVAL_RO) and the script's shebang flags.
struct ScriptRun {
  std::string_view name;   ///< the SHA1, for error messages ("script: <sha>, on ...")
  bool read_only = false;  ///< EVAL_RO / EVALSHA_RO, or a no-writes script
  bool allow_oom = false;  ///< allow-oom: denyoom commands run even over maxmemory
  bool wrote = false;      ///< a write command has run: the script can no longer be killed
  int resp = 2;            ///< redis.setresp: the protocol commands answer the script in
};

/// How a script's redis.call reaches the commands: the command layer implements it, so that
/// scripting knows nothing of the command table or the cache.
class CommandCaller {
 public:
  /// Runs `args` (args[0] the command name) for the script's client, the reply going to
  /// `reply` (whose protocol is run.resp). Returns the refusal text when the command may
  /// not run at all (unknown, wrong arity, not allowed from scripts, a write in a read-only
  /// script, OOM), as Redis's scriptCall words it; nothing is recorded then.
  virtual std::optional<std::string> call(ScriptRun& run, std::span<const std::string_view> args,
                                          protocol::ReplyRecorder& reply) = 0;
  /// Whether `name` is a command (redis.acl_check_cmd).
  virtual bool knows(std::string_view name) const = 0;

 protected:
  ~CommandCaller() = default;
};

}  // namespace respcache::scripting
