#pragma once

// The command handlers, grouped by file as Redis groups its commands. Internal to the
// commands module: the table in command_table.cpp is their only user.

#include "respcache/commands/command_context.hpp"

namespace respcache::commands {

// script_commands.cpp
void cmd_eval(CommandContext& ctx);
void cmd_evalsha(CommandContext& ctx);
void cmd_eval_ro(CommandContext& ctx);
void cmd_evalsha_ro(CommandContext& ctx);
void cmd_script(CommandContext& ctx);
void cmd_fcall(CommandContext& ctx);
void cmd_fcall_ro(CommandContext& ctx);
// function_commands.cpp
void cmd_function(CommandContext& ctx);
/// SCRIPT KILL (`function` false) or FUNCTION KILL.
void kill_running(CommandContext& ctx, bool function);

// string_commands.cpp
void cmd_get(CommandContext& ctx);
void cmd_set(CommandContext& ctx);
void cmd_put(CommandContext& ctx);
void cmd_mget(CommandContext& ctx);
void cmd_mset(CommandContext& ctx);
void cmd_getdel(CommandContext& ctx);
void cmd_append(CommandContext& ctx);
void cmd_strlen(CommandContext& ctx);
void cmd_incr(CommandContext& ctx);
void cmd_decr(CommandContext& ctx);
void cmd_incrby(CommandContext& ctx);
void cmd_decrby(CommandContext& ctx);
void cmd_setnx(CommandContext& ctx);
void cmd_getset(CommandContext& ctx);
void cmd_msetnx(CommandContext& ctx);
void cmd_incrbyfloat(CommandContext& ctx);

// string_range_commands.cpp
void cmd_getrange(CommandContext& ctx);
void cmd_setrange(CommandContext& ctx);

// lcs_command.cpp
void cmd_lcs(CommandContext& ctx);

// bitmap_commands.cpp
void cmd_setbit(CommandContext& ctx);
void cmd_getbit(CommandContext& ctx);
void cmd_bitcount(CommandContext& ctx);
void cmd_bitpos(CommandContext& ctx);
void cmd_bitop(CommandContext& ctx);

// bitfield_command.cpp
void cmd_bitfield(CommandContext& ctx);
void cmd_bitfield_ro(CommandContext& ctx);

// expire_commands.cpp
void cmd_expire(CommandContext& ctx);
void cmd_pexpire(CommandContext& ctx);
void cmd_expireat(CommandContext& ctx);
void cmd_pexpireat(CommandContext& ctx);
void cmd_ttl(CommandContext& ctx);
void cmd_pttl(CommandContext& ctx);
void cmd_persist(CommandContext& ctx);
void cmd_getex(CommandContext& ctx);
void cmd_setex(CommandContext& ctx);
void cmd_psetex(CommandContext& ctx);
void cmd_expiretime(CommandContext& ctx);
void cmd_pexpiretime(CommandContext& ctx);

// keyspace_commands.cpp
void cmd_del(CommandContext& ctx);
void cmd_exists(CommandContext& ctx);
void cmd_type(CommandContext& ctx);
void cmd_touch(CommandContext& ctx);
void cmd_randomkey(CommandContext& ctx);
void cmd_rename(CommandContext& ctx);
void cmd_renamenx(CommandContext& ctx);
void cmd_copy(CommandContext& ctx);

// database_commands.cpp
void cmd_select(CommandContext& ctx);
void cmd_dbsize(CommandContext& ctx);
void cmd_flushall(CommandContext& ctx);
void cmd_flushdb(CommandContext& ctx);
void cmd_move(CommandContext& ctx);
void cmd_swapdb(CommandContext& ctx);

// scan_commands.cpp
void cmd_scan(CommandContext& ctx);
void cmd_keys(CommandContext& ctx);

// object_commands.cpp
void cmd_object(CommandContext& ctx);
void cmd_memory(CommandContext& ctx);

// connection_commands.cpp
void cmd_ping(CommandContext& ctx);
void cmd_echo(CommandContext& ctx);
void cmd_quit(CommandContext& ctx);
void cmd_auth(CommandContext& ctx);
void cmd_hello(CommandContext& ctx);

// client_commands.cpp
void cmd_client(CommandContext& ctx);
/// Redis's clientSetNameOrReply, shared with HELLO SETNAME: replies with the error and
/// returns false for a name with spaces or special characters; empty clears the name.
bool set_client_name(CommandContext& ctx, std::string_view name);

// introspection_commands.cpp
void cmd_time(CommandContext& ctx);
void cmd_role(CommandContext& ctx);
void cmd_wait(CommandContext& ctx);
void cmd_lastsave(CommandContext& ctx);
void cmd_shutdown(CommandContext& ctx);
void cmd_slowlog(CommandContext& ctx);
void cmd_monitor(CommandContext& ctx);

// transaction_commands.cpp
void cmd_multi(CommandContext& ctx);
void cmd_exec(CommandContext& ctx);
void cmd_discard(CommandContext& ctx);
void cmd_watch(CommandContext& ctx);
void cmd_unwatch(CommandContext& ctx);

// server_commands.cpp
void cmd_command(CommandContext& ctx);
void cmd_config(CommandContext& ctx);

// info_command.cpp
void cmd_info(CommandContext& ctx);

}  // namespace respcache::commands
