#include "spl/vm/ops.hpp"

#include <fmt/core.h>

#include <cmath>

#include "spl/vm/generator.hpp"

namespace spl::vm {

namespace {

const char* op_symbol(Op op) {
  switch (op) {
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Pow: return "**";
    case Op::BitAnd: return "&";
    case Op::BitOr: return "|";
    case Op::BitXor: return "^";
    case Op::Shl: return "<<";
    case Op::Shr: return ">>";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    default: return "?";
  }
}

[[noreturn]] void type_error(Vm& vm, Op op, Value a, Value b) {
  vm.panic(fmt::format("cannot apply `{}` to {} and {}", op_symbol(op), type_name(a), type_name(b)));
}

Value int_arith(Vm& vm, Op op, std::int64_t x, std::int64_t y) {
  std::int64_t r = 0;
  switch (op) {
    case Op::Add:
      if (__builtin_add_overflow(x, y, &r)) vm.panic(fmt::format("integer overflow: {} + {}", x, y));
      return Value::integer(r);
    case Op::Sub:
      if (__builtin_sub_overflow(x, y, &r)) vm.panic(fmt::format("integer overflow: {} - {}", x, y));
      return Value::integer(r);
    case Op::Mul:
      if (__builtin_mul_overflow(x, y, &r)) vm.panic(fmt::format("integer overflow: {} * {}", x, y));
      return Value::integer(r);
    case Op::Div:
      if (y == 0) vm.panic("division by zero");
      if (x == INT64_MIN && y == -1) vm.panic(fmt::format("integer overflow: {} / -1", x));
      return Value::integer(x / y);
    case Op::Mod:
      if (y == 0) vm.panic("division by zero (modulo)");
      if (y == -1) return Value::small_int(0);
      return Value::integer(x % y);
    case Op::Pow: {
      if (y < 0) return Value::of_double(std::pow(static_cast<double>(x), static_cast<double>(y)));
      std::int64_t acc = 1, b = x;
      for (std::int64_t e = y; e > 0; e >>= 1) {
        if (e & 1) {
          if (__builtin_mul_overflow(acc, b, &acc)) vm.panic(fmt::format("integer overflow: {} ** {}", x, y));
        }
        if (e > 1 && __builtin_mul_overflow(b, b, &b)) vm.panic(fmt::format("integer overflow: {} ** {}", x, y));
      }
      return Value::integer(acc);
    }
    case Op::BitAnd: return Value::integer(x & y);
    case Op::BitOr: return Value::integer(x | y);
    case Op::BitXor: return Value::integer(x ^ y);
    case Op::Shl:
      if (y < 0 || y > 63) vm.panic(fmt::format("shift amount {} out of range 0..63", y));
      return Value::integer(static_cast<std::int64_t>(static_cast<std::uint64_t>(x) << y));
    case Op::Shr:
      if (y < 0 || y > 63) vm.panic(fmt::format("shift amount {} out of range 0..63", y));
      return Value::integer(x >> y);
    default: vm.panic("bad integer operation");
  }
}

double to_f(Value v) { return v.is_double() ? v.dbl() : static_cast<double>(v.as_int()); }

}  // namespace

Value arith(Vm& vm, Op op, Value a, Value b) {
  if (a.is_int() && b.is_int()) return int_arith(vm, op, a.as_int(), b.as_int());
  bool an = a.is_int() || a.is_double(), bn = b.is_int() || b.is_double();
  if (an && bn) {
    double x = to_f(a), y = to_f(b);
    switch (op) {
      case Op::Add: return Value::of_double(x + y);
      case Op::Sub: return Value::of_double(x - y);
      case Op::Mul: return Value::of_double(x * y);
      case Op::Div: return Value::of_double(x / y);
      case Op::Mod: return Value::of_double(std::fmod(x, y));
      case Op::Pow: return Value::of_double(std::pow(x, y));
      default: type_error(vm, op, a, b);
    }
  }
  if (op == Op::Add) {
    if (a.is_obj(ObjType::Str) && b.is_obj(ObjType::Str)) {
      std::string s;
      s.reserve(str_of(a).size() + str_of(b).size());
      s += str_of(a);
      s += str_of(b);
      return make_str(std::move(s));
    }
    if (a.is_obj(ObjType::Array) && b.is_obj(ObjType::Array)) {
      std::vector<Value> items = a.as<ArrayObj>()->items;
      items.insert(items.end(), b.as<ArrayObj>()->items.begin(), b.as<ArrayObj>()->items.end());
      for (Value v : items) retain(v);
      return make_array(std::move(items));
    }
  }
  if (op == Op::Mul && a.is_obj(ObjType::Str) && b.is_int()) {
    std::int64_t n = b.as_int();
    if (n < 0) vm.panic("cannot repeat text a negative number of times");
    std::string s;
    for (std::int64_t i = 0; i < n; ++i) s += str_of(a);
    return make_str(std::move(s));
  }
  if ((op == Op::BitOr || op == Op::BitAnd || op == Op::Sub) && a.is_obj(ObjType::Set) && b.is_obj(ObjType::Set)) {
    auto& x = a.as<SetObj>()->set;
    auto& y = b.as<SetObj>()->set;
    return Value::object(new SetObj(op == Op::BitOr ? x.union_with(y) : op == Op::BitAnd ? x.intersection(y) : x.difference(y)));
  }
  type_error(vm, op, a, b);
}

int compare(Vm& vm, Op op, Value a, Value b) {
  bool ok = true;
  int c = value_compare(a, b, ok);
  if (!ok) {
    if ((a.is_double() || b.is_double()) && (a.is_int() || a.is_double()) && (b.is_int() || b.is_double())) return 0;
    vm.panic(fmt::format("cannot compare {} and {} with `{}`", type_name(a), type_name(b), op_symbol(op)));
  }
  return c;
}

bool compare_holds(Vm& vm, Op op, Value a, Value b) {
  if ((a.is_double() && std::isnan(a.dbl())) || (b.is_double() && std::isnan(b.dbl()))) return false;
  int c = compare(vm, op, a, b);
  return op == Op::Lt ? c < 0 : op == Op::Le ? c <= 0 : op == Op::Gt ? c > 0 : c >= 0;
}

bool contains(Vm& vm, Value c, Value item) {
  if (c.is_obj()) {
    switch (c.obj()->type) {
      case ObjType::Array:
      case ObjType::Tuple:
        for (Value v : c.as<ArrayObj>()->items)
          if (values_equal(v, item)) return true;
        return false;
      case ObjType::Dict: return c.as<DictObj>()->map.contains(*BorrowedVal(item));
      case ObjType::Set: return c.as<SetObj>()->set.contains(*BorrowedVal(item));
      case ObjType::Str:
        if (!item.is_obj(ObjType::Str)) vm.panic(fmt::format("`in` on text needs text, found {}", type_name(item)));
        return str_of(c).find(str_of(item)) != std::string_view::npos;
      case ObjType::Range: {
        if (!item.is_int()) return false;
        auto* r = c.as<RangeObj>();
        std::int64_t i = item.as_int();
        if (r->step > 0 ? (i < r->lo || (r->inclusive ? i > r->hi : i >= r->hi)) : (i > r->lo || (r->inclusive ? i < r->hi : i <= r->hi)))
          return false;
        return (i - r->lo) % r->step == 0;
      }
      default: break;
    }
  }
  vm.panic(fmt::format("`in` needs a collection, found {}", type_name(c)));
}

Value iterable(Vm& vm, Value v) {
  if (v.is_obj()) {
    switch (v.obj()->type) {
      case ObjType::Array:
      case ObjType::Tuple:
      case ObjType::Range: retain(v); return v;
      case ObjType::Dict: {
        std::vector<Value> keys;
        for (const auto& [key, val] : v.as<DictObj>()->map) {
          retain(key.get());
          keys.push_back(key.get());
        }
        return make_array(std::move(keys));
      }
      case ObjType::Set: {
        std::vector<Value> keys;
        for (const Val& key : v.as<SetObj>()->set) {
          retain(key.get());
          keys.push_back(key.get());
        }
        return make_array(std::move(keys));
      }
      case ObjType::Str: {
        std::vector<Value> chars;
        std::string_view s = str_of(v);
        for (std::size_t i = 0; i < s.size();) {
          std::size_t n = 1;
          unsigned char c = static_cast<unsigned char>(s[i]);
          if (c >= 0xF0) n = 4; else if (c >= 0xE0) n = 3; else if (c >= 0xC0) n = 2;
          chars.push_back(make_str(std::string(s.substr(i, n))));
          i += n;
        }
        return make_array(std::move(chars));
      }
      case ObjType::Opaque:
        if (as_generator(v) != nullptr) {  // IterNext resumes it for each value
          retain(v);
          return v;
        }
        break;
      default: break;
    }
  }
  vm.panic(fmt::format("cannot iterate over a value of type {}", type_name(v)));
}

std::size_t checked_index(Vm& vm, std::int64_t i, std::size_t len, const char* what) {
  std::int64_t n = static_cast<std::int64_t>(len);
  std::int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) vm.panic(fmt::format("index out of range: {} for {} of length {}", i, what, len));
  return static_cast<std::size_t>(j);
}

