#include "respcache/http/api.hpp"

#include <array>
#include <string>

#include "respcache/commands/replies.hpp"
#include "respcache/http/json.hpp"
#include "respcache/http/metrics.hpp"
#include "respcache/http/response.hpp"
#include "respcache/http/url.hpp"
#include "respcache/protocol/reply_recorder.hpp"

namespace respcache::http {
namespace {

constexpr std::string_view kPutDone =
    R"({"status":"OK","message":"Key inserted/updated successfully."})";
constexpr std::string_view kNotFound = R"({"status":"ERROR","message":"Key not found."})";
constexpr std::string_view kHealthy = R"({"status":"OK"})";

// Scratch space reused by every request on a thread; shrunk after an unusually large one.
constexpr std::size_t kKeepScratch = 1 << 20;

struct Scratch {
  protocol::ReplyRecorder reply;  // the typed reply of the command a route runs
  std::string body;               // the response body being built
  std::string key;                // a percent-decoded query parameter
};

Scratch& scratch() {
  thread_local Scratch state;
  return state;
}

void trim(Scratch& state) {
  state.reply.clear();
  if (state.reply.nodes().capacity() > kKeepScratch) state.reply = protocol::ReplyRecorder();
  if (state.body.capacity() > kKeepScratch) std::string().swap(state.body);
  if (state.key.capacity() > kKeepScratch) std::string().swap(state.key);
}

// Runs one command exactly as a RESP client's would run; returns its typed reply, valid
// until the next call on this thread. With a consumer, a bulk reply goes to it instead.
const protocol::ReplyRecorder& run_command(ApiContext& ctx, std::span<const std::string_view> args,
                                           protocol::BulkConsumer* consumer = nullptr) {
  protocol::ReplyRecorder& reply = scratch().reply;
  reply.clear();
  reply.set_bulk_consumer(consumer);
  ctx.service.execute(ctx.client, args, reply, ctx.stats);
  reply.set_bulk_consumer(nullptr);
  return reply;
}

bool is(const protocol::ReplyRecorder& reply, protocol::ReplyType type) {
  return reply.top() != nullptr && reply.top()->type == type;
}

// The text of an error reply without Redis's generic "ERR " code, for a JSON message.
std::string_view error_text(const protocol::ReplyRecorder& reply) {
  std::string_view text = reply.text(*reply.top());
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
  /// The head of a 200 JSON response whose body the caller appends (unless head_only()).
  void json_head(std::size_t content_length) {
    write_response_head(out_, 200, kJson, content_length, options_);
  }
  bool head_only() const { return options_.head; }
  protocol::ByteBuffer& out() { return out_; }
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
  const protocol::ReplyRecorder& reply = run_command(ctx, args);
  if (is(reply, protocol::ReplyType::kSimple)) return respond.json(kPutDone);
  // -OOM: the entry cannot fit even after eviction; anything else is a limit on the input.
  const std::string_view text = error_text(reply);
  respond.error(text.starts_with("OOM") ? 507 : 400, text);
}

// Writes the whole 200 response for a found value, escaping the value from the cache
// straight into the output while the shard's lock is held: the value's one copy.
class FoundValueWriter final : public protocol::BulkConsumer {
 public:
  FoundValueWriter(Responder& respond, std::string_view key) : respond_(respond), key_(key) {}

  void consume(std::string_view value) override {
    static constexpr std::string_view kOpen = R"({"status":"OK","key":)";
    static constexpr std::string_view kValue = R"(,"value":)";
    respond_.json_head(kOpen.size() + json_string_size(key_) + kValue.size() +
                       json_string_size(value) + 1);
    if (respond_.head_only()) return;
    protocol::ByteBuffer& out = respond_.out();
    out.append(kOpen);
    append_json_string(out, key_);
    out.append(kValue);
    append_json_string(out, value);
    out.push_back('}');
  }

 private:
  Responder& respond_;
  std::string_view key_;
};

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
  FoundValueWriter writer(respond, state.key);
  const protocol::ReplyRecorder& reply = run_command(ctx, args, &writer);
  if (is(reply, protocol::ReplyType::kNull)) return respond.json(kNotFound);
  if (!is(reply, protocol::ReplyType::kBulk)) return respond.error(400, error_text(reply));
}

void health_route(const Request&, ApiContext&, Responder& respond) {
  if (!respond.reads()) return respond.method_not_allowed("GET, HEAD");
  respond.json(kHealthy);
}

void metrics_route(const Request&, ApiContext& ctx, Responder& respond) {
  if (!respond.reads()) return respond.method_not_allowed("GET, HEAD");
  std::string& body = scratch().body;
  write_metrics(ctx.service, body);
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
  const std::string_view problem =
      authorization_problem(request, ctx.service.core().authentication);
  ctx.client.authenticated = problem.empty();
  if (!problem.empty()) respond.error(401, problem);
  return problem.empty();
}

}  // namespace

std::string_view authorization_problem(const Request& request,
                                       const core::Authentication& authentication) {
  if (!authentication.required() || request.path == "/health") return {};
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.empty()) return commands::replies::kNoAuth;
  if (!request.authorization.starts_with(kBearer) ||
      !authentication.matches(request.authorization.substr(kBearer.size()))) {
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
