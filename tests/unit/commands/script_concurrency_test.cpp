// Scripts and transactions are atomic against each other and against plain commands, across
// shards and threads: readers never see half of a script or of an EXEC, and every increment
// lands. Runs under TSan (label "concurrent").

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "command_harness.hpp"

namespace respcache::commands {
namespace {

using testing::test_cache_options;
using testing::test_config;

constexpr int kRounds = 2000;
// Eight keys over the harness's four shards: a write to all of them spans shards.
const std::vector<std::string> kKeys = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
constexpr std::string_view kIncrAll =
    "for i = 1, #KEYS do redis.call('incr', KEYS[i]) end return 1";
constexpr std::string_view kReadAll =
    "local out = {} for i = 1, #KEYS do out[i] = redis.call('get', KEYS[i]) or '0' end "
    "return out";

class Client {
 public:
  Client(Service& service, core::WorkerStats& stats) : service_(service), stats_(stats) {
    service_.open_client(state_);
  }
  // Runs one command and returns its reply's top-level nodes' texts (array elements).
  const protocol::ReplyRecorder& run(const std::vector<std::string_view>& args) {
    reply_.clear();
    service_.execute(state_, args, reply_, stats_);
    return reply_;
  }
  std::vector<std::string_view> with_keys(std::initializer_list<std::string_view> head) {
    std::vector<std::string_view> args(head);
    for (const std::string& key : kKeys) args.emplace_back(key);
    return args;
  }