Value get_index(Vm& vm, Value v, Value index) {
  if (v.is_obj()) {
    switch (v.obj()->type) {
      case ObjType::Array:
      case ObjType::Tuple: {
        if (!index.is_int()) {
          if (index.is_obj(ObjType::Range)) {
            auto* r = index.as<RangeObj>();
            return get_slice(vm, v, Value::integer(r->lo), Value::integer(r->inclusive ? r->hi + 1 : r->hi), Value::nil());
          }
          vm.panic(fmt::format("an array index must be an integer, found {}", type_name(index)));
        }
        auto& items = v.as<ArrayObj>()->items;
        Value x = items[checked_index(vm, index.as_int(), items.size(), "an array")];
        retain(x);
        return x;
      }
      case ObjType::Dict: {
        const Val* x = v.as<DictObj>()->map.find(*BorrowedVal(index));
        if (!x) vm.panic(fmt::format("key not found: {}", to_repr(index)));
        retain(x->get());
        return x->get();
      }
      case ObjType::Str: {
        if (!index.is_int()) vm.panic(fmt::format("a text index must be an integer, found {}", type_name(index)));
        std::string_view s = str_of(v);
        std::size_t i = checked_index(vm, index.as_int(), s.size(), "a text");
        return make_str(std::string(1, s[i]));
      }
      default: break;
    }
  }
  vm.panic(fmt::format("cannot index a value of type {}", type_name(v)));
}

