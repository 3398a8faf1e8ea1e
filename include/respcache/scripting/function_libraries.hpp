#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace respcache::scripting {

/// One function a library registered (redis.register_function).
struct FunctionInfo {
  std::string name;
  std::uint32_t flags = 0;  ///< ScriptFlag bits, never kEvalCompatMode
  std::optional<std::string> description;
};

/// One library as FUNCTION LOAD gave it.
struct Library {
  std::string name;
  std::string code;  ///< the whole code, shebang included (FUNCTION LIST WITHCODE)
  std::vector<FunctionInfo> functions;
};

/// The libraries of FUNCTION LOAD, shared by every thread (Redis's functions_lib_ctx). Each
/// thread's Lua state loads them again when generation() differs from the one it loaded
/// (LuaEngine::sync_functions), as scripts are compiled lazily per state. The code bytes
/// are counted in the memory meter, as the script cache counts its bodies.
class FunctionLibraries {
 public:
  using Snapshot = std::shared_ptr<const std::map<std::string, std::shared_ptr<const Library>>>;

  explicit FunctionLibraries(std::atomic<std::int64_t>* meter) : meter_(meter) {}
  ~FunctionLibraries() { charge(-static_cast<std::int64_t>(bytes_)); }
  FunctionLibraries(const FunctionLibraries&) = delete;
  FunctionLibraries& operator=(const FunctionLibraries&) = delete;

  /// Every library now, and the generation it belongs to; the map never changes after.
  std::pair<Snapshot, std::uint64_t> snapshot() const;

  /// Adds `library` (replacing one of that name when `replace`). Returns the error text
  /// Redis gives when it may not be added, or nothing.
  std::optional<std::string> add(std::shared_ptr<const Library> library, bool replace);
  /// FUNCTION DELETE: false when there is no such library.
  bool remove(std::string_view name);
  void flush();

  enum class RestorePolicy { kAppend, kReplace, kFlush };
  /// FUNCTION RESTORE of `incoming` (already compiled): instead of every library (kFlush), or
  /// joined to them, a library of the same name replacing the old (kReplace) or refusing the
  /// whole restore (kAppend); a function name that would then be in two libraries refuses it
  /// too. Returns Redis's error text, or nothing.
  std::optional<std::string> restore(std::map<std::string, std::shared_ptr<const Library>> incoming,
                                     RestorePolicy policy);

 private:
  void publish(std::map<std::string, std::shared_ptr<const Library>> next);
  void charge(std::int64_t bytes);

  mutable std::mutex mutex_;
  Snapshot libraries_ =
      std::make_shared<const std::map<std::string, std::shared_ptr<const Library>>>();
  std::uint64_t generation_ = 1;
  std::size_t bytes_ = 0;
  std::atomic<std::int64_t>* meter_;
};

}  // namespace respcache::scripting
