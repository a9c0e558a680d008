#include "spl/vm/value.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>

#include "spl/base/hash.hpp"
#include "spl/vm/bytecode.hpp"
#include "spl/vm/objects.hpp"

namespace spl::vm {

void destroy(Obj* o) {
  switch (o->type) {
    case ObjType::BigInt: delete static_cast<BigIntObj*>(o); break;
    case ObjType::Str: delete static_cast<StrObj*>(o); break;
    case ObjType::Array:
    case ObjType::Tuple: delete static_cast<ArrayObj*>(o); break;
    case ObjType::Dict: delete static_cast<DictObj*>(o); break;
    case ObjType::Set: delete static_cast<SetObj*>(o); break;
    case ObjType::Instance: delete static_cast<InstanceObj*>(o); break;
    case ObjType::Enum: delete static_cast<EnumObj*>(o); break;
    case ObjType::Closure: delete static_cast<ClosureObj*>(o); break;
    case ObjType::Native: delete static_cast<NativeObj*>(o); break;
    case ObjType::Cell: delete static_cast<CellObj*>(o); break;
    case ObjType::Range: delete static_cast<RangeObj*>(o); break;
    case ObjType::Bound: delete static_cast<BoundObj*>(o); break;
    case ObjType::Opaque: delete static_cast<OpaqueObj*>(o); break;
  }
}

Value make_str(std::string s) { return Value::object(new StrObj(std::move(s))); }

Value make_array(std::vector<Value> owned_items, ObjType t) {
  auto* a = new ArrayObj(t);
  a->items = std::move(owned_items);
  return Value::object(a);
}

std::int64_t RangeObj::count() const {
  if (step > 0) {
    std::int64_t end = inclusive ? hi + 1 : hi;
    return end <= lo ? 0 : (end - lo + step - 1) / step;
  }
  std::int64_t end = inclusive ? hi - 1 : hi;
  return end >= lo ? 0 : (lo - end + (-step) - 1) / (-step);
}

TypeInfo::~TypeInfo() {
  for (auto& [k, v] : methods) release(v);
  for (auto& [k, v] : statics) release(v);
  for (Variant& v : variants) release(v.unit);
  for (Value v : field_defaults) release(v);
}

Proto::~Proto() {
  for (Value v : consts) release(v);
  for (InlineCache& c : caches) release(c.target);
}

static bool numeric(Value v) { return v.is_int() || v.is_double(); }
static double as_double(Value v) { return v.is_double() ? v.dbl() : static_cast<double>(v.as_int()); }

bool values_equal(Value a, Value b) {
  if (a.bits == b.bits) return !(a.is_double() && std::isnan(a.dbl()));
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  if (numeric(a) && numeric(b)) return as_double(a) == as_double(b);
  if (!a.is_obj() || !b.is_obj()) return false;
  Obj* x = a.obj();
  Obj* y = b.obj();
  if (x->type != y->type) return false;
  switch (x->type) {
    case ObjType::Str: return static_cast<StrObj*>(x)->s == static_cast<StrObj*>(y)->s;
    case ObjType::Array:
    case ObjType::Tuple: {
      auto& p = static_cast<ArrayObj*>(x)->items;
      auto& q = static_cast<ArrayObj*>(y)->items;
      if (p.size() != q.size()) return false;
      for (std::size_t i = 0; i < p.size(); ++i)
        if (!values_equal(p[i], q[i])) return false;
      return true;
    }
    case ObjType::Dict: return static_cast<DictObj*>(x)->map == static_cast<DictObj*>(y)->map;
    case ObjType::Set: return static_cast<SetObj*>(x)->set == static_cast<SetObj*>(y)->set;
    case ObjType::Instance: {
      auto* p = static_cast<InstanceObj*>(x);
      auto* q = static_cast<InstanceObj*>(y);
      if (p->type != q->type || p->type->kind == TypeInfo::Kind::Class) return false;  // classes: identity
      for (std::size_t i = 0; i < p->fields.size(); ++i)
        if (!values_equal(p->fields[i], q->fields[i])) return false;
      return true;
    }
    case ObjType::Enum: {
      auto* p = static_cast<EnumObj*>(x);
      auto* q = static_cast<EnumObj*>(y);
      if (p->type != q->type || p->variant != q->variant || p->payload.size() != q->payload.size()) return false;
      for (std::size_t i = 0; i < p->payload.size(); ++i)
        if (!values_equal(p->payload[i], q->payload[i])) return false;
      return true;
    }
    case ObjType::Range: {
      auto* p = static_cast<RangeObj*>(x);
      auto* q = static_cast<RangeObj*>(y);
      return p->lo == q->lo && p->hi == q->hi && p->step == q->step && p->inclusive == q->inclusive;
    }
    case ObjType::Cell: return values_equal(static_cast<CellObj*>(x)->v, static_cast<CellObj*>(y)->v);
    default: return false;
  }
}

std::uint64_t value_hash(Value v) {
  if (v.is_int()) return spl::hash_u64(static_cast<std::uint64_t>(v.as_int()));
  if (v.is_double()) {
    double d = v.dbl();
    if (d == std::trunc(d) && std::abs(d) < 9.0e15) return spl::hash_u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(d)));
    return spl::hash_u64(v.bits);
  }
  if (!v.is_obj()) return spl::hash_u64(v.bits);
  Obj* o = v.obj();
  switch (o->type) {
    case ObjType::Str: {
      auto* s = static_cast<StrObj*>(o);
      if (s->hash == 0) s->hash = spl::hash_bytes(s->s.data(), s->s.size()) | 1;
      return s->hash;
    }
    case ObjType::Array:
    case ObjType::Tuple: {
      std::uint64_t h = 0x9E3779B97F4A7C15ull;
      for (Value x : static_cast<ArrayObj*>(o)->items) h = spl::hash_u64(h ^ value_hash(x));
      return h;
    }
    case ObjType::Enum: {
      auto* e = static_cast<EnumObj*>(o);
      std::uint64_t h = spl::hash_u64(e->variant + 77);
      for (Value x : e->payload) h = spl::hash_u64(h ^ value_hash(x));
      return h;
    }
    case ObjType::Instance: {
      auto* e = static_cast<InstanceObj*>(o);
      if (e->type->kind == TypeInfo::Kind::Class) return spl::hash_u64(v.bits);
      std::uint64_t h = 0x51ED27ull;
      for (Value x : e->fields) h = spl::hash_u64(h ^ value_hash(x));
      return h;
    }
    default: return spl::hash_u64(v.bits);
  }
}

