#pragma once

#include <string>
#include <string_view>

namespace respcache::http {

enum class QueryParam { kFound, kAbsent, kMalformed };

/// Finds `name` in a URL query string (`a=1&key=K`) and percent-decodes its value into
/// `value` (`+` is a space, as HTML forms and Python's urlencode write it). kMalformed when
/// a `%` is not followed by two hex digits. The first occurrence wins.
QueryParam find_query_param(std::string_view query, std::string_view name, std::string& value);

}  // namespace respcache::http
