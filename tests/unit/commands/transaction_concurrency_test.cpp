// Atomicity of MULTI/EXEC and MSETNX across shards, seen from other clients: threads drive one
// commands::Service as sessions do, each with its own ClientState, and every reply that could
// show a half-done transaction is checked. Part of the TSan suite (commands_concurrency).

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "respcache/commands/service.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/protocol/reply_recorder.hpp"
#include "respcache/storage/cache.hpp"
#include "respcache/storage/key_hasher.hpp"

namespace respcache::commands {
namespace {

using protocol::ReplyType;

constexpr std::size_t kThreads = 8;
constexpr std::size_t kShards = 16;
constexpr std::uint64_t kSeed = 0x5eed;
#if defined(__SANITIZE_THREAD__)
constexpr int kRounds = 2000;
#else
constexpr int kRounds = 20000;
#endif

// The shard a key lands in, computed as storage::Cache::locate does (bits 40.. of the hash).
std::size_t shard_of(std::string_view key) {
  const storage::KeyHasher hasher{&storage::KeyHasher::xxh3, kSeed};
  return (hasher(key) >> 40) & (kShards - 1);
}

// Two keys named prefix + n that land in different shards.
std::pair<std::string, std::string> keys_in_two_shards(const std::string& prefix) {
  const std::string first = prefix + "0";
  for (int n = 1;; ++n) {
    std::string second = prefix + std::to_string(n);
    if (shard_of(second) != shard_of(first)) return {first, second};
  }
}

// One server's command layer with kShards shards and a fixed hash seed, and clients that
// each belong to one thread.
class SharedService {
 public:
  SharedService() : core_(make_config()), cache_(make_options()), service_(core_, cache_) {
    cache_.count_in_budget(&core_.buffer_bytes);
  }

  class Client {
   public:
    Client(SharedService& server, std::size_t thread)
        : server_(server), stats_(server.core_.statistics.worker(thread)) {
      server_.service_.open_client(state_);
    }
    /// Runs one command; the reply stays readable until the next run().
    const protocol::ReplyRecorder& run(std::initializer_list<std::string_view> args) {
      recorder_.clear();
      const std::vector<std::string_view> list(args);
      server_.service_.execute(state_, list, recorder_, stats_);
      return recorder_;
    }
    /// The elements of an array reply of bulk strings and nulls (nullopt for a null); fails
    /// the test on any other reply.
    std::vector<std::optional<std::string>> values(std::initializer_list<std::string_view> args) {
      const protocol::ReplyRecorder& reply = run(args);
      std::vector<std::optional<std::string>> out;
      const auto& nodes = reply.nodes();
      if (nodes.empty() || nodes[0].type != ReplyType::kArray) {
        ADD_FAILURE() << "not an array reply";
        return out;
      }
      for (std::size_t i = 1; i < nodes.size(); ++i) {
        if (nodes[i].type == ReplyType::kNull) {
          out.emplace_back(std::nullopt);
        } else if (nodes[i].type == ReplyType::kBulk) {
          out.emplace_back(std::string(reply.text(nodes[i])));
        } else if (nodes[i].type == ReplyType::kInteger) {
          out.emplace_back(std::to_string(nodes[i].integer));
        } else {
          ADD_FAILURE() << "unexpected element in an array reply: " << reply.text(nodes[i]);
        }
      }
      return out;
    }
    /// MULTI, the queued commands, EXEC: EXEC's elements.
    std::vector<std::optional<std::string>> transaction(
        std::initializer_list<std::initializer_list<std::string_view>> commands) {
      run({"MULTI"});
      for (const auto& command : commands) run(command);
      return values({"EXEC"});
    }

   private:
    SharedService& server_;
    core::WorkerStats& stats_;
    ClientState state_;
    protocol::ReplyRecorder recorder_;
  };

  storage::Cache& cache() { return cache_; }

 private:
  static config::Config make_config() {
    config::Config config;
    config.threads = kThreads;
    return config;
  }
  static storage::CacheOptions make_options() {
    storage::CacheOptions options;
    options.shard_count = kShards;
    options.initial_capacity = 1024;
    options.hash_seed = kSeed;
    return options;
  }

