#include "respcache/core/settings.hpp"

namespace respcache::core {

Settings::Settings(config::Config startup)
    : startup_(std::move(startup)),
      timeout_seconds_(startup_.timeout),
      query_buffer_limit_(startup_.client_query_buffer_limit) {}

}  // namespace respcache::core
