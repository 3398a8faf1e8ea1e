#pragma once

#include <memory>
#include <string>
#include <vector>

#include "respcache/commands/client_state.hpp"
#include "respcache/commands/service.hpp"
#include "respcache/protocol/resp_encoder.hpp"
#include "respcache/protocol/resp_parser.hpp"
#include "respcache/server/session.hpp"

namespace respcache::server {

/// A RESP connection: the incremental parser feeding the command dispatcher.
class RespSession final : public Session {
 public:
  RespSession(commands::Service& service, std::shared_ptr<core::ClientRecord> record);

  Result on_input(std::span<char> input, protocol::ByteBuffer& out, std::size_t output_limit,
                  core::WorkerStats& stats) override;
  bool pushes() const override { return client_.monitor != nullptr; }
  bool take_pushed(protocol::ByteBuffer& out) override;

 private:
  enum class Step { kNext, kStop, kPostponed };
  Step execute_one(std::span<const std::string_view> args, protocol::RespEncoder& reply,
                   protocol::ByteBuffer& out, core::WorkerStats& stats, Result& result);

  commands::Service& service_;
  commands::ClientState client_;
  protocol::RespParser parser_;
  /// The command CLIENT PAUSE holds, copied out of the input (which moves on); empty if none.
  commands::QueuedCommands postponed_;
  std::vector<std::string_view> postponed_args_;
  std::string pushed_;  // scratch for take_pushed
};

}  // namespace respcache::server
