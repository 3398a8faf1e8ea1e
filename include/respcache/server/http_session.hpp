#pragma once

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/http/request_parser.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

/// An HTTP/1.1 connection: the request framer feeding the JSON API. Keep-alive and
/// pipelined requests are answered in order; a framing error is answered with a JSON error
/// and closes the connection.
class HttpSession final : public Session {
 public:
  HttpSession(commands::Service& service, std::shared_ptr<core::ClientRecord> record);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  Result on_input(std::span<char> input, protocol::ByteBuffer& out, std::size_t output_limit,
                  core::WorkerStats& stats) override;

 private:
  static Result refuse(int status, std::string_view message, std::size_t input_size,
                       protocol::ByteBuffer& out);

  commands::Service& service_;
  commands::ClientState client_;
  http::RequestParser parser_;
};

/// Limits on HTTP requests derived from the server's limits on keys and values.
http::RequestLimits http_limits_from(const config::Config& config);

}  // namespace respcache::server
