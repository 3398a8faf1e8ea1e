#pragma once

#include <memory>
#include <string_view>

#include "respcache/commands/service.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

enum class Protocol { kUndecided, kResp, kHttp };

/// Decides a connection's protocol from its first bytes: an HTTP request line starts with a
/// method, a space and '/' (`GET /`, `POST /`, ...); anything else is RESP, arrays and
/// inline commands alike. kUndecided while the bytes so far are a prefix of an HTTP method
/// followed by " /". (So an inline RESP command whose first argument starts with '/', like
/// `GET /x`, is taken for HTTP: RESP clients send arrays.)
Protocol detect_protocol(std::string_view first_bytes);

/// The session for a decided protocol.
std::unique_ptr<Session> make_session(Protocol protocol, commands::Service& service,
                                      std::shared_ptr<core::ClientRecord> record);

}  // namespace respcache::server
