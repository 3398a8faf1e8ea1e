#pragma once

#include <cstddef>
#include <string>

namespace respcache::config {

/// What the process may use, read from the cgroup it runs in (v2 or v1) and the kernel.
struct SystemResources {
  std::size_t physical_memory = 0;
  /// The tightest cgroup memory limit on the path from this process's cgroup to the root;
  /// 0 when there is none (or it is larger than physical memory).
  std::size_t cgroup_memory_limit = 0;
  /// CPUs in the affinity mask (sched_getaffinity).
  unsigned affinity_cpus = 1;
  /// CPU quota in CPUs (cpu.max or cfs_quota_us / cfs_period_us); 0 when unlimited.
  double cgroup_cpu_quota = 0;
  std::string cgroup_version;  ///< "v2", "v1" or "none"

  /// The memory the process may use: the cgroup limit, else physical memory.
  std::size_t memory_limit() const {
    return cgroup_memory_limit != 0 ? cgroup_memory_limit : physical_memory;
  }
  /// Threads worth running: the quota rounded up, capped by affinity.
  unsigned usable_cpus() const;
};

/// Reads the current process's limits. Never throws: missing files mean "no limit".
/// `root` is where the cgroup filesystem is mounted (tests point it at a fake tree).
SystemResources read_system_resources(const std::string& cgroup_root = "/sys/fs/cgroup",
                                      const std::string& proc_self_cgroup = "/proc/self/cgroup");

}  // namespace respcache::config
