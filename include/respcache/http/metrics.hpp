#pragma once

#include <string>

#include "respcache/commands/service.hpp"

namespace respcache::http {

/// Writes the server's counters in the Prometheus text exposition format (version 0.0.4):
/// commands by command, keyspace hits and misses, evictions, expirations, memory, clients by
/// protocol, network bytes and a command latency histogram. Replaces `out`'s contents.
void write_metrics(const commands::Service& service, std::string& out);

}  // namespace respcache::http
