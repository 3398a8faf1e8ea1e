#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/protocol/reply_builder.hpp"

namespace respcache::protocol {

enum class ReplyType {
  kSimple,
  kError,
  kInteger,
  kBulk,
  kNull,
  kNullArray,
  kArray,
  kMap,
  kSet,
  kPush,
  kDouble,
  kBoolean,
  kVerbatim,
  kBigNumber,
};

/// One value of a recorded reply. Aggregates are followed by their elements, in order.
struct ReplyNode {
  ReplyType type;
  long long integer = 0;  ///< kInteger, kBoolean (0/1); element count of an aggregate
  double number = 0;      ///< kDouble
  /// Where the node's text starts in the recorder (every node has one, so that a rollback
  /// knows where to cut); `length` is 0 for nodes without text.
  std::size_t offset = 0;
  std::size_t length = 0;
  char format[3] = {};  ///< kVerbatim: RESP3's three-letter tag ("txt")
};

/// Takes a bulk string's bytes instead of the recorder copying them: HTTP writes a value
/// straight into its response, while the shard's lock is still held. Called during the
/// command's bulk() call only.
class BulkConsumer {
 public:
  virtual void consume(std::string_view data) = 0;

 protected:
  ~BulkConsumer() = default;
};

/// Keeps a reply as typed values instead of bytes, so a caller that is not a RESP client
/// (the HTTP API) reads it without parsing. Reused across commands: clear() keeps its
/// capacity, so a warmed-up recorder records without allocating.
class ReplyRecorder final : public ReplyBuilder {
 public:
  /// With a consumer, bulk strings go to it and are recorded with no text.
  void set_bulk_consumer(BulkConsumer* consumer) { consumer_ = consumer; }
  /// What protocol() reports to commands (3 unless set): a script's redis.call records in the
  /// protocol the script chose with redis.setresp, since a few commands answer differently.
  void set_protocol(int protocol) { protocol_ = protocol; }
  void clear() {
    nodes_.clear();
    text_.clear();
  }

  const std::vector<ReplyNode>& nodes() const { return nodes_; }
  std::string_view text(const ReplyNode& node) const {
    return std::string_view(text_).substr(node.offset, node.length);
  }
  /// The first value, the whole reply for a command that answers with a scalar.
  const ReplyNode* top() const { return nodes_.empty() ? nullptr : &nodes_.front(); }

  void simple(std::string_view text) override { add_text(ReplyType::kSimple, text); }
  void ok() override { simple("OK"); }
  void error(std::string_view text) override { add_text(ReplyType::kError, text); }
  void integer(long long value) override { add_number(ReplyType::kInteger, value); }
  void bulk(std::string_view data) override;
  void null() override { add_number(ReplyType::kNull, 0LL); }
  void null_array() override { add_number(ReplyType::kNullArray, 0LL); }
  void array(std::size_t count) override { add_number(ReplyType::kArray, count); }
  void map(std::size_t pairs) override { add_number(ReplyType::kMap, pairs); }
  void set(std::size_t count) override { add_number(ReplyType::kSet, count); }
  void push(std::size_t count) override { add_number(ReplyType::kPush, count); }
  void double_value(double value) override;
  void boolean(bool value) override { add_number(ReplyType::kBoolean, value ? 1LL : 0LL); }
  void verbatim(std::string_view text, std::string_view format) override;
  void big_number(std::string_view digits) override { add_text(ReplyType::kBigNumber, digits); }

  int protocol() const override { return protocol_; }
  std::size_t mark() const override { return nodes_.size(); }
  void rollback(std::size_t mark) override;

 private:
  void add_text(ReplyType type, std::string_view text);
  void add_number(ReplyType type, long long value) {
    ReplyNode node{type};
    node.integer = value;
    node.offset = text_.size();
    nodes_.push_back(node);
  }
  void add_number(ReplyType type, std::size_t count) {
    add_number(type, static_cast<long long>(count));
  }

  std::vector<ReplyNode> nodes_;
  std::string text_;
  BulkConsumer* consumer_ = nullptr;
  int protocol_ = 3;
};

}  // namespace respcache::protocol
