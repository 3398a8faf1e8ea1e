#include "respcache/http/request_parser.hpp"

#include <http_parser.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace respcache::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);  // ASCII letters only; good enough for tokens
         });
}

// What the library's callbacks report while it walks one contiguous header block.
struct HeaderScan {
  std::string_view url;
  std::string_view field;
  std::string_view authorization;
  bool expect_continue = false;
  bool headers_complete = false;
};

HeaderScan& scan_of(http_parser* parser) { return *static_cast<HeaderScan*>(parser->data); }

// The block is contiguous and complete, so a callback can still be split only where the
// library itself splits a token; joining adjacent pieces covers that.
void join(std::string_view& view, const char* at, std::size_t length) {
  view = view.empty()
             ? std::string_view(at, length)
             : std::string_view(view.data(), static_cast<std::size_t>(at + length - view.data()));
}

int on_url(http_parser* parser, const char* at, std::size_t length) {
  join(scan_of(parser).url, at, length);
  return 0;
}

int on_header_field(http_parser* parser, const char* at, std::size_t length) {
  scan_of(parser).field = std::string_view(at, length);
  return 0;
}

int on_header_value(http_parser* parser, const char* at, std::size_t length) {
  HeaderScan& scan = scan_of(parser);
  if (iequals(scan.field, "expect") && iequals(std::string_view(at, length), "100-continue")) {
    scan.expect_continue = true;
  } else if (iequals(scan.field, "authorization")) {
    scan.authorization = std::string_view(at, length);
  }
  return 0;
}

int on_headers_complete(http_parser* parser) {
  scan_of(parser).headers_complete = true;
  return 0;
}

const http_parser_settings kSettings = [] {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_url = on_url;
  settings.on_header_field = on_header_field;
  settings.on_header_value = on_header_value;
  settings.on_headers_complete = on_headers_complete;
  return settings;
}();

// Length of the header block (request line, headers, blank line) at the front of `input`,
// searching from `from`; 0 if it has not all arrived. Accepts bare LF line ends, as the
// library does.
std::size_t find_header_end(std::string_view input, std::size_t from) {
  for (std::size_t i = input.find('\n', from); i != std::string_view::npos;
       i = input.find('\n', i + 1)) {
    if (i + 1 < input.size() && input[i + 1] == '\n') return i + 2;
    if (i + 2 < input.size() && input[i + 1] == '\r' && input[i + 2] == '\n') return i + 3;
  }
  return 0;
}

ParseResult error(int status, std::string_view message) {
  ParseResult result;
  result.status = ParseStatus::kError;
  result.error_status = status;
  result.error_message = message;
  return result;
}

Method method_of(unsigned method) {
  switch (method) {
    case HTTP_GET:
      return Method::kGet;
    case HTTP_HEAD:
      return Method::kHead;
    case HTTP_POST:
      return Method::kPost;
    default:
      return Method::kOther;
  }
}

}  // namespace

// 414 when the request line alone is over the limit, else 431.
ParseResult RequestParser::header_too_large(std::string_view input) {
  reset_message();
  const std::size_t line_end = input.find('\n');
  return line_end == std::string_view::npos || line_end > limits_.max_header_bytes
             ? error(414, "Request line too long.")
             : error(431, "Request headers too large.");
}

void RequestParser::reset_message() {
  request_ = Request{};
  scanned_ = 0;
  header_bytes_ = 0;
  message_bytes_ = 0;
  continue_sent_ = false;
}

ParseResult RequestParser::parse(std::span<const char> bytes) {
  const std::string_view input(bytes.data(), bytes.size());
  if (message_bytes_ != 0 && input.size() < message_bytes_) return {};  // body still arriving

  if (header_bytes_ == 0) {
    header_bytes_ = find_header_end(input, scanned_ >= 2 ? scanned_ - 2 : 0);
    if (header_bytes_ == 0) {
      scanned_ = input.size();
      if (input.size() <= limits_.max_header_bytes) return {};
      return header_too_large(input);
    }
    if (header_bytes_ > limits_.max_header_bytes) return header_too_large(input);
  }

  // The header block is complete: parse it in one call over contiguous memory.
  HeaderScan scan;
  http_parser parser;
  http_parser_init(&parser, HTTP_REQUEST);
  parser.data = &scan;
  const std::size_t parsed = http_parser_execute(&parser, &kSettings, input.data(), header_bytes_);
  if (HTTP_PARSER_ERRNO(&parser) != HPE_OK || parsed != header_bytes_ || !scan.headers_complete) {
    const auto code = static_cast<http_errno>(HTTP_PARSER_ERRNO(&parser));
    reset_message();
    return error(400, code == HPE_OK ? "Malformed request." : http_errno_description(code));
  }
  if ((parser.flags & F_CHUNKED) != 0) {
    reset_message();
    return error(411, "Chunked request bodies are not supported; send Content-Length.");
  }
  const bool has_length = parser.content_length != ULLONG_MAX && parser.content_length != 0;
  const std::size_t body_bytes = has_length ? static_cast<std::size_t>(parser.content_length) : 0;
  if (body_bytes > limits_.max_body_bytes) {
    reset_message();
    return error(413, "Request body too large.");
  }
  message_bytes_ = header_bytes_ + body_bytes;
  if (input.size() < message_bytes_) {
    ParseResult result;
    result.send_continue = scan.expect_continue && !continue_sent_;
    result.headers_ready = !continue_sent_;
    continue_sent_ = true;
    request_.method = method_of(parser.method);
    request_.path = scan.url.substr(0, scan.url.find('?'));
    request_.authorization = scan.authorization;
    return result;
  }

  const std::size_t consumed = message_bytes_;
  reset_message();
  request_.method = method_of(parser.method);
  const std::size_t query_start = scan.url.find('?');
  request_.path = scan.url.substr(0, query_start);
  if (query_start != std::string_view::npos) {
    request_.query = scan.url.substr(query_start + 1);
    request_.query = request_.query.substr(0, request_.query.find('#'));
  }
  request_.body = input.substr(consumed - body_bytes, body_bytes);
  request_.authorization = scan.authorization;
  request_.keep_alive = http_should_keep_alive(&parser) != 0;
  request_.http_1_0 = parser.http_major == 1 && parser.http_minor == 0;
  ParseResult result;
  result.status = ParseStatus::kRequest;
  result.consumed = consumed;
  return result;
}

}  // namespace respcache::http
