// libFuzzer target: random scripts and arguments through EVAL, in the sandbox, against an
// in-process Service (no network). The input is the script, then up to eight arguments,
// separated by NUL bytes; the first two arguments are KEYS. A script that loops stops at an
// instruction budget, one that allocates without end at the Lua heap limit.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../unit/commands/command_harness.hpp"

namespace {

respcache::commands::testing::CommandHarness& harness() {
  static auto* h = [] {
    auto config = respcache::commands::testing::test_config();
    config.lua_heap_limit = 64ULL << 20;
    config.lua_max_instructions = 2'000'000;
    return new respcache::commands::testing::CommandHarness(config);
  }();
  return *h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 9) {
    const std::size_t end = input.find('\0', start);
    parts.push_back(input.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const std::size_t numkeys = parts.size() > 1 ? std::min<std::size_t>(2, parts.size() - 1) : 0;
  const std::string numkeys_text = std::to_string(numkeys);
  std::vector<std::string_view> args = {"EVAL", parts[0], numkeys_text};
  args.insert(args.end(), parts.begin() + 1, parts.end());
  harness().run(args);
  // Every input starts from an empty keyspace. It also keeps LeakSanitizer right: the hash
  // table's slots hold tagged pointers, so entries left between inputs look leaked to it.
  harness().run({"FLUSHALL"});
  return 0;
}
