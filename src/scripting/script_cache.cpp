#include "respcache/scripting/script_cache.hpp"

#include <cctype>

namespace respcache::scripting {

bool lowercase_sha(std::string_view sha, std::array<char, 40>& out) {
  if (sha.size() != out.size()) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(sha[i])));
  }
  return true;
}

ScriptCache::~ScriptCache() { charge(-static_cast<std::int64_t>(bytes_.load())); }

std::size_t ScriptCache::cost(const Script& script) {
  // The body, the entry and its key, roughly as the allocator sees them.
  return script.body.capacity() + sizeof(Script) + sizeof(Slot) + 2 * 48 + 64;
}

void ScriptCache::charge(std::int64_t bytes) {
  bytes_.fetch_add(static_cast<std::size_t>(bytes), std::memory_order_relaxed);
  if (meter_ != nullptr) meter_->fetch_add(bytes, std::memory_order_relaxed);
}

std::shared_ptr<const Script> ScriptCache::find(std::string_view sha) {
  std::array<char, 40> name;
  if (!lowercase_sha(sha, name)) return nullptr;
  const std::lock_guard lock(mutex_);
  const auto it = scripts_.find(std::string_view(name.data(), name.size()));
  if (it == scripts_.end()) return nullptr;
  if (!it->second.pinned)
    eval_order_.splice(eval_order_.end(), eval_order_, it->second.in_eval_order);
  return it->second.script;
}

bool ScriptCache::contains(std::string_view sha) {
  std::array<char, 40> name;
  if (!lowercase_sha(sha, name)) return false;
  const std::lock_guard lock(mutex_);
  return scripts_.contains(std::string_view(name.data(), name.size()));
}

std::shared_ptr<const Script> ScriptCache::add(std::shared_ptr<const Script> script, bool pinned) {
  const std::string key(script->name());
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = scripts_.try_emplace(key);
  Slot& slot = it->second;
  if (!inserted) {
    if (pinned && !slot.pinned) {
      eval_order_.erase(slot.in_eval_order);
      slot.pinned = true;
    } else if (!slot.pinned) {
      eval_order_.splice(eval_order_.end(), eval_order_, slot.in_eval_order);
    }
    return slot.script;
  }
  slot.script = std::move(script);
  slot.pinned = pinned;
  if (!pinned) slot.in_eval_order = eval_order_.insert(eval_order_.end(), key);
  charge(static_cast<std::int64_t>(cost(*slot.script)));
  const std::shared_ptr<const Script> stored = slot.script;
  evict_if_over_bound();
  return stored;
}

void ScriptCache::evict_if_over_bound() {
  bool evicted = false;
  while (eval_order_.size() > kMaxEvalScripts) {
    const auto it = scripts_.find(eval_order_.front());
    charge(-static_cast<std::int64_t>(cost(*it->second.script)));
    scripts_.erase(it);
    eval_order_.pop_front();
    evicted = true;
  }
  if (evicted) generation_.fetch_add(1, std::memory_order_acq_rel);
}

void ScriptCache::flush() {
  const std::lock_guard lock(mutex_);
  for (const auto& [key, slot] : scripts_) charge(-static_cast<std::int64_t>(cost(*slot.script)));
  scripts_.clear();
  eval_order_.clear();
  generation_.fetch_add(1, std::memory_order_acq_rel);
  flushes_.fetch_add(1, std::memory_order_acq_rel);
}

std::size_t ScriptCache::size() const {
  const std::lock_guard lock(mutex_);
  return scripts_.size();
}

}  // namespace respcache::scripting
