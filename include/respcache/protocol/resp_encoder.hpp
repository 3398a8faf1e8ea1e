#pragma once

#include "respcache/protocol/byte_buffer.hpp"
#include "respcache/protocol/reply_builder.hpp"

namespace respcache::protocol {

/// Writes replies as RESP2 or RESP3 bytes to a connection's output buffer, each built in
/// place: no temporary strings, no allocation beyond the buffer's own growth. The protocol
/// can change between replies (HELLO).
/// Redis 7.0's text for a double reply (addReplyDouble): "%.17g", and "inf" / "-inf". `buffer`
/// holds the characters; the view points into it.
std::string_view double_text(double value, char (&buffer)[64]);

class RespEncoder final : public ReplyBuilder {
 public:
  explicit RespEncoder(ByteBuffer& out, int protocol = 2) : out_(out), resp3_(protocol == 3) {}

  void set_protocol(int protocol) { resp3_ = protocol == 3; }
  /// Called with each error text as it is written (INFO errorstats); `context` is passed back.
  using ErrorHook = void (*)(void* context, std::string_view text);
  void set_error_hook(ErrorHook hook, void* context) {
    error_hook_ = hook;
    error_context_ = context;
  }

  void simple(std::string_view text) override;
  void ok() override { out_.append("+OK\r\n", 5); }
  void error(std::string_view text) override;
  void integer(long long value) override { prefixed_number(':', value); }
  void bulk(std::string_view data) override;
  void null() override { resp3_ ? out_.append("_\r\n", 3) : out_.append("$-1\r\n", 5); }
  void null_array() override { resp3_ ? out_.append("_\r\n", 3) : out_.append("*-1\r\n", 5); }
  void array(std::size_t count) override { aggregate('*', count); }
  void map(std::size_t pairs) override;
  void set(std::size_t count) override { aggregate(resp3_ ? '~' : '*', count); }
  void push(std::size_t count) override { aggregate(resp3_ ? '>' : '*', count); }
  void double_value(double value) override;
  void boolean(bool value) override;
  void verbatim(std::string_view text, std::string_view format) override;
  void big_number(std::string_view digits) override;

  int protocol() const override { return resp3_ ? 3 : 2; }
  void switch_protocol(int protocol) override { set_protocol(protocol); }
  std::size_t mark() const override { return out_.size(); }
  void rollback(std::size_t mark) override { out_.truncate(mark); }

 private:
  void prefixed_number(char prefix, long long value);
  void aggregate(char prefix, std::size_t count) {
    prefixed_number(prefix, static_cast<long long>(count));
  }
  /// `prefix` followed by text and CRLF.
  void line(char prefix, std::string_view text);

  ByteBuffer& out_;
  bool resp3_;
  ErrorHook error_hook_ = nullptr;
  void* error_context_ = nullptr;
};

}  // namespace respcache::protocol
