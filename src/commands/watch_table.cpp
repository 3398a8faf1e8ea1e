#include "respcache/commands/watch_table.hpp"

#include <algorithm>

namespace respcache::commands {

WatchedKeys::~WatchedKeys() { table_.unwatch(*this); }

WatchTable::WatchTable(storage::Cache& cache, std::atomic<std::int64_t>& memory_meter)
    : cache_(cache), memory_meter_(memory_meter) {
  cache_.set_key_observer(this);
}

WatchTable::~WatchTable() { cache_.set_key_observer(nullptr); }

std::string WatchTable::slot_name(unsigned db, std::string_view key) {
  std::string name;
  name.reserve(key.size() + 1);
  name.push_back(static_cast<char>(db));
  name.append(key);
  return name;
}

WatchTable::WatchResult WatchTable::watch(WatchedKeys& client, unsigned db, std::string_view key,
                                          WatchedKeys::Key** added) {
  std::string name = slot_name(db, key);
  std::lock_guard lock(mutex_);
  const auto found = watchers_.find(name);
  if (found != watchers_.end() &&
      std::find(found->second.begin(), found->second.end(), &client) != found->second.end()) {
    return WatchResult::kAlreadyWatched;
  }
  if (entries_ >= kMaxWatchedKeys) return WatchResult::kFull;
  const auto it = found != watchers_.end() ? found : watchers_.try_emplace(std::move(name)).first;
  it->second.push_back(&client);
  client.keys_.push_back({std::string(key), db, false});
  if (entries_++ == 0) cache_.observe_keys(true);
  memory_meter_.fetch_add(static_cast<std::int64_t>(footprint(key)), std::memory_order_relaxed);
  *added = &client.keys_.back();
  return WatchResult::kAdded;
}

void WatchTable::unwatch(WatchedKeys& client) {
  if (client.keys_.empty()) {
    client.dirty_.store(false, std::memory_order_relaxed);
    return;
  }
  std::lock_guard lock(mutex_);
  for (const WatchedKeys::Key& k : client.keys_) {
    const auto it = watchers_.find(slot_name(k.db, k.name));
    if (it == watchers_.end()) continue;
    std::erase(it->second, &client);
    if (it->second.empty()) watchers_.erase(it);
    --entries_;
    memory_meter_.fetch_sub(static_cast<std::int64_t>(footprint(k.name)),
                            std::memory_order_relaxed);
  }
  if (entries_ == 0) cache_.observe_keys(false);
  client.keys_.clear();
  client.dirty_.store(false, std::memory_order_relaxed);
}

std::vector<std::pair<unsigned, std::string>> WatchTable::watched_in(unsigned a, unsigned b) {
  std::vector<std::pair<unsigned, std::string>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, clients] : watchers_) {
    const auto db = static_cast<unsigned char>(name[0]);
    if (db == a || db == b) out.emplace_back(db, name.substr(1));
  }
  return out;
}

void WatchTable::key_changed(unsigned db, std::string_view key) {
  // C++20's heterogeneous lookup needs a transparent hash; one string per watched write
  // is the price of the plain map, paid only while some key is watched.
  const std::string name = slot_name(db, key);
  std::lock_guard lock(mutex_);
  const auto it = watchers_.find(name);
  if (it == watchers_.end()) return;
  for (WatchedKeys* client : it->second) client->dirty_.store(true, std::memory_order_release);
}

}  // namespace respcache::commands
