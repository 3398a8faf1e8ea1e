// libFuzzer target: bytes from a client through the HTTP request framer (http-parser), the
// JSON API (simdjson), the command handlers and the cache, as a connection would deliver
// them. Catches crashes, leaks and undefined behaviour anywhere on the HTTP request path,
// with tiny limits so that 413/414/431 and eviction are reached too.

#include "respcache/server/http_session.hpp"
#include "session_fuzz_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return respcache::fuzz::feed_session<respcache::server::HttpSession>(data, size);
}
