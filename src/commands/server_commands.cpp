// COMMAND and its subcommands (CONFIG is in config_command.cpp). What COMMAND INFO and
// COMMAND DOCS say about a command is Redis's own reply for it (command_docs.inc), with only
// the subcommands respcache has.

#include <fmt/format.h>

#include <string>
#include <vector>

#include "command_docs.hpp"
#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/command_table.hpp"
#include "respcache/commands/replies.hpp"

namespace respcache::commands {
namespace {

void reply_all_infos(CommandContext& ctx) {
  const auto docs = command_docs();
  ctx.reply.array(docs.size());
  for (const CommandDoc& doc : docs) replay_resp(ctx.reply, doc.info);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<long long>(command_docs().size()));
}

// Redis's commandDocsCommand: every command, or the named ones that exist, as a map.
void command_docs_reply(CommandContext& ctx) {
  std::vector<const CommandDoc*> found;
  if (ctx.argc() == 2) {
    for (const CommandDoc& doc : command_docs()) found.push_back(&doc);
  } else {
    for (std::size_t i = 2; i < ctx.argc(); ++i) {
      if (const CommandDoc* doc = find_command_doc(ctx.args[i])) found.push_back(doc);
    }
  }
  ctx.reply.map(found.size());
  for (const CommandDoc* doc : found) {
    ctx.reply.bulk(doc->name);
    replay_resp(ctx.reply, doc->docs);
  }
}

void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) return reply_all_infos(ctx);
  ctx.reply.array(ctx.argc() - 2);
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    if (const CommandDoc* doc = find_command_doc(ctx.args[i])) {
      replay_resp(ctx.reply, doc->info);
    } else {
      ctx.reply.null();  // Redis's addReplyNull: $-1 in RESP2
    }
  }
}

// Redis's commandListCommand: every command and subcommand, or those FILTERBY MODULE (none
// here), ACLCAT or PATTERN selects.
void command_list(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCategory, kPattern } filter = Filter::kNone;
  std::string category;
  if (ctx.argc() != 2) {
    if (ctx.argc() != 5 || !iequals(ctx.args[2], "filterby")) {
      ctx.reply.error(replies::kSyntaxError);
      return;
    }
    if (iequals(ctx.args[3], "module")) {
      filter = Filter::kModule;
    } else if (iequals(ctx.args[3], "aclcat")) {
      filter = Filter::kAclCategory;
      category = "@" + std::string(ctx.args[4]);
    } else if (iequals(ctx.args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply.error(replies::kSyntaxError);
      return;
    }
  }
  const auto selected = [&](const CommandDoc& doc) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;
      case Filter::kAclCategory:
        for (std::string_view c : doc.acl_categories) {
          if (iequals(c, category)) return true;
        }
        return false;
      case Filter::kPattern:
        return glob_match(ctx.args[4], doc.name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandDoc& doc : command_docs()) {
    if (selected(doc)) names.push_back(doc.name);
    for (const CommandDoc& sub : doc.subcommands) {
      if (selected(sub)) names.push_back(sub.name);
    }
  }
  ctx.reply.array(names.size());
  for (std::string_view name : names) ctx.reply.bulk(name);
}

// Redis's getKeysSubcommandImpl over respcache's key positions (first, last, step), which
// for its commands give what Redis's key specs give.
void command_getkeys(CommandContext& ctx) {
  const auto target = ctx.args.subspan(2);
  const CommandSpec* spec = find_command(target[0]);
  const CommandDoc* doc = nullptr;
  if (spec != nullptr) {
    doc = find_command_doc(spec->name);
    if (doc != nullptr && !doc->subcommands.empty()) {  // a container: its subcommand
      doc = target.size() > 1
                ? find_command_doc(std::string(spec->name) + "|" + std::string(target[1]))
                : nullptr;
    }
  }
  if (spec == nullptr || doc == nullptr) {
    ctx.reply.error("ERR Invalid command specified");
    return;
  }
  if (spec->first_key == 0) {
    ctx.reply.error("ERR The command has no key arguments");
    return;
  }
  if (!arity_accepts(spec->arity, target.size())) {
    ctx.reply.error("ERR Invalid number of arguments specified for command");
    return;
  }
  const auto argc = static_cast<long long>(target.size());
  const long long last = spec->last_key < 0 ? argc + spec->last_key : spec->last_key;
  std::vector<std::string_view> keys;
  for (long long j = spec->first_key; j <= last && j < argc; j += spec->key_step) {
    keys.push_back(target[static_cast<std::size_t>(j)]);
  }
  if (keys.empty()) {
    ctx.reply.error("ERR Invalid arguments specified for command");
    return;
  }
  ctx.reply.array(keys.size());
  for (std::string_view key : keys) ctx.reply.bulk(key);
}

// Redis 7.0.15's text, word for word (GETKEYSANDFLAGS is listed though respcache lacks it).
constexpr std::string_view kCommandHelp[] = {
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
};

void command_help(CommandContext& ctx) { reply_help(ctx, kCommandHelp); }

constexpr Subcommand kCommandSubcommands[] = {
    {"count", "command|count", 2, command_count},
    {"docs", "command|docs", -2, command_docs_reply},
    {"info", "command|info", -2, command_info},
    {"list", "command|list", -2, command_list},
    {"getkeys", "command|getkeys", -4, command_getkeys},
    {"help", "command|help", 2, command_help},
};

}  // namespace

void cmd_command(CommandContext& ctx) {
  if (ctx.argc() == 1) return reply_all_infos(ctx);
  dispatch_subcommand(ctx, kCommandSubcommands);
}

}  // namespace respcache::commands
