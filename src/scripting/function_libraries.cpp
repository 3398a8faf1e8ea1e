#include "respcache/scripting/function_libraries.hpp"

namespace respcache::scripting {

std::pair<FunctionLibraries::Snapshot, std::uint64_t> FunctionLibraries::snapshot() const {
  const std::lock_guard lock(mutex_);
  return {libraries_, generation_};
}

std::optional<std::string> FunctionLibraries::add(std::shared_ptr<const Library> library,
                                                  bool replace) {
  const std::lock_guard lock(mutex_);
  if (!replace && libraries_->contains(library->name)) {
    return "Library '" + library->name + "' already exists";
  }
  for (const auto& [name, existing] : *libraries_) {
    if (name == library->name) continue;  // being replaced
    for (const FunctionInfo& old_info : existing->functions) {
      for (const FunctionInfo& info : library->functions) {
        if (info.name == old_info.name) return "Function " + info.name + " already exists";
      }
    }
  }
  auto next = *libraries_;
  next[library->name] = std::move(library);
  publish(std::move(next));
  return std::nullopt;
}

bool FunctionLibraries::remove(std::string_view name) {
  const std::lock_guard lock(mutex_);
  auto next = *libraries_;
  if (next.erase(std::string(name)) == 0) return false;
  publish(std::move(next));
  return true;
}

std::optional<std::string> FunctionLibraries::restore(
    std::map<std::string, std::shared_ptr<const Library>> incoming, RestorePolicy policy) {
  const std::lock_guard lock(mutex_);
  if (policy == RestorePolicy::kFlush) {
    publish(std::move(incoming));
    return std::nullopt;
  }
  auto next = *libraries_;
  for (const auto& [name, library] : incoming) {
    if (next.contains(name)) {
      if (policy != RestorePolicy::kReplace) return "Library " + name + " already exists";
      next.erase(name);
    }
  }
  for (const auto& [name, library] : incoming) {
    for (const auto& [old_name, old] : next) {
      for (const FunctionInfo& old_info : old->functions) {
        for (const FunctionInfo& info : library->functions) {
          if (info.name == old_info.name) return "Function " + info.name + " already exists";
        }
      }
    }
  }
  next.merge(incoming);
  publish(std::move(next));
  return std::nullopt;
}

void FunctionLibraries::flush() {
  const std::lock_guard lock(mutex_);
  publish({});
}

// Under mutex_.
void FunctionLibraries::publish(std::map<std::string, std::shared_ptr<const Library>> next) {
  std::size_t bytes = 0;
  for (const auto& [name, library] : next) bytes += name.size() + library->code.size();
  charge(static_cast<std::int64_t>(bytes) - static_cast<std::int64_t>(bytes_));
  bytes_ = bytes;
  libraries_ = std::make_shared<const std::map<std::string, std::shared_ptr<const Library>>>(
      std::move(next));
  ++generation_;
}

void FunctionLibraries::charge(std::int64_t bytes) {
  if (meter_ != nullptr) meter_->fetch_add(bytes, std::memory_order_relaxed);
}

}  // namespace respcache::scripting
