#include "respcache/storage/hash_table.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace respcache::storage {
namespace {

// Slot layout (0 is an empty slot; an occupied one is never 0, its address is not null):
//   bits  0..47  the Entry's address
//   bits 48..53  tag: the top 6 bits of the key's hash (independent of the shard's bits 40..45
//                and of the home slot's bits 0..31)
//   bits 54..63  distance from the home slot
constexpr std::uint64_t kAddressMask = (std::uint64_t{1} << 48) - 1;
constexpr int kTagShift = 48;
constexpr int kDistanceShift = 54;
constexpr std::uint64_t kDistanceOne = std::uint64_t{1} << kDistanceShift;

std::uint64_t tag_of(std::uint64_t hash) { return hash >> 58; }
std::size_t distance_of(std::uint64_t slot) { return slot >> kDistanceShift; }
// The top 16 bits a slot holding this hash at this distance has: one compare checks both.
std::uint64_t high_bits(std::uint64_t hash, std::size_t distance) {
  return (std::uint64_t{distance} << (kDistanceShift - kTagShift)) | tag_of(hash);
}
Entry* entry_of(std::uint64_t slot) { return reinterpret_cast<Entry*>(slot & kAddressMask); }
std::uint64_t address_of(const Entry* entry) { return reinterpret_cast<std::uintptr_t>(entry); }

// Lemire's fast range reduction of the hash's low 32 bits: any capacity below 2^32, no
// division, and as uniform as a modulo.
std::size_t home_of(std::uint64_t hash, std::size_t capacity) {
  return static_cast<std::size_t>(((hash & 0xFFFFFFFFU) * capacity) >> 32);
}
std::size_t next(std::size_t index, std::size_t capacity) {
  return index + 1 == capacity ? 0 : index + 1;
}

bool key_equals(const Entry* entry, unsigned db, std::string_view key) {
  return entry->identity() == Entry::identity(db, key.size()) &&
         (key.empty() || std::memcmp(entry->data(), key.data(), key.size()) == 0);
}

// What an entry weighs against a scan's byte budget.
std::size_t scan_bytes(const Entry* entry) { return entry->key_len() + entry->value().size(); }

std::size_t capacity_for(std::size_t keys) {
  const std::size_t capacity =
      (keys * HashTable::kMaxLoadDen + HashTable::kMaxLoadNum - 1) / HashTable::kMaxLoadNum;
  return capacity < HashTable::kMinCapacity ? HashTable::kMinCapacity : capacity;
}

}  // namespace

void HashTable::Release::operator()(std::uint64_t* p) const {
  if (mapped_bytes != 0) {
    munmap(p, mapped_bytes);
  } else {
    std::free(p);
  }
}

HashTable::HashTable(KeyHasher hasher, std::size_t keys) { reset(hasher, keys); }

HashTable::~HashTable() {
  // Entries are owned by the shard, which frees them through clear() before this runs.
}

bool HashTable::reset(KeyHasher hasher, std::size_t keys) {
  if (size() != 0) return false;
  Array fresh;
  if (!allocate(fresh, capacity_for(keys))) throw std::bad_alloc();
  hasher_ = hasher;
  main_ = std::move(fresh);
  old_ = {};
  cursor_ = 0;
  return true;
}

// Zeroed memory that costs no RSS until a slot is used, so nothing zeroes it on the request
// path. Arrays of 64 KiB and more are mapped on their own rather than taken from malloc: when
// one is freed after a resize its memory surely goes back to the OS (glibc would keep a freed
// array of up to 32 MiB in its heap once its dynamic mmap threshold has risen), and its
// accounting is exact.
bool HashTable::allocate(Array& array, std::size_t capacity) {
  constexpr std::size_t kMapFrom = 64 * 1024;
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t bytes = capacity * sizeof(std::uint64_t);
  if (bytes >= kMapFrom) {
    const std::size_t mapped = (bytes + page - 1) & ~(page - 1);
    void* memory =
        mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return false;
    array.slots = {static_cast<std::uint64_t*>(memory), Release{mapped}};
  } else {
    auto* slots = static_cast<std::uint64_t*>(std::calloc(capacity, sizeof(std::uint64_t)));
    if (slots == nullptr) return false;
    array.slots = {slots, Release{0}};
  }
  array.capacity = capacity;
  array.count = 0;
  array.released = 0;
  return true;
}

