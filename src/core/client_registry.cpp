#include "respcache/core/client_registry.hpp"

#include <strings.h>

namespace respcache::core {

std::optional<ClientType> parse_client_type(std::string_view name) {
  const std::string text(name);
  if (strcasecmp(text.c_str(), "normal") == 0) return ClientType::kNormal;
  if (strcasecmp(text.c_str(), "slave") == 0 || strcasecmp(text.c_str(), "replica") == 0) {
    return ClientType::kReplica;
  }
  if (strcasecmp(text.c_str(), "pubsub") == 0) return ClientType::kPubSub;
  if (strcasecmp(text.c_str(), "master") == 0) return ClientType::kMaster;
  return std::nullopt;
}

// Redis's clientKillCommand loop: addresses compare exactly, as strings.
bool ClientFilter::matches(const ClientRecord& client, std::uint64_t self_id) const {
  if (addr && client.addr != *addr) return false;
  if (laddr && client.laddr != *laddr) return false;
  if (type && *type != ClientType::kNormal) return false;
  if (id != 0 && client.id != id) return false;
  if (skip_me && client.id == self_id) return false;
  return true;
}

void ClientRegistry::add(std::shared_ptr<ClientRecord> record) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t id = record->id;
  clients_.emplace(id, std::move(record));
}

void ClientRegistry::remove(const ClientRecord& record) {
  const std::lock_guard lock(mutex_);
  clients_.erase(record.id);
}

std::vector<std::shared_ptr<ClientRecord>> ClientRegistry::snapshot() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ClientRecord>> out;
  out.reserve(clients_.size());
  for (const auto& [id, record] : clients_) out.push_back(record);
  return out;
}

std::shared_ptr<ClientRecord> ClientRegistry::find(std::uint64_t id) const {
  const std::lock_guard lock(mutex_);
  const auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

std::size_t ClientRegistry::size() const {
  const std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace respcache::core
