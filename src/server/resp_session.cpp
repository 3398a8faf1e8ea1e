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

void count_error(void* errors, std::string_view text) {
  static_cast<core::ErrorStats*>(errors)->count(text);
}

}  // namespace

RespSession::RespSession(commands::Service& service, std::shared_ptr<core::ClientRecord> record)
    : service_(service), parser_(limits_from(service.core().settings.startup())) {
  service_.open_client(client_, std::move(record));
}

// One command and what surrounds its reply: the output limit, CLIENT REPLY, QUIT.
RespSession::Step RespSession::execute_one(std::span<const std::string_view> args,
                                           protocol::RespEncoder& reply, protocol::ByteBuffer& out,
                                           core::WorkerStats& stats, Result& result) {
  using commands::ReplyMode;
  const std::size_t reply_start = out.size();
  if (service_.execute(client_, args, reply, stats, /*may_postpone=*/true) ==
      commands::Service::Outcome::kPostponed) {
    return Step::kPostponed;
  }
  // HELLO may have switched the protocol for the next reply.
  reply.set_protocol(client_.protocol);
  if (out.overflowed()) {
    spdlog::warn(
        "closing client id={}: the reply to {:.32} would take its output past "
        "client-output-buffer-limit ({} bytes)",
        client_.id, args[0], service_.core().settings.output_buffer_limit());
    out.truncate(reply_start);
    result.close = true;
    return Step::kStop;
  }
  // Redis's CLIENT_REPLY_OFF / CLIENT_REPLY_SKIP, and resetClient's SKIP_NEXT -> SKIP.
  if (client_.reply_mode == ReplyMode::kOff || client_.reply_mode == ReplyMode::kSkip) {
    out.truncate(reply_start);
  }
  if (client_.reply_mode == ReplyMode::kSkip) {
    client_.reply_mode = ReplyMode::kOn;
  } else if (client_.reply_mode == ReplyMode::kSkipNext) {
    client_.reply_mode = ReplyMode::kSkip;
  }
  if (client_.close_after_reply) {
    result.close = true;
    return Step::kStop;
  }
  return Step::kNext;
}

bool RespSession::take_pushed(protocol::ByteBuffer& out) {
  if (!client_.monitor) return false;
  pushed_.clear();
  if (!client_.monitor->mailbox().take(pushed_)) return false;
  protocol::RespEncoder reply(out, client_.protocol);
  std::string_view lines = pushed_;
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    reply.simple(lines.substr(0, end));
    if (end == std::string_view::npos) break;
    lines.remove_prefix(end + 1);
  }
  return true;
}

Session::Result RespSession::on_input(std::span<char> input, protocol::ByteBuffer& out,
                                      std::size_t output_limit, core::WorkerStats& stats) {
  protocol::RespEncoder reply(out, client_.protocol);
  reply.set_error_hook(count_error, &service_.core().errors);
  Result result;
  if (postponed_.size() != 0) {
    postponed_.get(0, postponed_args_);
    const Step step = execute_one(postponed_args_, reply, out, stats, result);
    if (step == Step::kPostponed) {
      result.park_until_ms = service_.paused_until();
      return result;
    }
    postponed_.clear();
    if (step == Step::kStop) return result;
  }
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
        const Step step = execute_one(parser_.args(), reply, out, stats, result);
        if (step == Step::kPostponed) {
          // Held by CLIENT PAUSE: kept aside, since the input moves on without it.
          postponed_.push(parser_.args());
          result.park_until_ms = service_.paused_until();
          return result;
        }
        if (step == Step::kStop) return result;
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