// Robin Hood keeps every cluster ordered by distance, so a probe can stop at the first slot
// whose entry is closer to its home than the probe is to the key's: the key would have been
// placed before it.
std::size_t HashTable::find_key(const Array& array, std::uint64_t hash, unsigned db,
                                std::string_view key) {
  std::size_t index = home_of(hash, array.capacity);
  for (std::size_t distance = 0; distance <= kMaxDistance; ++distance) {
    const std::uint64_t slot = array.slots[index];
    if (slot == 0 || distance_of(slot) < distance) return kNotFound;
    if ((slot >> kTagShift) == high_bits(hash, distance) && key_equals(entry_of(slot), db, key)) {
      return index;
    }
    index = next(index, array.capacity);
  }
  return kNotFound;
}

std::size_t HashTable::find_entry(const Array& array, std::uint64_t hash, const Entry* entry) {
  if (array.slots == nullptr) return kNotFound;
  const std::uint64_t wanted = (high_bits(hash, 0) << kTagShift) | address_of(entry);
  std::size_t index = home_of(hash, array.capacity);
  for (std::size_t distance = 0; distance <= kMaxDistance; ++distance) {
    const std::uint64_t slot = array.slots[index];
    if (slot == 0 || distance_of(slot) < distance) return kNotFound;
    if (slot == wanted + distance * kDistanceOne) return index;
    index = next(index, array.capacity);
  }
  return kNotFound;
}

// Robin Hood insertion as a shift: the entry goes to the first slot whose occupant is closer
// to its home (or that is empty), and the run from there to the next empty slot moves one
// slot on, each moved occupant one further from home. Everything is checked before anything
// moves, so a refusal changes nothing.
bool HashTable::insert_into(Array& array, std::uint64_t hash, Entry* entry) {
  const std::size_t capacity = array.capacity;
  if (array.count + 1 >= capacity) return false;  // one slot stays empty, so every probe ends
  std::size_t index = home_of(hash, capacity);
  std::size_t distance = 0;
  for (std::uint64_t slot = array.slots[index]; slot != 0 && distance_of(slot) >= distance;
       slot = array.slots[index]) {
    index = next(index, capacity);
    if (++distance > kMaxDistance) return false;
  }
  std::size_t end = index;
  for (; array.slots[end] != 0; end = next(end, capacity)) {
    if (distance_of(array.slots[end]) == kMaxDistance) return false;
  }
  while (end != index) {
    const std::size_t previous = end == 0 ? capacity - 1 : end - 1;
    array.slots[end] = array.slots[previous] + kDistanceOne;
    end = previous;
  }
  array.slots[index] = (high_bits(hash, distance) << kTagShift) | address_of(entry);
  ++array.count;
  return true;
}

// Backward-shift deletion: the displaced slots after the hole move one slot back, each one
// closer to home, until an empty slot or one already at home. No tombstones accumulate.
void HashTable::erase_at(Array& array, std::size_t index) {
  for (std::size_t following = next(index, array.capacity);
       array.slots[following] != 0 && distance_of(array.slots[following]) > 0;
       following = next(following, array.capacity)) {
    array.slots[index] = array.slots[following] - kDistanceOne;
    index = following;
  }
  array.slots[index] = 0;
  --array.count;
}

Entry* HashTable::find(std::uint64_t hash, unsigned db, std::string_view key) const {
  std::size_t index = find_key(main_, hash, db, key);
  if (index != kNotFound) return entry_of(main_.slots[index]);
  if (!resizing()) return nullptr;
  index = find_key(old_, hash, db, key);
  return index != kNotFound ? entry_of(old_.slots[index]) : nullptr;
}

bool HashTable::insert(std::uint64_t hash, Entry* entry) {
  if ((address_of(entry) & ~kAddressMask) != 0) return false;
  maybe_grow();
  if (resizing()) migrate_some(kMigrateStepsPerWrite);
  return insert_into(main_, hash, entry);
}

bool HashTable::replace(std::uint64_t hash, const Entry* old, Entry* fresh) {
  if ((address_of(fresh) & ~kAddressMask) != 0) return false;
  for (Array* array : {&main_, &old_}) {
    const std::size_t index = find_entry(*array, hash, old);
    if (index == kNotFound) continue;
    array->slots[index] = (array->slots[index] & ~kAddressMask) | address_of(fresh);
    return true;
  }
  return false;  // not reached: the caller passes an entry of this table
}

void HashTable::remove(std::uint64_t hash, const Entry* entry) {
  for (Array* array : {&main_, &old_}) {
    const std::size_t index = find_entry(*array, hash, entry);
    if (index == kNotFound) continue;
    erase_at(*array, index);
    break;
  }
  if (resizing()) migrate_some(kMigrateStepsPerWrite);
}

