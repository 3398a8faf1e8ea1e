#include "respcache/config/config.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "respcache/config/system_resources.hpp"

namespace respcache::config {
namespace {

constexpr std::size_t kGiB = 1024UL * 1024 * 1024;

TEST(ParseMemorySize, RedisSuffixes) {
  EXPECT_EQ(parse_memory_size("1048576"), 1048576u);
  EXPECT_EQ(parse_memory_size("0"), 0u);
  EXPECT_EQ(parse_memory_size("1k"), 1000u);
  EXPECT_EQ(parse_memory_size("1kb"), 1024u);
  EXPECT_EQ(parse_memory_size("64MB"), 64u * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("2m"), 2'000'000u);
  EXPECT_EQ(parse_memory_size("2gb"), 2 * kGiB);
  EXPECT_EQ(parse_memory_size("3G"), 3'000'000'000u);
  EXPECT_EQ(parse_memory_size("5b"), 5u);
}

TEST(ParseMemorySize, RejectsWhatIsNotASize) {
  for (const char* text :
       {"", "abc", "12x", "-1", "1.5gb", "kb", " 1", "99999999999999999999", "99999999999999gb"}) {
    EXPECT_EQ(parse_memory_size(text), std::nullopt) << text;
  }
}

/// Runs parse_command_line on a made-up machine.
Config parse(const SystemResources& system, std::initializer_list<const char*> flags) {
  std::vector<std::string> storage = {"respcache"};
  storage.insert(storage.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  const CommandLine line = parse_command_line(static_cast<int>(argv.size()), argv.data(), system);
  EXPECT_TRUE(line.config.has_value());
  return line.config.value_or(Config{});
}

SystemResources container(std::size_t memory_limit, double cpu_quota, unsigned affinity) {
  SystemResources r;
  r.physical_memory = 16 * kGiB;
  r.cgroup_memory_limit = memory_limit;
  r.cgroup_cpu_quota = cpu_quota;
  r.affinity_cpus = affinity;
  r.cgroup_version = "v1";
  return r;
}

TEST(DerivedDefaults, MaxMemoryIsTheDefaultFractionOfTheCgroupLimit) {
  const Config c = parse(container(2 * kGiB, 0, 4), {});
  EXPECT_EQ(c.max_memory, static_cast<std::size_t>(2.0 * kGiB * kDefaultMemoryFraction));
  EXPECT_NE(c.max_memory_source.find("cgroup memory limit"), std::string::npos)
      << c.max_memory_source;
}

TEST(DerivedDefaults, MaxMemoryFallsBackToPhysicalMemory) {
  const Config c = parse(container(0, 0, 4), {});
  EXPECT_EQ(c.max_memory, static_cast<std::size_t>(16.0 * kGiB * kDefaultMemoryFraction));
  EXPECT_NE(c.max_memory_source.find("physical memory"), std::string::npos) << c.max_memory_source;
}

TEST(DerivedDefaults, MaxMemoryAsPercentOrBytes) {
  EXPECT_EQ(parse(container(2 * kGiB, 0, 4), {"--maxmemory", "25%"}).max_memory, kGiB / 2);
  const Config bytes = parse(container(2 * kGiB, 0, 4), {"--maxmemory", "100mb"});
  EXPECT_EQ(bytes.max_memory, 100u * 1024 * 1024);
  EXPECT_EQ(bytes.max_memory_source, "--maxmemory");
}

TEST(DerivedDefaults, BadPercentagesAreRefused) {
  for (const char* bad : {"0%", "101%", "-5%", "abc%", "5x%"}) {
    std::vector<std::string> storage = {"respcache", "--maxmemory", bad};
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    const CommandLine line = parse_command_line(3, argv.data(), container(kGiB, 0, 2));
    EXPECT_FALSE(line.config.has_value()) << bad;
    EXPECT_NE(line.exit_code, 0) << bad;
  }
}

// Each flag value alone must refuse to start (stderr is CLI11's or ours, not checked here).
void expect_refused(const char* flag, const char* value) {
  std::vector<std::string> storage = {"respcache", flag, value};
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  const CommandLine line = parse_command_line(3, argv.data(), container(kGiB, 0, 2));
  testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  EXPECT_FALSE(line.config.has_value()) << flag << " " << value;
  EXPECT_NE(line.exit_code, 0) << flag << " " << value;
}

TEST(Databases, SixteenByDefaultUpTo128) {
  EXPECT_EQ(parse(container(kGiB, 0, 2), {}).databases, 16u);
  EXPECT_EQ(parse(container(kGiB, 0, 2), {"--databases", "1"}).databases, 1u);
  EXPECT_EQ(parse(container(kGiB, 0, 2), {"--databases", "128"}).databases, 128u);
  for (const char* bad : {"0", "129", "-1", "abc"}) expect_refused("--databases", bad);
}

TEST(MaxKeySize, CappedByTheEntrysKeyLengthField) {
  EXPECT_EQ(parse(container(kGiB, 0, 2), {"--max-key-size", "16777215"}).max_key_size, 16777215u);
  expect_refused("--max-key-size", "16mb");
}

TEST(MaxValueSize, CappedByTheEntrysValueLengthField) {
  EXPECT_EQ(parse(container(kGiB, 0, 2), {"--max-value-size", "1073741823"}).max_value_size,
            1073741823u);
  expect_refused("--max-value-size", "1gb");
}

TEST(DerivedDefaults, ThreadsFromTheCpuQuotaRoundedUpAndCappedByAffinity) {
  const Config quota = parse(container(kGiB, 1.5, 4), {});
  EXPECT_EQ(quota.threads, 2u);
  EXPECT_NE(quota.threads_source.find("quota"), std::string::npos) << quota.threads_source;
  EXPECT_EQ(parse(container(kGiB, 6, 3), {}).threads, 3u);
  EXPECT_EQ(parse(container(kGiB, 0, 3), {}).threads, 3u);
}

TEST(DerivedDefaults, AtLeastTwoThreadsSoThatABusyScriptLeavesOneToAnswer) {
  const Config one_cpu = parse(container(kGiB, 1, 4), {});
  EXPECT_EQ(one_cpu.threads, 2u);
  EXPECT_NE(one_cpu.threads_source.find("at least 2"), std::string::npos) << one_cpu.threads_source;
  EXPECT_EQ(parse(container(kGiB, 0, 1), {}).threads, 2u);
  EXPECT_EQ(parse(container(kGiB, 0, 1), {"--threads", "1"}).threads, 1u);
}

TEST(DerivedDefaults, ExplicitThreadsWin) {
  const Config c = parse(container(kGiB, 1.5, 4), {"--threads", "7"});
  EXPECT_EQ(c.threads, 7u);
  EXPECT_EQ(c.threads_source, "--threads");
}

TEST(MaxMemoryPolicy, DefaultsToAllKeysLru) {
  EXPECT_EQ(parse(container(kGiB, 0, 2), {}).max_memory_policy,
            storage::EvictionPolicy::kAllKeysLru);
}

TEST(MaxMemoryPolicy, TakesEveryRedisName) {
  for (const storage::EvictionPolicy policy : storage::kEvictionPolicies) {
    const std::string name(storage::eviction_policy_name(policy));
    EXPECT_EQ(parse(container(kGiB, 0, 2), {"--maxmemory-policy", name.c_str()}).max_memory_policy,
              policy)
        << name;
  }
  EXPECT_EQ(parse(container(kGiB, 0, 2), {"--maxmemory-policy", "Volatile-TTL"}).max_memory_policy,
            storage::EvictionPolicy::kVolatileTtl);
}

TEST(MaxMemoryPolicy, UnknownNamesAreRefusedAtStartUp) {
  for (const char* bad : {"lru", "allkeys-sieve", ""}) {
    std::vector<std::string> storage = {"respcache", "--maxmemory-policy", bad};
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    const CommandLine line = parse_command_line(3, argv.data(), container(kGiB, 0, 2));
    const std::string printed =
        testing::internal::GetCapturedStdout() + testing::internal::GetCapturedStderr();
    EXPECT_FALSE(line.config.has_value()) << bad;
    EXPECT_NE(line.exit_code, 0) << bad;
    EXPECT_NE(printed.find("--maxmemory-policy"), std::string::npos) << printed;
    EXPECT_NE(printed.find("allkeys-lru, allkeys-lfu"), std::string::npos) << printed;
  }
}

}  // namespace
}  // namespace respcache::config
