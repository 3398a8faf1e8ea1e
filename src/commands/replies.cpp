#include "respcache/commands/replies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace respcache::commands::replies {
namespace {

// fmt::memory_buffer keeps up to 500 bytes inline, so these replies allocate nothing.
void send(protocol::ReplyBuilder& reply, const fmt::memory_buffer& text) {
  reply.error({text.data(), text.size()});
}

// C's "%s" stops at a NUL byte; Redis formats these texts that way, and so must we.
std::string_view c_string(std::string_view s) { return s.substr(0, s.find('\0')); }

}  // namespace

void wrong_arity(protocol::ReplyBuilder& reply, std::string_view command) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR wrong number of arguments for '{}' command",
                 command);
  send(reply, text);
}

void exec_aborted_wrong_arity(protocol::ReplyBuilder& reply, std::string_view command) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text),
                 "EXECABORT Transaction discarded because of: wrong number of arguments for "
                 "'{}' command",
                 command);
  send(reply, text);
}

void exec_aborted(protocol::ReplyBuilder& reply, std::string_view error) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "EXECABORT Transaction discarded because of: {}", error);
  send(reply, text);
}

void unknown_command(protocol::ReplyBuilder& reply, std::span<const std::string_view> args) {
  // Redis 7.0: the name cut to 128 bytes, then each argument quoted, until 128 bytes of them.
  fmt::memory_buffer quoted;
  for (std::size_t i = 1; i < args.size() && quoted.size() < 128; ++i) {
    const std::size_t room = 128 - quoted.size();
    const std::string_view arg = c_string(args[i]);
    fmt::format_to(std::back_inserter(quoted), "'{}' ", arg.substr(0, room));
  }
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR unknown command '{}', with args beginning with: {}",
                 c_string(args[0]).substr(0, 128), std::string_view(quoted.data(), quoted.size()));
  send(reply, text);
}

void unknown_subcommand(protocol::ReplyBuilder& reply, std::string_view command,
                        std::string_view subcommand) {
  fmt::memory_buffer upper;
  for (char c : c_string(command)) {
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR unknown subcommand '{}'. Try {} HELP.",
                 c_string(subcommand).substr(0, 128), std::string_view(upper.data(), upper.size()));
  send(reply, text);
}

void invalid_expire_time(protocol::ReplyBuilder& reply, std::string_view command) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR invalid expire time in '{}' command", command);
  send(reply, text);
}

namespace {

// "-ERR <what> is too large (<setting> is N bytes)": names the limit, so the client knows
// which flag to raise.
void too_large(protocol::ReplyBuilder& reply, std::string_view what, std::string_view setting,
               std::size_t limit) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR {} is too large ({} is {} bytes)", what, setting,
                 limit);
  send(reply, text);
}

}  // namespace

void key_too_large(protocol::ReplyBuilder& reply, std::size_t limit) {
  too_large(reply, "key", "max-key-size", limit);
}

void value_too_large(protocol::ReplyBuilder& reply, std::size_t limit) {
  too_large(reply, "value", "max-value-size", limit);
}

void argument_too_large(protocol::ReplyBuilder& reply, std::size_t limit) {
  too_large(reply, "argument", "max-value-size", limit);
}

void protocol_error(protocol::ReplyBuilder& reply, protocol::ParseError error, char unexpected) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), "ERR Protocol error: {}", protocol::describe(error));
  if (error == protocol::ParseError::kExpectedDollar) {
    text.push_back(unexpected);
    text.push_back('\'');
  }
  send(reply, text);
}

}  // namespace respcache::commands::replies
