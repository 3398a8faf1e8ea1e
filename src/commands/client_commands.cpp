// CLIENT and its subcommands, as Redis 7.0 answers them (NO-TOUCH and SETINFO come from 7.2).

#include <fmt/format.h>

#include <climits>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/core/client_pause.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

using Out = fmt::memory_buffer;

// Redis's getClientInfoString flag letters, in its order.
void append_flags(Out& out, std::uint32_t flags) {
  const std::size_t start = out.size();
  if (flags & core::kClientMonitor) out.push_back('O');
  if (flags & core::kClientMulti) out.push_back('x');
  if (flags & core::kClientBlocked) out.push_back('b');
  if (flags & core::kClientCloseAfterReply) out.push_back('c');
  if (flags & core::kClientNoEvict) out.push_back('e');
  if (flags & core::kClientNoTouch) out.push_back('T');
  if (out.size() == start) out.push_back('N');
}

// One CLIENT LIST line, with Redis 7.0.15's fields in its order, then the ones later Redis
// versions add (lib-name, lib-ver from 7.2; tot-net-in, tot-net-out, tot-cmds from 7.4).
// `self_args` is the running command's arguments when `r` is the caller (its argv-mem).
void append_client_info(CommandContext& ctx, const core::ClientRecord& r, Out& out,
                        std::span<const std::string_view> self_args) {
  const std::int64_t now = ctx.core.clock.now_ms();
  std::string name;
  std::string lib_name;
  std::string lib_version;
  ctx.core.clients.read_names(r, [&](const core::ClientRecord& record) {
    name = record.name;
    lib_name = record.lib_name;
    lib_version = record.lib_version;
  });
  std::size_t argv_memory = 0;
  for (std::string_view arg : self_args) argv_memory += arg.size();
  const auto load = [](const auto& field) { return field.load(std::memory_order_relaxed); };
  const std::uint64_t output = load(r.output_bytes);
  const std::string_view* command = load(r.last_command);
  fmt::format_to(std::back_inserter(out),
                 "id={} addr={} laddr={} fd={} name={} age={} idle={} flags=", r.id, r.addr,
                 r.laddr, r.fd, name, std::max<std::int64_t>(0, now - r.created_ms) / 1000,
                 std::max<std::int64_t>(0, now - load(r.last_interaction_ms)) / 1000);
  append_flags(out, load(r.flags));
  fmt::format_to(
      std::back_inserter(out),
      " db={} sub=0 psub=0 ssub=0 multi={} qbuf={} qbuf-free={} argv-mem={} "
      "multi-mem={} rbs={} rbp={} obl=0 oll=0 omem={} tot-mem={} events={} cmd={} "
      "user=default redir=-1 resp={} lib-name={} lib-ver={} tot-net-in={} "
      "tot-net-out={} tot-cmds={}\n",
      load(r.db), load(r.multi), load(r.query_buffer), load(r.query_buffer_free), argv_memory,
      load(r.multi_memory), load(r.reply_buffer_size), load(r.reply_buffer_size), output,
      load(r.buffers_memory) + load(r.multi_memory) + argv_memory, output > 0 ? "rw" : "r",
      command ? *command : std::string_view("NULL"), load(r.resp), lib_name, lib_version,
      load(r.net_input_bytes), load(r.net_output_bytes), load(r.commands));
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
  const bool is_name = iequals(attribute, "lib-name");
  if (!is_name && !iequals(attribute, "lib-ver")) {
    ctx.reply.error(fmt::format("ERR Unrecognized option '{}'", attribute));
    return;
  }
  (is_name ? ctx.client.mutable_names().lib_name : ctx.client.mutable_names().lib_version)
      .assign(value);
  ctx.core.clients.update_names(*ctx.client.record, [&](core::ClientRecord& record) {
    (is_name ? record.lib_name : record.lib_version).assign(value);
  });
  ctx.reply.ok();
}

void client_info(CommandContext& ctx) {
  Out out;
  append_client_info(ctx, *ctx.client.record, out, ctx.args);
  ctx.reply.verbatim({out.data(), out.size()});
}

