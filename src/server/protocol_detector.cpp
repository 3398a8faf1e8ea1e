#include "respcache/server/protocol_detector.hpp"

#include <algorithm>
#include <array>

#include "respcache/server/http_session.hpp"
#include "respcache/server/resp_session.hpp"

namespace respcache::server {
namespace {

// The request-line openings that mean HTTP. RESP's inline PUT and GET take a key next, and
// a key starting with '/' is the one ambiguity, settled in favour of HTTP.
constexpr std::array<std::string_view, 7> kHttpOpenings{"GET /",    "POST /",    "HEAD /", "PUT /",
                                                        "DELETE /", "OPTIONS /", "PATCH /"};

}  // namespace

Protocol detect_protocol(std::string_view first_bytes) {
  bool maybe_http = false;
  for (const std::string_view opening : kHttpOpenings) {
    const std::size_t n = std::min(opening.size(), first_bytes.size());
    if (first_bytes.substr(0, n) != opening.substr(0, n)) continue;
    if (n == opening.size()) return Protocol::kHttp;
    maybe_http = true;
  }
  return maybe_http ? Protocol::kUndecided : Protocol::kResp;
}

std::unique_ptr<Session> make_session(Protocol protocol, commands::Service& service,
                                      std::shared_ptr<core::ClientRecord> record) {
  if (protocol == Protocol::kHttp) return std::make_unique<HttpSession>(service, std::move(record));
  return std::make_unique<RespSession>(service, std::move(record));
}

}  // namespace respcache::server
