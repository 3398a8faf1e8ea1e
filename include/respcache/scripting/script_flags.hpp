#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace respcache::scripting {

/// Redis 7's script flags, declared in a `#!lua flags=...` shebang line.
enum ScriptFlag : std::uint32_t {
  kNoWrites = 1U << 0,
  kAllowOom = 1U << 1,
  kAllowStale = 1U << 2,
  kNoCluster = 1U << 3,
  kAllowCrossSlotKeys = 1U << 4,
  /// No shebang: a pre-7 script, run as Redis runs those (may write, refused under OOM only
  /// by the commands it calls).
  kEvalCompatMode = 1U << 31,
};

/// What a script's first line declares.
struct Shebang {
  std::uint32_t flags = kEvalCompatMode;
  /// Bytes of the shebang line, which is skipped when compiling but for its line feed, so
  /// that line numbers stay the user's.
  std::size_t length = 0;
};

/// The flag called `name` ("no-writes", ...), or 0 for none.
std::uint32_t flag_named(std::string_view name);

/// Parses the shebang of `body` as Redis's evalExtractShebangFlags does. Returns false with
/// Redis's error text in `error` for an invalid one.
bool parse_shebang(std::string_view body, Shebang& out, std::string& error);

}  // namespace respcache::scripting
