#include "respcache/server/resp_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "respcache/commands/replies.hpp"
#include "respcache/protocol/resp_encoder.hpp"

namespace respcache::server {
namespace {

protocol::ParserLimits limits_from(const config::Config& config) {
  protocol::ParserLimits limits;
  limits.max_bulk_len = config.proto_max_bulk_len;
  limits.max_inline_len = config.max_inline_len;
  limits.max_args = config.max_args;
  // A value or key larger than either limit can never be stored: drop it while it arrives.
  limits.max_buffered_arg_len =
      std::min(config.proto_max_bulk_len, std::max(config.max_key_size, config.max_value_size));
  return limits;
}

}  // namespace

RespSession::RespSession(commands::Service& service)
    : service_(service), parser_(limits_from(service.core().settings.startup())) {
  service_.open_client(client_);
}

Session::Result RespSession::on_input(std::span<char> input, protocol::ByteBuffer& out,
                                      std::size_t output_limit, core::WorkerStats& stats) {
  protocol::RespEncoder reply(out, client_.protocol);
  Result result;
  while (out.size() < output_limit) {
    // Checked before every command, so an AUTH lifts the limits for the next one.
    parser_.set_unauthenticated(!client_.authenticated &&
                                service_.core().authentication.required());
    const protocol::ParseResult parsed = parser_.parse(input.subspan(result.consumed));
    result.consumed += parsed.consumed;
    switch (parsed.status) {
      case protocol::ParseStatus::kNeedMore:
        return result;
      case protocol::ParseStatus::kCommand: {
        const std::size_t reply_start = out.size();
        service_.execute(client_, parser_.args(), reply, stats);
        // HELLO may have switched the protocol for the next reply.
        reply.set_protocol(client_.protocol);
        if (out.overflowed()) {
          spdlog::warn(
              "closing client id={}: the reply to {:.32} would take its output past "
              "client-output-buffer-limit ({} bytes)",
              client_.id, parser_.args()[0],
              service_.core().settings.startup().client_output_buffer_limit);
          out.truncate(reply_start);
          result.close = true;
          return result;
        }
        if (client_.close_after_reply) {
          result.close = true;
          return result;
        }
        break;
      }
      case protocol::ParseStatus::kRejected:
        commands::replies::argument_too_large(reply, parser_.limits().max_buffered_arg_len);
        break;
      case protocol::ParseStatus::kProtocolError:
        commands::replies::protocol_error(reply, parser_.error(), parser_.unexpected_byte());
        result.close = true;
        return result;
    }
  }
  return result;
}

}  // namespace respcache::server
