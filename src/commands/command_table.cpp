#include "respcache/commands/command_table.hpp"

#include <cctype>
#include <iterator>
#include <string>
#include <unordered_map>

#include "handlers.hpp"

namespace respcache::commands {
namespace {

// Arity, flags and key positions as in Redis 7.0's command table (PUT is respcache's own:
// the write command of the system it replaces, a plain SET).
constexpr CommandSpec kCommands[] = {
    {"get", 2, kReadOnly | kFast, 1, 1, 1, cmd_get},
    {"set", -3, kWrite | kDenyOom, 1, 1, 1, cmd_set},
    {"put", 3, kWrite | kDenyOom, 1, 1, 1, cmd_put},
    {"mget", -2, kReadOnly | kFast, 1, -1, 1, cmd_mget},
    {"mset", -3, kWrite | kDenyOom, 1, -1, 2, cmd_mset},
    {"getdel", 2, kWrite | kFast, 1, 1, 1, cmd_getdel},
    {"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_append},
    {"strlen", 2, kReadOnly | kFast, 1, 1, 1, cmd_strlen},
    {"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_incr},
    {"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_decr},
    {"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_incrby},
    {"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_decrby},
    {"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_setnx},
    {"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_getset},
    {"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, cmd_msetnx},
    {"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, cmd_incrbyfloat},
    {"getrange", 4, kReadOnly, 1, 1, 1, cmd_getrange},
    {"substr", 4, kReadOnly, 1, 1, 1, cmd_getrange},
    {"setrange", 4, kWrite | kDenyOom, 1, 1, 1, cmd_setrange},
    {"lcs", -3, kReadOnly, 1, 2, 1, cmd_lcs},
    {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, cmd_setbit},
    {"getbit", 3, kReadOnly | kFast, 1, 1, 1, cmd_getbit},
    {"bitcount", -2, kReadOnly, 1, 1, 1, cmd_bitcount},
    {"bitpos", -3, kReadOnly, 1, 1, 1, cmd_bitpos},
    {"bitop", -4, kWrite | kDenyOom, 2, -1, 1, cmd_bitop},
    {"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, cmd_bitfield},
    {"bitfield_ro", -2, kReadOnly | kFast, 1, 1, 1, cmd_bitfield_ro},
    {"setex", 4, kWrite | kDenyOom, 1, 1, 1, cmd_setex},
    {"psetex", 4, kWrite | kDenyOom, 1, 1, 1, cmd_psetex},
    {"getex", -2, kWrite | kFast, 1, 1, 1, cmd_getex},
    {"expire", -3, kWrite | kFast, 1, 1, 1, cmd_expire},
    {"pexpire", -3, kWrite | kFast, 1, 1, 1, cmd_pexpire},
    {"expireat", -3, kWrite | kFast, 1, 1, 1, cmd_expireat},
    {"pexpireat", -3, kWrite | kFast, 1, 1, 1, cmd_pexpireat},
    {"ttl", 2, kReadOnly | kFast, 1, 1, 1, cmd_ttl},
    {"pttl", 2, kReadOnly | kFast, 1, 1, 1, cmd_pttl},
    {"persist", 2, kWrite | kFast, 1, 1, 1, cmd_persist},
    {"del", -2, kWrite, 1, -1, 1, cmd_del},
    {"unlink", -2, kWrite | kFast, 1, -1, 1, cmd_del},
    {"exists", -2, kReadOnly | kFast, 1, -1, 1, cmd_exists},
    {"dbsize", 1, kReadOnly | kFast, 0, 0, 0, cmd_dbsize},
    {"flushall", -1, kWrite, 0, 0, 0, cmd_flushall},
    {"flushdb", -1, kWrite, 0, 0, 0, cmd_flushdb},
    {"move", 3, kWrite | kFast, 1, 1, 1, cmd_move},
    {"swapdb", 3, kWrite | kFast, 0, 0, 0, cmd_swapdb},
    {"scan", -2, kReadOnly, 0, 0, 0, cmd_scan},
    {"keys", 2, kReadOnly, 0, 0, 0, cmd_keys},
    {"type", 2, kReadOnly | kFast, 1, 1, 1, cmd_type},
    {"randomkey", 1, kReadOnly, 0, 0, 0, cmd_randomkey},
    {"rename", 3, kWrite, 1, 2, 1, cmd_rename},
    {"renamenx", 3, kWrite | kFast, 1, 2, 1, cmd_renamenx},
    {"copy", -3, kWrite | kDenyOom, 1, 2, 1, cmd_copy},
    {"touch", -2, kReadOnly | kFast, 1, -1, 1, cmd_touch},
    {"expiretime", 2, kReadOnly | kFast, 1, 1, 1, cmd_expiretime},
    {"pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, cmd_pexpiretime},
    {"object", -2, 0, 0, 0, 0, cmd_object},
    {"memory", -2, 0, 0, 0, 0, cmd_memory},
    {"select", 2, kLoading | kStale | kFast, 0, 0, 0, cmd_select},
    {"ping", -1, kFast, 0, 0, 0, cmd_ping},
    {"echo", 2, kFast, 0, 0, 0, cmd_echo},
    {"quit", -1, kNoScript | kAllowBusy | kNoAuth | kLoading | kStale | kFast | kRunsInMulti, 0, 0,
     0, cmd_quit},
    {"multi", 1, kNoScript | kAllowBusy | kLoading | kStale | kFast | kRunsInMulti, 0, 0, 0,
     cmd_multi},
    {"exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog | kRunsInMulti, 0, 0, 0, cmd_exec},
    {"discard", 1, kNoScript | kAllowBusy | kLoading | kStale | kFast | kRunsInMulti, 0, 0, 0,
     cmd_discard},
    {"watch", -2, kNoScript | kAllowBusy | kLoading | kStale | kFast | kRunsInMulti, 1, -1, 1,
     cmd_watch},
    {"unwatch", 1, kNoScript | kAllowBusy | kLoading | kStale | kFast, 0, 0, 0, cmd_unwatch},
    {"auth", -2, kNoScript | kAllowBusy | kNoAuth | kLoading | kStale | kFast, 0, 0, 0, cmd_auth},
    {"hello", -1, kNoScript | kAllowBusy | kNoAuth | kLoading | kStale | kFast, 0, 0, 0, cmd_hello},
    {"client", -2, kNoScript | kLoading | kStale, 0, 0, 0, cmd_client},
    {"command", -1, kLoading | kStale, 0, 0, 0, cmd_command},
    {"config", -2, kNoScript | kLoading | kStale, 0, 0, 0, cmd_config},
    {"eval", -3, kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0, cmd_eval},
    {"evalsha", -3, kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0, cmd_evalsha},
    {"eval_ro", -3, kReadOnly | kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0,
     cmd_eval_ro},
    {"evalsha_ro", -3, kReadOnly | kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0,
     cmd_evalsha_ro},
    {"script", -2, kNoScript, 0, 0, 0, cmd_script},
    {"fcall", -3, kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0, cmd_fcall},
    {"fcall_ro", -3, kReadOnly | kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys, 0, 0, 0,
     cmd_fcall_ro},
    {"function", -2, kNoScript, 0, 0, 0, cmd_function},
    {"info", -1, kLoading | kStale, 0, 0, 0, cmd_info},
    {"time", 1, kLoading | kStale | kFast, 0, 0, 0, cmd_time},
    {"role", 1, kNoScript | kLoading | kStale | kFast, 0, 0, 0, cmd_role},
    {"wait", 3, kNoScript, 0, 0, 0, cmd_wait},
    {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, cmd_lastsave},
    {"slowlog", -2, 0, 0, 0, 0, cmd_slowlog},
    {"monitor", 1, kAdmin | kNoScript | kLoading | kStale, 0, 0, 0, cmd_monitor},
    {"shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy, 0, 0, 0,
     cmd_shutdown},
};
constexpr std::size_t kCommandCount = std::size(kCommands);
static_assert(kCommandCount <= core::kMaxCommands,
              "raise kMaxCommands for the per-command counters");

// Longer names are never commands; shorter ones are lowercased on the stack.
constexpr std::size_t kMaxNameLength = 32;

const std::unordered_map<std::string_view, const CommandSpec*>& index() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, const CommandSpec*>();
    for (std::size_t i = 0; i < kCommandCount; ++i) m->emplace(kCommands[i].name, &kCommands[i]);
    return m;
  }();
  return *map;
}

}  // namespace

const CommandSpec* find_command(std::string_view name) {
  if (name.size() > kMaxNameLength) return nullptr;
  char lower[kMaxNameLength];
  for (std::size_t i = 0; i < name.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  const auto& commands = index();
  const auto it = commands.find(std::string_view(lower, name.size()));
  return it == commands.end() ? nullptr : it->second;
}

std::span<const CommandSpec> all_commands() { return kCommands; }

}  // namespace respcache::commands
