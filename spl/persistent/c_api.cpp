// The C ABI over PersistentMap, PersistentVector and PersistentSet of int64 (Atomic counts, so
// handles may cross threads). No exception leaves this file; errors become a NULL or negative
// result plus a message for rt_last_error().

#include "spl/persistent/c_api.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <new>
#include <utility>

#include "spl/base/c_error.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/set.hpp"
#include "spl/persistent/vector.hpp"

namespace {

// Tag words: a live handle carries its kind's tag; a freed one the poison value.
constexpr std::uint64_t kDictTag = 0x5350'4C44'4943'5401ULL;
constexpr std::uint64_t kVecTag = 0x5350'4C56'4543'5402ULL;
constexpr std::uint64_t kSetTag = 0x5350'4C53'4554'5403ULL;
constexpr std::uint64_t kFreedTag = 0xDEAD'F4EE'DEAD'F4EEULL;

void set_error(const char* message) noexcept { spl::set_last_error(message); }

}  // namespace

struct rt_dict {
  std::uint64_t tag = kDictTag;
  spl::persistent::PersistentMap<std::int64_t, std::int64_t> value;
};
struct rt_vec {
  std::uint64_t tag = kVecTag;
  spl::persistent::PersistentVector<std::int64_t> value;
};
struct rt_set {
  std::uint64_t tag = kSetTag;
  spl::persistent::PersistentSet<std::int64_t> value;
};

namespace {

template <class Handle>
bool check(const Handle* h, std::uint64_t tag) noexcept {
  if (!h) {
    set_error("null handle");
    return false;
  }
  if (h->tag == tag) return true;
  set_error(h->tag == kFreedTag ? "handle used after it was freed" : "not a live handle of this kind");
  return false;
}

// Wraps a new value in a handle; NULL on allocation failure.
template <class Handle, class Value>
Handle* wrap(Value&& value) noexcept {
  Handle* h = new (std::nothrow) Handle;
  if (!h) {
    set_error("out of memory");
    return nullptr;
  }
  h->value = std::forward<Value>(value);
  return h;
}

// Runs `body`, turning any exception into an error result.
template <class R, class F>
R guarded(R on_error, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_error("out of memory");
  } catch (...) {
    set_error("internal error");
  }
  return on_error;
}

#ifndef NDEBUG
// Debug builds keep the shells of recently freed handles (poisoned, contents released) so that
// a second free or a use after free reads the poison instead of reused memory.
class Quarantine {
 public:
  template <class Handle>
  void hold(Handle* h) {
    std::lock_guard<std::mutex> lock(mutex_);
    shells_.push_back(Shell{h, [](void* p) { delete static_cast<Handle*>(p); }});
    if (shells_.size() > kCapacity) {
      shells_.front().destroy(shells_.front().ptr);
      shells_.pop_front();
    }
  }
  ~Quarantine() {
    for (auto& s : shells_) s.destroy(s.ptr);
  }

 private:
  struct Shell {
    void* ptr;
    void (*destroy)(void*);
  };
  static constexpr std::size_t kCapacity = 1 << 14;
  std::mutex mutex_;
  std::deque<Shell> shells_;
};

Quarantine& quarantine() {
  static Quarantine q;
  return q;
}
#endif

template <class Handle>
void free_handle(Handle* h, std::uint64_t tag) noexcept {
  if (!h) return;
  if (!check(h, tag)) return;
  h->tag = kFreedTag;
  h->value = {};
#ifndef NDEBUG
  try {
    quarantine().hold(h);
    return;
  } catch (...) {
    // No room to quarantine: free right away.
  }
#endif
  delete h;
}

}  // namespace

