// libFuzzer target: the RESP parser alone. Each input is parsed twice, whole and in chunks
// whose sizes come from the input itself, and both runs must agree on every command,
// rejection and error; consumed counts must never pass the end of the input. The first byte
// picks the chunk size and whether the client counts as unauthenticated (tight limits).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "respcache/protocol/resp_parser.hpp"

using namespace respcache::protocol;

namespace {

std::vector<std::string> run(const std::string& input, std::size_t chunk, bool unauthenticated) {
  ParserLimits limits;
  limits.max_inline_len = 256;
  limits.max_bulk_len = 4096;
  limits.max_buffered_arg_len = 64;
  limits.max_args = 64;
  limits.max_unauthenticated_args = 4;
  limits.max_unauthenticated_bulk_len = 16;
  RespParser parser(limits);
  parser.set_unauthenticated(unauthenticated);
  std::vector<std::string> events;
  std::string buffer;
  std::size_t fed = 0;
  while (true) {
    const std::size_t take = std::min(chunk, input.size() - fed);
    buffer.append(input, fed, take);
    fed += take;
    while (true) {
      const ParseResult r = parser.parse({buffer.data(), buffer.size()});
      if (r.consumed > buffer.size()) std::abort();
      if (r.status == ParseStatus::kCommand) {
        std::string event = "C";
        for (auto arg : parser.args()) {
          if (arg.data() < buffer.data() ||
              arg.data() + arg.size() > buffer.data() + buffer.size()) {
            std::abort();
          }
          event += std::to_string(arg.size()) + ":" + std::string(arg) + ";";
        }
        events.push_back(event);
      } else if (r.status == ParseStatus::kRejected) {
        events.push_back("R");
      } else if (r.status == ParseStatus::kProtocolError) {
        events.push_back("E" + std::to_string(static_cast<int>(parser.error())));
        return events;
      }
      buffer.erase(0, r.consumed);
      if (r.status == ParseStatus::kNeedMore) break;
    }
    if (fed == input.size()) return events;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + (data[0] & 0x7f) % 17;
  const bool unauthenticated = (data[0] & 0x80) != 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = run(input, input.size() + 1, unauthenticated);
  const auto split = run(input, chunk, unauthenticated);
  // An error may be found at a different point only if the whole run found it too; otherwise
  // both runs must have seen exactly the same commands.
  if (whole != split) std::abort();
  return 0;
}
