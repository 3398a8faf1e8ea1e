#include "respcache/core/settings.hpp"

namespace respcache::core {

Settings::Settings(config::Config startup)
    : startup_(std::move(startup)),
      busy_reply_threshold_ms_(startup_.busy_reply_threshold_ms),
      timeout_seconds_(startup_.timeout),
      query_buffer_limit_(startup_.client_query_buffer_limit) {}

}  // namespace respcache::core
