// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, with Redis 7.0's semantics and replies.
//
// Atomicity: a script runs alone among scripts, holding its declared keys' shards and every
// other shard it touches from first touch to its end (storage::Cache::ScriptAccess, built on
// the shard locks EXEC takes), so no other client's command runs between two of its
// commands on anything it reads or writes, declared or not. Its redis.call() goes to the same
// handlers as a client's commands, through ScriptCall below.

#include <memory>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/protocol/integer.hpp"
#include "respcache/scripting/sha1.hpp"

namespace respcache::commands {
namespace {

using scripting::Script;
using scripting::ScriptRun;

constexpr std::string_view kNoMatchingScript = "NOSCRIPT No matching script. Please use EVAL.";
constexpr std::string_view kWriteScriptReadOnly =
    "ERR Can not execute a script with write flag using *_ro command.";

// redis.call() for a script: the checks of Redis's scriptCall, then the command's handler.
class ScriptCall final : public scripting::CommandCaller {
 public:
  explicit ScriptCall(CommandContext& ctx) : ctx_(ctx) {}

  std::optional<std::string> call(ScriptRun& run, std::span<const std::string_view> args,
                                  protocol::ReplyRecorder& reply) override {
    const CommandSpec* spec = find_command(args[0]);
    if (spec == nullptr) return "Unknown Redis command called from script";
    if (!arity_accepts(spec->arity, args.size())) {
      return "Wrong number of args calling Redis command from script";
    }
    if ((spec->flags & kNoScript) != 0) return "This Redis command is not allowed from script";
    if (run.read_only && (spec->flags & kWrite) != 0) {
      return "Write commands are not allowed from read-only scripts.";
    }
    if ((spec->flags & kWrite) != 0) {
      run.wrote = true;
      ctx_.service.script_runner().wrote();
    }
    ctx_.service.execute_queued(ctx_.client, args, reply, ctx_.stats);
    return std::nullopt;
  }

  bool knows(std::string_view name) const override { return find_command(name) != nullptr; }

 private:
  CommandContext& ctx_;
};

// Marks a script as running (for SCRIPT KILL and -BUSY) while it is in scope.
class RunningScript {
 public:
  RunningScript(ScriptRunner& runner, scripting::LuaEngine& engine, bool function,
                std::string_view name, std::span<const std::string_view> command)
      : runner_(runner) {
    runner_.started(engine, function, name, command);
  }
  ~RunningScript() { runner_.finished(); }
  RunningScript(const RunningScript&) = delete;
  RunningScript& operator=(const RunningScript&) = delete;

