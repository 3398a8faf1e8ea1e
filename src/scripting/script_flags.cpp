#include "respcache/scripting/script_flags.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace respcache::scripting {
namespace {

constexpr std::array<std::pair<std::string_view, ScriptFlag>, 5> kFlagNames = {{
    {"no-writes", kNoWrites},
    {"allow-oom", kAllowOom},
    {"allow-stale", kAllowStale},
    {"no-cluster", kNoCluster},
    {"allow-cross-slot-keys", kAllowCrossSlotKeys},
}};

std::vector<std::string_view> split(std::string_view text, char separator, bool skip_empty) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    if (end > start || !skip_empty) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::uint32_t flag_named(std::string_view name) {
  for (const auto& [flag_name, flag] : kFlagNames) {
    if (flag_name == name) return flag;
  }
  return 0;
}

bool parse_shebang(std::string_view body, Shebang& out, std::string& error) {
  out = Shebang{};
  if (!body.starts_with("#!")) return true;
  const std::size_t end = body.find('\n');
  if (end == std::string_view::npos) {
    error = "Invalid script shebang";
    return false;
  }
  const std::vector<std::string_view> parts = split(body.substr(0, end), ' ', true);
  if (parts.empty()) {
    error = "Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    error = "Unexpected engine in script shebang: " + std::string(parts[0]);
    return false;
  }
  std::uint32_t flags = 0;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (!parts[i].starts_with("flags=")) {
      error = "Unknown lua shebang option: " + std::string(parts[i]);
      return false;
    }
    const std::string_view names = parts[i].substr(6);
    if (names.empty()) continue;  // "flags=" declares none, as sdssplitlen("") has no parts
    for (const std::string_view name : split(names, ',', false)) {
      const auto* known = std::find_if(kFlagNames.begin(), kFlagNames.end(),
                                       [&](const auto& flag) { return flag.first == name; });
      if (known == kFlagNames.end()) {
        error = "Unexpected flag in script shebang: " + std::string(name);
        return false;
      }
      flags |= known->second;
    }
  }
  out.flags = flags;
  out.length = end;
  return true;
}

}  // namespace respcache::scripting
