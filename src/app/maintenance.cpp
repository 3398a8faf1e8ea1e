#include "respcache/app/maintenance.hpp"

namespace respcache::app {

Maintenance::Maintenance(core::ServerCore& core, storage::Cache& cache)
    : core_(core), cache_(cache), thread_([this] { loop(); }) {}

Maintenance::~Maintenance() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Maintenance::run_once() {
  core_.clock.tick();
  core_.statistics.sample_ops();
  cache_.expire_some(kExpirySamplesPerShard);
  // Connection buffers can grow without any write to trigger eviction; catch up here.
  cache_.enforce_budget();
}

void Maintenance::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kInterval, [this] { return stopping_; })) {
    lock.unlock();
    run_once();
    lock.lock();
  }
}

}  // namespace respcache::app
