#pragma once
// rt_value: one 64-bit word per Simple value (NaN boxing). A double is stored as itself (NaNs
// made canonical); the other kinds live in the negative quiet-NaN space, which no canonical
// double uses: a 48-bit integer, a bool, nil, or a pointer to a counted heap object. Integers
// outside 48 bits are boxed (BigInt), so i64 keeps its full range without costing the common case.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "spl/base/hash.hpp"
#include "spl/vm/object_pool.hpp"

namespace spl::vm {

enum class ObjType : std::uint8_t { BigInt, Str, Array, Tuple, Dict, Set, Instance, Enum, Closure, Native, Cell, Range, Bound, Opaque };

// Every heap object starts with this header: a count and a type id.
struct Obj {
  std::uint32_t rc = 1;
  ObjType type;
  explicit Obj(ObjType t) : type(t) {}
  // Every kind is deleted as itself (destroy()), so the size is the object's own.
  static void* operator new(std::size_t size) { return allocate_object(size); }
  static void operator delete(void* p, std::size_t size) noexcept { free_object(p, size); }
};

struct Value {
  std::uint64_t bits;

  static constexpr std::uint64_t kTagInt = 0xFFF9ull << 48;
  static constexpr std::uint64_t kTagBool = 0xFFFAull << 48;
  static constexpr std::uint64_t kTagNil = 0xFFFBull << 48;
  static constexpr std::uint64_t kTagObj = 0xFFFCull << 48;
  static constexpr std::uint64_t kPayload = (1ull << 48) - 1;
  static constexpr std::int64_t kIntMax = (1ll << 47) - 1;
  static constexpr std::int64_t kIntMin = -(1ll << 47);
  static constexpr std::uint64_t kCanonicalNaN = 0x7FF8000000000000ull;

  std::uint64_t tag() const { return bits & ~kPayload; }
  bool is_int48() const { return tag() == kTagInt; }
  bool is_double() const { return (bits >> 48) < 0xFFF9; }
  bool is_bool() const { return tag() == kTagBool; }
  bool is_nil() const { return bits == kTagNil; }
  // No encoding lies above the object tag (doubles are made canonical), so one compare suffices.
  bool is_obj() const { return bits >= kTagObj; }
  bool is_obj(ObjType t) const { return is_obj() && obj()->type == t; }
  bool is_int() const { return is_int48() || is_obj(ObjType::BigInt); }

  std::int64_t int48() const { return static_cast<std::int64_t>(bits << 16) >> 16; }
  double dbl() const { return std::bit_cast<double>(bits); }
  bool boolean() const { return (bits & 1) != 0; }
  Obj* obj() const { return reinterpret_cast<Obj*>(bits & kPayload); }
  template <class T>
  T* as() const { return static_cast<T*>(obj()); }

  static Value nil() { return {kTagNil}; }
  static Value of_bool(bool b) { return {kTagBool | (b ? 1u : 0u)}; }
  static Value of_double(double d) {
    std::uint64_t b = std::bit_cast<std::uint64_t>(d);
    return {d != d ? kCanonicalNaN : b};
  }
  static Value small_int(std::int64_t i) { return {kTagInt | (static_cast<std::uint64_t>(i) & kPayload)}; }
  static bool fits48(std::int64_t i) { return i >= kIntMin && i <= kIntMax; }
  static bool both_int48(Value a, Value b) { return (((a.bits ^ kTagInt) | (b.bits ^ kTagInt)) >> 48) == 0; }
  // A 48-bit integer scaled by 2^16 (the payload moved to the top): sums, differences and products
  // of scaled values overflow i64 exactly when the unscaled result needs more than 48 bits, so
  // the interpreter's fast paths check 48-bit overflow with the CPU's overflow flag.
  std::int64_t scaled48() const { return static_cast<std::int64_t>(bits << 16); }
  static Value from_scaled48(std::int64_t s) { return {kTagInt | (static_cast<std::uint64_t>(s) >> 16)}; }
  // Both operands int48 (the caller checked); false when the result does not fit 48 bits.
  static bool add48(Value a, Value b, Value& out) {
    std::int64_t s;
    if (__builtin_add_overflow(a.scaled48(), b.scaled48(), &s)) return false;
    out = from_scaled48(s);
    return true;
  }
  static bool sub48(Value a, Value b, Value& out) {
    std::int64_t s;
    if (__builtin_sub_overflow(a.scaled48(), b.scaled48(), &s)) return false;
    out = from_scaled48(s);
    return true;
  }
  static bool mul48(Value a, Value b, Value& out) {
    std::int64_t s;
    if (__builtin_mul_overflow(a.scaled48(), b.int48(), &s)) return false;
    out = from_scaled48(s);
    return true;
  }
  static Value integer(std::int64_t i);  // boxes when it does not fit 48 bits
  static Value object(Obj* o) { return {kTagObj | reinterpret_cast<std::uint64_t>(o)}; }

