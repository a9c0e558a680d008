// The C ABI over PersistentMap, PersistentVector and PersistentSet of int64, and over
// PersistentMap / PersistentSet of caller-managed pointers (Atomic counts, so handles may cross
// threads). No exception leaves this file; errors become a NULL or negative
// result plus a message for rt_last_error().

#include "spl/persistent/c_api.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "spl/base/c_error.hpp"
#include "spl/base/c_handle.hpp"
#include "spl/base/refcount.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/set.hpp"
#include "spl/persistent/vector.hpp"

namespace {

using spl::c_abi::check;
using spl::c_abi::free_handle;
using spl::c_abi::guarded;
using spl::c_abi::wrap;

// Tag words naming each kind of live handle.
constexpr std::uint64_t kDictTag = 0x5350'4C44'4943'5401ULL;
constexpr std::uint64_t kVecTag = 0x5350'4C56'4543'5402ULL;
constexpr std::uint64_t kSetTag = 0x5350'4C53'4554'5403ULL;
constexpr std::uint64_t kPdictTag = 0x5350'4C50'4449'4304ULL;
constexpr std::uint64_t kPsetTag = 0x5350'4C50'5345'5405ULL;

// A pointer stored in a node. Every stored copy holds one retain, dropped when the copy goes;
// a lookup key borrows (no callbacks). NULL items are never retained.
class PtrItem {
 public:
  PtrItem(const void* p, const rt_ptr_callbacks* cb, bool store) noexcept : p_(p), cb_(cb), owned_(store && p) {
    if (owned_ && cb_->retain) cb_->retain(p_, cb_->context);
  }
  PtrItem(const PtrItem& o) noexcept : PtrItem(o.p_, o.cb_, true) {}
  PtrItem(PtrItem&& o) noexcept : p_(o.p_), cb_(o.cb_), owned_(std::exchange(o.owned_, false)) {}
  PtrItem& operator=(PtrItem o) noexcept {
    std::swap(p_, o.p_);
    std::swap(cb_, o.cb_);
    std::swap(owned_, o.owned_);
    return *this;
  }
  ~PtrItem() {
    if (owned_ && cb_->release) cb_->release(p_, cb_->context);
  }
  const void* get() const noexcept { return p_; }
  const rt_ptr_callbacks& callbacks() const noexcept { return *cb_; }

 private:
  const void* p_;
  const rt_ptr_callbacks* cb_;
  bool owned_;
};

// The caller's hash, finalised so that hashes of aligned addresses or small integers still
// spread over every trie level.
struct PtrHash {
  std::uint64_t operator()(const PtrItem& k) const noexcept {
    std::uint64_t h = k.callbacks().hash(k.get(), k.callbacks().context);
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
  }
};
struct PtrEq {
  bool operator()(const PtrItem& a, const PtrItem& b) const noexcept {
    return a.get() == b.get() || a.callbacks().eq(a.get(), b.get(), a.callbacks().context) != 0;
  }
};

using Callbacks = std::shared_ptr<const rt_ptr_callbacks>;

// A pointer collection with the callbacks its items release through: the collection is always
// emptied before the callbacks go (the defaulted members would do it the other way round).
template <class Collection>
struct WithCallbacks {
  Callbacks callbacks;
  Collection items;

  WithCallbacks() = default;
  WithCallbacks(Callbacks cb, Collection c) noexcept : callbacks(std::move(cb)), items(std::move(c)) {}
  WithCallbacks(WithCallbacks&& o) noexcept = default;
  WithCallbacks& operator=(WithCallbacks&& o) noexcept {
    items = std::move(o.items);
    callbacks = std::move(o.callbacks);
    return *this;
  }
  ~WithCallbacks() { items = Collection{}; }
};

using PtrMap = WithCallbacks<spl::persistent::PersistentMap<PtrItem, PtrItem, PtrHash, PtrEq>>;
using PtrSet = WithCallbacks<spl::persistent::PersistentSet<PtrItem, PtrHash, PtrEq>>;

}  // namespace

struct rt_dict : spl::c_abi::Handle<kDictTag, spl::persistent::PersistentMap<std::int64_t, std::int64_t>> {};
struct rt_vec : spl::c_abi::Handle<kVecTag, spl::persistent::PersistentVector<std::int64_t>> {};
struct rt_set : spl::c_abi::Handle<kSetTag, spl::persistent::PersistentSet<std::int64_t>> {};
struct rt_pdict : spl::c_abi::Handle<kPdictTag, PtrMap> {};
struct rt_pset : spl::c_abi::Handle<kPsetTag, PtrSet> {};

