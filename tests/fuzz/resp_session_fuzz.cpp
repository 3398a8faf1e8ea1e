// libFuzzer target: bytes from a client through the RESP session, the command handlers and
// the cache, as a connection would deliver them. Catches crashes, leaks and undefined
// behaviour anywhere on the request path, with a tiny memory budget so eviction runs too.

#include "respcache/server/resp_session.hpp"
#include "session_fuzz_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return respcache::fuzz::feed_session<respcache::server::RespSession>(data, size);
}
