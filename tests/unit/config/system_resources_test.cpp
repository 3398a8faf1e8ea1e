#include "respcache/config/system_resources.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace respcache::config {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMiB = 1024 * 1024;

/// A made-up cgroup filesystem and /proc/self/cgroup in a temporary directory, so that the
/// parsing of both cgroup versions is tested on any machine.
class FakeCgroups : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("respcache-cgroup-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(root());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path root() const { return dir_ / "sys-fs-cgroup"; }
  std::string proc() const { return (dir_ / "proc-self-cgroup").string(); }

  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  SystemResources read() { return read_system_resources(root().string(), proc()); }

 private:
  fs::path dir_;
};

TEST_F(FakeCgroups, V2ReadsMemoryMaxAndCpuMaxOfOwnGroup) {
  write(root() / "cgroup.controllers", "cpu memory\n");
  write(root() / "app" / "memory.max", "268435456\n");
  write(root() / "app" / "cpu.max", "150000 100000\n");
  write(proc(), "0::/app\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_version, "v2");
  EXPECT_EQ(r.cgroup_memory_limit, 256 * kMiB);
  EXPECT_DOUBLE_EQ(r.cgroup_cpu_quota, 1.5);
  EXPECT_EQ(r.memory_limit(), 256 * kMiB);
}

TEST_F(FakeCgroups, V2MaxMeansNoLimit) {
  write(root() / "cgroup.controllers", "cpu memory\n");
  write(root() / "app" / "memory.max", "max\n");
  write(root() / "app" / "cpu.max", "max 100000\n");
  write(proc(), "0::/app\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_memory_limit, 0u);
  EXPECT_EQ(r.cgroup_cpu_quota, 0.0);
  EXPECT_EQ(r.memory_limit(), r.physical_memory);
}

TEST_F(FakeCgroups, V2TakesTheTightestLimitOnThePathToTheRoot) {
  write(root() / "cgroup.controllers", "cpu memory\n");
  write(root() / "outer" / "memory.max", "104857600\n");
  write(root() / "outer" / "cpu.max", "50000 100000\n");
  write(root() / "outer" / "inner" / "memory.max", "209715200\n");
  write(root() / "outer" / "inner" / "cpu.max", "200000 100000\n");
  write(proc(), "0::/outer/inner\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_memory_limit, 100 * kMiB);
  EXPECT_DOUBLE_EQ(r.cgroup_cpu_quota, 0.5);
}

// Inside a container the own group is the namespace's root: /proc/self/cgroup may name a path
// that this mount does not have, and the limits are on the mount's root.
TEST_F(FakeCgroups, V2InsideAContainerReadsTheMountRoot) {
  write(root() / "cgroup.controllers", "cpu memory\n");
  write(root() / "memory.max", "536870912\n");
  write(root() / "cpu.max", "200000 100000\n");
  write(proc(), "0::/system.slice/docker-abc.scope\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_memory_limit, 512 * kMiB);
  EXPECT_DOUBLE_EQ(r.cgroup_cpu_quota, 2.0);
}

TEST_F(FakeCgroups, V1ReadsLimitInBytesAndCfsQuota) {
  write(root() / "memory" / "memory.limit_in_bytes", "9223372036854771712\n");
  write(root() / "memory" / "grp" / "memory.limit_in_bytes", "1073741824\n");
  write(root() / "cpu,cpuacct" / "grp" / "cpu.cfs_quota_us", "250000\n");
  write(root() / "cpu,cpuacct" / "grp" / "cpu.cfs_period_us", "100000\n");
  write(proc(), "12:cpu,cpuacct:/grp\n4:memory:/grp\n1:name=systemd:/grp\n0::/grp\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_version, "v1");
  EXPECT_EQ(r.cgroup_memory_limit, 1024 * kMiB);
  EXPECT_DOUBLE_EQ(r.cgroup_cpu_quota, 2.5);
}

// v1 says "no limit" with a huge page-aligned number and "no quota" with -1.
TEST_F(FakeCgroups, V1UnlimitedValues) {
  write(root() / "memory" / "memory.limit_in_bytes", "9223372036854771712\n");
  write(root() / "cpu" / "cpu.cfs_quota_us", "-1\n");
  write(root() / "cpu" / "cpu.cfs_period_us", "100000\n");
  write(proc(), "4:memory:/\n2:cpu:/\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_version, "v1");
  EXPECT_EQ(r.cgroup_memory_limit, 0u);
  EXPECT_EQ(r.cgroup_cpu_quota, 0.0);
}

// Hosts that mount cpu alone (like this project's build machine) rather than "cpu,cpuacct".
TEST_F(FakeCgroups, V1SeparateCpuHierarchy) {
  write(root() / "memory" / "a" / "memory.limit_in_bytes", "536870912\n");
  write(root() / "cpu" / "b" / "cpu.cfs_quota_us", "50000\n");
  write(root() / "cpu" / "b" / "cpu.cfs_period_us", "100000\n");
  write(proc(), "4:memory:/a\n1:cpu:/b\n2:cpuacct:/b\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_memory_limit, 512 * kMiB);
  EXPECT_DOUBLE_EQ(r.cgroup_cpu_quota, 0.5);
}

TEST_F(FakeCgroups, GarbledFilesMeanNoLimitAndNeverThrow) {
  write(root() / "memory" / "g" / "memory.limit_in_bytes", "lots\n");
  write(root() / "cpu" / "g" / "cpu.cfs_quota_us", "x\n");
  write(root() / "cpu" / "g" / "cpu.cfs_period_us", "100000\n");
  write(proc(), "4:memory:/g\n1:cpu:/g\n");
  SystemResources r;
  EXPECT_NO_THROW(r = read());
  EXPECT_EQ(r.cgroup_memory_limit, 0u);
  EXPECT_EQ(r.cgroup_cpu_quota, 0.0);

  write(root() / "cgroup.controllers", "memory\n");
  write(root() / "g" / "memory.max", "12abc\n");
  write(root() / "g" / "cpu.max", "abc 100000\n");
  write(proc(), "0::/g\n");
  EXPECT_NO_THROW(r = read());
  EXPECT_EQ(r.cgroup_version, "v2");
  EXPECT_EQ(r.cgroup_memory_limit, 0u);
  EXPECT_EQ(r.cgroup_cpu_quota, 0.0);
}

TEST_F(FakeCgroups, NoCgroupFilesystem) {
  write(proc(), "0::/\n");
  const SystemResources r = read();
  EXPECT_EQ(r.cgroup_version, "none");
  EXPECT_EQ(r.cgroup_memory_limit, 0u);
  EXPECT_GT(r.physical_memory, 0u);
  EXPECT_GE(r.affinity_cpus, 1u);
}

TEST(UsableCpus, QuotaRoundedUpThenCappedByAffinity) {
  SystemResources r;
  r.affinity_cpus = 4;
  r.cgroup_cpu_quota = 1.5;
  EXPECT_EQ(r.usable_cpus(), 2u);
  r.cgroup_cpu_quota = 2.0;
  EXPECT_EQ(r.usable_cpus(), 2u);
  r.cgroup_cpu_quota = 0.2;
  EXPECT_EQ(r.usable_cpus(), 1u);
  r.cgroup_cpu_quota = 8;
  EXPECT_EQ(r.usable_cpus(), 4u);
  r.cgroup_cpu_quota = 0;  // no quota: every CPU in the affinity mask
  EXPECT_EQ(r.usable_cpus(), 4u);
}

}  // namespace
}  // namespace respcache::config
