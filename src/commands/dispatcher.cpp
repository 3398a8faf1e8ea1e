#include "respcache/commands/dispatcher.hpp"

#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {

void execute(CommandContext& ctx) {
  const CommandSpec* spec = find_command(ctx.args[0]);
  if (spec == nullptr) {
    replies::unknown_command(ctx.reply, ctx.args);
    return;
  }
  if (!arity_accepts(spec->arity, ctx.argc())) {
    replies::wrong_arity(ctx.reply, spec->name);
    return;
  }
  spec->handler(ctx);
  bump(ctx.stats.commands_processed);
}

}  // namespace respcache::commands
