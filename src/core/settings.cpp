#include "respcache/core/settings.hpp"

#include <fmt/format.h>

namespace respcache::core {

Settings::Settings(config::Config startup)
    : startup_(std::move(startup)),
      timeout_seconds_(startup_.timeout),
      query_buffer_limit_(startup_.client_query_buffer_limit),
      output_buffer_limit_(startup_.client_output_buffer_limit),
      max_clients_(startup_.max_clients),
      tcp_keepalive_(startup_.tcp_keepalive) {
  output_buffer_limits_.normal.hard = startup_.client_output_buffer_limit;
}

std::string format_output_buffer_limits(const OutputBufferLimits& limits) {
  const auto& n = limits.normal;
  const auto& r = limits.replica;
  const auto& p = limits.pubsub;
  return fmt::format("normal {} {} {} slave {} {} {} pubsub {} {} {}", n.hard, n.soft, n.seconds,
                     r.hard, r.soft, r.seconds, p.hard, p.soft, p.seconds);
}

}  // namespace respcache::core