namespace {

// Copies the caller's callbacks into a block shared by every version; null when unusable.
Callbacks adopt_callbacks(const rt_ptr_callbacks* callbacks) noexcept {
  if (!callbacks || !callbacks->hash || !callbacks->eq) {
    spl::set_last_error("pointer collections need callbacks with hash and eq set");
    return nullptr;
  }
  return guarded<Callbacks>(nullptr, [&] { return std::make_shared<const rt_ptr_callbacks>(*callbacks); });
}

// Nodes of pointer collections are made inside an UnownedScope: their destructors call the
// caller's release, which must all have run once the last handle is freed (the caller may then
// free `context` and the callbacks block goes with the handle), so no node may wait in a
// biased count's queue for the thread that made it.
template <class F>
auto unowned(F&& f) {
  spl::UnownedScope scope;
  return f();
}

// A lookup key borrowing `key` under h's callbacks.
template <class H>
PtrItem probe(const H* h, const void* key) noexcept {
  return PtrItem(key, h->value.callbacks.get(), false);
}

}  // namespace

extern "C" {

rt_dict* rt_persistent_dict_empty(void) { return wrap<rt_dict>(spl::persistent::PersistentMap<std::int64_t, std::int64_t>{}); }

rt_dict* rt_persistent_dict_insert(const rt_dict* d, int64_t key, int64_t value) {
  if (!check(d)) return nullptr;
  return guarded<rt_dict*>(nullptr, [&] { return wrap<rt_dict>(d->value.insert(key, value)); });
}

rt_dict* rt_persistent_dict_remove(const rt_dict* d, int64_t key) {
  if (!check(d)) return nullptr;
  return guarded<rt_dict*>(nullptr, [&] { return wrap<rt_dict>(d->value.remove(key)); });
}

int rt_persistent_dict_get(const rt_dict* d, int64_t key, int64_t* value_out) {
  if (!check(d)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  const std::int64_t* v = d->value.find(key);
  if (!v) return 0;
  if (value_out) *value_out = *v;
  return 1;
}

int64_t rt_persistent_dict_len(const rt_dict* d) {
  if (!check(d)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(d->value.size());
}

rt_dict* rt_persistent_dict_clone(const rt_dict* d) {
  if (!check(d)) return nullptr;
  return wrap<rt_dict>(d->value);
}

void rt_persistent_dict_free(rt_dict* d) { free_handle(d); }

rt_vec* rt_persistent_vec_empty(void) { return wrap<rt_vec>(spl::persistent::PersistentVector<std::int64_t>{}); }

rt_vec* rt_persistent_vec_push(const rt_vec* v, int64_t x) {
  if (!check(v)) return nullptr;
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(v->value.push_back(x)); });
}

rt_vec* rt_persistent_vec_pop(const rt_vec* v) {
  if (!check(v)) return nullptr;
  if (v->value.empty()) {
    spl::set_last_error("pop from an empty vector");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(v->value.pop_back()); });
}

rt_vec* rt_persistent_vec_set(const rt_vec* v, int64_t index, int64_t x) {
  if (!check(v)) return nullptr;
  if (index < 0 || static_cast<std::uint64_t>(index) >= v->value.size()) {
    spl::set_last_error("vector index out of range");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr,
                          [&] { return wrap<rt_vec>(v->value.set(static_cast<std::size_t>(index), x)); });
}

int rt_persistent_vec_get(const rt_vec* v, int64_t index, int64_t* out) {
  if (!check(v)) return v ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  if (index < 0 || static_cast<std::uint64_t>(index) >= v->value.size()) return 0;
  if (out) *out = v->value[static_cast<std::size_t>(index)];
  return 1;
}

rt_vec* rt_persistent_vec_concat(const rt_vec* a, const rt_vec* b) {
  if (!check(a) || !check(b)) return nullptr;
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(a->value.concat(b->value)); });
}

rt_vec* rt_persistent_vec_slice(const rt_vec* v, int64_t begin, int64_t end) {
  if (!check(v)) return nullptr;
  if (begin < 0 || end < begin || static_cast<std::uint64_t>(end) > v->value.size()) {
    spl::set_last_error("slice bounds out of range (need 0 <= begin <= end <= len)");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr, [&] {
    return wrap<rt_vec>(v->value.slice(static_cast<std::size_t>(begin), static_cast<std::size_t>(end)));
  });
}

int64_t rt_persistent_vec_len(const rt_vec* v) {
  if (!check(v)) return v ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(v->value.size());
}

rt_vec* rt_persistent_vec_clone(const rt_vec* v) {
  if (!check(v)) return nullptr;
  return wrap<rt_vec>(v->value);
}

void rt_persistent_vec_free(rt_vec* v) { free_handle(v); }

