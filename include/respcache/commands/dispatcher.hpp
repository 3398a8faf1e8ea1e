#pragma once

#include "respcache/commands/command_context.hpp"

namespace respcache::commands {

/// The one entry point the network layer uses: runs a parsed command and appends exactly one
/// reply to ctx.reply. Unknown commands and wrong arity are answered here with Redis's
/// texts; everything else is up to the command's handler.
void execute(CommandContext& ctx);

}  // namespace respcache::commands
