// FUNCTION LOAD, LIST, DELETE and FLUSH, with Redis 7.0's replies. FCALL is in
// script_commands.cpp, beside EVAL, since both run a script the same way.

#include <array>
#include <map>
#include <memory>
#include <string>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/script_runner.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/persistence/rdb_codec.hpp"

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
      // Engines are looked up case-insensitively, as in Redis's engines dict.
      if (!iequals(part, "#!lua")) return "Engine '" + std::string(part.substr(2)) + "' not found";
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

// A library from its code, compiled and run on this thread (its functions registered), or
// nothing with Redis's error text in `error` (without "ERR ").
std::shared_ptr<scripting::Library> make_library(CommandContext& ctx, std::string_view code,
                                                 std::string& error) {
  auto library = std::make_shared<scripting::Library>();
  std::size_t length = 0;
  if (auto refused = parse_metadata(code, library->name, length)) {
    error = *refused;
    return nullptr;
  }
  if (!ctx.service.script_runner().engine().load_library(code, length, library->functions, error)) {
    return nullptr;
  }
  if (library->functions.empty()) {
    error = "No functions registered";
    return nullptr;
  }
  library->code.assign(code);
  return library;
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
  ScriptRunner& runner = ctx.service.script_runner();
  if (!replace) {
    // Redis checks the name before it compiles anything.
    std::string name;
    std::size_t length = 0;
    if (auto error = parse_metadata(code, name, length)) return ctx.reply.error("ERR " + *error);
    if (runner.functions().snapshot().first->contains(name)) {
      return ctx.reply.error("ERR Library '" + name + "' already exists");
    }
  }
  std::string error;
  auto library = make_library(ctx, code, error);
  if (!library) return ctx.reply.error("ERR " + error);
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
  if (!accepts_flush_mode(ctx, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")) return;
  ctx.service.script_runner().functions().flush();
  ctx.reply.ok();
}

// FUNCTION STATS: the running function (while one runs, FUNCTION STATS is one of the few
// commands other clients may send), then the engine's counts.
void function_stats(CommandContext& ctx) {
  const auto libraries = ctx.service.script_runner().functions().snapshot().first;
  long long functions = 0;
  for (const auto& [name, library] : *libraries) {
    functions += static_cast<long long>(library->functions.size());
  }
  ctx.reply.map(2);
  ctx.reply.bulk("running_script");
  std::string running;
  std::vector<std::string> command;
  std::int64_t duration_ms = 0;
  if (ctx.service.script_runner().running_function_info(running, command, duration_ms)) {
    ctx.reply.map(3);
    ctx.reply.bulk("name");
    ctx.reply.bulk(running);
    ctx.reply.bulk("command");
    ctx.reply.array(command.size());
    for (const std::string& arg : command) ctx.reply.bulk(arg);
    ctx.reply.bulk("duration_ms");
    ctx.reply.integer(duration_ms);
  } else {
    ctx.reply.null();
  }
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

// FUNCTION DUMP: per library RDB_OPCODE_FUNCTION2 and its code as an uncompressed RDB string,
// then RDB version 10 and the CRC64, both little endian, as Redis 7.0 writes them (Redis
// LZF-compresses strings over 20 bytes; any Redis reads either).
constexpr std::uint8_t kOpcodeFunction = 245;       // RDB_OPCODE_FUNCTION2
constexpr std::uint8_t kOpcodeFunctionPreGa = 246;  // RDB_OPCODE_FUNCTION_PRE_GA

void function_dump(CommandContext& ctx) {
  const auto libraries = ctx.service.script_runner().functions().snapshot().first;
  std::string payload;
  for (const auto& [name, library] : *libraries) {
    payload += static_cast<char>(kOpcodeFunction);
    persistence::append_string(payload, library->code);
  }
  persistence::append_dump_footer(payload);
  ctx.reply.bulk(payload);
}

// rdbFunctionLoad's reading: a library's code, after (in the pre-GA format of Redis 7.0's
// release candidates) its name, engine and optional description. An error text or nothing.
std::optional<std::string_view> read_library_code(persistence::RdbReader& reader, bool pre_ga,
                                                  std::string& code) {
  std::string header;
  if (pre_ga) {
    std::string name, engine, ignored;
    if (!reader.read_string(name)) return "Failed loading library name";
    if (!reader.read_string(engine)) return "Failed loading engine name";
    // Its code has no shebang line; Redis makes one from the two.
    header = "#!" + engine + " name=" + name + " \n";
    std::uint64_t has_description = 0;
    bool encoded = false;
    if (!reader.read_length(has_description, encoded) || encoded) {
      return "Failed loading library description indicator";
    }
    if (has_description != 0 && !reader.read_string(ignored)) {
      return "Failed loading library description";
    }
  }
  if (!reader.read_string(code)) return "Failed loading library payload";
  code.insert(0, header);
  return std::nullopt;
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE], as Redis's functionRestoreCommand: every
// library of the payload is compiled first, and the set is then swapped in (FLUSH) or joined
// to the current one, all or nothing.
void function_restore(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    return ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                           std::string(ctx.args[1]) + "'. Try FUNCTION HELP.");
  }
  auto policy = scripting::FunctionLibraries::RestorePolicy::kAppend;
  if (ctx.argc() == 4) {
    if (iequals(ctx.args[3], "append")) {
      policy = scripting::FunctionLibraries::RestorePolicy::kAppend;
    } else if (iequals(ctx.args[3], "replace")) {
      policy = scripting::FunctionLibraries::RestorePolicy::kReplace;
    } else if (iequals(ctx.args[3], "flush")) {
      policy = scripting::FunctionLibraries::RestorePolicy::kFlush;
    } else {
      return ctx.reply.error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
  }
  std::string_view body;
  if (!persistence::verify_dump_payload(ctx.args[2], body)) {
    return ctx.reply.error("ERR DUMP payload version or checksum are wrong");
  }
  persistence::RdbReader reader(body);
  std::map<std::string, std::shared_ptr<const scripting::Library>> incoming;
  while (reader.remaining() > 0) {
    std::uint8_t type = 0;
    if (!reader.read_byte(type)) return ctx.reply.error("ERR can not read data type");
    if (type != kOpcodeFunction && type != kOpcodeFunctionPreGa) {
      return ctx.reply.error("ERR given type is not a function");
    }
    std::string code;
    if (auto error = read_library_code(reader, type == kOpcodeFunctionPreGa, code)) {
      return ctx.reply.error("ERR " + std::string(*error));
    }
    std::string error;
    auto library = make_library(ctx, code, error);
    if (!library) return ctx.reply.error("ERR " + error);
    if (incoming.contains(library->name)) {
      return ctx.reply.error("ERR Library '" + library->name + "' already exists");
    }
    for (const auto& [name, other] : incoming) {
      for (const auto& function : other->functions) {
        for (const auto& mine : library->functions) {
          if (mine.name == function.name) {
            return ctx.reply.error("ERR Function " + mine.name + " already exists");
          }
        }
      }
    }
    incoming[library->name] = std::move(library);
  }
  if (auto refused = ctx.service.script_runner().functions().restore(std::move(incoming), policy)) {
    return ctx.reply.error("ERR " + *refused);
  }
  ctx.reply.ok();
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
      {"restore", "function|restore", -3, function_restore},
  };
  dispatch_subcommand(ctx, kSubcommands);
}

}  // namespace respcache::commands