 private:
  ScriptRunner& runner_;
};

// Parses numkeys, or replies with Redis's error; then splits KEYS from ARGV.
bool split_keys(CommandContext& ctx, std::span<const std::string_view>& keys,
                std::span<const std::string_view>& argv) {
  const auto numkeys = protocol::parse_int64(ctx.args[2]);
  if (!numkeys) {
    ctx.reply.error(replies::kNotInteger);
    return false;
  }
  const auto available = static_cast<long long>(ctx.argc() - 3);
  if (*numkeys > available) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  if (*numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return false;
  }
  keys = ctx.args.subspan(3, static_cast<std::size_t>(*numkeys));
  argv = ctx.args.subspan(3 + static_cast<std::size_t>(*numkeys));
  return true;
}

// The script for EVAL's body: from the cache, or checked, compiled on this thread and added.
std::shared_ptr<const Script> script_for_body(CommandContext& ctx, std::string_view body,
                                              bool pinned) {
  ScriptRunner& runner = ctx.service.script_runner();
  const auto sha = scripting::sha1_hex(body);
  if (auto cached = pinned ? nullptr : runner.scripts().find({sha.data(), sha.size()})) {
    return cached;
  }
  auto script = std::make_shared<Script>();
  script->sha = sha;
  script->body.assign(body);
  std::string error;
  if (!scripting::parse_shebang(body, script->shebang, error)) {
    ctx.reply.error("ERR " + error);
    return nullptr;
  }
  if (!runner.engine().compile(*script, error)) {
    ctx.reply.error("ERR " + error);
    return nullptr;
  }
  return runner.scripts().add(std::move(script), pinned);
}

// Runs `body(engine, caller)` as a script runs: alone among scripts, holding the shards of
// `keys` and then of whatever else it touches (Cache::ScriptAccess), marked running (for
// SCRIPT KILL and -BUSY), with time frozen. The one place EVAL and FCALL take the locks.
template <class Body>
void run_atomically(CommandContext& ctx, std::span<const std::string_view> keys,
                    std::string_view function_name, Body&& body) {
  ScriptRunner& runner = ctx.service.script_runner();
  scripting::LuaEngine& engine = runner.engine();
  ScriptCall caller(ctx);
  const storage::Cache::ScriptAccess access(ctx.cache(), keys);
  const RunningScript running(runner, engine, !function_name.empty(), function_name, ctx.args);
  const storage::FrozenTime frozen(ctx.cache().clock());
  body(engine, caller);
}

void eval_generic(CommandContext& ctx, bool by_sha, bool read_only_command) {
  std::span<const std::string_view> keys, argv;
  if (!split_keys(ctx, keys, argv)) return;
  ScriptRunner& runner = ctx.service.script_runner();
  std::shared_ptr<const Script> script;
  if (by_sha) {
    script = ctx.args[1].size() == 40 ? runner.scripts().find(ctx.args[1]) : nullptr;
    if (!script) return ctx.reply.error(kNoMatchingScript);
  } else {
    script = script_for_body(ctx, ctx.args[1], false);
    if (!script) return;
  }
  const std::uint32_t flags = script->shebang.flags;
  const bool compat = (flags & scripting::kEvalCompatMode) != 0;
  if (!compat && read_only_command && (flags & scripting::kNoWrites) == 0) {
    return ctx.reply.error(kWriteScriptReadOnly);
  }
  ScriptRun run;
  run.name = script->name();
  run.read_only = read_only_command || (!compat && (flags & scripting::kNoWrites) != 0);
  run.allow_oom = !compat && (flags & scripting::kAllowOom) != 0;

  run_atomically(ctx, keys, {}, [&](scripting::LuaEngine& engine, ScriptCall& caller) {
    engine.run(*script, run, keys, argv, caller, ctx.reply);
  });
}

void fcall_generic(CommandContext& ctx, bool read_only_command) {
  if (!protocol::parse_int64(ctx.args[2]))
    return ctx.reply.error("ERR Bad number of keys provided");
  std::span<const std::string_view> keys, argv;
  if (!split_keys(ctx, keys, argv)) return;
  ScriptRunner& runner = ctx.service.script_runner();
  const auto snapshot = runner.functions().snapshot();
  const auto& libraries = snapshot.first;  // not a structured binding: the lambda below takes it
  const std::uint64_t generation = snapshot.second;
  const scripting::FunctionInfo* function = nullptr;
  for (const auto& [name, library] : *libraries) {
    for (const auto& info : library->functions) {
      if (info.name == ctx.args[1]) function = &info;
    }
  }
  if (function == nullptr) return ctx.reply.error("ERR Function not found");
  if (read_only_command && (function->flags & scripting::kNoWrites) == 0) {
    return ctx.reply.error(kWriteScriptReadOnly);
  }
  ScriptRun run;
  run.name = function->name;
  run.read_only = read_only_command || (function->flags & scripting::kNoWrites) != 0;
  run.allow_oom = (function->flags & scripting::kAllowOom) != 0;
  run_atomically(ctx, keys, function->name, [&](scripting::LuaEngine& engine, ScriptCall& caller) {
    engine.sync_functions(libraries, generation);
    engine.call_function(function->name, run, keys, argv, caller, ctx.reply);
  });
}

void reply_help(protocol::ReplyBuilder& reply, std::string_view command,
                std::span<const std::string_view> lines) {
  reply.array(lines.size() + 3);
  reply.simple(std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const std::string_view line : lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

void script_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  };
  reply_help(ctx.reply, "SCRIPT", kLines);
}

void script_load(CommandContext& ctx) {
  const auto script = script_for_body(ctx, ctx.args[2], true);
  if (script) ctx.reply.bulk(script->name());
}

void script_exists(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 2);
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.integer(ctx.service.script_runner().scripts().contains(ctx.args[i]) ? 1 : 0);
  }
}

void script_flush(CommandContext& ctx) {
  if (!accepts_flush_mode(ctx, "ERR SCRIPT FLUSH only support SYNC|ASYNC option")) return;
  ctx.service.script_runner().scripts().flush();
  ctx.reply.ok();
}

}  // namespace

// SCRIPT KILL and FUNCTION KILL, with Redis's replies.
void kill_running(CommandContext& ctx, bool function) {
  switch (ctx.service.script_runner().kill(function)) {
    case ScriptRunner::KillResult::kKilled:
      return ctx.reply.ok();
    case ScriptRunner::KillResult::kNotBusy:
      return ctx.reply.error("NOTBUSY No scripts in execution right now.");
    case ScriptRunner::KillResult::kUnkillable:
      return ctx.reply.error(
          "UNKILLABLE Sorry the script already executed write commands against the dataset. "
          "You can either wait the script termination or kill the server in a hard way using "
          "the SHUTDOWN NOSAVE command.");
  }
}

namespace {

void script_kill(CommandContext& ctx) { kill_running(ctx, false); }

void script_debug(CommandContext& ctx) {
  if (iequals(ctx.args[2], "no")) return ctx.reply.ok();
  if (iequals(ctx.args[2], "yes") || iequals(ctx.args[2], "sync")) {
    return ctx.reply.error("ERR SCRIPT DEBUG is not supported by respcache");
  }
  ctx.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

}  // namespace

void cmd_eval(CommandContext& ctx) { eval_generic(ctx, false, false); }
void cmd_evalsha(CommandContext& ctx) { eval_generic(ctx, true, false); }
void cmd_eval_ro(CommandContext& ctx) { eval_generic(ctx, false, true); }
void cmd_evalsha_ro(CommandContext& ctx) { eval_generic(ctx, true, true); }

void cmd_fcall(CommandContext& ctx) { fcall_generic(ctx, false); }
void cmd_fcall_ro(CommandContext& ctx) { fcall_generic(ctx, true); }

void cmd_script(CommandContext& ctx) {
  static constexpr Subcommand kSubcommands[] = {
      {"help", "script|help", 2, script_help},        {"load", "script|load", 3, script_load},
      {"exists", "script|exists", -3, script_exists}, {"flush", "script|flush", -2, script_flush},
      {"kill", "script|kill", 2, script_kill},        {"debug", "script|debug", 3, script_debug},
  };
  dispatch_subcommand(ctx, kSubcommands);
}

}  // namespace respcache::commands
