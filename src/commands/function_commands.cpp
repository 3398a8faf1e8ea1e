// FUNCTION LOAD, LIST, DELETE and FLUSH, with Redis 7.0's replies. FCALL is in
// script_commands.cpp, beside EVAL, since both run a script the same way.

#include <array>
#include <memory>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/script_runner.hpp"
#include "respcache/commands/service.hpp"

namespace respcache::commands {
namespace {

bool valid_library_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Parses "#!lua name=<lib>" as Redis's functionExtractLibMetaData; an error text or nothing.
std::optional<std::string> parse_metadata(std::string_view code, std::string& name,
                                          std::size_t& length) {
  if (!code.starts_with("#!")) return "Missing library metadata";
  length = std::min(code.find('\n'), code.size());
  std::string_view line = code.substr(0, length);
  bool first = true;
  while (!line.empty()) {
    const std::size_t space = std::min(line.find(' '), line.size());
    const std::string_view part = line.substr(0, space);
    line.remove_prefix(std::min(space + 1, line.size()));
    if (part.empty()) continue;
    if (first) {
      first = false;
      if (part != "#!lua") return "Engine '" + std::string(part.substr(2)) + "' not found";
      continue;
    }
    if (!part.starts_with("name=")) return "Invalid metadata value given: " + std::string(part);
    name.assign(part.substr(5));
  }
  if (name.empty()) return "Library name was not given";
  if (!valid_library_name(name)) {
    return "Library names can only contain letters, numbers, or underscores(_) and must be at "
           "least one character long";
  }
  return std::nullopt;
}

void function_load(CommandContext& ctx) {
  bool replace = false;
  std::size_t at = 2;
  for (; at + 1 < ctx.argc(); ++at) {
    if (!iequals(ctx.args[at], "replace"))
      return ctx.reply.error("ERR Unknown option given: " + std::string(ctx.args[at]));
    replace = true;
  }
  if (at >= ctx.argc()) return ctx.reply.error("ERR Function code was not given.");
  const std::string_view code = ctx.args[at];
  auto library = std::make_shared<scripting::Library>();
  std::size_t length = 0;
  if (auto error = parse_metadata(code, library->name, length))
    return ctx.reply.error("ERR " + *error);
  ScriptRunner& runner = ctx.service.script_runner();
  if (!replace && runner.functions().snapshot().first->contains(library->name)) {
    return ctx.reply.error("ERR Library '" + library->name + "' already exists");
  }
  std::string error;
  if (!runner.engine().load_library(code, length, library->functions, error)) {
    return ctx.reply.error("ERR " + error);
  }
  if (library->functions.empty()) return ctx.reply.error("ERR No functions registered");
  library->code.assign(code);
  const std::string name = library->name;
  if (auto refused = runner.functions().add(std::move(library), replace)) {
    return ctx.reply.error("ERR " + *refused);
  }
  ctx.reply.bulk(name);
}

void reply_library(CommandContext& ctx, const scripting::Library& library, bool with_code) {
  static constexpr std::pair<std::string_view, std::uint32_t> kFlags[] = {
      {"no-writes", scripting::kNoWrites},
      {"allow-oom", scripting::kAllowOom},
      {"allow-stale", scripting::kAllowStale},
      {"no-cluster", scripting::kNoCluster},
      {"allow-cross-slot-keys", scripting::kAllowCrossSlotKeys}};
  ctx.reply.map(with_code ? 4 : 3);
  ctx.reply.bulk("library_name");
  ctx.reply.bulk(library.name);
  ctx.reply.bulk("engine");
  ctx.reply.bulk("LUA");
  ctx.reply.bulk("functions");
  ctx.reply.array(library.functions.size());
  for (const auto& function : library.functions) {
    ctx.reply.map(3);
    ctx.reply.bulk("name");
    ctx.reply.bulk(function.name);
    ctx.reply.bulk("description");
    if (function.description) {
      ctx.reply.bulk(*function.description);
    } else {
      ctx.reply.null();
    }
    ctx.reply.bulk("flags");
    std::size_t count = 0;
    for (const auto& [name, flag] : kFlags) count += (function.flags & flag) != 0 ? 1 : 0;
    ctx.reply.set(count);
    for (const auto& [name, flag] : kFlags) {
      if ((function.flags & flag) != 0) ctx.reply.simple(name);
    }
  }
  if (with_code) {
    ctx.reply.bulk("library_code");
    ctx.reply.bulk(library.code);
  }
}

void function_list(CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (std::size_t i = 2; i < ctx.argc(); ++i) {
    if (iequals(ctx.args[i], "withcode") && !with_code) {
      with_code = true;
    } else if (iequals(ctx.args[i], "libraryname") && !pattern) {
      if (i + 1 >= ctx.argc()) return ctx.reply.error("ERR library name argument was not given");
      pattern = ctx.args[++i];
    } else {
      return ctx.reply.error("ERR Unknown argument " + std::string(ctx.args[i]));
    }
  }
  const auto libraries = ctx.service.script_runner().functions().snapshot().first;
  std::vector<const scripting::Library*> shown;
  for (const auto& [name, library] : *libraries) {
    if (!pattern || glob_match(*pattern, name, false)) shown.push_back(library.get());
  }
  ctx.reply.array(shown.size());
  for (const auto* library : shown) reply_library(ctx, *library, with_code);
}

void function_delete(CommandContext& ctx) {
  if (!ctx.service.script_runner().functions().remove(ctx.args[2])) {
    return ctx.reply.error("ERR Library not found");
  }
  ctx.reply.ok();
}

void function_flush(CommandContext& ctx) {
  if (ctx.argc() == 3 && !iequals(ctx.args[2], "sync") && !iequals(ctx.args[2], "async")) {
    return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  if (ctx.argc() > 3) return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  ctx.service.script_runner().functions().flush();
  ctx.reply.ok();
}

// FUNCTION STATS. running_script is always nil: while a function runs, the clients that could
// ask get -BUSY or wait for the cache.
void function_stats(CommandContext& ctx) {
  const auto libraries = ctx.service.script_runner().functions().snapshot().first;
  long long functions = 0;
  for (const auto& [name, library] : *libraries) {
    functions += static_cast<long long>(library->functions.size());
  }
  ctx.reply.map(2);
  ctx.reply.bulk("running_script");
  ctx.reply.null();
  ctx.reply.bulk("engines");
  ctx.reply.map(1);
  ctx.reply.bulk("LUA");
  ctx.reply.map(2);
  ctx.reply.bulk("libraries_count");
  ctx.reply.integer(static_cast<long long>(libraries->size()));
  ctx.reply.bulk("functions_count");
  ctx.reply.integer(functions);
}

// Redis 7.0's text, DUMP and RESTORE included though respcache lacks them (yet).
void function_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored "
      "using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
  };
  reply_help(ctx, kLines);
}

// Redis's crc64 (Jones polynomial, reflected, initial 0), which DUMP payloads end with.
std::uint64_t crc64(std::string_view bytes) {
  static const auto kTable = [] {
    std::array<std::uint64_t, 256> table{};
    for (std::uint64_t i = 0; i < 256; ++i) {
      std::uint64_t c = i;
      for (int bit = 0; bit < 8; ++bit)
        c = (c & 1) != 0 ? (c >> 1) ^ 0x95AC9329AC4BC9B5ULL : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  std::uint64_t crc = 0;
  for (const char byte : bytes)
    crc = kTable[(crc ^ static_cast<unsigned char>(byte)) & 0xff] ^ (crc >> 8);
  return crc;
}

// An RDB length prefix, as Redis's rdbSaveLen writes it.
void append_rdb_length(std::string& out, std::uint64_t length) {
  if (length < 64) {
    out += static_cast<char>(length);
  } else if (length < 16384) {
    out += static_cast<char>(0x40 | (length >> 8));
    out += static_cast<char>(length & 0xff);
  } else if (length <= 0xffffffffULL) {
    out += static_cast<char>(0x80);
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
  } else {
    out += static_cast<char>(0x81);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
  }
}

// FUNCTION DUMP: per library RDB_OPCODE_FUNCTION2 and its code as an uncompressed RDB string,
// then RDB version 10 and the CRC64, both little endian, as Redis 7.0 writes them.
void function_dump(CommandContext& ctx) {
  const auto libraries = ctx.service.script_runner().functions().snapshot().first;
  std::string payload;
  for (const auto& [name, library] : *libraries) {
    payload += static_cast<char>(245);
    append_rdb_length(payload, library->code.size());
    payload += library->code;
  }
  payload += static_cast<char>(10);
  payload += static_cast<char>(0);
  std::uint64_t crc = crc64(payload);
  for (int i = 0; i < 8; ++i, crc >>= 8) payload += static_cast<char>(crc & 0xff);
  ctx.reply.bulk(payload);
}

void function_kill(CommandContext& ctx) { kill_running(ctx, true); }

}  // namespace

void cmd_function(CommandContext& ctx) {
  static constexpr Subcommand kSubcommands[] = {
      {"load", "function|load", -3, function_load},
      {"list", "function|list", -2, function_list},
      {"delete", "function|delete", 3, function_delete},
      {"flush", "function|flush", -2, function_flush},
      {"stats", "function|stats", 2, function_stats},
      {"help", "function|help", 2, function_help},
      {"kill", "function|kill", 2, function_kill},
      {"dump", "function|dump", 2, function_dump},
  };
  dispatch_subcommand(ctx, kSubcommands);
}

}  // namespace respcache::commands
