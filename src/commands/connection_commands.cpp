// Commands about the connection itself: PING, ECHO, QUIT, AUTH, HELLO (CLIENT is in
// client_commands.cpp).

#include <fmt/format.h>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

/// The version reported to clients, which use it to decide what they may send: the Redis
/// release whose string commands respcache implements.

/// Redis's ACLAuthenticateUser with only the default user: "default" (usernames are
/// case-sensitive) and, when a password is set, that password. Marks the client
/// authenticated on success.
bool authenticate(CommandContext& ctx, std::string_view username, std::string_view password) {
  if (username != "default") return false;
  if (ctx.auth().required() && !ctx.auth().matches(password)) return false;
  ctx.client.authenticated = true;
  return true;
}

}  // namespace

void cmd_ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    replies::wrong_arity(ctx.reply, "ping");
  } else if (ctx.argc() == 2) {
    ctx.reply.bulk(ctx.args[1]);
  } else {
    ctx.reply.simple("PONG");
  }
}

void cmd_echo(CommandContext& ctx) { ctx.reply.bulk(ctx.args[1]); }

void cmd_quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.client.close_after_reply = true;
}

// AUTH [username] password, as Redis 7.0 answers it with only the default user.
void cmd_auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  if (ctx.argc() == 2 && !ctx.auth().required()) {
    ctx.reply.error(replies::kAuthWithoutPassword);
    return;
  }
  const std::string_view username = ctx.argc() == 2 ? std::string_view("default") : ctx.args[1];
  if (authenticate(ctx, username, ctx.args[ctx.argc() - 1])) {
    ctx.reply.ok();
  } else {
    ctx.reply.error(replies::kWrongPass);
  }
}

// HELLO [protover [AUTH username password] [SETNAME clientname]], as in Redis 7.0: 2 or 3
// switches the connection's protocol, and the reply itself is already in the new one.
void cmd_hello(CommandContext& ctx) {
  long long version = 0;
  std::size_t next = 1;
  if (ctx.argc() >= 2) {
    const auto parsed = protocol::parse_int64(ctx.args[next++]);
    if (!parsed) {
      ctx.reply.error(replies::kProtocolVersionNotInteger);
      return;
    }
    version = *parsed;
    if (version < 2 || version > 3) {
      ctx.reply.error(replies::kNoProto);
      return;
    }
  }
  std::string_view client_name;
  bool set_name = false;
  const std::string_view* credentials = nullptr;  // username, password
  for (std::size_t j = next; j < ctx.argc(); ++j) {
    const std::size_t more = ctx.argc() - 1 - j;
    if (iequals(ctx.args[j], "auth") && more >= 2) {
      credentials = &ctx.args[j + 1];
      j += 2;
    } else if (iequals(ctx.args[j], "setname") && more >= 1) {
      client_name = ctx.args[++j];
      set_name = true;
    } else {
      ctx.reply.error(fmt::format("ERR Syntax error in HELLO option '{}'", ctx.args[j]));
      return;
    }
  }
  if (credentials != nullptr && !authenticate(ctx, credentials[0], credentials[1])) {
    ctx.reply.error(replies::kWrongPass);
    return;
  }
  if (!ctx.client.authenticated && ctx.auth().required()) {
    ctx.reply.error(replies::kHelloNoAuth);
    return;
  }
  if (set_name && !set_client_name(ctx, client_name)) return;
  if (version != 0) {
    ctx.client.protocol = static_cast<int>(version);
    ctx.client.record->resp.store(static_cast<std::int32_t>(version), std::memory_order_relaxed);
    ctx.reply.switch_protocol(ctx.client.protocol);
  }

  ctx.reply.map(7);
  ctx.reply.bulk("server");
  ctx.reply.bulk("redis");
  ctx.reply.bulk("version");
  ctx.reply.bulk(core::kCompatibleRedisVersion);
  ctx.reply.bulk("proto");
  ctx.reply.integer(ctx.client.protocol);
  ctx.reply.bulk("id");
  ctx.reply.integer(static_cast<long long>(ctx.client.id));
  ctx.reply.bulk("mode");
  ctx.reply.bulk("standalone");
  ctx.reply.bulk("role");
  ctx.reply.bulk("master");
  ctx.reply.bulk("modules");
  ctx.reply.array(0);
}

}  // namespace respcache::commands
