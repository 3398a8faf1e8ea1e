#include "respcache/http/response.hpp"

#include <fmt/format.h>

#include <string>

#include "respcache/http/json.hpp"

namespace respcache::http {
namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 507:
      return "Insufficient Storage";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

void write_response_head(protocol::ByteBuffer& out, int status, std::string_view content_type,
                         std::size_t content_length, const ResponseOptions& options) {
  char header[512];
  auto* end = fmt::format_to_n(header, sizeof(header),
                               "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
                               status, reason_phrase(status), content_type, content_length)
                  .out;
  out.append(header, static_cast<std::size_t>(end - header));
  if (!options.allow.empty()) {
    out.append("Allow: ");
    out.append(options.allow);
    out.append("\r\n");
  }
  if (options.close) {
    out.append("Connection: close\r\n");
  } else if (options.keep_alive_header) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

void write_response(protocol::ByteBuffer& out, int status, std::string_view content_type,
                    std::string_view body, const ResponseOptions& options) {
  write_response_head(out, status, content_type, body.size(), options);
  if (!options.head) out.append(body);
}

void write_json_error(protocol::ByteBuffer& out, int status, std::string_view message,
                      const ResponseOptions& options) {
  thread_local std::string body;
  body.assign(R"({"status":"ERROR","message":)");
  append_json_string(body, message);
  body += '}';
  write_response(out, status, kJson, body, options);
}

}  // namespace respcache::http
