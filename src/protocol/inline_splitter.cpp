#include "respcache/protocol/inline_splitter.hpp"

namespace respcache::protocol {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace

// A transcription of Redis's sdssplitargs, writing each argument over its own source bytes.
// `at(i)` reads like the NUL-terminated string Redis scans: past the end, or at an embedded
// NUL, it yields 0.
bool split_inline(std::span<char> line, std::size_t base,
                  std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  std::size_t size = line.size();
  for (std::size_t i = 0; i < size; ++i) {
    if (line[i] == '\0') {
      size = i;
      break;
    }
  }
  auto at = [&](std::size_t i) -> char { return i < size ? line[i] : '\0'; };

  std::size_t p = 0;
  while (true) {
    while (at(p) != '\0' && is_blank(at(p))) ++p;
    if (at(p) == '\0') return true;

    const std::size_t start = p;  // the argument is rewritten from here
    std::size_t w = start;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(p);
      if (in_double) {
        if (c == '\\' && at(p + 1) == 'x' && is_hex(at(p + 2)) && is_hex(at(p + 3))) {
          line[w++] = static_cast<char>(hex_value(at(p + 2)) * 16 + hex_value(at(p + 3)));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          line[w++] = unescape(at(p));
        } else if (c == '"') {
          // The closing quote must be followed by a blank or nothing at all.
          if (at(p + 1) != '\0' && !is_blank(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          line[w++] = c;
        }
      } else if (in_single) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          line[w++] = '\'';
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !is_blank(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          line[w++] = c;
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            line[w++] = c;
            break;
        }
      }
      if (at(p) != '\0') ++p;
    }
    spans.emplace_back(base + start, w - start);
  }
}

}  // namespace respcache::protocol
