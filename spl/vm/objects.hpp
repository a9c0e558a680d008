#pragma once
// Heap objects beyond the basic ones in value.hpp: collections backed by spl/persistent, user
// types (struct, class, enum), functions and closures.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "spl/base/refcount.hpp"
#include "spl/persistent/map.hpp"
#include "spl/persistent/set.hpp"
#include "spl/vm/value.hpp"

namespace spl::vm {

class Vm;
struct Proto;

// A dict is a persistent CHAMP map of values; updates happen in place when the dict object is
// held once (the count is 1), so `d[k] = v` in a loop costs what a mutable table would.
using ValueMap = persistent::PersistentMap<Val, Val, ValHash, ValEq, spl::Local>;
using ValueSet = persistent::PersistentSet<Val, ValHash, ValEq, spl::Local>;

struct DictObj : Obj {
  ValueMap map;
  // Whether the last `d[k] = v` replaced a value: such updates try the in-place path first,
  // while a dict being filled with new keys goes straight to insert (no second walk).
  bool last_set_replaced = false;
  DictObj() : Obj(ObjType::Dict) {}
  explicit DictObj(ValueMap m) : Obj(ObjType::Dict), map(std::move(m)) {}
};

struct SetObj : Obj {
  ValueSet set;
  SetObj() : Obj(ObjType::Set) {}
  explicit SetObj(ValueSet s) : Obj(ObjType::Set), set(std::move(s)) {}
};

// Natives get their arguments borrowed in args[0..n) (for a method, args[0] is the receiver,
// which a mutating method may replace) and return a new count.
using NativeFn = Value (*)(Vm& vm, Value* args, int nargs);

struct NativeObj : Obj {
  NativeFn fn;
  const char* name;
  NativeObj(NativeFn f, const char* n) : Obj(ObjType::Native), fn(f), name(n) {}
};

struct ClosureObj : Obj {
  Proto* proto;
  std::vector<Value> up;  // captured values or cells, owned
  explicit ClosureObj(Proto* p) : Obj(ObjType::Closure), proto(p) {}
  ~ClosureObj() {
    for (Value v : up) release(v);
  }
};

// `recv.method` taken as a value.
struct BoundObj : Obj {
  Value recv;  // owned
  Value fn;    // owned: a closure or native taking recv first
  BoundObj(Value r, Value f) : Obj(ObjType::Bound), recv(r), fn(f) {}
  ~BoundObj() {
    release(recv);
    release(fn);
  }
};

struct Variant {
  std::string name;
  std::vector<std::string> fields;  // named payload fields (empty names for positional)
  std::size_t arity = 0;
  Value unit = Value::nil();  // the shared value of a variant without payload (owned)
};

// A struct, class or enum declared in Simple (or built in, like Result).
struct TypeInfo {
  enum class Kind : std::uint8_t { Struct, Class, Enum };
  std::string name;
  Kind kind = Kind::Struct;
  std::vector<std::string> fields;
  std::unordered_map<std::uint32_t, std::uint32_t> field_index;  // name id -> slot
  std::unordered_map<std::uint32_t, Value> methods;              // name id -> closure (self first)
  std::unordered_map<std::uint32_t, bool> mutating;              // `me` methods
  std::unordered_map<std::uint32_t, Value> statics;              // name id -> closure
  std::vector<Variant> variants;
  // Per field: nil, or a closure of no arguments computing its default in the defining module's
  // scope (how another module, or a later REPL entry, constructs the type without the field).
  std::vector<Value> field_defaults;
  std::uint32_t id = 0;  // index in the VM's type table (NewObject's operand)
  ~TypeInfo();
};

struct InstanceObj : Obj {
  TypeInfo* type;
  std::vector<Value> fields;  // owned
  explicit InstanceObj(TypeInfo* t) : Obj(ObjType::Instance), type(t) {}
  ~InstanceObj() {
    for (Value v : fields) release(v);
  }
};

struct EnumObj : Obj {
  TypeInfo* type;
  std::uint32_t variant;
  std::vector<Value> payload;  // owned
  EnumObj(TypeInfo* t, std::uint32_t v) : Obj(ObjType::Enum), type(t), variant(v) {}
  ~EnumObj() {
    for (Value v : payload) release(v);
  }
};

// Opaque runtime objects (spec expectations, file handles) with a virtual destructor.
struct OpaqueObj : Obj {
  const char* kind;
  explicit OpaqueObj(const char* k) : Obj(ObjType::Opaque), kind(k) {}
  virtual ~OpaqueObj() = default;
};

}  // namespace spl::vm
