#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "respcache/protocol/parse_error.hpp"
#include "respcache/protocol/reply_builder.hpp"

/// Every error text respcache sends, in one place. Where Redis 7.0 has a text for the same
/// situation it is used word for word, because clients match on it.
namespace respcache::commands::replies {

inline constexpr std::string_view kSyntaxError = "ERR syntax error";
/// To other clients while an EVAL script runs past busy-reply-threshold.
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
/// The same while a function (FCALL) runs.
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kOutOfMemory =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
/// A value that would grow past Redis's proto-max-bulk-len (512 MB), the limit Redis checks
/// whatever respcache's own --max-value-size is.
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kBitOffsetInvalid =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValueInvalid = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitArgument = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNotSingleKey =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view kBitfieldOverflowType = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldReadOnly =
    "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
inline constexpr std::string_view kNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kProtocolVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthWithoutPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kWatchInsideMulti = "ERR WATCH inside MULTI is not allowed";
/// respcache's own: Redis bounds a queue only by maxmemory-clients.
inline constexpr std::string_view kTransactionTooLarge =
    "ERR transaction discarded: its queued commands exceed client-query-buffer-limit";
inline constexpr std::string_view kTooManyWatchedKeys =
    "ERR too many keys are watched on this server";
/// Sent (as Redis does) to a client accepted past --maxclients, just before it is closed.
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

void wrong_arity(protocol::ReplyBuilder& reply, std::string_view command);
/// "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' ...".
void exec_aborted_wrong_arity(protocol::ReplyBuilder& reply, std::string_view command);
/// "EXECABORT Transaction discarded because of: <error>" (Redis's execCommandAbort).
void exec_aborted(protocol::ReplyBuilder& reply, std::string_view error);
void unknown_command(protocol::ReplyBuilder& reply, std::span<const std::string_view> args);
/// "unknown subcommand 'x'. Try CMD HELP." for container commands like CLIENT.
void unknown_subcommand(protocol::ReplyBuilder& reply, std::string_view command,
                        std::string_view subcommand);
void invalid_expire_time(protocol::ReplyBuilder& reply, std::string_view command);
void key_too_large(protocol::ReplyBuilder& reply, std::size_t limit);
void value_too_large(protocol::ReplyBuilder& reply, std::size_t limit);
/// The parser dropped an argument above the buffered-argument limit.
void argument_too_large(protocol::ReplyBuilder& reply, std::size_t limit);
/// "-ERR Protocol error: ..." before the connection is closed.
void protocol_error(protocol::ReplyBuilder& reply, protocol::ParseError error, char unexpected);

}  // namespace respcache::commands::replies