  std::int64_t as_int() const;  // requires is_int()
  bool operator==(const Value&) const = default;
};

// Reference counting. A register, a container slot or a field owns one count.
void destroy(Obj* o);
inline void retain(Value v) {
  if (v.is_obj()) ++v.obj()->rc;
}
inline void release(Value v) {
  if (v.is_obj() && --v.obj()->rc == 0) destroy(v.obj());
}

// An owning handle for C++ containers (dict and set entries).
class Val {
 public:
  Val() : v_(Value::nil()) {}
  explicit Val(Value v) : v_(v) { retain(v_); }  // takes a new count
  static Val adopt(Value v) {
    Val r;
    r.v_ = v;
    return r;
  }
  Val(const Val& o) : v_(o.v_) { retain(v_); }
  Val(Val&& o) noexcept : v_(o.v_) { o.v_ = Value::nil(); }
  Val& operator=(const Val& o) {
    retain(o.v_);
    release(v_);
    v_ = o.v_;
    return *this;
  }
  Val& operator=(Val&& o) noexcept {
    std::swap(v_, o.v_);
    return *this;
  }
  ~Val() { release(v_); }
  Value get() const { return v_; }
  Value take() {
    Value v = v_;
    v_ = Value::nil();
    return v;
  }

 private:
  Value v_;
};

// A key for a lookup that takes no count: the Val borrows a value the caller holds throughout.
class BorrowedVal {
 public:
  explicit BorrowedVal(Value v) : val_(Val::adopt(v)) {}
  ~BorrowedVal() { val_.take(); }
  BorrowedVal(const BorrowedVal&) = delete;
  BorrowedVal& operator=(const BorrowedVal&) = delete;
  const Val& operator*() const { return val_; }

 private:
  Val val_;
};

struct BigIntObj : Obj {
  std::int64_t value;
  explicit BigIntObj(std::int64_t v) : Obj(ObjType::BigInt), value(v) {}
};

inline Value Value::integer(std::int64_t i) {
  if (fits48(i)) return small_int(i);
  return object(new BigIntObj(i));
}
inline std::int64_t Value::as_int() const { return is_int48() ? int48() : as<BigIntObj>()->value; }

struct StrObj : Obj {
  std::string s;
  mutable std::uint64_t hash = 0;  // 0: not computed yet
  explicit StrObj(std::string text) : Obj(ObjType::Str), s(std::move(text)) {}
};
Value make_str(std::string s);
inline std::string_view str_of(Value v) { return v.as<StrObj>()->s; }

// Arrays and tuples: owned values (each slot holds one count).
struct ArrayObj : Obj {
  std::vector<Value> items;
  explicit ArrayObj(ObjType t = ObjType::Array) : Obj(t) {}
  ~ArrayObj() {
    for (Value v : items) release(v);
  }
};
Value make_array(std::vector<Value> owned_items, ObjType t = ObjType::Array);

struct RangeObj : Obj {
  std::int64_t lo, hi, step;
  bool inclusive;
  RangeObj(std::int64_t l, std::int64_t h, std::int64_t s, bool inc) : Obj(ObjType::Range), lo(l), hi(h), step(s), inclusive(inc) {}
  std::int64_t count() const;
  std::int64_t at(std::int64_t i) const { return lo + i * step; }
};

struct CellObj : Obj {
  Value v;
  explicit CellObj(Value owned) : Obj(ObjType::Cell), v(owned) {}
  ~CellObj() { release(v); }
};

// Structural operations every value supports.
bool values_equal(Value a, Value b);
std::uint64_t value_hash(Value v);
// <0, 0, >0; sets ok=false when the two kinds have no order.
int value_compare(Value a, Value b, bool& ok);
bool truthy(Value v);
std::string to_display(Value v);  // what print shows
std::string to_repr(Value v);     // text inside collections is quoted
std::string_view type_name(Value v);

// Dict and set keys: the common keys (small integers, text whose hash is cached, the same object
// or integer on both sides) are answered inline; the rest go to value_hash / values_equal.
struct ValHash {
  std::uint64_t operator()(const Val& v) const {
    Value x = v.get();
    if (x.is_int48()) return spl::hash_u64(static_cast<std::uint64_t>(x.int48()));
    if (x.is_obj(ObjType::Str) && x.as<StrObj>()->hash != 0) return x.as<StrObj>()->hash;
    return value_hash(x);
  }
};
struct ValEq {
  bool operator()(const Val& a, const Val& b) const {
    Value x = a.get(), y = b.get();
    if (x.bits == y.bits && !x.is_double()) return true;
    if (x.is_int48() && y.is_int48()) return false;
    return values_equal(x, y);
  }
};
inline bool operator==(const Val& a, const Val& b) { return values_equal(a.get(), b.get()); }

}  // namespace spl::vm