extern "C" {

rt_dict* rt_persistent_dict_empty(void) { return wrap<rt_dict>(spl::persistent::PersistentMap<std::int64_t, std::int64_t>{}); }

rt_dict* rt_persistent_dict_insert(const rt_dict* d, int64_t key, int64_t value) {
  if (!check(d, kDictTag)) return nullptr;
  return guarded<rt_dict*>(nullptr, [&] { return wrap<rt_dict>(d->value.insert(key, value)); });
}

rt_dict* rt_persistent_dict_remove(const rt_dict* d, int64_t key) {
  if (!check(d, kDictTag)) return nullptr;
  return guarded<rt_dict*>(nullptr, [&] { return wrap<rt_dict>(d->value.remove(key)); });
}

int rt_persistent_dict_get(const rt_dict* d, int64_t key, int64_t* value_out) {
  if (!check(d, kDictTag)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  const std::int64_t* v = d->value.find(key);
  if (!v) return 0;
  if (value_out) *value_out = *v;
  return 1;
}

int64_t rt_persistent_dict_len(const rt_dict* d) {
  if (!check(d, kDictTag)) return d ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(d->value.size());
}

rt_dict* rt_persistent_dict_clone(const rt_dict* d) {
  if (!check(d, kDictTag)) return nullptr;
  return wrap<rt_dict>(d->value);
}

void rt_persistent_dict_free(rt_dict* d) { free_handle(d, kDictTag); }

rt_vec* rt_persistent_vec_empty(void) { return wrap<rt_vec>(spl::persistent::PersistentVector<std::int64_t>{}); }

rt_vec* rt_persistent_vec_push(const rt_vec* v, int64_t x) {
  if (!check(v, kVecTag)) return nullptr;
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(v->value.push_back(x)); });
}

rt_vec* rt_persistent_vec_pop(const rt_vec* v) {
  if (!check(v, kVecTag)) return nullptr;
  if (v->value.empty()) {
    set_error("pop from an empty vector");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(v->value.pop_back()); });
}

rt_vec* rt_persistent_vec_set(const rt_vec* v, int64_t index, int64_t x) {
  if (!check(v, kVecTag)) return nullptr;
  if (index < 0 || static_cast<std::uint64_t>(index) >= v->value.size()) {
    set_error("vector index out of range");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr,
                          [&] { return wrap<rt_vec>(v->value.set(static_cast<std::size_t>(index), x)); });
}

int rt_persistent_vec_get(const rt_vec* v, int64_t index, int64_t* out) {
  if (!check(v, kVecTag)) return v ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  if (index < 0 || static_cast<std::uint64_t>(index) >= v->value.size()) return 0;
  if (out) *out = v->value[static_cast<std::size_t>(index)];
  return 1;
}

rt_vec* rt_persistent_vec_concat(const rt_vec* a, const rt_vec* b) {
  if (!check(a, kVecTag) || !check(b, kVecTag)) return nullptr;
  return guarded<rt_vec*>(nullptr, [&] { return wrap<rt_vec>(a->value.concat(b->value)); });
}

rt_vec* rt_persistent_vec_slice(const rt_vec* v, int64_t begin, int64_t end) {
  if (!check(v, kVecTag)) return nullptr;
  if (begin < 0 || end < begin || static_cast<std::uint64_t>(end) > v->value.size()) {
    set_error("slice bounds out of range (need 0 <= begin <= end <= len)");
    return nullptr;
  }
  return guarded<rt_vec*>(nullptr, [&] {
    return wrap<rt_vec>(v->value.slice(static_cast<std::size_t>(begin), static_cast<std::size_t>(end)));
  });
}

int64_t rt_persistent_vec_len(const rt_vec* v) {
  if (!check(v, kVecTag)) return v ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(v->value.size());
}

rt_vec* rt_persistent_vec_clone(const rt_vec* v) {
  if (!check(v, kVecTag)) return nullptr;
  return wrap<rt_vec>(v->value);
}

void rt_persistent_vec_free(rt_vec* v) { free_handle(v, kVecTag); }

rt_set* rt_persistent_set_empty(void) { return wrap<rt_set>(spl::persistent::PersistentSet<std::int64_t>{}); }

rt_set* rt_persistent_set_insert(const rt_set* s, int64_t key) {
  if (!check(s, kSetTag)) return nullptr;
  return guarded<rt_set*>(nullptr, [&] { return wrap<rt_set>(s->value.insert(key)); });
}

rt_set* rt_persistent_set_remove(const rt_set* s, int64_t key) {
  if (!check(s, kSetTag)) return nullptr;
  return guarded<rt_set*>(nullptr, [&] { return wrap<rt_set>(s->value.remove(key)); });
}

int rt_persistent_set_contains(const rt_set* s, int64_t key) {
  if (!check(s, kSetTag)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return s->value.contains(key) ? 1 : 0;
}

int64_t rt_persistent_set_len(const rt_set* s) {
  if (!check(s, kSetTag)) return s ? RT_ERR_BAD_HANDLE : RT_ERR_NULL_HANDLE;
  return static_cast<int64_t>(s->value.size());
}

rt_set* rt_persistent_set_clone(const rt_set* s) {
  if (!check(s, kSetTag)) return nullptr;
  return wrap<rt_set>(s->value);
}

void rt_persistent_set_free(rt_set* s) { free_handle(s, kSetTag); }

}  // extern "C"
