#pragma once

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/http/request_parser.hpp"
#include "respcache/protocol/byte_buffer.hpp"

namespace respcache::http {

/// What a request may touch: the same server, client and per-thread counters a RESP
/// command gets.
struct ApiContext {
  commands::Service& service;
  commands::ClientState& client;
  core::WorkerStats& stats;
};

/// The key-value-cache challenge's API, plus health and metrics:
///   POST /put {"key": K, "value": V}  -> 200 {"status":"OK","message":"Key inserted/updated
///   successfully."} GET /get?key=K                    -> 200 {"status":"OK","key":K,"value":V}
///                                        or 200 {"status":"ERROR","message":"Key not found."}
///   GET /health                       -> 200 {"status":"OK"}
///   GET /metrics                      -> Prometheus text
/// /put and /get run the very PUT and GET commands RESP clients send, through the same
/// command service, so limits, eviction, error texts and statistics are shared and an entry
/// written by either protocol is read by the other. Replies come back typed
/// (protocol::ReplyRecorder): nothing RESP is parsed, and a GET's value is escaped straight
/// from the cache into the response, its one copy.
///
/// Appends the whole response to `out`. Returns true when the connection must close after
/// it (the client asked to, or HTTP/1.0 without keep-alive).
bool handle_request(const Request& request, ApiContext& ctx, protocol::ByteBuffer& out);

/// With --requirepass: why `request` may not proceed (NOAUTH or WRONGPASS text), or empty
/// when it may. Every path but /health needs "Authorization: Bearer <password>". Needs only
/// the request's path and headers, so a body can be refused before it is read.
std::string_view authorization_problem(const Request& request,
                                       const core::Authentication& authentication);

}  // namespace respcache::http