void set_index(Vm& vm, Value& v, Value index, Value item) {
  if (v.is_obj(ObjType::Array)) {
    if (!index.is_int()) vm.panic(fmt::format("an array index must be an integer, found {}", type_name(index)));
    auto& items = v.as<ArrayObj>()->items;
    std::size_t i = checked_index(vm, index.as_int(), items.size(), "an array");
    retain(item);
    Value old = items[i];
    items[i] = item;
    release(old);
    return;
  }
  if (v.is_obj(ObjType::Dict)) {
    auto* d = v.as<DictObj>();
    if (d->last_set_replaced) {
      if (Val* slot = d->map.find_mutable(*BorrowedVal(index))) {
        *slot = Val(item);  // an existing key in an unshared dict: only the value changes
        return;
      }
    }
    std::size_t before = d->map.size();
    d->map = std::move(d->map).insert(Val(index), Val(item));
    d->last_set_replaced = d->map.size() == before;
    return;
  }
  vm.panic(fmt::format("cannot assign through an index of a value of type {}", type_name(v)));
}

Value take_index(Vm& vm, Value& v, Value index) {
  if (v.is_obj(ObjType::Array) && index.is_int()) {
    auto& items = v.as<ArrayObj>()->items;
    std::size_t i = checked_index(vm, index.as_int(), items.size(), "an array");
    Value x = items[i];
    items[i] = Value::nil();
    return x;
  }
  if (v.is_obj(ObjType::Dict)) {
    auto* d = v.as<DictObj>();
    const Val* x = d->map.find(*BorrowedVal(index));
    if (!x) vm.panic(fmt::format("key not found: {}", to_repr(index)));
    Value r = x->get();
    retain(r);
    // Replace the entry with nil so the value is held once while it is changed.
    d->map = std::move(d->map).insert(Val(index), Val());
    return r;
  }
  return get_index(vm, v, index);
}

