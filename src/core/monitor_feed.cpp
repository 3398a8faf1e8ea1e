#include "respcache/core/monitor_feed.hpp"

#include <algorithm>

namespace respcache::core {

bool MonitorFeed::Mailbox::take(std::string& out) {
  const std::lock_guard lock(mutex_);
  if (pending_.empty()) return false;
  out.append(pending_);
  meter_.fetch_sub(static_cast<std::int64_t>(pending_.size()), std::memory_order_relaxed);
  pending_.clear();
  pending_.shrink_to_fit();
  return true;
}

std::shared_ptr<MonitorFeed::Mailbox> MonitorFeed::add(std::shared_ptr<ClientRecord> client) {
  std::shared_ptr<Mailbox> mailbox(new Mailbox(std::move(client), meter_));
  const std::lock_guard lock(mutex_);
  mailboxes_.push_back(mailbox);
  count_.store(mailboxes_.size(), std::memory_order_relaxed);
  return mailbox;
}

void MonitorFeed::remove(Mailbox& mailbox) {
  const std::lock_guard lock(mutex_);
  std::erase_if(mailboxes_, [&](const auto& m) { return m.get() == &mailbox; });
  count_.store(mailboxes_.size(), std::memory_order_relaxed);
  {
    const std::lock_guard box(mailbox.mutex_);
    meter_.fetch_sub(static_cast<std::int64_t>(mailbox.pending_.size()), std::memory_order_relaxed);
    mailbox.pending_.clear();
  }
}

void MonitorFeed::publish(std::string_view line, std::size_t limit) {
  const std::lock_guard lock(mutex_);
  for (const auto& mailbox : mailboxes_) {
    if (mailbox->overflowed()) continue;
    bool wake = false;
    bool kill = false;
    {
      const std::lock_guard box(mailbox->mutex_);
      if (mailbox->pending_.size() + line.size() > limit) {
        mailbox->overflowed_.store(true, std::memory_order_relaxed);
        meter_.fetch_sub(static_cast<std::int64_t>(mailbox->pending_.size()),
                         std::memory_order_relaxed);
        mailbox->pending_.clear();
        mailbox->pending_.shrink_to_fit();
        kill = true;
      } else {
        wake = mailbox->pending_.empty();
        mailbox->pending_.append(line);
        meter_.fetch_add(static_cast<std::int64_t>(line.size()), std::memory_order_relaxed);
      }
    }
    if (mailbox->client_->control) {
      if (kill) mailbox->client_->control(ClientControl::kKill);
      if (wake) mailbox->client_->control(ClientControl::kWake);
    }
  }
}

}  // namespace respcache::core