int value_compare(Value a, Value b, bool& ok) {
  ok = true;
  if (a.is_int() && b.is_int()) {
    std::int64_t x = a.as_int(), y = b.as_int();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (numeric(a) && numeric(b)) {
    double x = as_double(a), y = as_double(b);
    if (x != x || y != y) {
      ok = false;
      return 0;
    }
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_obj(ObjType::Str) && b.is_obj(ObjType::Str)) {
    int c = str_of(a).compare(str_of(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if ((a.is_obj(ObjType::Array) && b.is_obj(ObjType::Array)) || (a.is_obj(ObjType::Tuple) && b.is_obj(ObjType::Tuple))) {
    auto& p = a.as<ArrayObj>()->items;
    auto& q = b.as<ArrayObj>()->items;
    for (std::size_t i = 0; i < p.size() && i < q.size(); ++i) {
      int c = value_compare(p[i], q[i], ok);
      if (!ok || c != 0) return c;
    }
    return p.size() < q.size() ? -1 : p.size() > q.size() ? 1 : 0;
  }
  if (a.is_bool() && b.is_bool()) return static_cast<int>(a.boolean()) - static_cast<int>(b.boolean());
  ok = false;
  return 0;
}

bool truthy(Value v) {
  if (v.is_bool()) return v.boolean();
  if (v.is_nil()) return false;
  return true;
}

std::string_view type_name(Value v) {
  if (v.is_nil()) return "nil";
  if (v.is_bool()) return "bool";
  if (v.is_int()) return "i64";
  if (v.is_double()) return "f64";
  switch (v.obj()->type) {
    case ObjType::Str: return "text";
    case ObjType::Array: return "array";
    case ObjType::Tuple: return "tuple";
    case ObjType::Dict: return "dict";
    case ObjType::Set: return "set";
    case ObjType::Instance: return v.as<InstanceObj>()->type->name;
    case ObjType::Enum: return v.as<EnumObj>()->type->name;
    case ObjType::Closure:
    case ObjType::Native:
    case ObjType::Bound: return "fn";
    case ObjType::Range: return "range";
    case ObjType::Opaque: return v.as<OpaqueObj>()->kind;
    default: return "value";
  }
}

static std::string format_double(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == std::trunc(d) && std::abs(d) < 1e16) return fmt::format("{:.1f}", d);
  return fmt::format("{}", d);
}

static void display(Value v, bool quote, std::string& out, int depth) {
  if (depth > 64) {
    out += "...";
    return;
  }
  if (v.is_nil()) {
    out += "nil";
  } else if (v.is_bool()) {
    out += v.boolean() ? "true" : "false";
  } else if (v.is_int()) {
    char digits[24];  // to_chars: `str(i)` and interpolation of integers are hot, fmt's parsing is not free
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v.as_int()).ptr);
  } else if (v.is_double()) {
    out += format_double(v.dbl());
  } else {
    Obj* o = v.obj();
    switch (o->type) {
      case ObjType::Str:
        if (quote) {
          out += '"';
          for (char c : static_cast<StrObj*>(o)->s) {
            switch (c) {
              case '"': out += "\\\""; break;
              case '\\': out += "\\\\"; break;
              case '\n': out += "\\n"; break;
              case '\t': out += "\\t"; break;
              default: out += c;
            }
          }
          out += '"';
        } else {
          out += static_cast<StrObj*>(o)->s;
        }
        break;
      case ObjType::Array:
      case ObjType::Tuple: {
        bool tuple = o->type == ObjType::Tuple;
        out += tuple ? '(' : '[';
        auto& items = static_cast<ArrayObj*>(o)->items;
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (i) out += ", ";
          display(items[i], true, out, depth + 1);
        }
        if (tuple && items.size() == 1) out += ',';
        out += tuple ? ')' : ']';
        break;
      }
      case ObjType::Dict: {
        out += '{';
        bool first = true;
        for (const auto& [k, val] : static_cast<DictObj*>(o)->map) {
          if (!first) out += ", ";
          first = false;
          display(k.get(), true, out, depth + 1);
          out += ": ";
          display(val.get(), true, out, depth + 1);
        }
        out += '}';
        break;
      }
      case ObjType::Set: {
        out += '{';
        bool first = true;
        for (const Val& k : static_cast<SetObj*>(o)->set) {
          if (!first) out += ", ";
          first = false;
          display(k.get(), true, out, depth + 1);
        }
        out += '}';
        break;
      }
      case ObjType::Instance: {
        auto* inst = static_cast<InstanceObj*>(o);
        out += inst->type->name;  // empty for named tuples: (q: 3, r: 2)
        out += '(';
        for (std::size_t i = 0; i < inst->fields.size(); ++i) {
          if (i) out += ", ";
          out += inst->type->fields[i];
          out += ": ";
          display(inst->fields[i], true, out, depth + 1);
        }
        out += ')';
        break;
      }
      case ObjType::Enum: {
        auto* e = static_cast<EnumObj*>(o);
        const Variant& var = e->type->variants[e->variant];
        if (e->type->name != "Result") {
          out += e->type->name;
          out += '.';
        }
        out += var.name;
        if (!e->payload.empty()) {
          out += '(';
          for (std::size_t i = 0; i < e->payload.size(); ++i) {
            if (i) out += ", ";
            display(e->payload[i], true, out, depth + 1);
          }
          out += ')';
        }
        break;
      }
      case ObjType::Range: {
        auto* r = static_cast<RangeObj*>(o);
        out += fmt::format("{}{}{}", r->lo, r->inclusive ? "..=" : "..", r->hi);
        if (r->step != 1) out += fmt::format(" by {}", r->step);
        break;
      }
      case ObjType::Closure: out += fmt::format("<fn {}>", static_cast<ClosureObj*>(o)->proto->name); break;
      case ObjType::Native: out += fmt::format("<fn {}>", static_cast<NativeObj*>(o)->name); break;
      case ObjType::Bound: out += "<bound method>"; break;
      case ObjType::Cell: display(static_cast<CellObj*>(o)->v, quote, out, depth + 1); break;
      case ObjType::Opaque: out += fmt::format("<{}>", static_cast<OpaqueObj*>(o)->kind); break;
      case ObjType::BigInt: break;
    }
  }
}

std::string to_display(Value v) {
  std::string out;
  display(v, false, out, 0);
  return out;
}

std::string to_repr(Value v) {
  std::string out;
  display(v, true, out, 0);
  return out;
}

}  // namespace spl::vm