Value get_slice(Vm& vm, Value v, Value start, Value end, Value step) {
  std::int64_t st = step.is_nil() ? 1 : (step.is_int() ? step.as_int() : 0);
  if (st == 0) vm.panic("a slice step must be a non-zero integer");
  std::int64_t n;
  if (v.is_obj(ObjType::Array) || v.is_obj(ObjType::Tuple)) {
    n = static_cast<std::int64_t>(v.as<ArrayObj>()->items.size());
  } else if (v.is_obj(ObjType::Str)) {
    n = static_cast<std::int64_t>(str_of(v).size());
  } else {
    vm.panic(fmt::format("cannot slice a value of type {}", type_name(v)));
  }
  auto bound = [&](Value b, std::int64_t dflt) -> std::int64_t {
    if (b.is_nil()) return dflt;
    if (!b.is_int()) vm.panic(fmt::format("a slice bound must be an integer, found {}", type_name(b)));
    std::int64_t i = b.as_int();
    if (i < 0) i += n;
    if (st > 0) return std::clamp<std::int64_t>(i, 0, n);
    return std::clamp<std::int64_t>(i, -1, n - 1);
  };
  std::int64_t lo = bound(start, st > 0 ? 0 : n - 1);
  std::int64_t hi = bound(end, st > 0 ? n : -1);
  std::vector<std::int64_t> picks;
  for (std::int64_t i = lo; st > 0 ? i < hi : i > hi; i += st) picks.push_back(i);
  if (v.is_obj(ObjType::Str)) {
    std::string_view s = str_of(v);
    std::string r;
    for (std::int64_t i : picks) r += s[static_cast<std::size_t>(i)];
    return make_str(std::move(r));
  }
  auto& items = v.as<ArrayObj>()->items;
  std::vector<Value> out;
  out.reserve(picks.size());
  for (std::int64_t i : picks) {
    retain(items[static_cast<std::size_t>(i)]);
    out.push_back(items[static_cast<std::size_t>(i)]);
  }
  return make_array(std::move(out), v.obj()->type);
}

Value get_field_slow(Vm& vm, Value v, std::uint32_t name) {
  if (v.is_obj(ObjType::Instance)) {
    auto* inst = v.as<InstanceObj>();
    auto m = inst->type->methods.find(name);
    if (m != inst->type->methods.end()) {
      // A method named without parentheses: call it when it takes no arguments.
      Value recv = v;
      return vm.call(m->second, &recv, 1);
    }
  } else if (v.is_obj(ObjType::Enum)) {
    auto* e = v.as<EnumObj>();
    const Variant& var = e->type->variants[e->variant];
    for (std::size_t i = 0; i < var.fields.size() && i < e->payload.size(); ++i) {
      if (var.fields[i] == vm.name_of(name)) {
        retain(e->payload[i]);
        return e->payload[i];
      }
    }
    auto m = e->type->methods.find(name);
    if (m != e->type->methods.end()) {
      Value recv = v;
      return vm.call(m->second, &recv, 1);
    }
  } else if (v.is_nil()) {
    vm.panic(fmt::format("read field `{}` of nil", vm.name_of(name)));
  }
  // A builtin method without parentheses (`s.len`, `xs.first`).
  Value m = vm.builtin_method(Vm::value_kind(v), name);
  if (m.is_nil()) m = vm.builtin_method(kKindOpaque, name);
  if (!m.is_nil()) {
    // The native gets a slot of its own (a mutating method may replace it), released however the
    // call ends: an arity panic (`xs.any`) used to leak it.
    struct OwnedSlot {
      Value v;
      ~OwnedSlot() { release(v); }
    } recv{v};
    retain(recv.v);
    return m.as<NativeObj>()->fn(vm, &recv.v, 1);
  }
  vm.panic(fmt::format("no field or method `{}` on a value of type {}", vm.name_of(name), type_name(v)));
}

void set_field(Vm& vm, Value& v, std::uint32_t name, Value item) {
  if (v.is_obj(ObjType::Instance)) {
    auto* inst = v.as<InstanceObj>();
    auto f = inst->type->field_index.find(name);
    if (f == inst->type->field_index.end())
      vm.panic(fmt::format("{} has no field `{}`", inst->type->name, vm.name_of(name)));
    retain(item);
    Value old = inst->fields[f->second];
    inst->fields[f->second] = item;
    release(old);
    return;
  }
  vm.panic(fmt::format("cannot set field `{}` on a value of type {}", vm.name_of(name), type_name(v)));
}

