#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>

#include "respcache/storage/entry.hpp"
#include "respcache/storage/function_ref.hpp"
#include "respcache/storage/key_hasher.hpp"
#include "respcache/storage/scan_cursor.hpp"

namespace respcache::storage {

/// The index of one shard: an open-addressing hash table of Entry pointers with Robin Hood
/// linear probing. Not thread-safe: the shard's lock guards it.
///
/// Each slot is 8 bytes: the entry's address in the low 48 bits (user-space addresses on
/// x86-64 and AArch64 fit), 6 bits of the key's hash as a tag, and the slot's distance from
/// the key's home slot in the top 10 bits. The distance makes Robin Hood insertion, early
/// termination of a miss and backward-shift deletion work on slots alone; the tag lets a probe
/// skip almost every non-matching entry without reading it. No tombstones: a removal shifts
/// the following displaced slots back by one.
///
/// The index costs 8 bytes / load per entry. Capacity is not a power of two (the home slot is
/// the hash's low 32 bits scaled to the capacity), the load stays at most 7/8, and the table
/// grows by 5/4, so it costs 9.1 to 11.4 bytes per entry between resizes.
///
/// Growing never stops the world: the old array stays beside the new one, and every write
/// takes up to `kMigrateStepsPerWrite` steps of the move, a step being one entry moved over
/// (its hash recomputed from its key) or one old slot passed; `migrate_some` lets an idle
/// caller finish it. A move of n entries from c slots thus takes at most (n + c) / 16 writes,
/// after which the new array is at most 4/5 full. Lookups consult both arrays while a move is
/// on; inserts go to the new one. The old array's pages that the move has passed go back to
/// the OS as it goes, so a resize costs less than both arrays in full.
class HashTable {
 public:
  explicit HashTable(KeyHasher hasher = {}, std::size_t keys = 0);
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  /// Starts afresh with `hasher` and a slot array sized for `keys` at the maximum load.
  /// Returns false, changing nothing, when the table holds anything. Throws std::bad_alloc
  /// (start-up only) when the array cannot be allocated.
  bool reset(KeyHasher hasher, std::size_t keys);

  /// `hash` is always hasher()(db, key) for the key concerned; an entry matches on both the
  /// database and the key.
  Entry* find(std::uint64_t hash, unsigned db, std::string_view key) const;
  /// Links an entry whose key is not in the table. Returns false, changing nothing, in the
  /// cases it cannot: the entry's address does not fit 48 bits, or the table is full and
  /// could not allocate a larger array.
  bool insert(std::uint64_t hash, Entry* entry);
  /// Puts `fresh` where `old` is (same key) and unlinks `old`; the caller frees `old`.
  /// Returns false, changing nothing, when `fresh`'s address does not fit 48 bits.
  bool replace(std::uint64_t hash, const Entry* old, Entry* fresh);
  /// Unlinks an entry that is in the table; the caller frees it.
  void remove(std::uint64_t hash, const Entry* entry);
  /// Unlinks every entry, handing each to `on_remove`; keeps the current (newest) array.
  void clear(FunctionRef<void(Entry*)> on_remove);
  /// Unlinks every entry `doomed` picks, handing each to `on_remove` (which may free it:
  /// `doomed` never sees it again). One pass over the arrays (FLUSHDB of one database).
  void erase_if(FunctionRef<bool(const Entry*)> doomed, FunctionRef<void(Entry*)> on_remove);

  /// A uniformly random entry (null when empty): random slots are tried a few times, then the
  /// first occupied slot after the last one tried is taken, so only a nearly empty table
  /// falls back to the (slightly biased) scan.
  Entry* sample(std::minstd_rand& rng) const;