void HashTable::clear(FunctionRef<void(Entry*)> on_remove) {
  if (size() == 0) return;  // untouched pages of a large array stay untouched
  for (Array* array : {&main_, &old_}) {
    for (std::size_t i = 0; i < array->capacity && array->count > 0; ++i) {
      if (array->slots[i] == 0) continue;
      on_remove(entry_of(array->slots[i]));
      array->slots[i] = 0;
      --array->count;
    }
  }
  if (resizing()) finish_resize();
}

void HashTable::erase_if(FunctionRef<bool(const Entry*)> doomed,
                         FunctionRef<void(Entry*)> on_remove) {
  for (Array* array : {&main_, &old_}) {
    // Below the cursor old_ is empty. A backward shift only moves slots towards the hole, so
    // re-testing the hole until it holds a survivor (or nothing) meets every entry; one that
    // wraps from the front to the back was tested already and is tested again, harmlessly.
    const std::size_t first = array == &old_ ? cursor_ : 0;
    for (std::size_t i = first; i < array->capacity && array->count > 0; ++i) {
      while (array->slots[i] != 0 && doomed(entry_of(array->slots[i]))) {
        Entry* entry = entry_of(array->slots[i]);
        erase_at(*array, i);
        on_remove(entry);
      }
    }
  }
  if (resizing() && old_.count == 0) finish_resize();
}

Entry* HashTable::sample(std::minstd_rand& rng) const {
  if (size() == 0) return nullptr;
  // Pick the array in proportion to the entries it holds, then a slot in it.
  const bool from_old = resizing() && rng() % size() < old_.count;
  const Array& array = from_old ? old_ : main_;
  const std::size_t first = from_old ? cursor_ : 0;  // below the cursor old_ is empty
  const std::size_t span = array.capacity - first;
  constexpr int kRandomTries = 8;
  std::size_t index = first;
  for (int attempt = 0; attempt < kRandomTries; ++attempt) {
    index = first + rng() % span;
    if (array.slots[index] != 0) return entry_of(array.slots[index]);
  }
  while (array.slots[index] == 0) index = next(index, array.capacity);  // count > 0: ends
  return entry_of(array.slots[index]);
}

std::uint64_t HashTable::scan(std::uint64_t from, ScanBudget& budget,
                              FunctionRef<void(const Entry*)> visit) const {
  auto take = [&budget, visit](const Entry* entry) {
    ++budget.visited;
    if (budget.entries > 0) --budget.entries;
    if (budget.bytes != SIZE_MAX) budget.bytes -= std::min(scan_bytes(entry), budget.bytes);
    visit(entry);
    return true;
  };
  while (from < ScanCursor::kPositionEnd && !budget.spent()) {
    bool cut = false;
    const std::uint64_t to = step_end(from, budget, budget.visited == 0, cut);
    if (to == from) break;  // the next position alone does not fit what is left
    walk(main_, from, to, take);
    walk(old_, from, to, take);
    from = to;
    // A range cut to fit means what is left is about used up; stopping here, rather than
    // creeping up on the next entry in ever smaller ranges, bounds the ranges per step.
    if (cut && budget.visited > 0) break;
  }
  return from;
}

// See scan() for why the walk is right. `j` runs unwrapped (past the end means wrapped round
// to the front), so an entry's home is j - distance even in a cluster that wraps. The table
// always keeps a slot empty, so the walk ends within one lap.
bool HashTable::walk(const Array& array, std::uint64_t from, std::uint64_t to,
                     FunctionRef<bool(const Entry*)> visit) const {
  if (array.count == 0) return true;
  const std::size_t capacity = array.capacity;
  const std::size_t first = home_of(from, capacity);
  const std::size_t last = home_of(to - 1, capacity);
  for (std::size_t j = first; j <= last + capacity; ++j) {
    const std::uint64_t slot = array.slots[j < capacity ? j : j - capacity];
    if (slot == 0) {
      if (j >= last) break;  // a later entry with a home up to `last` would need this slot
      continue;
    }
    const std::size_t distance = distance_of(slot);
    if (distance > j - first) continue;  // home before `first`, so position before `from`
    const std::size_t home = j - distance;
    if (home > last) break;  // the cluster is sorted by home: nothing further is in range
    const Entry* entry = entry_of(slot);
    // Strictly between the boundary homes every position is in range (home_of is monotone).
    if (home == first || home == last) {
      const std::uint64_t position = position_of(hash_of(entry));
      if (position < from || position >= to) continue;
    }
    if (!visit(entry)) return false;
  }
  return true;
}

