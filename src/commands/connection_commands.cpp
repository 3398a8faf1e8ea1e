// Commands about the connection itself: PING, ECHO, QUIT, HELLO, CLIENT.

#include <fmt/format.h>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

/// The version reported to clients, which use it to decide what they may send: the Redis
/// release whose string commands respcache implements.

/// Redis's clientSetNameOrReply: printable ASCII without spaces; empty clears the name.
bool set_client_name(CommandContext& ctx, std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') {
      ctx.reply.error(replies::kBadClientName);
      return false;
    }
  }
  ctx.client.mutable_names().name.assign(name);
  return true;
}

/// Redis's ACLAuthenticateUser with only the default user: "default" (usernames are
/// case-sensitive) and, when a password is set, that password. Marks the client
/// authenticated on success.
bool authenticate(CommandContext& ctx, std::string_view username, std::string_view password) {
  if (username != "default") return false;
  if (ctx.auth().required() && !ctx.auth().matches(password)) return false;
  ctx.client.authenticated = true;
  return true;
}

void client_id(CommandContext& ctx) { ctx.reply.integer(static_cast<long long>(ctx.client.id)); }

void client_setname(CommandContext& ctx) {
  if (set_client_name(ctx, ctx.args[2])) ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.client.name().empty()) {
    ctx.reply.null();
  } else {
    ctx.reply.bulk(ctx.client.name());
  }
}

// CLIENT SETINFO comes from Redis 7.2; clients such as redis-py send it at connect time.
void client_setinfo(CommandContext& ctx) {
  const std::string_view attribute = ctx.args[2];
  const std::string_view value = ctx.args[3];
  for (char c : value) {
    if (c < '!' || c > '~') {
      ctx.reply.error(
          fmt::format("ERR {} cannot contain spaces, newlines or special characters.", attribute));
      return;
    }
  }
  if (iequals(attribute, "lib-name")) {
    ctx.client.mutable_names().lib_name.assign(value);
  } else if (iequals(attribute, "lib-ver")) {
    ctx.client.mutable_names().lib_version.assign(value);
  } else {
    ctx.reply.error(fmt::format("ERR Unrecognized option '{}'", attribute));
    return;
  }
  ctx.reply.ok();
}

void client_info(CommandContext& ctx) {
  const ClientNames none;
  const ClientNames& names = ctx.client.names ? *ctx.client.names : none;
  ctx.reply.verbatim(fmt::format("id={} name={} db={} resp={} lib-name={} lib-ver={}\n",
                                 ctx.client.id, names.name, ctx.client.db, ctx.client.protocol,
                                 names.lib_name, names.lib_version));
}

constexpr Subcommand kClientSubcommands[] = {
    {"id", "client|id", 2, client_id},
    {"setname", "client|setname", 3, client_setname},
    {"getname", "client|getname", 2, client_getname},
    {"setinfo", "client|setinfo", 4, client_setinfo},
    {"info", "client|info", 2, client_info},
};

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

// HELLO [protover [AUTH username password] [SETNAME clientname]], as in Redis 7.0 except that
// only protocol 2 exists so far: 3 is refused with -NOPROTO.
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
  if (version == 3) {
    ctx.reply.error(replies::kNoProto);
    return;
  }
  if (set_name && !set_client_name(ctx, client_name)) return;

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

void cmd_client(CommandContext& ctx) { dispatch_subcommand(ctx, kClientSubcommands); }

}  // namespace respcache::commands
