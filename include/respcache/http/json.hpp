#pragma once

#include <string>
#include <string_view>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::http {

/// The two fields of a `POST /put` body: {"key": "...", "value": "..."}.
struct PutBody {
  std::string_view key;
  std::string_view value;
};

/// Parses and validates a `POST /put` body with simdjson (libsimdjson-dev): the whole
/// document is checked, strings are unescaped (\uXXXX with surrogate pairs included) and may
/// hold any bytes, NUL too. Other members are ignored. Returns an empty view on success,
/// otherwise a static message saying what was wrong. The views in `out` point into a
/// per-thread buffer, valid until the next call on the same thread.
std::string_view parse_put_body(std::string_view body, PutBody& out);

/// Appends `bytes` as a JSON string literal, quotes included. Quotes, backslashes and
/// control characters are escaped; valid UTF-8 passes through; a byte that is not part of
/// valid UTF-8 (values written over RESP may be any bytes) becomes U+FFFD, so the output is
/// always valid JSON.
void append_json_string(std::string& out, std::string_view bytes);
void append_json_string(protocol::ByteBuffer& out, std::string_view bytes);
/// The bytes append_json_string would append.
std::size_t json_string_size(std::string_view bytes);

}  // namespace respcache::http
