#pragma once

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/protocol/resp_parser.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

/// A RESP connection: the incremental parser feeding the command dispatcher.
class RespSession final : public Session {
 public:
  explicit RespSession(commands::Service& service);

  Result on_input(std::span<char> input, protocol::ByteBuffer& out, std::size_t output_limit,
                  core::WorkerStats& stats) override;

 private:
  commands::Service& service_;
  commands::ClientState client_;
  protocol::RespParser parser_;
};

}  // namespace respcache::server
