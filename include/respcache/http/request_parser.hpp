#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace respcache::http {

enum class Method { kGet, kHead, kPost, kOther };

/// One parsed HTTP/1.x request. Every view points into the input given to
/// RequestParser::parse and is valid until that input is consumed or changed.
struct Request {
  Method method = Method::kOther;
  std::string_view path;   ///< the target up to '?'
  std::string_view query;  ///< after '?', without a fragment; empty when absent
  std::string_view body;
  std::string_view authorization;  ///< the Authorization header's value, if sent
  bool keep_alive = true;          ///< HTTP/1.1 unless "Connection: close"; 1.0 only if asked
  bool http_1_0 = false;  ///< answer with "Connection: keep-alive" when keeping a 1.0 client
};

/// Bounds on one request; a request past them is answered with an error and the connection
/// closed, so a client cannot make the server buffer without limit.
struct RequestLimits {
  std::size_t max_header_bytes = 64 * 1024;  ///< request line and headers: 414 / 431
  std::size_t max_body_bytes = 1024 * 1024;  ///< Content-Length: 413
};

enum class ParseStatus {
  kRequest,   ///< request() is complete; `consumed` bytes belong to it
  kNeedMore,  ///< the request at the front is incomplete; nothing consumed
  kError,     ///< malformed or over a limit: answer error_status and close
};

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;
  int error_status = 0;            ///< 400, 411, 413, 414 or 431 with kError
  std::string_view error_message;  ///< static text for the JSON error body
  bool send_continue = false;      ///< with kNeedMore: the client sent "Expect: 100-continue"
  /// With kNeedMore: the headers have just been parsed and the body is still to come;
  /// request() holds the method, path and authorization (no body) until the next call.
  bool headers_ready = false;
};

/// Frames HTTP/1.x requests, one at a time, with the Node.js http-parser library
/// (libhttp-parser-dev): the library does the grammar, this class the buffering policy.
///
/// Why not feed the library byte by byte across reads: its callbacks hand out fragments
/// of the URL and headers that would then need copying. Instead the parser waits until the
/// whole header block has arrived (found by scanning only new bytes, so a client trickling
/// bytes costs linear time), parses it in one call over contiguous memory, and then waits
/// for exactly Content-Length body bytes. Chunked request bodies are refused with 411: the
/// API's clients send Content-Length. Pipelined requests are framed one after another.
class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits = {}) : limits_(limits) {}

  /// Frames the request at the front of `input`. Keeps a little state between calls while a
  /// request is incomplete, so the caller must pass the same unconsumed bytes again (plus
  /// whatever arrived), as a connection's input buffer does.
  ParseResult parse(std::span<const char> input);

  const Request& request() const { return request_; }
  const RequestLimits& limits() const { return limits_; }

 private:
  void reset_message();
  ParseResult header_too_large(std::string_view input);

  RequestLimits limits_;
  Request request_;
  std::size_t scanned_ = 0;        // bytes of the current request searched for the header end
  std::size_t header_bytes_ = 0;   // once known: the header block's length
  std::size_t message_bytes_ = 0;  // once known: header block plus body
  bool continue_sent_ = false;
};

}  // namespace respcache::http
