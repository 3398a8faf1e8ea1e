#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace respcache::protocol {

/// Splits one inline command line into arguments with Redis's quoting rules (sdssplitargs):
/// blanks separate arguments; "double quotes" understand \n \r \t \b \a \\ \" and \xHH;
/// 'single quotes' understand only \'; a closing quote must be followed by a blank or the end;
/// a NUL byte ends the line.
///
/// Arguments are unescaped in place inside `line` (an argument never grows when unescaped),
/// and appended to `spans` as (offset, length) pairs relative to `line.data() - base`.
/// Returns false on unbalanced quotes; `spans` then holds a partial result.
bool split_inline(std::span<char> line, std::size_t base,
                  std::vector<std::pair<std::size_t, std::size_t>>& spans);

}  // namespace respcache::protocol
