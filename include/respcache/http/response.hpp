#pragma once

#include <string_view>

#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::http {

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

/// How to frame one response beyond its status and body.
struct ResponseOptions {
  bool close = false;              ///< add "Connection: close"; the caller then closes
  bool keep_alive_header = false;  ///< add "Connection: keep-alive" (kept HTTP/1.0 clients)
  bool head = false;               ///< a HEAD request: headers as for GET, no body
  std::string_view allow;          ///< the Allow header of a 405
};

/// Appends an HTTP/1.1 status line and headers for a body of `content_length` bytes; the
/// caller appends the body itself unless options.head. For a body written straight from
/// its source (a cached value), with no copy in between.
void write_response_head(protocol::ByteBuffer& out, int status, std::string_view content_type,
                         std::size_t content_length, const ResponseOptions& options = {});

/// Appends one complete HTTP/1.1 response to `out`.
void write_response(protocol::ByteBuffer& out, int status, std::string_view content_type,
                    std::string_view body, const ResponseOptions& options = {});

/// Appends `{"status":"ERROR","message":"<message>"}` with `status`.
void write_json_error(protocol::ByteBuffer& out, int status, std::string_view message,
                      const ResponseOptions& options = {});

}  // namespace respcache::http
