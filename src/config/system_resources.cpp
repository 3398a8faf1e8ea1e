#include "respcache/config/system_resources.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace respcache::config {
namespace {

std::optional<std::string> read_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

/// A whole decimal number (a leading '-' allowed), or nullopt for anything else: "max",
/// an empty or garbled file. Never throws, so a strange cgroup file means "no limit".
std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr == text.data()) return std::nullopt;
  for (const char* p = ptr; p != end; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p))) return std::nullopt;
  }
  return value;
}

std::optional<unsigned long long> read_number(const std::filesystem::path& path) {
  auto line = read_first_line(path);
  if (!line) return std::nullopt;
  const auto value = parse_integer(*line);
  if (!value || *value < 0) return std::nullopt;
  return static_cast<unsigned long long>(*value);
}

/// The cgroup path of this process for a v1 controller, or for v2 (controller "").
std::string cgroup_path(const std::string& proc_self_cgroup, const std::string& controller) {
  std::ifstream in(proc_self_cgroup);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controller.empty()) {
      if (controllers.empty()) return path;
      continue;
    }
    std::stringstream list(controllers);
    std::string name;
    while (std::getline(list, name, ',')) {
      if (name == controller) return path;
    }
  }
  return "/";
}

/// Directories from the process's own cgroup up to the hierarchy's root, those that exist in
/// this mount namespace (inside a container the own group is usually the root itself).
std::vector<std::filesystem::path> cgroup_chain(const std::filesystem::path& hierarchy,
                                                const std::string& path) {
  std::vector<std::filesystem::path> chain;
  std::filesystem::path p = std::filesystem::path(path).relative_path();
  while (true) {
    const auto dir = hierarchy / p;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) chain.push_back(dir);
    if (p.empty()) break;
    p = p.parent_path();
  }
  return chain;
}

void read_v2(const std::string& root, const std::string& proc_self_cgroup, SystemResources& r) {
  for (const auto& dir : cgroup_chain(root, cgroup_path(proc_self_cgroup, ""))) {
    if (auto limit = read_number(dir / "memory.max"); limit && *limit > 0) {
      const auto bytes = static_cast<std::size_t>(*limit);
      r.cgroup_memory_limit =
          r.cgroup_memory_limit ? std::min(r.cgroup_memory_limit, bytes) : bytes;
    }
    if (auto line = read_first_line(dir / "cpu.max")) {
      // "$MAX $PERIOD", where $MAX is "max" when there is no quota.
      std::istringstream fields(*line);
      std::string quota_text;
      std::string period_text;
      fields >> quota_text >> period_text;
      const auto quota = parse_integer(quota_text);
      const auto period = parse_integer(period_text);
      if (quota && period && *quota > 0 && *period > 0) {
        const double cpus = static_cast<double>(*quota) / static_cast<double>(*period);
        r.cgroup_cpu_quota = r.cgroup_cpu_quota > 0 ? std::min(r.cgroup_cpu_quota, cpus) : cpus;
      }
    }
  }
}

void read_v1(const std::string& root, const std::string& proc_self_cgroup, SystemResources& r) {
  const std::filesystem::path memory = std::filesystem::path(root) / "memory";
  for (const auto& dir : cgroup_chain(memory, cgroup_path(proc_self_cgroup, "memory"))) {
    if (auto limit = read_number(dir / "memory.limit_in_bytes"); limit && *limit > 0) {
      const auto bytes = static_cast<std::size_t>(*limit);
      r.cgroup_memory_limit =
          r.cgroup_memory_limit ? std::min(r.cgroup_memory_limit, bytes) : bytes;
    }
  }
  std::filesystem::path cpu = std::filesystem::path(root) / "cpu,cpuacct";
  std::error_code ec;
  if (!std::filesystem::is_directory(cpu, ec)) cpu = std::filesystem::path(root) / "cpu";
  for (const auto& dir : cgroup_chain(cpu, cgroup_path(proc_self_cgroup, "cpu"))) {
    // A quota of -1 (or anything not positive) means unlimited.
    const long long quota_us =
        parse_integer(read_first_line(dir / "cpu.cfs_quota_us").value_or("")).value_or(-1);
    const unsigned long long period = read_number(dir / "cpu.cfs_period_us").value_or(0);
    if (quota_us <= 0 || period == 0) continue;
    const double cpus = static_cast<double>(quota_us) / static_cast<double>(period);
    r.cgroup_cpu_quota = r.cgroup_cpu_quota > 0 ? std::min(r.cgroup_cpu_quota, cpus) : cpus;
  }
}

}  // namespace

unsigned SystemResources::usable_cpus() const {
  unsigned cpus = std::max(1U, affinity_cpus);
  if (cgroup_cpu_quota > 0) {
    cpus = std::min(cpus, static_cast<unsigned>(std::ceil(cgroup_cpu_quota - 1e-9)));
  }
  return std::max(1U, cpus);
}

SystemResources read_system_resources(const std::string& cgroup_root,
                                      const std::string& proc_self_cgroup) {
  SystemResources r;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    r.physical_memory = static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
  }

  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    r.affinity_cpus = static_cast<unsigned>(CPU_COUNT(&set));
  } else {
    r.affinity_cpus = static_cast<unsigned>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  }

  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(cgroup_root) / "cgroup.controllers", ec)) {
    r.cgroup_version = "v2";
    read_v2(cgroup_root, proc_self_cgroup, r);
  } else if (std::filesystem::is_directory(std::filesystem::path(cgroup_root) / "memory", ec)) {
    r.cgroup_version = "v1";
    read_v1(cgroup_root, proc_self_cgroup, r);
  } else {
    r.cgroup_version = "none";
  }
  // v1 reports "no limit" as a huge page-aligned number; anything at or above physical memory
  // limits nothing.
  if (r.physical_memory != 0 && r.cgroup_memory_limit >= r.physical_memory) {
    r.cgroup_memory_limit = 0;
  }
  return r;
}

}  // namespace respcache::config
