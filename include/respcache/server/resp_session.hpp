#pragma once

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/server_state.hpp"
#include "respcache/protocol/resp_parser.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

/// A RESP connection: the incremental parser feeding the command dispatcher.
class RespSession final : public Session {
 public:
  explicit RespSession(commands::ServerState& server);

  Result on_input(std::span<char> input, protocol::ByteBuffer& out, std::size_t output_limit,
                  commands::WorkerStats& stats) override;

  const commands::ClientState& client() const { return client_; }

 private:
  commands::ServerState& server_;
  commands::ClientState client_;
  protocol::RespParser parser_;
};

}  // namespace respcache::server