bool HashTable::fits(std::uint64_t from, std::uint64_t to, const ScanBudget& budget) const {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  auto count = [&](const Entry* entry) {
    ++entries;
    if (budget.bytes != SIZE_MAX) bytes += scan_bytes(entry);
    return entries <= budget.entries && bytes <= budget.bytes;
  };
  return walk(main_, from, to, count) && walk(old_, from, to, count);
}

// The widest range from the density estimate down, halving, that fits the budget; at width 1
// the position is taken whole if `may_exceed`, else nothing (returns `from`).
std::uint64_t HashTable::step_end(std::uint64_t from, const ScanBudget& budget, bool may_exceed,
                                  bool& cut) const {
  const std::size_t total = size();
  if (total <= budget.entries && budget.bytes == SIZE_MAX) return ScanCursor::kPositionEnd;
  std::uint64_t width = ScanCursor::kPositionEnd - from;
  if (total > budget.entries) {
    const std::uint64_t aim = budget.entries - budget.entries / 4;
    width = std::min(width, std::max<std::uint64_t>(1, ScanCursor::kPositionEnd / total * aim));
  }
  for (;; width /= 2, cut = true) {
    if (fits(from, from + width, budget)) return from + width;
    if (width == 1) return may_exceed ? from + 1 : from;
  }
}

void HashTable::migrate_some(std::size_t steps) {
  for (; steps > 0 && resizing() && old_.count > 0 && cursor_ < old_.capacity; --steps) {
    const std::uint64_t slot = old_.slots[cursor_];
    if (slot == 0) {
      ++cursor_;
      continue;
    }
    Entry* entry = entry_of(slot);
    // Insert first: if the new array refused (it cannot at 4/5 load), nothing has moved.
    if (!insert_into(main_, hash_of(entry), entry)) return;
    erase_at(old_, cursor_);  // may pull the next displaced slot into the cursor's place
    if (old_.slots[cursor_] == 0) ++cursor_;  // nothing was pulled in: pass it in this step
  }
  if (!resizing()) return;
  if (old_.count == 0) {
    finish_resize();
  } else {
    release_passed_pages();
  }
}

// The old array's slots below the cursor are empty for good, and nothing writes them again, so
// their whole pages can go back to the OS (MADV_DONTNEED: a later read sees zeros, which is what
// they hold). Pages strictly inside the allocation only, so the allocator's own words around it
// are untouched; in batches of 16 KiB to keep the system calls few. Both arrays are indexed by
// the hash scaled to their size, so the move fills the new array front to back about as fast as
// it empties the old one, and a resize costs little more than the larger array alone.
void HashTable::release_passed_pages() {
  static const std::uintptr_t page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  constexpr std::uintptr_t kBatch = 16 * 1024;
  const auto base = reinterpret_cast<std::uintptr_t>(old_.slots.get());
  const std::uintptr_t first_page = (base + page - 1) & ~(page - 1);
  const std::uintptr_t passed_end = (base + cursor_ * sizeof(std::uint64_t)) & ~(page - 1);
  const std::uintptr_t released_end = first_page + old_.released;
  if (passed_end < released_end + kBatch) return;
  if (madvise(reinterpret_cast<void*>(released_end), passed_end - released_end, MADV_DONTNEED) ==
      0) {
    old_.released = passed_end - first_page;
  }
}

std::size_t HashTable::index_bytes() const {
  std::size_t bytes = 0;
  for (const Array* array : {&main_, &old_}) {
    if (!array->slots) continue;
    const std::size_t mapped = array->slots.get_deleter().mapped_bytes;
    // A mapped array costs its pages; a malloc'd one its chunk (usable size and size word).
    bytes += (mapped != 0 ? mapped : malloc_usable_size(array->slots.get()) + sizeof(std::size_t)) -
             array->released;
  }
  return bytes;
}

void HashTable::maybe_grow() {
  if (resizing() || (main_.count + 1) * kMaxLoadDen <= main_.capacity * kMaxLoadNum) return;
  Array bigger;
  // If this fails the table fills past its load limit until an insert is refused, rather than
  // failing a write now.
  if (!allocate(bigger, main_.capacity * kGrowNum / kGrowDen)) return;
  old_ = std::move(main_);
  main_ = std::move(bigger);
  cursor_ = 0;
}

void HashTable::finish_resize() {
  old_ = {};
  cursor_ = 0;
}

}  // namespace respcache::storage