 private:
  Service& service_;
  core::WorkerStats& stats_;
  ClientState state_;
  protocol::ReplyRecorder reply_;
};

// All values in an array reply are the same number.
bool all_equal(const protocol::ReplyRecorder& reply, std::size_t first_element) {
  const auto& nodes = reply.nodes();
  if (nodes.size() <= first_element) return false;
  for (std::size_t i = first_element + 1; i < nodes.size(); ++i) {
    if (reply.text(nodes[i]) != reply.text(nodes[first_element])) return false;
  }
  return true;
}

TEST(ScriptConcurrency, ReadersNeverSeeHalfAScriptOrTransaction) {
  config::Config config = test_config();
  config.threads = 8;
  core::ServerCore core(config);
  storage::Cache cache(test_cache_options());
  cache.count_in_budget(&core.buffer_bytes);
  Service service(core, cache);

  std::atomic<int> torn{0};
  std::atomic<int> ready{0};
  // Every thread starts once all are running, so that they overlap.
  const auto start_together = [&] {
    ready.fetch_add(1);
    while (ready.load() < 8) std::this_thread::yield();
  };
  // One of the script writers goes through FCALL, whose function runs as EVAL's script does.
  constexpr std::string_view kLibrary =
      "#!lua name=incr\n"
      "redis.register_function('incr_all', function(keys) "
      "for i = 1, #keys do redis.call('incr', keys[i]) end return 1 end)";
  {
    Client loader(service, core.statistics.worker(0));
    const auto& loaded = loader.run({"FUNCTION", "LOAD", kLibrary});
    ASSERT_EQ(loaded.text(loaded.nodes()[0]), "incr");
  }
  std::vector<std::thread> threads;
  // Two clients increment every key through a script (EVAL, FCALL), two through MULTI/EXEC, one
  // through plain INCR of a key of its own; three read every key through a script and a
  // transaction.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      const auto args = t == 0 ? client.with_keys({"EVAL", kIncrAll, "8"})
                               : client.with_keys({"FCALL", "incr_all", "8"});
      start_together();
      for (int i = 0; i < kRounds; ++i) client.run(args);
    });
  }
  for (int t = 2; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      start_together();
      for (int i = 0; i < kRounds; ++i) {
        client.run({"MULTI"});
        for (const std::string& key : kKeys) client.run({"INCR", key});
        client.run({"EXEC"});
      }
    });
  }
  threads.emplace_back([&] {
    Client client(service, core.statistics.worker(4));
    start_together();
    for (int i = 0; i < kRounds; ++i) client.run({"INCR", "plain"});
  });
  for (int t = 5; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      const auto read = client.with_keys({"EVAL", kReadAll, "8"});
      start_together();
      for (int i = 0; i < kRounds; ++i) {
        if (!all_equal(client.run(read), 1)) torn.fetch_add(1);
        client.run({"MULTI"});
        for (const std::string& key : kKeys) client.run({"GET", key});
        const auto& exec = client.run({"EXEC"});
        // A missing key reads as a null before the first write: count it as 0.
        bool same = true;
        for (std::size_t n = 2; n < exec.nodes().size(); ++n) {
          const auto a =
              exec.nodes()[n].type == protocol::ReplyType::kNull ? "" : exec.text(exec.nodes()[n]);
          const auto b =
              exec.nodes()[1].type == protocol::ReplyType::kNull ? "" : exec.text(exec.nodes()[1]);
          same = same && a == b;
        }
        if (!same) torn.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(torn.load(), 0);
  Client check(service, core.statistics.worker(0));
  const auto& values = check.run(check.with_keys({"MGET"}));
  ASSERT_EQ(values.nodes().size(), kKeys.size() + 1);
  for (std::size_t i = 1; i < values.nodes().size(); ++i) {
    EXPECT_EQ(values.text(values.nodes()[i]), std::to_string(4 * kRounds));
  }
  const auto& plain = check.run({"GET", "plain"});
  EXPECT_EQ(plain.text(plain.nodes()[0]), std::to_string(kRounds));
}

// Keys a script does not declare (numkeys 0, names in ARGV) are locked on first touch and held
// to its end, out of the shard order everything else uses: scripts touching them in both
// orders, beside EXECs and MGETs taking several shards in order, neither tear nor deadlock.
constexpr std::string_view kIncrArgv =
    "for i = 1, #ARGV do redis.call('incr', ARGV[i]) end return 1";
constexpr std::string_view kReadArgv =
    "local out = {} for i = 1, #ARGV do out[i] = redis.call('get', ARGV[i]) or '0' end "
    "return out";

TEST(ScriptConcurrency, UndeclaredKeysAreAtomicInAnyOrderAndNeverDeadlock) {
  config::Config config = test_config();
  config.threads = 8;
  core::ServerCore core(config);
  storage::Cache cache(test_cache_options());
  cache.count_in_budget(&core.buffer_bytes);
  Service service(core, cache);

  constexpr int kThreads = 8;
  std::atomic<int> torn{0};
  std::atomic<int> ready{0};
  const auto start_together = [&] {
    ready.fetch_add(1);
    while (ready.load() < kThreads) std::this_thread::yield();
  };
  const auto script_args = [](std::string_view command, std::string_view script, bool reverse,
                              std::string_view declared) {
    std::vector<std::string_view> args{command, script, declared.empty() ? "0" : "1"};
    if (!declared.empty()) args.push_back(declared);
    if (reverse) {
      for (auto key = kKeys.rbegin(); key != kKeys.rend(); ++key) args.emplace_back(*key);
    } else {
      for (const std::string& key : kKeys) args.emplace_back(key);
    }
    return args;
  };
  std::vector<std::thread> threads;
  // Three scripts increment every key: forward and backward with none declared, and forward
  // with only the last declared.
  const std::vector<std::vector<std::string_view>> writers = {
      script_args("EVAL", kIncrArgv, false, ""),
      script_args("EVAL", kIncrArgv, true, ""),
      script_args("EVAL", kIncrArgv, false, kKeys.back()),
  };
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      start_together();
      for (int i = 0; i < kRounds; ++i) client.run(writers[t]);
    });
  }
  for (int t = 3; t < 5; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      start_together();
      for (int i = 0; i < kRounds; ++i) {
        client.run({"MULTI"});
        for (const std::string& key : kKeys) client.run({"INCR", key});
        client.run({"EXEC"});
      }
    });
  }
  // Readers: MGET (several shards in order), and a script reading undeclared keys backwards.
  for (int t = 5; t < 7; ++t) {
    threads.emplace_back([&, t] {
      Client client(service, core.statistics.worker(t));
      const auto mget = client.with_keys({"MGET"});
      start_together();
      for (int i = 0; i < kRounds; ++i) {
        const auto& values = client.run(mget);
        bool same = true;
        for (std::size_t n = 2; n < values.nodes().size(); ++n) {
          const auto text = [&](std::size_t k) {
            return values.nodes()[k].type == protocol::ReplyType::kNull
                       ? std::string_view()
                       : values.text(values.nodes()[k]);
          };
          same = same && text(n) == text(1);
        }
        if (!same) torn.fetch_add(1);
      }
    });
  }
  threads.emplace_back([&] {
    Client client(service, core.statistics.worker(7));
    const auto read = script_args("EVAL", kReadArgv, true, "");
    start_together();
    for (int i = 0; i < kRounds; ++i) {
      if (!all_equal(client.run(read), 1)) torn.fetch_add(1);
    }
  });
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(torn.load(), 0);
  Client check(service, core.statistics.worker(0));
  const auto& values = check.run(check.with_keys({"MGET"}));
  ASSERT_EQ(values.nodes().size(), kKeys.size() + 1);
  for (std::size_t i = 1; i < values.nodes().size(); ++i) {
    EXPECT_EQ(values.text(values.nodes()[i]), std::to_string(5 * kRounds));
  }
}

}  // namespace
}  // namespace respcache::commands