rt_set* rt_persistent_set_empty(void) { return wrap<rt_set>(spl::persistent::PersistentSet<std::int64_t>{}); }

rt_set* rt_persistent_set_insert(const rt_set* s, int64_t key) {
  if (!check(s)) return nullptr;
  return guarded<rt_set*>(nullptr, [&] { return wrap<rt_set>(s->value.insert(key)); });
}

rt_set* rt_persistent_set_remove(const rt_set* s, int64_t key) {
  if (!check(s)) return nullptr;
  return guarded<rt_set*>(nullptr, [&] { return wrap<rt_set>(s->value.remove(key)); });
}

int rt_persistent_set_contains(const rt_set* s, int64_t key) {
  if (!check(s)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return s->value.contains(key) ? 1 : 0;
}

int64_t rt_persistent_set_len(const rt_set* s) {
  if (!check(s)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(s->value.size());
}

rt_set* rt_persistent_set_clone(const rt_set* s) {
  if (!check(s)) return nullptr;
  return wrap<rt_set>(s->value);
}

void rt_persistent_set_free(rt_set* s) { free_handle(s); }

rt_pdict* rt_persistent_pdict_empty(const rt_ptr_callbacks* callbacks) {
  Callbacks cb = adopt_callbacks(callbacks);
  return cb ? wrap<rt_pdict>(PtrMap(cb, {})) : nullptr;
}

rt_pdict* rt_persistent_pdict_insert(const rt_pdict* d, const void* key, const void* value) {
  if (!check(d)) return nullptr;
  return guarded<rt_pdict*>(nullptr, [&] {
    const PtrMap& m = d->value;
    const rt_ptr_callbacks* cb = m.callbacks.get();
    return wrap<rt_pdict>(
        PtrMap(m.callbacks, unowned([&] { return m.items.insert(PtrItem(key, cb, true), PtrItem(value, cb, true)); })));
  });
}

rt_pdict* rt_persistent_pdict_remove(const rt_pdict* d, const void* key) {
  if (!check(d)) return nullptr;
  return guarded<rt_pdict*>(nullptr,
                            [&] { return wrap<rt_pdict>(PtrMap(d->value.callbacks, unowned([&] { return d->value.items.remove(probe(d, key)); }))); });
}

int rt_persistent_pdict_get(const rt_pdict* d, const void* key, const void** value_out) {
  if (!check(d)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  const PtrItem* v = d->value.items.find(probe(d, key));
  if (!v) return 0;
  if (value_out) *value_out = v->get();
  return 1;
}

int64_t rt_persistent_pdict_len(const rt_pdict* d) {
  if (!check(d)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(d->value.items.size());
}

rt_pdict* rt_persistent_pdict_clone(const rt_pdict* d) {
  if (!check(d)) return nullptr;
  return guarded<rt_pdict*>(nullptr, [&] { return wrap<rt_pdict>(PtrMap(d->value.callbacks, d->value.items)); });
}

void rt_persistent_pdict_free(rt_pdict* d) { free_handle(d); }

rt_pset* rt_persistent_pset_empty(const rt_ptr_callbacks* callbacks) {
  Callbacks cb = adopt_callbacks(callbacks);
  return cb ? wrap<rt_pset>(PtrSet(cb, {})) : nullptr;
}

rt_pset* rt_persistent_pset_insert(const rt_pset* s, const void* key) {
  if (!check(s)) return nullptr;
  return guarded<rt_pset*>(nullptr, [&] {
    const PtrSet& set = s->value;
    return wrap<rt_pset>(
        PtrSet(set.callbacks, unowned([&] { return set.items.insert(PtrItem(key, set.callbacks.get(), true)); })));
  });
}

rt_pset* rt_persistent_pset_remove(const rt_pset* s, const void* key) {
  if (!check(s)) return nullptr;
  return guarded<rt_pset*>(nullptr,
                           [&] { return wrap<rt_pset>(PtrSet(s->value.callbacks, unowned([&] { return s->value.items.remove(probe(s, key)); }))); });
}

int rt_persistent_pset_contains(const rt_pset* s, const void* key) {
  if (!check(s)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return s->value.items.contains(probe(s, key)) ? 1 : 0;
}

int64_t rt_persistent_pset_len(const rt_pset* s) {
  if (!check(s)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(s->value.items.size());
}

rt_pset* rt_persistent_pset_clone(const rt_pset* s) {
  if (!check(s)) return nullptr;
  return guarded<rt_pset*>(nullptr, [&] { return wrap<rt_pset>(PtrSet(s->value.callbacks, s->value.items)); });
}

void rt_persistent_pset_free(rt_pset* s) { free_handle(s); }

void rt_persistent_reclaim(void) { spl::drain_deferred_releases(); }

}  // extern "C"
