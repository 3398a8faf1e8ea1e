#include "respcache/server/http_session.hpp"

#include <spdlog/spdlog.h>

#include "respcache/http/api.hpp"
#include "respcache/http/response.hpp"

namespace respcache::server {

http::RequestLimits http_limits_from(const config::Config& config) {
  http::RequestLimits limits;
  // Room for the largest key percent-encoded (3 bytes per byte) in a GET's URL, plus
  // ordinary headers.
  limits.max_header_bytes = 3 * config.max_key_size + 16 * 1024;
  // The largest key and value as JSON strings, allowing for escapes of some of their
  // bytes, plus the object around them. Larger bodies get 413 before they are buffered.
  limits.max_body_bytes = 2 * (config.max_key_size + config.max_value_size) + 1024;
  return limits;
}

HttpSession::HttpSession(commands::Service& service, std::shared_ptr<core::ClientRecord> record)
    : service_(service), parser_(http_limits_from(service.core().settings.startup())) {
  service_.open_client(client_, std::move(record));
  service_.core().statistics.http_clients.fetch_add(1, std::memory_order_relaxed);
}

HttpSession::~HttpSession() {
  service_.core().statistics.http_clients.fetch_sub(1, std::memory_order_relaxed);
}

// Answers with a JSON error and closes: for framing errors and refused requests, after which
// the rest of the input cannot be trusted to be framed.
Session::Result HttpSession::refuse(int status, std::string_view message, std::size_t input_size,
                                    protocol::ByteBuffer& out) {
  http::ResponseOptions options;
  options.close = true;
  http::write_json_error(out, status, message, options);
  return {input_size, true};
}

Session::Result HttpSession::on_input(std::span<char> input, protocol::ByteBuffer& out,
                                      std::size_t output_limit, core::WorkerStats& stats) {
  Result result;
  while (out.size() < output_limit) {
    const http::ParseResult parsed = parser_.parse(input.subspan(result.consumed));
    switch (parsed.status) {
      case http::ParseStatus::kNeedMore:
        // With a password set, a request without it is refused before its body is read,
        // so an anonymous peer cannot make the server buffer a large body.
        if (parsed.headers_ready) {
          const std::string_view problem =
              http::authorization_problem(parser_.request(), service_.core().authentication);
          if (!problem.empty()) return refuse(401, problem, input.size(), out);
        }
        if (parsed.send_continue) out.append("HTTP/1.1 100 Continue\r\n\r\n");
        return result;
      case http::ParseStatus::kError:
        return refuse(parsed.error_status, parsed.error_message, input.size(), out);
      case http::ParseStatus::kRequest: {
        http::ApiContext ctx{service_, client_, stats};
        const std::size_t response_start = out.size();
        const bool close = http::handle_request(parser_.request(), ctx, out);
        result.consumed += parsed.consumed;
        if (out.overflowed()) {  // past client-output-buffer-limit: drop it, say so, close
          spdlog::warn(
              "closing HTTP client id={}: a response would take its output past "
              "client-output-buffer-limit ({} bytes)",
              client_.id, service_.core().settings.output_buffer_limit());
          out.truncate(response_start);
          out.remove_size_limit();
          http::ResponseOptions options;
          options.close = true;
          http::write_json_error(out, 500, "Response too large (client-output-buffer-limit).",
                                 options);
          result.close = true;
          return result;
        }
        if (close) {
          result.close = true;
          return result;
        }
        break;
      }
    }
  }
  return result;
}

}  // namespace respcache::server
