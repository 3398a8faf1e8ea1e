#include "respcache/http/url.hpp"

#include <gtest/gtest.h>

namespace respcache::http {
namespace {

TEST(QueryParam, FindsAndDecodes) {
  std::string value;
  EXPECT_EQ(find_query_param("key=a%20b+c%2B%00", "key", value), QueryParam::kFound);
  EXPECT_EQ(value, std::string("a b c+\0", 7));
  EXPECT_EQ(find_query_param("x=1&key=%E2%82%AC&key=2", "key", value), QueryParam::kFound);
  EXPECT_EQ(value, "\xe2\x82\xac");
  EXPECT_EQ(find_query_param("key=", "key", value), QueryParam::kFound);
  EXPECT_EQ(value, "");
  EXPECT_EQ(find_query_param("key", "key", value), QueryParam::kFound);
  EXPECT_EQ(value, "");
}

TEST(QueryParam, ReportsAbsentAndMalformed) {
  std::string value;
  EXPECT_EQ(find_query_param("", "key", value), QueryParam::kAbsent);
  EXPECT_EQ(find_query_param("keys=1&akey=2", "key", value), QueryParam::kAbsent);
  EXPECT_EQ(find_query_param("key=%", "key", value), QueryParam::kMalformed);
  EXPECT_EQ(find_query_param("key=%2", "key", value), QueryParam::kMalformed);
  EXPECT_EQ(find_query_param("key=%zz", "key", value), QueryParam::kMalformed);
}

}  // namespace
}  // namespace respcache::http
