#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace respcache::core {

/// What another thread may ask of a client's connection (CLIENT KILL, CLIENT UNPAUSE,
/// MONITOR output waiting).
enum class ClientControl {
  kKill,  ///< close it, dropping unsent replies
  kWake,  ///< run again: a pause ended, or monitor output is waiting
};

/// Redis's client flags as CLIENT LIST shows them (the ones respcache has).
enum ClientFlag : std::uint32_t {
  kClientMulti = 1U << 0,            ///< x: between MULTI and EXEC
  kClientMonitor = 1U << 1,          ///< O: MONITOR
  kClientBlocked = 1U << 2,          ///< b: waiting out a CLIENT PAUSE
  kClientNoEvict = 1U << 3,          ///< e: CLIENT NO-EVICT on
  kClientNoTouch = 1U << 4,          ///< T: CLIENT NO-TOUCH on
  kClientCloseAfterReply = 1U << 5,  ///< c: QUIT or CLIENT KILL of itself
};

/// One connection as CLIENT LIST, CLIENT KILL, SLOWLOG and MONITOR see it.
///
/// Threads: the connection's own thread writes the counters and gauges with plain relaxed
/// stores (core::bump), so updating them costs what a plain field costs; any thread may read
/// them. The names change rarely and only under the registry's mutex, which is also what
/// readers on other threads hold. `control` may be called from any thread; it posts to the
/// connection's executor and never runs the connection inline.
struct ClientRecord {
  ClientRecord(std::uint64_t id, std::string addr, std::string laddr, int fd,
               std::int64_t created_ms, std::function<void(ClientControl)> control = {})
      : id(id),
        addr(std::move(addr)),
        laddr(std::move(laddr)),
        fd(fd),
        created_ms(created_ms),
        control(std::move(control)) {}

  const std::uint64_t id;
  const std::string addr;   ///< the peer, "ip:port"
  const std::string laddr;  ///< our end, "ip:port"
  const int fd;
  const std::int64_t created_ms;  ///< CoarseClock::now_ms at accept
  const std::function<void(ClientControl)> control;

  std::atomic<std::int64_t> last_interaction_ms{0};
  std::atomic<std::uint64_t> net_input_bytes{0};
  std::atomic<std::uint64_t> net_output_bytes{0};
  std::atomic<std::uint64_t> commands{0};
  std::atomic<std::uint64_t> query_buffer{0};       ///< unparsed input bytes
  std::atomic<std::uint64_t> query_buffer_free{0};  ///< room left in the input buffer
  std::atomic<std::uint64_t> output_bytes{0};       ///< replies not yet written
  std::atomic<std::uint64_t> reply_buffer_size{0};  ///< the output buffer's capacity
  std::atomic<std::uint64_t> buffers_memory{0};     ///< both buffers' capacities
  std::atomic<std::uint64_t> multi_memory{0};       ///< a MULTI queue's bytes
  std::atomic<std::int32_t> multi{-1};              ///< commands queued, -1 outside MULTI
  std::atomic<std::int32_t> db{0};
  std::atomic<std::int32_t> resp{2};  ///< RESP version (HELLO), CLIENT LIST's resp=
  std::atomic<std::uint32_t> flags{0};
  /// The last command's name as Redis shows it ("get", "client|list"): a view with static
  /// storage (the command tables'), null before the first command.
  std::atomic<const std::string_view*> last_command{nullptr};

  /// Guarded by ClientRegistry's mutex (set_names).
  std::string name;
  std::string lib_name;
  std::string lib_version;

  void set_flag(ClientFlag flag, bool on) {
    const std::uint32_t old = flags.load(std::memory_order_relaxed);
    flags.store(on ? (old | flag) : (old & ~flag), std::memory_order_relaxed);
  }
  bool has_flag(ClientFlag flag) const { return (flags.load(std::memory_order_relaxed) & flag); }
};

/// Redis's client types (CLIENT LIST TYPE, CLIENT KILL TYPE). respcache's clients are all
/// normal; the others exist so that filters on them parse and match nothing.
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };
/// "normal", "slave"/"replica", "pubsub", "master" (case-insensitive); nullopt otherwise.
std::optional<ClientType> parse_client_type(std::string_view name);

/// CLIENT KILL's new-form filters; every one given must match.
struct ClientFilter {
  std::optional<std::string> addr;
  std::optional<std::string> laddr;
  std::optional<ClientType> type;
  std::uint64_t id = 0;  ///< 0: any
  bool skip_me = true;

  bool matches(const ClientRecord& client, std::uint64_t self_id) const;
};

/// Every connected client, for CLIENT LIST / KILL / PAUSE and INFO. Connections add their
/// record when they start and remove it when they close; that and the introspection commands
/// are the only users of the mutex, so the request path never takes it.
class ClientRegistry {
 public:
  void add(std::shared_ptr<ClientRecord> record);
  void remove(const ClientRecord& record);

  /// A copy of the records, in id order (connection order), taken under the mutex. The
  /// records stay valid while the copy lives; their connections may close meanwhile.
  std::vector<std::shared_ptr<ClientRecord>> snapshot() const;
  std::shared_ptr<ClientRecord> find(std::uint64_t id) const;
  std::size_t size() const;

  /// Runs `fn` on the record's names with the mutex held (CLIENT SETNAME, CLIENT SETINFO).
  template <class Fn>
  void update_names(ClientRecord& record, Fn&& fn) {
    const std::lock_guard lock(mutex_);
    fn(record);
  }
  /// Calls `fn(record)` with the mutex held, so that its names may be read.
  template <class Fn>
  void read_names(const ClientRecord& record, Fn&& fn) const {
    const std::lock_guard lock(mutex_);
    fn(record);
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<ClientRecord>> clients_;
};

}  // namespace respcache::core