void client_list(CommandContext& ctx) {
  std::optional<core::ClientType> type;
  Out out;
  if (ctx.argc() == 4 && iequals(ctx.args[2], "type")) {
    type = core::parse_client_type(ctx.args[3]);
    if (!type) {
      ctx.reply.error(fmt::format("ERR Unknown client type '{}'", ctx.args[3]));
      return;
    }
  } else if (ctx.argc() > 3 && iequals(ctx.args[2], "id")) {
    std::vector<std::shared_ptr<core::ClientRecord>> found;
    for (std::size_t i = 3; i < ctx.argc(); ++i) {
      const auto id = protocol::parse_int64(ctx.args[i]);
      if (!id) {
        ctx.reply.error("ERR Invalid client ID");
        return;
      }
      if (*id <= 0) continue;
      if (auto record = ctx.core.clients.find(static_cast<std::uint64_t>(*id))) {
        found.push_back(std::move(record));
      }
    }
    for (const auto& record : found) {
      append_client_info(ctx, *record, out,
                         record->id == ctx.client.id ? ctx.args : decltype(ctx.args){});
    }
    ctx.reply.verbatim({out.data(), out.size()});
    return;
  } else if (ctx.argc() != 2) {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  if (!type || *type == core::ClientType::kNormal) {
    for (const auto& record : ctx.core.clients.snapshot()) {
      append_client_info(ctx, *record, out,
                         record->id == ctx.client.id ? ctx.args : decltype(ctx.args){});
    }
  }
  ctx.reply.verbatim({out.data(), out.size()});
}

// Redis's clientKillCommand: the old form (an address, +OK or an error) or filters (a count).
void client_kill(CommandContext& ctx) {
  core::ClientFilter filter;
  const bool old_form = ctx.argc() == 3;
  if (old_form) {
    filter.addr = std::string(ctx.args[2]);
    filter.skip_me = false;  // with the old form a client may kill itself
  } else if (ctx.argc() > 3 && ctx.argc() % 2 == 0) {
    for (std::size_t i = 2; i < ctx.argc(); i += 2) {
      const std::string_view option = ctx.args[i];
      const std::string_view value = ctx.args[i + 1];
      if (iequals(option, "id")) {
        const auto id = protocol::parse_int64(value);
        if (!id || *id < 1) {
          ctx.reply.error("ERR client-id should be greater than 0");
          return;
        }
        filter.id = static_cast<std::uint64_t>(*id);
      } else if (iequals(option, "type")) {
        filter.type = core::parse_client_type(value);
        if (!filter.type) {
          ctx.reply.error(fmt::format("ERR Unknown client type '{}'", value));
          return;
        }
      } else if (iequals(option, "addr")) {
        filter.addr = std::string(value);
      } else if (iequals(option, "laddr")) {
        filter.laddr = std::string(value);
      } else if (iequals(option, "user")) {
        // Only the default user exists, and every client is it.
        if (value != "default") {
          ctx.reply.error(fmt::format("ERR No such user '{}'", value));
          return;
        }
      } else if (iequals(option, "skipme")) {
        if (iequals(value, "yes")) {
          filter.skip_me = true;
        } else if (iequals(value, "no")) {
          filter.skip_me = false;
        } else {
          ctx.reply.error(replies::kSyntaxError);
          return;
        }
      } else {
        ctx.reply.error(replies::kSyntaxError);
        return;
      }
    }
  } else {
    ctx.reply.error(replies::kSyntaxError);
    return;
  }
  long long killed = 0;
  for (const auto& record : ctx.core.clients.snapshot()) {
    if (!filter.matches(*record, ctx.client.id)) continue;
    if (record->id == ctx.client.id) {
      ctx.client.close_after_reply = true;  // after this reply, as Redis's CLOSE_AFTER_REPLY
      record->set_flag(core::kClientCloseAfterReply, true);
    } else if (record->control) {
      record->control(core::ClientControl::kKill);
    }
    ++killed;
  }
  if (!old_form) {
    ctx.reply.integer(killed);
  } else if (killed == 0) {
    ctx.reply.error("ERR No such client");
  } else {
    ctx.reply.ok();
  }
}

// CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, as in Redis.
void client_pause(CommandContext& ctx) {
  if (ctx.argc() != 3 && ctx.argc() != 4) return subcommand_syntax_error(ctx);
  core::ClientPause::Mode mode = core::ClientPause::Mode::kAll;
  if (ctx.argc() == 4) {
    if (iequals(ctx.args[3], "write")) {
      mode = core::ClientPause::Mode::kWrite;
    } else if (!iequals(ctx.args[3], "all")) {
      ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  const auto timeout = protocol::parse_int64(ctx.args[2]);
  if (!timeout) {
    ctx.reply.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (*timeout < 0) {
    ctx.reply.error("ERR timeout is negative");
    return;
  }
  const std::int64_t now = core::ClientPause::now_ms();
  if (*timeout > LLONG_MAX - now) {
    ctx.reply.error("ERR timeout is out of range");
    return;
  }
  if (*timeout > 0) ctx.core.pause.pause(now + *timeout, mode);
  ctx.reply.ok();
}

void client_unpause(CommandContext& ctx) {
  ctx.core.pause.unpause();
  for (const auto& record : ctx.core.clients.snapshot()) {
    if (record->has_flag(core::kClientBlocked) && record->control) {
      record->control(core::ClientControl::kWake);
    }
  }
  ctx.reply.ok();
}

// Replies for OFF and SKIP are suppressed by the session (RespSession::execute_one).
void client_reply(CommandContext& ctx) {
  const std::string_view mode = ctx.args[2];
  if (iequals(mode, "on")) {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.reply.ok();
  } else if (iequals(mode, "off")) {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (iequals(mode, "skip")) {
    if (ctx.client.reply_mode != ReplyMode::kOff) ctx.client.reply_mode = ReplyMode::kSkipNext;
  } else {
    ctx.reply.error(replies::kSyntaxError);
  }
}

// Shared by NO-EVICT and NO-TOUCH: "on" or "off", else a syntax error.
std::optional<bool> parse_on_off(CommandContext& ctx) {
  if (iequals(ctx.args[2], "on")) return true;
  if (iequals(ctx.args[2], "off")) return false;
  ctx.reply.error(replies::kSyntaxError);
  return std::nullopt;
}

// respcache never evicts clients; the flag is kept and shown, as Redis shows it.
void client_no_evict(CommandContext& ctx) {
  if (const auto on = parse_on_off(ctx)) {
    ctx.client.record->set_flag(core::kClientNoEvict, *on);
    ctx.reply.ok();
  }
}

void client_no_touch(CommandContext& ctx) {
  if (const auto on = parse_on_off(ctx)) {
    ctx.client.no_touch = *on;
    ctx.client.record->set_flag(core::kClientNoTouch, *on);
    ctx.reply.ok();
  }
}

// Redis 7.0.15's text, word for word (it lists subcommands respcache does not have).
constexpr std::string_view kClientHelp[] = {
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
};

void client_help(CommandContext& ctx) { reply_help(ctx, kClientHelp); }

constexpr Subcommand kClientSubcommands[] = {
    {"id", "client|id", 2, client_id},
    {"setname", "client|setname", 3, client_setname},
    {"getname", "client|getname", 2, client_getname},
    {"setinfo", "client|setinfo", 4, client_setinfo},
    {"info", "client|info", 2, client_info},
    {"list", "client|list", -2, client_list, kAdmin},
    {"kill", "client|kill", -3, client_kill, kAdmin},
    {"pause", "client|pause", -3, client_pause, kAdmin},
    {"unpause", "client|unpause", 2, client_unpause, kAdmin},
    {"reply", "client|reply", 3, client_reply},
    {"no-evict", "client|no-evict", 3, client_no_evict, kAdmin},
    {"no-touch", "client|no-touch", 3, client_no_touch},
    {"help", "client|help", 2, client_help},
};

}  // namespace

bool set_client_name(CommandContext& ctx, std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') {
      ctx.reply.error(replies::kBadClientName);
      return false;
    }
  }
  ctx.client.mutable_names().name.assign(name);
  ctx.core.clients.update_names(*ctx.client.record,
                                [&](core::ClientRecord& record) { record.name.assign(name); });
  return true;
}

void cmd_client(CommandContext& ctx) { dispatch_subcommand(ctx, kClientSubcommands); }

}  // namespace respcache::commands
