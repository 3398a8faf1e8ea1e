// libFuzzer target for the RDB decoding FUNCTION RESTORE does: the footer check, then every
// string encoding (plain, integer, LZF) the reader takes, on arbitrary bytes. Whatever it
// reads must stay inside the input and never expand past what it announced. The same input
// with a valid footer added is read too, so the fuzzer reaches the reader without forging
// CRCs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "respcache/persistence/rdb_codec.hpp"

namespace {

void read_all(std::string_view body) {
  respcache::persistence::RdbReader reader(body);
  std::string out;
  std::uint8_t type = 0;
  while (reader.remaining() > 0 && reader.read_byte(type)) {
    if (!reader.read_string(out)) break;
    if (reader.position() > body.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view body;
  if (respcache::persistence::verify_dump_payload(input, body)) read_all(body);
  std::string signed_payload(input);
  respcache::persistence::append_dump_footer(signed_payload);
  if (!respcache::persistence::verify_dump_payload(signed_payload, body)) __builtin_trap();
  read_all(body);
  std::string expanded;
  respcache::persistence::lzf_decompress(input, size * 4, expanded);
  if (expanded.size() > size * 4) __builtin_trap();
  return 0;
}
