#include "respcache/http/json.hpp"

#include <simdjson.h>

#include <array>
#include <cstdint>

namespace respcache::http {
namespace {

// A parser and its padded input copy per thread: reused, so a warmed-up thread parses
// without allocating. One that grew for a huge body is dropped before the next small one
// (not right after parsing: the caller's views still point into it).
constexpr std::size_t kKeepCapacity = 1 << 20;

struct ThreadParser {
  simdjson::dom::parser parser;
  std::string padded;
};

ThreadParser& thread_parser() {
  thread_local ThreadParser state;
  return state;
}

// Length of the UTF-8 sequence starting at bytes[i], or 0 if it is not valid UTF-8
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > bytes.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::array<std::uint32_t, 5> kMinimum{0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// Counts what the encoder would append, for a Content-Length written before the body.
struct SizeCounter {
  std::size_t size = 0;
  void push_back(char) { ++size; }
  void append(std::string_view bytes) { size += bytes.size(); }
};

template <class Out>
void append_escaped_control(Out& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    default:
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
  }
}

// Out: anything with push_back(char) and append(std::string_view).
template <class Out>
void encode_json_string(Out& out, std::string_view bytes) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      append_escaped_control(out, c);
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (const std::size_t length = utf8_sequence_length(bytes, i); length != 0) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      out.append("\\ufffd");
      ++i;
    }
  }
  out.push_back('"');
}

}  // namespace

std::string_view parse_put_body(std::string_view body, PutBody& out) {
  ThreadParser& state = thread_parser();
  if (state.parser.capacity() > kKeepCapacity && body.size() <= kKeepCapacity) {
    state.parser = simdjson::dom::parser();
    std::string().swap(state.padded);
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; copy into a padded buffer.
  state.padded.assign(body);
  state.padded.resize(body.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element document;
  std::string_view problem;
  if (state.parser.parse(state.padded.data(), body.size(), false).get(document) !=
      simdjson::SUCCESS) {
    problem = "Request body is not valid JSON.";
  } else if (!document.is_object()) {
    problem = "Request body must be a JSON object.";
  } else {
    std::string_view key;
    std::string_view value;
    const auto object = document.get_object().value_unsafe();
    if (object["key"].get_string().get(key) != simdjson::SUCCESS) {
      problem = "Field 'key' is missing or not a string.";
    } else if (object["value"].get_string().get(value) != simdjson::SUCCESS) {
      problem = "Field 'value' is missing or not a string.";
    } else {
      out = PutBody{key, value};
    }
  }
  return problem;
}

void append_json_string(std::string& out, std::string_view bytes) {
  encode_json_string(out, bytes);
}

void append_json_string(protocol::ByteBuffer& out, std::string_view bytes) {
  encode_json_string(out, bytes);
}

std::size_t json_string_size(std::string_view bytes) {
  SizeCounter counter;
  encode_json_string(counter, bytes);
  return counter.size;
}

}  // namespace respcache::http
