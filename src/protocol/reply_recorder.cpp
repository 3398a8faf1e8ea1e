#include "respcache/protocol/reply_recorder.hpp"

namespace respcache::protocol {

void ReplyRecorder::add_text(ReplyType type, std::string_view text) {
  ReplyNode node{type};
  node.offset = text_.size();
  node.length = text.size();
  text_.append(text);
  nodes_.push_back(node);
}

void ReplyRecorder::bulk(std::string_view data) {
  if (consumer_ == nullptr) return add_text(ReplyType::kBulk, data);
  consumer_->consume(data);
  ReplyNode node{ReplyType::kBulk};
  node.offset = text_.size();
  nodes_.push_back(node);
}

void ReplyRecorder::double_value(double value) {
  ReplyNode node{ReplyType::kDouble};
  node.number = value;
  node.offset = text_.size();
  nodes_.push_back(node);
}

void ReplyRecorder::verbatim(std::string_view text, std::string_view format) {
  add_text(ReplyType::kVerbatim, text);
  for (std::size_t i = 0; i < sizeof nodes_.back().format && i < format.size(); ++i) {
    nodes_.back().format[i] = format[i];
  }
}

void ReplyRecorder::rollback(std::size_t mark) {
  if (mark >= nodes_.size()) return;
  text_.resize(nodes_[mark].offset);
  nodes_.resize(mark);
}

}  // namespace respcache::protocol