Value take_field(Vm& vm, Value& v, std::uint32_t name) {
  if (v.is_obj(ObjType::Instance)) {
    auto* inst = v.as<InstanceObj>();
    auto f = inst->type->field_index.find(name);
    if (f == inst->type->field_index.end())
      vm.panic(fmt::format("{} has no field `{}`", inst->type->name, vm.name_of(name)));
    Value x = inst->fields[f->second];
    inst->fields[f->second] = Value::nil();
    return x;
  }
  return get_field_slow(vm, v, name);
}

std::int64_t length_of(Vm& vm, Value v) {
  if (v.is_obj()) {
    switch (v.obj()->type) {
      case ObjType::Str: return static_cast<std::int64_t>(str_of(v).size());
      case ObjType::Array:
      case ObjType::Tuple: return static_cast<std::int64_t>(v.as<ArrayObj>()->items.size());
      case ObjType::Dict: return static_cast<std::int64_t>(v.as<DictObj>()->map.size());
      case ObjType::Set: return static_cast<std::int64_t>(v.as<SetObj>()->set.size());
      case ObjType::Range: return v.as<RangeObj>()->count();
      default: break;
    }
  }
  vm.panic(fmt::format("a value of type {} has no length", type_name(v)));
}

namespace {

struct IntRange {
  const char* name;
  std::int64_t min;
  std::int64_t max;
};

IntRange int_range(CastTarget t) {
  switch (t) {
    case CastTarget::I8: return {"i8", INT8_MIN, INT8_MAX};
    case CastTarget::I16: return {"i16", INT16_MIN, INT16_MAX};
    case CastTarget::I32: return {"i32", INT32_MIN, INT32_MAX};
    case CastTarget::U8: return {"u8", 0, UINT8_MAX};
    case CastTarget::U16: return {"u16", 0, UINT16_MAX};
    case CastTarget::U32: return {"u32", 0, UINT32_MAX};
    case CastTarget::U64: return {"u64", 0, INT64_MAX};  // integers are 64-bit signed
    default: return {"i64", INT64_MIN, INT64_MAX};
  }
}

}  // namespace

Value cast_value(Vm& vm, Value v, CastTarget target) {
  switch (target) {
    case CastTarget::F32:
    case CastTarget::F64: {
      double d;
      if (v.is_double()) {
        d = v.dbl();
      } else if (v.is_int()) {
        d = static_cast<double>(v.as_int());
      } else {
        vm.panic(fmt::format("cannot cast a value of type {} to {} (use float(x) to parse text)", type_name(v),
                             target == CastTarget::F32 ? "f32" : "f64"));
      }
      return Value::of_double(target == CastTarget::F32 ? static_cast<double>(static_cast<float>(d)) : d);
    }
    case CastTarget::Text:
      if (v.is_obj(ObjType::Str)) {
        retain(v);
        return v;
      }
      return make_str(to_display(v));
    case CastTarget::Bool:
      if (!v.is_bool()) vm.panic(fmt::format("cannot cast a value of type {} to bool", type_name(v)));
      return v;
    default: break;
  }
  const IntRange range = int_range(target);
  std::int64_t i;
  if (v.is_int()) {
    i = v.as_int();
  } else if (v.is_double()) {
    double d = v.dbl();
    // 2^63 is exact as a double; anything at or past it (or NaN) has no i64 value.
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
      vm.panic(fmt::format("cannot cast {} to {}: out of range", to_display(v), range.name));
    i = static_cast<std::int64_t>(d);
  } else if (v.is_bool()) {
    i = v.boolean() ? 1 : 0;
  } else {
    vm.panic(fmt::format("cannot cast a value of type {} to {} (use int(x) to parse text)", type_name(v), range.name));
  }
  if (i < range.min || i > range.max) vm.panic(fmt::format("cannot cast {} to {}: out of range", i, range.name));
  return Value::integer(i);
}

Value exists(Value v) {
  if (v.is_nil()) return v;
  if (v.is_obj()) {
    switch (v.obj()->type) {
      case ObjType::Str:
        if (str_of(v).empty()) return Value::nil();
        break;
      case ObjType::Array:
      case ObjType::Tuple:
        if (v.as<ArrayObj>()->items.empty()) return Value::nil();
        break;
      case ObjType::Dict:
        if (v.as<DictObj>()->map.empty()) return Value::nil();
        break;
      case ObjType::Set:
        if (v.as<SetObj>()->set.empty()) return Value::nil();
        break;
      default: break;
    }
  }
  retain(v);
  return v;
}

}  // namespace spl::vm
