#pragma once

#include <array>
#include <string_view>

namespace respcache::scripting {

/// Lowercase hex SHA1 of `data`: a script's name (EVALSHA) and redis.sha1hex.
std::array<char, 40> sha1_hex(std::string_view data);

/// Whether `text` is 40 characters that sha1_hex could have made, in either case.
bool looks_like_sha1(std::string_view text);

}  // namespace respcache::scripting
