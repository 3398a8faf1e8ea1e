#include "respcache/http/api.hpp"

#include <array>
#include <charconv>
#include <string>

#include "respcache/commands/dispatcher.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/http/json.hpp"
#include "respcache/http/metrics.hpp"
#include "respcache/http/response.hpp"
#include "respcache/http/url.hpp"

namespace respcache::http {
namespace {

constexpr std::string_view kPutDone =
    R"({"status":"OK","message":"Key inserted/updated successfully."})";
constexpr std::string_view kNotFound = R"({"status":"ERROR","message":"Key not found."})";
constexpr std::string_view kHealthy = R"({"status":"OK"})";

// Scratch space reused by every request on a thread; shrunk after an unusually large one.
constexpr std::size_t kKeepScratch = 1 << 20;

struct Scratch {
  protocol::ByteBuffer reply;  // the RESP reply of the command a route runs
  std::string body;            // the response body being built
  std::string key;             // a percent-decoded query parameter
};

Scratch& scratch() {
  thread_local Scratch state;
  return state;
}

void trim(Scratch& state) {
  if (state.reply.capacity() > kKeepScratch) state.reply = protocol::ByteBuffer();
  if (state.body.capacity() > kKeepScratch) std::string().swap(state.body);
  if (state.key.capacity() > kKeepScratch) std::string().swap(state.key);
}

// Runs one command exactly as a RESP client's would run; returns its RESP reply, valid
// until the next call on this thread.
std::string_view run_command(ApiContext& ctx, std::span<const std::string_view> args) {
  protocol::ByteBuffer& reply_buffer = scratch().reply;
  reply_buffer.clear();
  protocol::ReplyWriter reply(reply_buffer);
  commands::CommandContext command{args, ctx.client, ctx.server, ctx.stats, reply};
  commands::execute(command);
  return reply_buffer.view();
}

// The text of a RESP error reply ("-ERR text\r\n" -> "text"), for a JSON message.
std::string_view error_text(std::string_view reply) {
  std::string_view text = reply.substr(1, reply.size() - 3);
  if (text.starts_with("ERR ")) text.remove_prefix(4);
  return text;
}

class Responder {
 public:
  Responder(const Request& request, protocol::ByteBuffer& out) : request_(request), out_(out) {
    options_.close = !request.keep_alive;
    options_.keep_alive_header = request.keep_alive && request.http_1_0;
    options_.head = request.method == Method::kHead;
  }

  void send(int status, std::string_view content_type, std::string_view body) {
    write_response(out_, status, content_type, body, options_);
  }
  void json(std::string_view body) { send(200, kJson, body); }
  void error(int status, std::string_view message) {
    write_json_error(out_, status, message, options_);
  }
  void method_not_allowed(std::string_view allow) {
    options_.allow = allow;
    error(405, "Method not allowed.");
  }
  bool reads() const { return request_.method == Method::kGet || request_.method == Method::kHead; }
  bool closes() const { return options_.close; }

 private:
  const Request& request_;
  protocol::ByteBuffer& out_;
  ResponseOptions options_;
};

void put_route(const Request& request, ApiContext& ctx, Responder& respond) {
  if (request.method != Method::kPost) return respond.method_not_allowed("POST");
  PutBody put;
  if (const std::string_view problem = parse_put_body(request.body, put); !problem.empty()) {
    return respond.error(400, problem);
  }
  const std::array<std::string_view, 3> args{"PUT", put.key, put.value};
  const std::string_view reply = run_command(ctx, args);
  if (reply.starts_with("+")) return respond.json(kPutDone);
  // -OOM: the entry cannot fit even after eviction; anything else is a limit on the input.
  respond.error(reply.starts_with("-OOM") ? 507 : 400, error_text(reply));
}

void get_route(const Request& request, ApiContext& ctx, Responder& respond) {
  if (!respond.reads()) return respond.method_not_allowed("GET, HEAD");
  Scratch& state = scratch();
  switch (find_query_param(request.query, "key", state.key)) {
    case QueryParam::kAbsent:
      return respond.error(400, "Query parameter 'key' is missing.");
    case QueryParam::kMalformed:
      return respond.error(400, "Query parameter 'key' has a malformed %-escape.");
    case QueryParam::kFound:
      break;
  }
  const std::array<std::string_view, 2> args{"GET", state.key};
  const std::string_view reply = run_command(ctx, args);
  if (reply.starts_with("$-1")) return respond.json(kNotFound);
  if (!reply.starts_with("$")) return respond.error(400, error_text(reply));
  const std::size_t header_end = reply.find('\r');
  std::size_t length = 0;
  std::from_chars(reply.data() + 1, reply.data() + header_end, length);
  state.body.assign(R"({"status":"OK","key":)");
  append_json_string(state.body, state.key);
  state.body += R"(,"value":)";
  append_json_string(state.body, reply.substr(header_end + 2, length));
  state.body += '}';
  respond.json(state.body);
}

void health_route(const Request&, ApiContext&, Responder& respond) {
  if (!respond.reads()) return respond.method_not_allowed("GET, HEAD");
  respond.json(kHealthy);
}

void metrics_route(const Request&, ApiContext& ctx, Responder& respond) {
  if (!respond.reads()) return respond.method_not_allowed("GET, HEAD");
  std::string& body = scratch().body;
  write_metrics(ctx.server, body);
  respond.send(200, kPrometheusText, body);
}

struct Route {
  std::string_view path;
  void (*handle)(const Request&, ApiContext&, Responder&);
};

constexpr std::array<Route, 4> kRoutes{{
    {"/put", put_route},
    {"/get", get_route},
    {"/health", health_route},
    {"/metrics", metrics_route},
}};

// HTTP is stateless, so each request proves itself. The client is marked accordingly, so the
// dispatcher's NOAUTH check guards the commands the routes run as well.
bool authorize(const Request& request, ApiContext& ctx, Responder& respond) {
  const std::string_view problem = authorization_problem(request, ctx.server);
  ctx.client.authenticated = problem.empty();
  if (!problem.empty()) respond.error(401, problem);
  return problem.empty();
}

}  // namespace

std::string_view authorization_problem(const Request& request,
                                       const commands::ServerState& server) {
  if (!server.auth_required() || request.path == "/health") return {};
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.empty()) return commands::replies::kNoAuth;
  if (!request.authorization.starts_with(kBearer) ||
      !server.password_matches(request.authorization.substr(kBearer.size()))) {
    return commands::replies::kWrongPass;
  }
  return {};
}

bool handle_request(const Request& request, ApiContext& ctx, protocol::ByteBuffer& out) {
  Responder respond(request, out);
  if (!authorize(request, ctx, respond)) return respond.closes();
  bool routed = false;
  for (const Route& route : kRoutes) {
    if (request.path == route.path) {
      route.handle(request, ctx, respond);
      routed = true;
      break;
    }
  }
  if (!routed) respond.error(404, "Not found.");
  trim(scratch());
  return respond.closes();
}

}  // namespace respcache::http
