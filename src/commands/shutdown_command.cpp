// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], as Redis 7.0 parses and refuses it.
//
// respcache keeps nothing on disk yet, so SAVE and NOSAVE stop the same way: the server's
// graceful shutdown (the one SIGTERM starts), which answers what every connection has sent
// and exits 0. Like Redis, a successful SHUTDOWN sends its client no reply: the connection
// closes as the server goes.
//
// While a script is busy (past busy-reply-threshold) only SHUTDOWN NOSAVE is accepted, and it
// stops the script even if it has written: Redis exits from inside the script.

#include <spdlog/spdlog.h>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/commands/service.hpp"

namespace respcache::commands {
namespace {

struct ShutdownOptions {
  bool nosave = false;
  bool save = false;
  bool abort = false;
  bool valid = true;
};

ShutdownOptions parse_options(std::span<const std::string_view> args) {
  ShutdownOptions options;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (iequals(args[i], "nosave")) {
      options.nosave = true;
    } else if (iequals(args[i], "save")) {
      options.save = true;
    } else if (iequals(args[i], "abort")) {
      options.abort = true;
    } else if (!iequals(args[i], "now") && !iequals(args[i], "force")) {
      options.valid = false;
    }
  }
  // Redis: SAVE with NOSAVE, or ABORT with anything else, is a syntax error.
  if ((options.save && options.nosave) || (options.abort && args.size() != 2)) {
    options.valid = false;
  }
  return options;
}

}  // namespace

void cmd_shutdown(CommandContext& ctx) {
  const ShutdownOptions options = parse_options(ctx.args);
  if (!options.valid) return ctx.reply.error(replies::kSyntaxError);
  // A shutdown never waits here (no replicas to catch up), so none is ever in progress.
  if (options.abort) return ctx.reply.error("ERR No shutdown in progress.");
  ScriptRunner& scripts = ctx.service.script_runner();
  if (!options.nosave && scripts.busy()) return ctx.reply.error(scripts.busy_error());
  spdlog::warn("User requested shutdown...");
  scripts.kill_for_shutdown();
  if (!ctx.service.core().shutdown.request()) {
    return ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
  }
  ctx.client.close_after_reply = true;
}

}  // namespace respcache::commands
