#include "respcache/commands/transaction.hpp"

namespace respcache::commands {

void QueuedCommands::push(std::span<const std::string_view> args) {
  commands_.push_back(args_.size());
  for (std::string_view arg : args) {
    args_.push_back({arena_.size(), arg.size()});
    arena_.append(arg);
  }
}

void QueuedCommands::get(std::size_t i, std::vector<std::string_view>& out) const {
  out.clear();
  const std::size_t end = i + 1 < commands_.size() ? commands_[i + 1] : args_.size();
  for (std::size_t a = commands_[i]; a < end; ++a) {
    out.emplace_back(arena_.data() + args_[a].offset, args_[a].length);
  }
}

void QueuedCommands::clear() {
  // Released, not kept: a transaction is rare, and a large one should not pin its memory.
  std::string().swap(arena_);
  std::vector<Arg>().swap(args_);
  std::vector<std::size_t>().swap(commands_);
}

}  // namespace respcache::commands