  /// One step of a scan in hash space: visits, from both arrays, every entry whose position
  /// (position_of its hash) is in [from, to), and returns `to`: ScanCursor::kPositionEnd once
  /// the table is done. The caller holds the shard's lock (shared is enough) for the whole
  /// step; `visit` must not change the table. Takes consecutive ranges until `budget` is spent
  /// or nearly (it is decremented by what was visited) or the table ends; visits nothing and
  /// returns `from` if the budget is spent on entry.
  ///
  /// Why a position and not a slot index: a slot index is no cursor here. An insert shifts the
  /// run after it one slot on, a backward-shift removal pulls it one back, and a resize moves
  /// entries to an array of another size, so an index past a key may be before it after any
  /// write. A key's position never changes, and an array of capacity c places an entry at home
  /// slot floor(position * c / 2^32), which is monotone in the position. Robin Hood probing
  /// keeps each cluster sorted by home slot (an insert goes before the first occupant with a
  /// later home, a removal shifts back without reordering), so the entries of [from, to) are
  /// the ones met walking from home_of(from) whose home is in [home_of(from), home_of(to - 1)],
  /// filtered by position in those two boundary home slots only; the walk stops at an empty
  /// slot or a later home. Both arrays are walked, and nothing moves between them during the
  /// step, so an entry is met exactly once whichever array holds it.
  ///
  /// The guarantee: a scan's steps cover [0, 2^32) in consecutive ranges, each read whole at
  /// one moment, and a key's position is in exactly one range. So a key present for the whole
  /// scan is visited exactly once, one added or removed during it at most once (removed and
  /// added back, it has the same position), however the table grows or shifts between steps.
  /// Unlike Redis's dictScan, nothing is ever returned twice.
  ///
  /// Each range's end: the width that should hold 3/4 of what is left of the entry budget at
  /// the table's density (positions are uniform), halved while a counting walk finds more than
  /// is left; the step stops after a range that had to be cut. A range never splits a
  /// position, so one position holding more than the budget (many keys sharing 32 bits of
  /// hash) is visited whole if nothing has been visited on the budget yet, and not at all
  /// otherwise: the only case in which a step exceeds the budget.
  std::uint64_t scan(std::uint64_t from, ScanBudget& budget,
                     FunctionRef<void(const Entry*)> visit) const;
  /// The low 32 bits of a key's hash: its place in hash space, and what sets its home slot.
  static std::uint64_t position_of(std::uint64_t hash) {
    return hash & (ScanCursor::kPositionEnd - 1);
  }

  /// Takes up to `steps` steps of a resize in progress (see above); nothing otherwise.
  void migrate_some(std::size_t steps);

  std::uint64_t hash_of(const Entry* entry) const { return hasher_(entry->db(), entry->key()); }
  const KeyHasher& hasher() const { return hasher_; }
  std::size_t size() const { return main_.count + old_.count; }
  /// Slots in the arrays (both while a resize is on).
  std::size_t capacity() const { return main_.capacity + old_.capacity; }
  bool resizing() const { return old_.slots != nullptr; }
  /// Bytes the slot arrays really cost: the allocator's usable size plus its chunk header.
  std::size_t index_bytes() const;

  static constexpr std::size_t kMinCapacity = 16;
  static constexpr std::size_t kMigrateStepsPerWrite = 16;
  /// Maximum load kMaxLoadNum / kMaxLoadDen; growth factor kGrowNum / kGrowDen.
  static constexpr std::size_t kMaxLoadNum = 7, kMaxLoadDen = 8;
  static constexpr std::size_t kGrowNum = 5, kGrowDen = 4;
  static constexpr std::size_t kMaxDistance = (1U << 10) - 1;

 private:
  // Frees a slot array: munmap for one mapped on its own (mapped_bytes > 0), else free.
  struct Release {
    // No member initializer: GCC would then refuse Release as unique_ptr's default-constructed
    // deleter inside the enclosing class. unique_ptr value-initializes it to 0.
    std::size_t mapped_bytes;
    void operator()(std::uint64_t* p) const;
  };
  struct Array {
    std::unique_ptr<std::uint64_t[], Release> slots;
    std::size_t capacity = 0;
    std::size_t count = 0;
    std::size_t released = 0;  // bytes of whole pages given back to the OS (old_ only)
  };
  static constexpr std::size_t kNotFound = SIZE_MAX;

  static bool allocate(Array& array, std::size_t capacity);
  static std::size_t find_key(const Array& array, std::uint64_t hash, unsigned db,
                              std::string_view key);
  static std::size_t find_entry(const Array& array, std::uint64_t hash, const Entry* entry);
  static bool insert_into(Array& array, std::uint64_t hash, Entry* entry);
  static void erase_at(Array& array, std::size_t index);

  // Calls `visit` for each entry of `array` with a position in [from, to), from < to, until it
  // returns false; returns false then.
  bool walk(const Array& array, std::uint64_t from, std::uint64_t to,
            FunctionRef<bool(const Entry*)> visit) const;
  bool fits(std::uint64_t from, std::uint64_t to, const ScanBudget& budget) const;
  std::uint64_t step_end(std::uint64_t from, const ScanBudget& budget, bool may_exceed,
                         bool& cut) const;

  void maybe_grow();
  void release_passed_pages();
  void finish_resize();

  KeyHasher hasher_;
  Array main_;
  Array old_;               // the array being drained while a resize is on
  std::size_t cursor_ = 0;  // slots of old_ below this are empty and stay so
};

}  // namespace respcache::storage
