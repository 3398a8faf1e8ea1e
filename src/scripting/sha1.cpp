#include "respcache/scripting/sha1.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace respcache::scripting {

std::array<char, 40> sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 40> out{};
  for (std::size_t i = 0; i < 20; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

bool looks_like_sha1(std::string_view text) {
  if (text.size() != 40) return false;
  for (const char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

}  // namespace respcache::scripting