  core::ServerCore core_;
  storage::Cache cache_;
  Service service_;
};

// Runs body(client, thread) on kThreads threads at once, each with its own client.
template <typename Body>
void on_threads(SharedService& server, Body body) {
  std::atomic<std::size_t> ready{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SharedService::Client client(server, t);
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      body(client, t);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// Half the threads increment a and b in one transaction, half read both in one; every reader
// must see them equal, as must every writer's EXEC reply.
TEST(TransactionConcurrency, ExecReadersNeverSeeHalfAnIncrementTransaction) {
  SharedService server;
  const auto [a, b] = keys_in_two_shards("counter:");
  std::atomic<int> torn{0};
  std::atomic<int> nonzero_reads{0};
  std::atomic<std::size_t> writers_left{kThreads / 2};
  on_threads(server, [&](SharedService::Client& client, std::size_t thread) {
    const bool writer = thread % 2 == 0;
    // Readers go on while any writer does, so they overlap the writes whatever the timing.
    for (int i = 0; writer ? i < kRounds : (i < kRounds || writers_left.load() > 0); ++i) {
      if (writer) {
        const auto got = client.transaction({{"INCR", a}, {"INCR", b}});
        if (got.size() != 2 || got[0] != got[1]) torn.fetch_add(1);
      } else {
        const auto got = client.transaction({{"GET", a}, {"GET", b}});
        if (got.size() != 2 || got[0] != got[1]) {
          if (torn.fetch_add(1) == 0) {
            ADD_FAILURE() << "EXEC read " << got[0].value_or("(nil)") << " and "
                          << got[1].value_or("(nil)");
          }
        } else if (got[0].has_value()) {
          nonzero_reads.fetch_add(1);
        }
      }
    }
    if (writer) writers_left.fetch_sub(1);
  });
  EXPECT_EQ(torn.load(), 0) << "transactions seen half done";
  EXPECT_GT(nonzero_reads.load(), 0) << "no reader overlapped the writers";
  SharedService::Client client(server, 0);
  const std::string total = std::to_string(kRounds * kThreads / 2);
  EXPECT_EQ(client.values({"MGET", a, b}), (std::vector<std::optional<std::string>>{total, total}));
}

// MSETNX of two keys in different shards against transactions that delete both and readers
// of both: each reader sees both keys with one writer's value, or neither.
TEST(TransactionConcurrency, MsetnxIsAllOrNothingToReadersAndDeleters) {
  SharedService server;
  const auto [x, y] = keys_in_two_shards("pair:");
  std::atomic<int> torn{0};
  std::atomic<int> stored{0};
  std::atomic<int> seen_present{0};
  std::atomic<std::size_t> writers_left{kThreads / 2};
  on_threads(server, [&](SharedService::Client& client, std::size_t thread) {
    const bool writer = thread % 4 < 2;
    for (int i = 0; writer ? i < kRounds : (i < kRounds || writers_left.load() > 0); ++i) {
      switch (thread % 4) {
        case 0:
        case 1: {
          const std::string value = std::to_string(thread) + ":" + std::to_string(i);
          const auto& reply = client.run({"MSETNX", x, value, y, value});
          const auto* top = reply.top();
          if (top == nullptr || top->type != ReplyType::kInteger) {
            torn.fetch_add(1);
          } else if (top->integer == 1) {
            stored.fetch_add(1);
          }
          break;
        }
        case 2:
          client.transaction({{"DEL", x, y}});
          break;
        default: {
          const auto got = client.transaction({{"GET", x}, {"GET", y}});
          if (got.size() != 2 || got[0] != got[1]) {
            if (torn.fetch_add(1) == 0) {
              ADD_FAILURE() << "EXEC read " << got[0].value_or("(nil)") << " and "
                            << got[1].value_or("(nil)");
            }
          } else if (got[0].has_value()) {
            seen_present.fetch_add(1);
          }
        }
      }
    }
    if (writer) writers_left.fetch_sub(1);
  });
  EXPECT_EQ(torn.load(), 0) << "an MSETNX or a DEL seen half done (" << seen_present.load()
                            << " reads found the pair)";
  EXPECT_GT(stored.load(), 0);
  SharedService::Client client(server, 0);
  const auto last = client.values({"MGET", x, y});
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0], last[1]);
}

// Multi-key commands outside MULTI are atomic in Redis too (one thread runs them whole):
// MGET a b against transactions that increment both must never see them differ.
TEST(MultiKeyConcurrency, MgetNeverSeesHalfAnIncrementTransaction) {
  SharedService server;
  const auto [a, b] = keys_in_two_shards("counter:");
  std::atomic<int> torn{0};
  std::atomic<std::size_t> writers_left{kThreads / 2};
  on_threads(server, [&](SharedService::Client& client, std::size_t thread) {
    const bool writer = thread % 2 == 0;
    for (int i = 0; writer ? i < kRounds : (i < kRounds || writers_left.load() > 0); ++i) {
      if (writer) {
        client.transaction({{"INCR", a}, {"INCR", b}});
        continue;
      }
      const auto got = client.values({"MGET", a, b});
      if ((got.size() != 2 || got[0] != got[1]) && torn.fetch_add(1) == 0) {
        ADD_FAILURE() << "MGET read " << got[0].value_or("(nil)") << " and "
                      << got[1].value_or("(nil)");
      }
    }
    if (writer) writers_left.fetch_sub(1);
  });
  EXPECT_EQ(torn.load(), 0) << "MGETs saw a transaction half done";
}

// DEL x y and MSET x v y v of two cross-shard keys against readers in MULTI/EXEC: each
// reader sees both keys with one value, or neither.
TEST(MultiKeyConcurrency, DelAndMsetOfTwoKeysAreAllOrNothing) {
  SharedService server;
  const auto [x, y] = keys_in_two_shards("pair:");
  std::atomic<int> torn{0};
  std::atomic<std::size_t> writers_left{kThreads / 2};
  on_threads(server, [&](SharedService::Client& client, std::size_t thread) {
    const bool writer = thread % 4 < 2;
    // The window between MSET's two writes is short: more rounds to land in it.
    const int rounds = 5 * kRounds;
    for (int i = 0; writer ? i < rounds : (i < rounds || writers_left.load() > 0); ++i) {
      if (thread % 4 == 0) {
        const std::string value = std::to_string(thread) + ":" + std::to_string(i);
        client.run({"MSET", x, value, y, value});
      } else if (thread % 4 == 1) {
        client.run({"DEL", x, y});
      } else {
        const auto got = client.transaction({{"GET", x}, {"GET", y}});
        if ((got.size() != 2 || got[0] != got[1]) && torn.fetch_add(1) == 0) {
          ADD_FAILURE() << "EXEC read " << got[0].value_or("(nil)") << " and "
                        << got[1].value_or("(nil)");
        }
      }
    }
    if (writer) writers_left.fetch_sub(1);
  });
  EXPECT_EQ(torn.load(), 0) << "a DEL or an MSET of two keys seen half done";
}

}  // namespace
}  // namespace respcache::commands
