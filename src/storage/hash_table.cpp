#include "respcache/storage/hash_table.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace respcache::storage {
namespace {

std::size_t round_up_pow2(std::size_t n) {
  std::size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

void HashTable::FreeDeleter::operator()(Entry** p) const { std::free(p); }

HashTable::HashTable(std::size_t initial_buckets) { reserve(initial_buckets); }

HashTable::~HashTable() {
  // Entries are owned by the shard, which frees them through clear() before this runs.
}

void HashTable::reserve(std::size_t keys) {
  if (size_ != 0) return;
  const std::size_t count = round_up_pow2(keys);
  // calloc, not new[]: a large array comes from fresh zero pages that cost no RSS until a
  // bucket is used, and nothing zeroes it on the request path.
  auto* slots = static_cast<Entry**>(std::calloc(count, sizeof(Entry*)));
  if (slots == nullptr) throw std::bad_alloc();
  main_.slots.reset(slots);
  main_.mask = count - 1;
  next_ = {};
  rehash_pos_ = 0;
}

Entry** HashTable::slot_for(const Entry* entry) {
  const std::size_t index = entry->hash & main_.mask;
  if (rehashing() && index < rehash_pos_) return &next_.slots[entry->hash & next_.mask];
  return &main_.slots[index];
}

Entry* HashTable::find(std::uint32_t hash, std::string_view key) const {
  const std::size_t index = hash & main_.mask;
  Entry* e =
      (rehashing() && index < rehash_pos_) ? next_.slots[hash & next_.mask] : main_.slots[index];
  for (; e != nullptr; e = e->next) {
    if (e->hash == hash && e->key_len == key.size() &&
        (key.empty() || std::memcmp(e->data(), key.data(), key.size()) == 0)) {
      return e;
    }
  }
  return nullptr;
}

void HashTable::insert(Entry* entry) {
  maybe_grow();
  if (rehashing()) rehash_step(kRehashBucketsPerWrite);
  Entry** slot = slot_for(entry);
  entry->next = *slot;
  *slot = entry;
  ++size_;
}

void HashTable::replace(Entry* old, Entry* fresh) {
  Entry** link = slot_for(old);
  while (*link != old) link = &(*link)->next;
  fresh->next = old->next;
  *link = fresh;
}

void HashTable::remove(Entry* entry) {
  Entry** link = slot_for(entry);
  while (*link != entry) link = &(*link)->next;
  *link = entry->next;
  --size_;
  if (rehashing()) rehash_step(kRehashBucketsPerWrite);
}

void HashTable::clear(FunctionRef<void(Entry*)> on_remove) {
  if (size_ == 0) return;  // untouched buckets of a large table stay untouched pages
  for (Buckets* buckets : {&main_, &next_}) {
    for (std::size_t i = 0; i < buckets->count(); ++i) {
      for (Entry* e = buckets->slots[i]; e != nullptr;) {
        Entry* next = e->next;
        on_remove(e);
        e = next;
      }
      buckets->slots[i] = nullptr;
    }
  }
  if (rehashing()) {
    main_ = std::move(next_);
    next_ = {};
    rehash_pos_ = 0;
  }
  size_ = 0;
}

Entry* HashTable::sample(std::minstd_rand& rng) const {
  if (size_ == 0) return nullptr;
  const Buckets* order[2] = {&main_, &next_};
  if (rehashing() && (rng() & 1U) != 0) std::swap(order[0], order[1]);
  for (const Buckets* buckets : order) {
    const std::size_t count = buckets->count();
    if (count == 0) continue;
    const std::size_t start = rng() & buckets->mask;
    for (std::size_t i = 0; i < count; ++i) {
      Entry* e = buckets->slots[(start + i) & buckets->mask];
      if (e == nullptr) continue;
      // Any entry of the chain, not just its head (as Redis's dictGetRandomKey): otherwise an
      // entry behind a long-lived one is never sampled, so never expired by the sweep.
      std::size_t length = 0;
      for (const Entry* c = e; c != nullptr; c = c->next) ++length;
      for (std::size_t skip = length > 1 ? rng() % length : 0; skip > 0; --skip) e = e->next;
      return e;
    }
  }
  return nullptr;
}

std::size_t HashTable::bucket_bytes() const {
  return (main_.count() + next_.count()) * sizeof(Entry*);
}

void HashTable::maybe_grow() {
  if (rehashing() || size_ < main_.count()) return;
  const std::size_t count = main_.count() * 2;
  auto* slots = static_cast<Entry**>(std::calloc(count, sizeof(Entry*)));
  if (slots == nullptr) return;  // keep working with longer chains rather than fail a write
  next_.slots.reset(slots);
  next_.mask = count - 1;
  rehash_pos_ = 0;
}

void HashTable::rehash_step(std::size_t buckets) {
  for (; buckets > 0 && rehash_pos_ < main_.count(); --buckets, ++rehash_pos_) {
    for (Entry* e = main_.slots[rehash_pos_]; e != nullptr;) {
      Entry* next = e->next;
      Entry** slot = &next_.slots[e->hash & next_.mask];
      e->next = *slot;
      *slot = e;
      e = next;
    }
    main_.slots[rehash_pos_] = nullptr;
  }
  if (rehash_pos_ == main_.count()) {
    main_ = std::move(next_);
    next_ = {};
    rehash_pos_ = 0;
  }
}

}  // namespace respcache::storage
