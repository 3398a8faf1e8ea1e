#pragma once

// The options SET and GETEX share, parsed as Redis 7.0's parseExtendedStringArgumentsOrReply,
// and the SET logic that SET, SETEX and PSETEX share.

#include <string_view>

#include "command_support.hpp"

namespace respcache::commands {

struct StringOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  bool persist = false;
  bool has_expire = false;
  ExpireUnit unit = ExpireUnit::kSeconds;
  ExpireBase base = ExpireBase::kRelative;
  std::string_view expire_arg;
};

enum class StringCommand {
  kSet,    ///< NX XX GET KEEPTTL EX PX EXAT PXAT
  kGetEx,  ///< PERSIST EX PX EXAT PXAT
};

/// Parses options from args[first] on. Each may appear in a compatible combination only;
/// anything else replies "syntax error" and returns false.
bool parse_string_options(CommandContext& ctx, std::size_t first, StringCommand command,
                          StringOptions& opts);

/// Redis's setGenericCommand: validates the expiry, applies NX/XX/GET/KEEPTTL, writes and
/// replies. `command` names the command in expiry errors.
void set_generic(CommandContext& ctx, std::string_view key, std::string_view value,
                 const StringOptions& opts, std::string_view command);

}  // namespace respcache::commands
