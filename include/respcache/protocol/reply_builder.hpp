#pragma once

#include <cstddef>
#include <string_view>

namespace respcache::protocol {

/// How a command describes its reply: typed calls, one per RESP3 value, that an encoder turns
/// into bytes for the client's protocol (RespEncoder: RESP2 or RESP3) or into a typed value
/// (ReplyRecorder, which HTTP turns into JSON). A command makes exactly one top-level value;
/// an aggregate call (array, map, set, push) is followed by its elements' calls.
///
/// Where RESP2 has no such type the encoder writes what Redis 7.0 writes in RESP2: a map is
/// an array of key, value, ...; a set or a push an array; a double, a verbatim string or a
/// big number a bulk string; a boolean the integer 1 or 0; every null `$-1` except
/// null_array's `*-1`. RESP3 writes `_` for both nulls.
///
/// `error` texts start with their code ("ERR ...", "NOAUTH ...") and are written as given,
/// CR and LF turned into spaces. Views passed in are copied before the call returns.
class ReplyBuilder {
 public:
  virtual ~ReplyBuilder() = default;

  virtual void simple(std::string_view text) = 0;
  virtual void ok() = 0;  ///< simple("OK"), the commonest reply, kept cheap
  virtual void error(std::string_view text) = 0;
  virtual void integer(long long value) = 0;
  virtual void bulk(std::string_view data) = 0;
  /// A missing value: GET of a missing key.
  virtual void null() = 0;
  /// A missing aggregate: EXEC after a WATCH failed, COMMAND INFO of an unknown command.
  virtual void null_array() = 0;
  virtual void array(std::size_t count) = 0;
  /// `pairs` key-value pairs follow, each as two values.
  virtual void map(std::size_t pairs) = 0;
  virtual void set(std::size_t count) = 0;
  /// An out-of-band message (pub/sub, invalidation): `count` values follow.
  virtual void push(std::size_t count) = 0;
  /// Redis's addReplyDouble: "%.17g", and "inf" / "-inf".
  virtual void double_value(double value) = 0;
  virtual void boolean(bool value) = 0;
  /// Text for humans (INFO, CLIENT LIST); `format` is RESP3's three-letter tag.
  virtual void verbatim(std::string_view text, std::string_view format = "txt") = 0;
  /// An integer too large for 64 bits, as decimal digits.
  virtual void big_number(std::string_view digits) = 0;

  /// The RESP version the client reads (2 or 3), for the rare command whose reply differs
  /// in more than encoding. Recorders report 3: they keep every type.
  virtual int protocol() const = 0;
  /// HELLO switched the client's protocol: an encoder writes this reply and the ones after it
  /// in `protocol`. Recorders keep every type, so they ignore it.
  virtual void switch_protocol(int /*protocol*/) {}

  /// A point to go back to: rollback(mark()) drops every call made since, so a command that
  /// started its reply under a lock and then failed can send an error instead.
  virtual std::size_t mark() const = 0;
  virtual void rollback(std::size_t mark) = 0;
};

}  // namespace respcache::protocol
