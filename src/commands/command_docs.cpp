#include "command_docs.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include "command_support.hpp"

namespace respcache::commands {
namespace {

struct GeneratedDoc {
  std::string_view name;
  std::string_view info;
  std::string_view docs;
};

constexpr GeneratedDoc kGenerated[] = {
#include "command_docs.inc"
};

// The generated data is trusted: every header is well formed, so parsing needs no checks.
struct Header {
  char type;
  long long number;
  std::size_t body;  // offset just after the header line
};

Header header(std::string_view bytes, std::size_t pos) {
  const std::size_t end = bytes.find("\r\n", pos);
  Header h{bytes[pos], 0, end + 2};
  if (h.type != '+' && h.type != '-' && h.type != '_') {
    std::from_chars(bytes.data() + pos + 1, bytes.data() + end, h.number);
  }
  return h;
}

// Offset just past the value at `pos`.
std::size_t skip(std::string_view bytes, std::size_t pos) {
  const Header h = header(bytes, pos);
  switch (h.type) {
    case '$':
    case '=':
    case '!':
      return h.body + static_cast<std::size_t>(h.number) + 2;
    case '*':
    case '~':
    case '>': {
      std::size_t at = h.body;
      for (long long i = 0; i < h.number; ++i) at = skip(bytes, at);
      return at;
    }
    case '%': {
      std::size_t at = h.body;
      for (long long i = 0; i < 2 * h.number; ++i) at = skip(bytes, at);
      return at;
    }
    default:
      return h.body;
  }
}

// The i-th element of the aggregate at `pos`, as a view of its bytes.
std::string_view element(std::string_view bytes, std::size_t i) {
  std::size_t at = header(bytes, 0).body;
  for (std::size_t j = 0; j < i; ++j) at = skip(bytes, at);
  return bytes.substr(at, skip(bytes, at) - at);
}

std::vector<std::string_view> elements(std::string_view aggregate) {
  std::vector<std::string_view> out;
  const Header h = header(aggregate, 0);
  std::size_t at = h.body;
  const long long count = h.type == '%' ? 2 * h.number : h.number;
  for (long long i = 0; i < count; ++i) {
    const std::size_t end = skip(aggregate, at);
    out.push_back(aggregate.substr(at, end - at));
    at = end;
  }
  return out;
}

std::string_view scalar(std::string_view value) {
  const Header h = header(value, 0);
  if (h.type == '$') return value.substr(h.body, static_cast<std::size_t>(h.number));
  return value.substr(1, value.size() - 3);  // + line
}

CommandDoc make_doc(std::string_view info, std::string_view docs) {
  CommandDoc doc;
  doc.name = scalar(element(info, 0));
  doc.info = info;
  doc.docs = docs;
  for (std::string_view category : elements(element(info, 6))) {
    doc.acl_categories.push_back(scalar(category));
  }
  const std::vector<std::string_view> sub_infos = elements(element(info, 9));
  if (sub_infos.empty()) return doc;
  // The docs' "subcommands" map, name -> docs, in the same order as the infos.
  std::vector<std::string_view> sub_docs;
  const std::vector<std::string_view> fields = elements(docs);
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (scalar(fields[i]) == "subcommands") sub_docs = elements(fields[i + 1]);
  }
  for (std::string_view sub_info : sub_infos) {
    std::string_view sub_doc = "%0\r\n";
    const std::string_view sub_name = scalar(element(sub_info, 0));
    for (std::size_t i = 0; i + 1 < sub_docs.size(); i += 2) {
      if (scalar(sub_docs[i]) == sub_name) sub_doc = sub_docs[i + 1];
    }
    doc.subcommands.push_back(make_doc(sub_info, sub_doc));
  }
  return doc;
}

const std::vector<CommandDoc>& docs() {
  static const auto* all = [] {
    auto* out = new std::vector<CommandDoc>();
    for (const GeneratedDoc& g : kGenerated) out->push_back(make_doc(g.info, g.docs));
    return out;
  }();
  return *all;
}

}  // namespace

std::span<const CommandDoc> command_docs() { return docs(); }

const CommandDoc* find_command_doc(std::string_view name) {
  const std::size_t bar = name.find('|');
  const std::string_view top = name.substr(0, bar);
  for (const CommandDoc& doc : docs()) {
    if (!iequals(doc.name, top)) continue;
    if (bar == std::string_view::npos) return &doc;
    for (const CommandDoc& sub : doc.subcommands) {
      if (iequals(sub.name, name)) return &sub;
    }
    return nullptr;
  }
  return nullptr;
}

std::size_t replay_resp(protocol::ReplyBuilder& reply, std::string_view bytes) {
  const Header h = header(bytes, 0);
  const auto count = static_cast<std::size_t>(h.number);
  std::size_t at = h.body;
  const auto children = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) at += replay_resp(reply, bytes.substr(at));
  };
  switch (h.type) {
    case '+':
      reply.simple(bytes.substr(1, h.body - 3));
      return h.body;
    case '-':
      reply.error(bytes.substr(1, h.body - 3));
      return h.body;
    case ':':
      reply.integer(h.number);
      return h.body;
    case '$':
      reply.bulk(bytes.substr(h.body, count));
      return h.body + count + 2;
    case '_':
      reply.null();
      return h.body;
    case '*':
      reply.array(count);
      children(count);
      return at;
    case '~':
      reply.set(count);
      children(count);
      return at;
    case '%':
      reply.map(count);
      children(2 * count);
      return at;
    default:  // not in the generated data
      reply.null();
      return skip(bytes, 0);
  }
}

}  // namespace respcache::commands
