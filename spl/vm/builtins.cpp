// The runtime's global functions and the methods of builtin values (text, arrays, tuples, dicts,
// sets, ranges, Option/Result). Collection updates (push, insert, set, remove, ...) change the
// receiver when it is a `var` or a field and also return the updated collection; on a `val`
// they work on a copy (the compiler does not hand them the place).

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "spl/base/hash.hpp"
#include "spl/vm/ops.hpp"
#include "spl/vm/vm.hpp"

namespace spl::vm {

namespace {

[[noreturn]] void arity(Vm& vm, const char* name, int want, int got) {
  vm.panic(fmt::format("`{}` takes {} argument(s), {} given", name, want, got));
}
void need(Vm& vm, const char* name, int n, int lo, int hi) {
  if (n < lo || n > hi) arity(vm, name, lo, n);
}
std::string_view text_arg(Vm& vm, Value v, const char* what) {
  if (!v.is_obj(ObjType::Str)) vm.panic(fmt::format("{} needs text, found {}", what, type_name(v)));
  return str_of(v);
}
std::int64_t int_arg(Vm& vm, Value v, const char* what) {
  if (!v.is_int()) vm.panic(fmt::format("{} needs an integer, found {}", what, type_name(v)));
  return v.as_int();
}
double num_arg(Vm& vm, Value v, const char* what) {
  if (v.is_double()) return v.dbl();
  if (v.is_int()) return static_cast<double>(v.as_int());
  vm.panic(fmt::format("{} needs a number, found {}", what, type_name(v)));
}
void no_io(Vm& vm) {
  if (!vm.options().allow_io) vm.panic("input and output are disabled in this VM");
}
Value own(Value v) {
  retain(v);
  return v;
}
std::vector<Value>& items(Value v) { return v.as<ArrayObj>()->items; }

Value call1(Vm& vm, Value f, Value a) { return vm.call(f, &a, 1); }
Value call2(Vm& vm, Value f, Value a, Value b) {
  Value args[2] = {a, b};
  return vm.call(f, args, 2);
}
bool call_bool(Vm& vm, Value f, Value a) {
  Value r = call1(vm, f, a);
  bool b = truthy(r);
  release(r);
  return b;
}

// ---- globals ----------------------------------------------------------------------------
Value g_print(Vm& vm, Value* a, int n) {
  std::string line;
  for (int i = 0; i < n; ++i) {
    if (i) line += ' ';
    line += to_display(a[i]);
  }
  line += '\n';
  vm.out() << line;
  return Value::nil();
}
Value g_eprint(Vm& vm, Value* a, int n) {
  vm.out().flush();
  for (int i = 0; i < n; ++i) std::cerr << (i ? " " : "") << to_display(a[i]);
  std::cerr << '\n';
  return Value::nil();
}
Value g_panic(Vm& vm, Value* a, int n) { vm.panic(n > 0 ? to_display(a[0]) : std::string("explicit panic")); }
Value g_identity(Vm& vm, Value* a, int n) {
  need(vm, "Some", n, 1, 1);
  return own(a[0]);
}
Value g_ok(Vm& vm, Value* a, int n) { return vm.make_result(true, n > 0 ? own(a[0]) : Value::nil()); }
Value g_err(Vm& vm, Value* a, int n) { return vm.make_result(false, n > 0 ? own(a[0]) : Value::nil()); }
Value g_str(Vm& vm, Value* a, int n) {
  need(vm, "str", n, 1, 1);
  if (a[0].is_obj(ObjType::Str)) return own(a[0]);
  return make_str(to_display(a[0]));
}
Value parse_int(Vm& vm, std::string_view s, bool strict) {
  std::string t(s);
  t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
  std::size_t b = t.find_first_not_of(" \t\n\r");
  std::size_t e = t.find_last_not_of(" \t\n\r");
  if (b == std::string::npos) {
    if (strict) vm.panic(fmt::format("cannot convert {} to an integer", to_repr(make_str(std::string(s)))));
    return Value::nil();
  }
  t = t.substr(b, e - b + 1);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) {
    if (strict) vm.panic(fmt::format("cannot convert \"{}\" to an integer", std::string(s)));
    return Value::nil();
  }
  return Value::integer(v);
}
Value g_int(Vm& vm, Value* a, int n) {
  need(vm, "int", n, 1, 1);
  Value v = a[0];
  if (v.is_int()) return own(v);
  if (v.is_double()) {
    double d = v.dbl();
    if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) vm.panic(fmt::format("cannot convert {} to an integer", d));
    return Value::integer(static_cast<std::int64_t>(d));
  }
  if (v.is_bool()) return Value::small_int(v.boolean() ? 1 : 0);
  if (v.is_obj(ObjType::Str)) return parse_int(vm, str_of(v), true);
  vm.panic(fmt::format("cannot convert a value of type {} to an integer", type_name(v)));
}
Value g_float(Vm& vm, Value* a, int n) {
  need(vm, "float", n, 1, 1);
  Value v = a[0];
  if (v.is_double()) return v;
  if (v.is_int()) return Value::of_double(static_cast<double>(v.as_int()));
  if (v.is_obj(ObjType::Str)) {
    std::string t(str_of(v));
    char* end = nullptr;
    double d = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0') vm.panic(fmt::format("cannot convert \"{}\" to a float", t));
    return Value::of_double(d);
  }
  vm.panic(fmt::format("cannot convert a value of type {} to a float", type_name(v)));
}
Value g_len(Vm& vm, Value* a, int n) {
  need(vm, "len", n, 1, 1);
  return Value::integer(length_of(vm, a[0]));
}
Value g_abs(Vm& vm, Value* a, int n) {
  need(vm, "abs", n, 1, 1);
  if (a[0].is_int()) {
    std::int64_t v = a[0].as_int();
    if (v == INT64_MIN) vm.panic("integer overflow: abs of the minimum i64");
    return Value::integer(v < 0 ? -v : v);
  }
  return Value::of_double(std::fabs(num_arg(vm, a[0], "abs")));
}
Value extreme(Vm& vm, Value* a, int n, bool want_max, const char* name) {
  std::vector<Value> vals;
  if (n == 1 && (a[0].is_obj(ObjType::Array) || a[0].is_obj(ObjType::Tuple))) {
    vals = items(a[0]);
  } else {
    vals.assign(a, a + n);
  }
  if (vals.empty()) vm.panic(fmt::format("`{}` of nothing", name));
  Value best = vals[0];
  for (std::size_t i = 1; i < vals.size(); ++i) {
    int c = compare(vm, Op::Lt, vals[i], best);
    if (want_max ? c > 0 : c < 0) best = vals[i];
  }
  return own(best);
}
Value g_min(Vm& vm, Value* a, int n) { return extreme(vm, a, n, false, "min"); }
Value g_max(Vm& vm, Value* a, int n) { return extreme(vm, a, n, true, "max"); }
Value g_sqrt(Vm& vm, Value* a, int n) {
  need(vm, "sqrt", n, 1, 1);
  return Value::of_double(std::sqrt(num_arg(vm, a[0], "sqrt")));
}
Value g_hash(Vm& vm, Value* a, int n) {
  need(vm, "hash", n, 1, 1);
  return Value::integer(static_cast<std::int64_t>(value_hash(a[0]) >> 1));
}
Value g_type_of(Vm& vm, Value* a, int n) {
  need(vm, "type_of", n, 1, 1);
  return make_str(std::string(type_name(a[0])));
}
Value g_format(Vm& vm, Value* a, int n) {
  need(vm, "format", n, 2, 2);
  std::string spec(text_arg(vm, a[1], "a format spec"));
  std::string f = "{:" + spec + "}";
  try {
    Value v = a[0];
    if (v.is_int()) return make_str(fmt::format(fmt::runtime(f), v.as_int()));
    if (v.is_double()) {
      if (!spec.empty() && spec.back() == '%') {
        std::string s = fmt::format(fmt::runtime("{:" + spec.substr(0, spec.size() - 1) + "f}"), v.dbl() * 100.0);
        return make_str(s + "%");
      }
      return make_str(fmt::format(fmt::runtime(f), v.dbl()));
    }
    return make_str(fmt::format(fmt::runtime(f), to_display(v)));
  } catch (const fmt::format_error& e) {
    vm.panic(fmt::format("bad format spec `{}`: {}", spec, e.what()));
  }
}
Value g_range(Vm& vm, Value* a, int n) {
  need(vm, "range", n, 1, 3);
  std::int64_t lo = 0, hi, step = 1;
  if (n == 1) {
    hi = int_arg(vm, a[0], "range");
  } else {
    lo = int_arg(vm, a[0], "range");
    hi = int_arg(vm, a[1], "range");
    if (n == 3) step = int_arg(vm, a[2], "range");
  }
  if (step == 0) vm.panic("a range step cannot be 0");
  return Value::object(new RangeObj(lo, hi, step, false));
}
Value g_read_file(Vm& vm, Value* a, int n) {
  no_io(vm);
  need(vm, "read_file", n, 1, 1);
  std::string path(text_arg(vm, a[0], "read_file"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return vm.make_result(false, make_str(fmt::format("cannot open {}", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  return vm.make_result(true, make_str(ss.str()));
}
Value g_write_file(Vm& vm, Value* a, int n) {
  no_io(vm);
  need(vm, "write_file", n, 2, 2);
  std::string path(text_arg(vm, a[0], "write_file"));
  std::ofstream out(path, std::ios::binary);
  if (!out) return vm.make_result(false, make_str(fmt::format("cannot open {} for writing", path)));
  std::string data = to_display(a[1]);
  out << data;
  if (!out) return vm.make_result(false, make_str(fmt::format("cannot write {}", path)));
  return vm.make_result(true, Value::nil());
}
Value g_read_line(Vm& vm, Value*, int) {
  no_io(vm);
  vm.out().flush();
  std::string line;
  if (!std::getline(std::cin, line)) return Value::nil();
  return make_str(line);
}
Value g_args(Vm& vm, Value*, int) {
  std::vector<Value> out;
  for (const auto& s : vm.args()) out.push_back(make_str(s));
  return make_array(std::move(out));
}
Value g_time_ns(Vm&, Value*, int) {
  auto t = std::chrono::steady_clock::now().time_since_epoch();
  return Value::integer(std::chrono::duration_cast<std::chrono::nanoseconds>(t).count());
}
Value g_time_unix(Vm&, Value*, int) {
  auto t = std::chrono::system_clock::now().time_since_epoch();
  return Value::of_double(std::chrono::duration<double>(t).count());
}
Value g_sleep_ms(Vm& vm, Value* a, int n) {
  no_io(vm);
  need(vm, "sleep_ms", n, 1, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(int_arg(vm, a[0], "sleep_ms")));
  return Value::nil();
}
Value math1(Vm& vm, Value* a, int n, double (*f)(double), const char* name) {
  need(vm, name, n, 1, 1);
  return Value::of_double(f(num_arg(vm, a[0], name)));
}
Value g_floor(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::floor, "floor"); }
Value g_ceil(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::ceil, "ceil"); }
Value g_round(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::round, "round"); }
Value g_sin(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::sin, "sin"); }
Value g_cos(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::cos, "cos"); }
Value g_exp(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::exp, "exp"); }
Value g_log(Vm& vm, Value* a, int n) { return math1(vm, a, n, std::log, "log"); }
Value g_pow(Vm& vm, Value* a, int n) {
  need(vm, "pow", n, 2, 2);
  return arith(vm, Op::Pow, a[0], a[1]);
}

// ---- any value (Option semantics: nil is None, anything else is Some) --------------------
Value m_unwrap(Vm& vm, Value* a, int) {
  Value v = a[0];
  if (v.is_nil()) vm.panic("called unwrap on None");
  if (v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == vm.result_type()) {
    auto* e = v.as<EnumObj>();
    if (e->variant == 1) vm.panic(fmt::format("called unwrap on Err({})", to_repr(e->payload[0])));
    return own(e->payload[0]);
  }
  return own(v);
}
Value m_expect(Vm& vm, Value* a, int n) {
  Value v = a[0];
  std::string msg = n > 1 ? to_display(a[1]) : std::string("expect failed");
  if (v.is_nil()) vm.panic(msg);
  if (v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == vm.result_type()) {
    auto* e = v.as<EnumObj>();
    if (e->variant == 1) vm.panic(fmt::format("{}: {}", msg, to_display(e->payload[0])));
    return own(e->payload[0]);
  }
  return own(v);
}
Value m_unwrap_or(Vm& vm, Value* a, int n) {
  need(vm, "unwrap_or", n, 2, 2);
  Value v = a[0];
  if (v.is_nil()) return own(a[1]);
  if (v.is_obj(ObjType::Enum) && v.as<EnumObj>()->type == vm.result_type()) {
    auto* e = v.as<EnumObj>();
    return own(e->variant == 1 ? a[1] : e->payload[0]);
  }
  return own(v);
}
Value m_is_some(Vm&, Value* a, int) { return Value::of_bool(!a[0].is_nil()); }
Value m_is_none(Vm&, Value* a, int) { return Value::of_bool(a[0].is_nil()); }
Value m_to_string(Vm&, Value* a, int) { return a[0].is_obj(ObjType::Str) ? own(a[0]) : make_str(to_display(a[0])); }
Value m_is_ok(Vm& vm, Value* a, int) {
  return Value::of_bool(a[0].is_obj(ObjType::Enum) && a[0].as<EnumObj>()->type == vm.result_type() && a[0].as<EnumObj>()->variant == 0);
}
Value m_is_err(Vm& vm, Value* a, int) {
  return Value::of_bool(a[0].is_obj(ObjType::Enum) && a[0].as<EnumObj>()->type == vm.result_type() && a[0].as<EnumObj>()->variant == 1);
}
Value m_unwrap_err(Vm& vm, Value* a, int) {
  if (!a[0].is_obj(ObjType::Enum) || a[0].as<EnumObj>()->type != vm.result_type() || a[0].as<EnumObj>()->variant != 1)
    vm.panic(fmt::format("called unwrap_err on {}", to_repr(a[0])));
  return own(a[0].as<EnumObj>()->payload[0]);
}
Value m_to_f64(Vm& vm, Value* a, int n) { return g_float(vm, a, n); }
Value m_to_int(Vm& vm, Value* a, int n) { return g_int(vm, a, n); }
Value m_hash(Vm& vm, Value* a, int n) { return g_hash(vm, a, n); }

// ---- numbers -------------------------------------------------------------------------------
Value m_abs(Vm& vm, Value* a, int n) { return g_abs(vm, a, n); }
Value m_sqrt(Vm& vm, Value* a, int n) { return g_sqrt(vm, a, n); }
Value m_floor(Vm& vm, Value* a, int n) { return g_floor(vm, a, n); }
Value m_ceil(Vm& vm, Value* a, int n) { return g_ceil(vm, a, n); }
Value m_round(Vm& vm, Value* a, int n) { return g_round(vm, a, n); }
Value m_min2(Vm& vm, Value* a, int n) { return g_min(vm, a, n); }
Value m_max2(Vm& vm, Value* a, int n) { return g_max(vm, a, n); }
Value m_pow(Vm& vm, Value* a, int n) {
  need(vm, "pow", n, 2, 2);
  return arith(vm, Op::Pow, a[0], a[1]);
}

// ---- text ----------------------------------------------------------------------------------
Value t_len(Vm&, Value* a, int) { return Value::integer(static_cast<std::int64_t>(str_of(a[0]).size())); }
Value t_upper(Vm&, Value* a, int) {
  std::string s(str_of(a[0]));
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return make_str(std::move(s));
}
Value t_lower(Vm&, Value* a, int) {
  std::string s(str_of(a[0]));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return make_str(std::move(s));
}
Value t_trim(Vm&, Value* a, int) {
  std::string_view s = str_of(a[0]);
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return make_str("");
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return make_str(std::string(s.substr(b, e - b + 1)));
}
Value t_split(Vm& vm, Value* a, int n) {
  std::string_view s = str_of(a[0]);
  std::vector<Value> out;
  if (n < 2) {
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      std::size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j > i) out.push_back(make_str(std::string(s.substr(i, j - i))));
      i = j;
    }
    return make_array(std::move(out));
  }
  std::string_view sep = text_arg(vm, a[1], "split");
  if (sep.empty()) vm.panic("split: the separator is empty");
  std::size_t start = 0;
  for (;;) {
    std::size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(make_str(std::string(s.substr(start))));
      break;
    }
    out.push_back(make_str(std::string(s.substr(start, p - start))));
    start = p + sep.size();
  }
  return make_array(std::move(out));
}
Value t_starts_with(Vm& vm, Value* a, int n) {
  need(vm, "starts_with", n, 2, 2);
  return Value::of_bool(str_of(a[0]).starts_with(text_arg(vm, a[1], "starts_with")));
}
Value t_ends_with(Vm& vm, Value* a, int n) {
  need(vm, "ends_with", n, 2, 2);
  return Value::of_bool(str_of(a[0]).ends_with(text_arg(vm, a[1], "ends_with")));
}
Value t_contains(Vm& vm, Value* a, int n) {
  need(vm, "contains", n, 2, 2);
  return Value::of_bool(str_of(a[0]).find(text_arg(vm, a[1], "contains")) != std::string_view::npos);
}
Value t_index_of(Vm& vm, Value* a, int n) {
  need(vm, "index_of", n, 2, 2);
  std::size_t p = str_of(a[0]).find(text_arg(vm, a[1], "index_of"));
  return p == std::string_view::npos ? Value::nil() : Value::integer(static_cast<std::int64_t>(p));
}
Value t_replace(Vm& vm, Value* a, int n) {
  need(vm, "replace", n, 3, 3);
  std::string s(str_of(a[0]));
  std::string_view from = text_arg(vm, a[1], "replace");
  std::string_view to = text_arg(vm, a[2], "replace");
  if (from.empty()) return own(a[0]);
  std::string out;
  std::size_t start = 0;
  for (;;) {
    std::size_t p = s.find(from, start);
    if (p == std::string::npos) break;
    out.append(s, start, p - start);
    out += to;
    start = p + from.size();
  }
  out.append(s, start);
  return make_str(std::move(out));
}
Value t_repeat(Vm& vm, Value* a, int n) {
  need(vm, "repeat", n, 2, 2);
  return arith(vm, Op::Mul, a[0], a[1]);
}
Value t_chars(Vm& vm, Value* a, int) { return iterable(vm, a[0]); }
Value t_lines(Vm& vm, Value* a, int) {
  Value nl = make_str("\n");
  Value args[2] = {a[0], nl};
  Value r = t_split(vm, args, 2);
  release(nl);
  auto& v = items(r);
  if (!v.empty() && str_of(v.back()).empty()) {
    release(v.back());
    v.pop_back();
  }
  return r;
}
Value t_is_empty(Vm&, Value* a, int) { return Value::of_bool(str_of(a[0]).empty()); }
Value t_to_int(Vm& vm, Value* a, int) { return parse_int(vm, str_of(a[0]), false); }
Value t_reverse(Vm&, Value* a, int) {
  std::string s(str_of(a[0]));
  std::reverse(s.begin(), s.end());
  return make_str(std::move(s));
}
Value t_ord(Vm&, Value* a, int) {
  std::string_view s = str_of(a[0]);
  return s.empty() ? Value::nil() : Value::small_int(static_cast<unsigned char>(s[0]));
}
Value t_slice(Vm& vm, Value* a, int n) {
  need(vm, "slice", n, 2, 3);
  return get_slice(vm, a[0], a[1], n > 2 ? a[2] : Value::nil(), Value::nil());
}
Value t_char_at(Vm& vm, Value* a, int n) {
  need(vm, "char_at", n, 2, 2);
  return get_index(vm, a[0], a[1]);
}
Value g_chr(Vm& vm, Value* a, int n) {
  need(vm, "chr", n, 1, 1);
  std::int64_t c = int_arg(vm, a[0], "chr");
  if (c < 0 || c > 127) vm.panic(fmt::format("chr: {} is not an ASCII code", c));
  return make_str(std::string(1, static_cast<char>(c)));
}

// ---- arrays --------------------------------------------------------------------------------
Value a_len(Vm&, Value* a, int) { return Value::integer(static_cast<std::int64_t>(items(a[0]).size())); }
Value a_push(Vm& vm, Value* a, int n) {
  need(vm, "push", n, 2, 2);
  make_unique(a[0]);
  items(a[0]).push_back(own(a[1]));
  return own(a[0]);
}
Value a_extend(Vm& vm, Value* a, int n) {
  need(vm, "extend", n, 2, 2);
  if (!a[1].is_obj(ObjType::Array) && !a[1].is_obj(ObjType::Tuple)) vm.panic("extend needs an array");
  make_unique(a[0]);
  std::vector<Value> add = items(a[1]);
  for (Value v : add) items(a[0]).push_back(own(v));
  return own(a[0]);
}
Value a_pop(Vm& vm, Value* a, int) {
  make_unique(a[0]);
  auto& v = items(a[0]);
  if (v.empty()) vm.panic("pop from an empty array");
  Value x = v.back();
  v.pop_back();
  return x;
}
Value a_insert(Vm& vm, Value* a, int n) {
  need(vm, "insert", n, 3, 3);
  make_unique(a[0]);
  auto& v = items(a[0]);
  std::int64_t i = int_arg(vm, a[1], "insert");
  if (i < 0) i += static_cast<std::int64_t>(v.size());
  if (i < 0 || i > static_cast<std::int64_t>(v.size())) vm.panic(fmt::format("insert: index {} out of range for length {}", i, v.size()));
  v.insert(v.begin() + i, own(a[2]));
  return own(a[0]);
}
Value a_remove(Vm& vm, Value* a, int n) {
  need(vm, "remove", n, 2, 2);
  make_unique(a[0]);
  auto& v = items(a[0]);
  std::size_t i = checked_index(vm, int_arg(vm, a[1], "remove"), v.size(), "an array");
  Value x = v[i];
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
  return x;
}
Value a_clear(Vm&, Value* a, int) {
  make_unique(a[0]);
  for (Value v : items(a[0])) release(v);
  items(a[0]).clear();
  return own(a[0]);
}
Value a_get(Vm& vm, Value* a, int n) {
  need(vm, "get", n, 2, 3);
  auto& v = items(a[0]);
  std::int64_t i = int_arg(vm, a[1], "get");
  if (i < 0) i += static_cast<std::int64_t>(v.size());
  if (i < 0 || i >= static_cast<std::int64_t>(v.size())) return n > 2 ? own(a[2]) : Value::nil();
  return own(v[static_cast<std::size_t>(i)]);
}
Value a_first(Vm&, Value* a, int) { return items(a[0]).empty() ? Value::nil() : own(items(a[0]).front()); }
Value a_last(Vm&, Value* a, int) { return items(a[0]).empty() ? Value::nil() : own(items(a[0]).back()); }
Value a_is_empty(Vm&, Value* a, int) { return Value::of_bool(items(a[0]).empty()); }
Value a_contains(Vm& vm, Value* a, int n) {
  need(vm, "contains", n, 2, 2);
  return Value::of_bool(contains(vm, a[0], a[1]));
}
Value a_index_of(Vm& vm, Value* a, int n) {
  need(vm, "index_of", n, 2, 2);
  auto& v = items(a[0]);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (values_equal(v[i], a[1])) return Value::integer(static_cast<std::int64_t>(i));
  return Value::nil();
}
Value a_join(Vm& vm, Value* a, int n) {
  std::string sep = n > 1 ? std::string(text_arg(vm, a[1], "join")) : std::string();
  std::string out;
  auto& v = items(a[0]);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    if (v[i].is_obj(ObjType::Str)) out += str_of(v[i]);
    else out += to_display(v[i]);
  }
  return make_str(std::move(out));
}
Value a_map(Vm& vm, Value* a, int n) {
  need(vm, "map", n, 2, 2);
  std::vector<Value> src = items(a[0]);
  for (Value v : src) retain(v);
  std::vector<Value> out;
  out.reserve(src.size());
  try {
    for (Value v : src) out.push_back(call1(vm, a[1], v));
  } catch (...) {
    for (Value v : out) release(v);
    for (Value v : src) release(v);
    throw;
  }
  for (Value v : src) release(v);
  return make_array(std::move(out));
}
Value a_filter(Vm& vm, Value* a, int n) {
  need(vm, "filter", n, 2, 2);
  std::vector<Value> src = items(a[0]);
  for (Value v : src) retain(v);
  std::vector<Value> out;
  try {
    for (Value v : src)
      if (call_bool(vm, a[1], v)) out.push_back(own(v));
  } catch (...) {
    for (Value v : out) release(v);
    for (Value v : src) release(v);
    throw;
  }
  for (Value v : src) release(v);
  return make_array(std::move(out));
}
Value a_each(Vm& vm, Value* a, int n) {
  need(vm, "each", n, 2, 2);
  std::vector<Value> src = items(a[0]);
  for (Value v : src) retain(v);
  try {
    for (Value v : src) release(call1(vm, a[1], v));
  } catch (...) {
    for (Value v : src) release(v);
    throw;
  }
  for (Value v : src) release(v);
  return Value::nil();
}
Value a_fold(Vm& vm, Value* a, int n) {
  need(vm, "fold", n, 3, 3);
  std::vector<Value> src = items(a[0]);
  for (Value v : src) retain(v);
  Value acc = own(a[1]);
  try {
    for (Value v : src) {
      Value next = call2(vm, a[2], acc, v);
      release(acc);
      acc = next;
    }
  } catch (...) {
    release(acc);
    for (Value v : src) release(v);
    throw;
  }
  for (Value v : src) release(v);
  return acc;
}
Value a_reduce(Vm& vm, Value* a, int n) {
  need(vm, "reduce", n, 2, 2);
  if (items(a[0]).empty()) vm.panic("reduce of an empty array");
  std::vector<Value> src = items(a[0]);
  for (Value v : src) retain(v);
  Value acc = own(src[0]);
  try {
    for (std::size_t i = 1; i < src.size(); ++i) {
      Value next = call2(vm, a[1], acc, src[i]);
      release(acc);
      acc = next;
    }
  } catch (...) {
    release(acc);
    for (Value v : src) release(v);
    throw;
  }
  for (Value v : src) release(v);
  return acc;
}
Value a_any(Vm& vm, Value* a, int n) {
  need(vm, "any", n, 2, 2);
  for (Value v : std::vector<Value>(items(a[0])))
    if (call_bool(vm, a[1], v)) return Value::of_bool(true);
  return Value::of_bool(false);
}
Value a_all(Vm& vm, Value* a, int n) {
  need(vm, "all", n, 2, 2);
  for (Value v : std::vector<Value>(items(a[0])))
    if (!call_bool(vm, a[1], v)) return Value::of_bool(false);
  return Value::of_bool(true);
}
Value a_find(Vm& vm, Value* a, int n) {
  need(vm, "find", n, 2, 2);
  for (Value v : std::vector<Value>(items(a[0])))
    if (call_bool(vm, a[1], v)) return own(v);
  return Value::nil();
}
Value a_sum(Vm& vm, Value* a, int) {
  Value acc = Value::small_int(0);
  for (Value v : items(a[0])) {
    Value next = arith(vm, Op::Add, acc, v);
    release(acc);
    acc = next;
  }
  return acc;
}
// Sorts a copy of the element handles (a comparator that panics leaves the array as it was).
void sort_values(Vm& vm, std::vector<Value>& v, Value cmp) {
  std::vector<Value> work = v;
  if (cmp.is_nil()) {
    std::stable_sort(work.begin(), work.end(), [&](Value x, Value y) { return compare(vm, Op::Lt, x, y) < 0; });
  } else {
    std::stable_sort(work.begin(), work.end(), [&](Value x, Value y) {
      Value r = call2(vm, cmp, x, y);
      bool less = r.is_bool() ? r.boolean() : (r.is_int() ? r.as_int() < 0 : false);
      if (!r.is_bool() && !r.is_int()) {
        release(r);
        vm.panic("a sort comparator must return bool (a before b) or an integer (<0, 0, >0)");
      }
      return less;
    });
  }
  v = std::move(work);
}
Value a_sort(Vm& vm, Value* a, int n) {
  need(vm, "sort", n, 1, 2);
  make_unique(a[0]);
  sort_values(vm, items(a[0]), n > 1 ? a[1] : Value::nil());
  return own(a[0]);
}
Value a_sorted(Vm& vm, Value* a, int n) {
  need(vm, "sorted", n, 1, 2);
  std::vector<Value> v = items(a[0]);
  sort_values(vm, v, n > 1 ? a[1] : Value::nil());
  for (Value x : v) retain(x);
  return make_array(std::move(v));
}
Value a_reverse(Vm&, Value* a, int) {
  make_unique(a[0]);
  std::reverse(items(a[0]).begin(), items(a[0]).end());
  return own(a[0]);
}
Value a_reversed(Vm&, Value* a, int) {
  std::vector<Value> v(items(a[0]).rbegin(), items(a[0]).rend());
  for (Value x : v) retain(x);
  return make_array(std::move(v));
}
Value a_enumerate(Vm&, Value* a, int) {
  std::vector<Value> out;
  auto& v = items(a[0]);
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(make_array({Value::integer(static_cast<std::int64_t>(i)), own(v[i])}, ObjType::Tuple));
  return make_array(std::move(out));
}
Value a_zip(Vm& vm, Value* a, int n) {
  need(vm, "zip", n, 2, 2);
  if (!a[1].is_obj(ObjType::Array)) vm.panic("zip needs an array");
  std::vector<Value> out;
  auto& x = items(a[0]);
  auto& y = items(a[1]);
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) out.push_back(make_array({own(x[i]), own(y[i])}, ObjType::Tuple));
  return make_array(std::move(out));
}
Value a_slice(Vm& vm, Value* a, int n) {
  need(vm, "slice", n, 2, 3);
  return get_slice(vm, a[0], a[1], n > 2 ? a[2] : Value::nil(), Value::nil());
}
Value a_count(Vm& vm, Value* a, int n) {
  if (n == 1) return Value::integer(static_cast<std::int64_t>(items(a[0]).size()));
  std::int64_t c = 0;
  for (Value v : std::vector<Value>(items(a[0])))
    if (a[1].is_obj(ObjType::Closure) || a[1].is_obj(ObjType::Native) ? call_bool(vm, a[1], v) : values_equal(v, a[1])) ++c;
  return Value::integer(c);
}
Value a_copy(Vm&, Value* a, int) {
  std::vector<Value> v = items(a[0]);
  for (Value x : v) retain(x);
  return make_array(std::move(v), a[0].obj()->type);
}

// ---- dicts ---------------------------------------------------------------------------------
DictObj* dict(Value v) { return v.as<DictObj>(); }
Value d_len(Vm&, Value* a, int) { return Value::integer(static_cast<std::int64_t>(dict(a[0])->map.size())); }
Value d_get(Vm& vm, Value* a, int n) {
  need(vm, "get", n, 2, 3);
  const Val* v = dict(a[0])->map.find(*BorrowedVal(a[1]));
  if (v) return own(v->get());
  return n > 2 ? own(a[2]) : Value::nil();
}
Value d_set(Vm& vm, Value* a, int n) {
  need(vm, "set", n, 3, 3);
  make_unique(a[0]);
  auto* d = dict(a[0]);
  d->map = std::move(d->map).insert(Val(a[1]), Val(a[2]));
  return own(a[0]);
}
Value d_remove(Vm& vm, Value* a, int n) {
  need(vm, "remove", n, 2, 2);
  make_unique(a[0]);
  auto* d = dict(a[0]);
  d->map = std::move(d->map).remove(Val(a[1]));
  return own(a[0]);
}
// d.update(key, f): key maps to f(old value or nil).
Value d_update(Vm& vm, Value* a, int n) {
  need(vm, "update", n, 3, 3);
  const Val* old = dict(a[0])->map.find(*BorrowedVal(a[1]));
  Value next = call1(vm, a[2], old ? old->get() : Value::nil());
  make_unique(a[0]);
  auto* d = dict(a[0]);
  d->map = std::move(d->map).insert(Val(a[1]), Val::adopt(next));
  return own(a[0]);
}
Value d_contains(Vm& vm, Value* a, int n) {
  need(vm, "contains_key", n, 2, 2);
  return Value::of_bool(dict(a[0])->map.contains(*BorrowedVal(a[1])));
}
Value d_keys(Vm&, Value* a, int) {
  std::vector<Value> out;
  for (const auto& [k, v] : dict(a[0])->map) out.push_back(own(k.get()));
  return make_array(std::move(out));
}
Value d_values(Vm&, Value* a, int) {
  std::vector<Value> out;
  for (const auto& [k, v] : dict(a[0])->map) out.push_back(own(v.get()));
  return make_array(std::move(out));
}
Value d_items(Vm&, Value* a, int) {
  std::vector<Value> out;
  for (const auto& [k, v] : dict(a[0])->map) out.push_back(make_array({own(k.get()), own(v.get())}, ObjType::Tuple));
  return make_array(std::move(out));
}
Value d_is_empty(Vm&, Value* a, int) { return Value::of_bool(dict(a[0])->map.empty()); }
Value d_clear(Vm&, Value* a, int) {
  make_unique(a[0]);
  dict(a[0])->map = ValueMap();
  return own(a[0]);
}
Value d_merge(Vm& vm, Value* a, int n) {
  need(vm, "merge", n, 2, 2);
  if (!a[1].is_obj(ObjType::Dict)) vm.panic("merge needs a dict");
  // Entries of the argument win.
  return Value::object(new DictObj(dict(a[1])->map.union_with(dict(a[0])->map)));
}

// ---- sets ----------------------------------------------------------------------------------
SetObj* set(Value v) { return v.as<SetObj>(); }
Value s_len(Vm&, Value* a, int) { return Value::integer(static_cast<std::int64_t>(set(a[0])->set.size())); }
Value s_contains(Vm& vm, Value* a, int n) {
  need(vm, "contains", n, 2, 2);
  return Value::of_bool(set(a[0])->set.contains(*BorrowedVal(a[1])));
}
Value s_add(Vm& vm, Value* a, int n) {
  need(vm, "add", n, 2, 2);
  make_unique(a[0]);
  set(a[0])->set = std::move(set(a[0])->set).insert(Val(a[1]));
  return own(a[0]);
}
Value s_remove(Vm& vm, Value* a, int n) {
  need(vm, "remove", n, 2, 2);
  make_unique(a[0]);
  set(a[0])->set = std::move(set(a[0])->set).remove(Val(a[1]));
  return own(a[0]);
}
Value s_union(Vm& vm, Value* a, int n) {
  need(vm, "union", n, 2, 2);
  return arith(vm, Op::BitOr, a[0], a[1]);
}
Value s_intersection(Vm& vm, Value* a, int n) {
  need(vm, "intersection", n, 2, 2);
  return arith(vm, Op::BitAnd, a[0], a[1]);
}
Value s_difference(Vm& vm, Value* a, int n) {
  need(vm, "difference", n, 2, 2);
  return arith(vm, Op::Sub, a[0], a[1]);
}
Value s_to_array(Vm& vm, Value* a, int) { return iterable(vm, a[0]); }

// ---- ranges --------------------------------------------------------------------------------
Value r_len(Vm&, Value* a, int) { return Value::integer(a[0].as<RangeObj>()->count()); }
Value r_to_array(Vm&, Value* a, int) {
  auto* r = a[0].as<RangeObj>();
  std::vector<Value> out;
  for (std::int64_t i = 0; i < r->count(); ++i) out.push_back(Value::integer(r->at(i)));
  return make_array(std::move(out));
}
Value r_map(Vm& vm, Value* a, int n) {
  Value arr_v = r_to_array(vm, a, 1);
  Value args[2] = {arr_v, n > 1 ? a[1] : Value::nil()};
  Value r;
  try {
    r = a_map(vm, args, n);
  } catch (...) {
    release(arr_v);
    throw;
  }
  release(arr_v);
  return r;
}
Value r_filter(Vm& vm, Value* a, int n) {
  Value arr_v = r_to_array(vm, a, 1);
  Value args[2] = {arr_v, n > 1 ? a[1] : Value::nil()};
  Value r;
  try {
    r = a_filter(vm, args, n);
  } catch (...) {
    release(arr_v);
    throw;
  }
  release(arr_v);
  return r;
}
Value r_sum(Vm& vm, Value* a, int) {
  Value arr_v = r_to_array(vm, a, 1);
  Value r = a_sum(vm, &arr_v, 1);
  release(arr_v);
  return r;
}
Value r_contains(Vm& vm, Value* a, int n) {
  need(vm, "contains", n, 2, 2);
  return Value::of_bool(contains(vm, a[0], a[1]));
}

// &:name — a function calling method `name` on its argument.
Value method_ref_call(Vm& vm, Value* a, int n) {
  if (n < 2) vm.panic("a method reference needs a receiver");
  return vm.call_method(a[1], vm.intern(str_of(a[0])), a + 2, n - 2);
}
Value g_method_ref(Vm& vm, Value* a, int n) {
  need(vm, "__method_ref", n, 1, 1);
  return Value::object(new BoundObj(own(a[0]), Value::object(new NativeObj(method_ref_call, "method reference"))));
}
Value g_apply(Vm& vm, Value* a, int n) {
  need(vm, "__apply", n, 2, 2);
  std::vector<Value> args = items(a[1]);
  return vm.call(a[0], args.data(), static_cast<int>(args.size()));
}
// Option helpers on any value: nil is None, anything else Some(value).
Value m_map_option(Vm& vm, Value* a, int n) {
  need(vm, "map", n, 2, 2);
  return a[0].is_nil() ? Value::nil() : call1(vm, a[1], a[0]);
}
Value m_or_else(Vm& vm, Value* a, int n) {
  need(vm, "or_else", n, 2, 2);
  return a[0].is_nil() ? vm.call(a[1], nullptr, 0) : own(a[0]);
}
Value g_sum(Vm& vm, Value* a, int n) {
  need(vm, "sum", n, 1, 1);
  if (a[0].is_obj(ObjType::Range)) return r_sum(vm, a, 1);
  if (!a[0].is_obj(ObjType::Array) && !a[0].is_obj(ObjType::Tuple)) vm.panic(fmt::format("sum needs an array, found {}", type_name(a[0])));
  return a_sum(vm, a, 1);
}

}  // namespace

void install_builtins(Vm& vm) {
  // The global functions every module sees (spl/sema's prelude lists the same names).
  vm.define_native("print", g_print);
  vm.define_native("println", g_print);
  vm.define_native("eprint", g_eprint);
  vm.define_native("panic", g_panic);
  vm.define_native("Some", g_identity);
  vm.define_native("Ok", g_ok);
  vm.define_native("Err", g_err);
  vm.define_native("str", g_str);
  vm.define_native("int", g_int);
  vm.define_native("float", g_float);
  vm.define_native("len", g_len);
  vm.define_native("abs", g_abs);
  vm.define_native("min", g_min);
  vm.define_native("max", g_max);
  vm.define_native("sqrt", g_sqrt);
  vm.define_native("hash", g_hash);
  vm.define_native("type_of", g_type_of);
  vm.define_native("__format", g_format);
  vm.define_native("__method_ref", g_method_ref);
  vm.define_native("sum", g_sum);
  vm.define_native("__apply", g_apply);
  vm.define_native("range", g_range);
  vm.define_native("chr", g_chr);
  vm.define_native("floor", g_floor);
  vm.define_native("ceil", g_ceil);
  vm.define_native("round", g_round);
  vm.define_native("sin", g_sin);
  vm.define_native("cos", g_cos);
  vm.define_native("exp", g_exp);
  vm.define_native("log", g_log);
  vm.define_native("pow", g_pow);
  vm.define_native("read_file", g_read_file);
  vm.define_native("write_file", g_write_file);
  vm.define_native("read_line", g_read_line);
  vm.define_native("args", g_args);
  vm.define_native("time_ns", g_time_ns);
  vm.define_native("time_unix", g_time_unix);
  vm.define_native("sleep_ms", g_sleep_ms);

  // Methods of every value (looked up last).
  auto any = [&](const char* name, NativeFn fn) { vm.define_value_method(kKindOpaque, name, fn); };
  any("unwrap", m_unwrap);
  any("expect", m_expect);
  any("unwrap_or", m_unwrap_or);
  any("is_some", m_is_some);
  any("is_none", m_is_none);
  any("is_ok", m_is_ok);
  any("is_err", m_is_err);
  any("unwrap_err", m_unwrap_err);
  any("to_string", m_to_string);
  any("to_text", m_to_string);
  any("str", m_to_string);
  any("hash", m_hash);
  any("map", m_map_option);
  any("and_then", m_map_option);
  any("or_else", m_or_else);
  for (std::uint8_t kind : {kKindInt, kKindFloat}) {
    vm.define_value_method(kind, "abs", m_abs);
    vm.define_value_method(kind, "sqrt", m_sqrt);
    vm.define_value_method(kind, "floor", m_floor);
    vm.define_value_method(kind, "ceil", m_ceil);
    vm.define_value_method(kind, "round", m_round);
    vm.define_value_method(kind, "to_f64", m_to_f64);
    vm.define_value_method(kind, "to_float", m_to_f64);
    vm.define_value_method(kind, "to_i64", m_to_int);
    vm.define_value_method(kind, "to_int", m_to_int);
    vm.define_value_method(kind, "min", m_min2);
    vm.define_value_method(kind, "max", m_max2);
    vm.define_value_method(kind, "pow", m_pow);
  }

  auto text = [&](const char* name, NativeFn fn) { vm.define_method(ObjType::Str, name, fn); };
  text("len", t_len);
  text("upper", t_upper);
  text("to_upper", t_upper);
  text("lower", t_lower);
  text("to_lower", t_lower);
  text("trim", t_trim);
  text("strip", t_trim);
  text("split", t_split);
  text("starts_with", t_starts_with);
  text("ends_with", t_ends_with);
  text("contains", t_contains);
  text("index_of", t_index_of);
  text("find", t_index_of);
  text("replace", t_replace);
  text("repeat", t_repeat);
  text("chars", t_chars);
  text("lines", t_lines);
  text("is_empty", t_is_empty);
  text("to_int", t_to_int);
  text("to_i64", t_to_int);
  text("parse_int", t_to_int);
  text("to_f64", m_to_f64);
  text("reverse", t_reverse);
  text("ord", t_ord);
  text("slice", t_slice);
  text("substring", t_slice);
  text("char_at", t_char_at);

  auto array = [&](const char* name, NativeFn fn, bool mutating = false) {
    vm.define_method(ObjType::Array, name, fn, mutating);
  };
  array("len", a_len);
  array("size", a_len);
  array("push", a_push, true);
  array("append", a_push, true);
  array("extend", a_extend, true);
  array("pop", a_pop, true);
  array("insert", a_insert, true);
  array("remove", a_remove, true);
  array("clear", a_clear, true);
  array("sort", a_sort, true);
  array("reverse", a_reverse, true);
  array("sorted", a_sorted);
  array("reversed", a_reversed);
  array("get", a_get);
  array("first", a_first);
  array("last", a_last);
  array("is_empty", a_is_empty);
  array("contains", a_contains);
  array("index_of", a_index_of);
  array("join", a_join);
  array("map", a_map);
  array("filter", a_filter);
  array("each", a_each);
  array("for_each", a_each);
  array("fold", a_fold);
  array("reduce", a_reduce);
  array("any", a_any);
  array("all", a_all);
  array("find", a_find);
  array("sum", a_sum);
  array("enumerate", a_enumerate);
  array("zip", a_zip);
  array("slice", a_slice);
  array("count", a_count);
  array("copy", a_copy);
  array("min", m_min2);
  array("max", m_max2);
  for (auto [name, fn] : std::initializer_list<std::pair<const char*, NativeFn>>{
           {"len", a_len}, {"get", a_get}, {"first", a_first}, {"last", a_last}, {"contains", a_contains},
           {"map", a_map}, {"join", a_join}, {"index_of", a_index_of}, {"is_empty", a_is_empty}})
    vm.define_method(ObjType::Tuple, name, fn);

  auto dict_m = [&](const char* name, NativeFn fn, bool mutating = false) {
    vm.define_method(ObjType::Dict, name, fn, mutating);
  };
  dict_m("len", d_len);
  dict_m("size", d_len);
  dict_m("get", d_get);
  dict_m("set", d_set, true);
  dict_m("insert", d_set, true);
  dict_m("remove", d_remove, true);
  dict_m("update", d_update, true);
  dict_m("clear", d_clear, true);
  dict_m("contains_key", d_contains);
  dict_m("contains", d_contains);
  dict_m("has", d_contains);
  dict_m("has_key", d_contains);
  dict_m("keys", d_keys);
  dict_m("values", d_values);
  dict_m("items", d_items);
  dict_m("entries", d_items);
  dict_m("is_empty", d_is_empty);
  dict_m("merge", d_merge);

  auto set_m = [&](const char* name, NativeFn fn, bool mutating = false) {
    vm.define_method(ObjType::Set, name, fn, mutating);
  };
  set_m("len", s_len);
  set_m("size", s_len);
  set_m("contains", s_contains);
  set_m("has", s_contains);
  set_m("add", s_add, true);
  set_m("insert", s_add, true);
  set_m("remove", s_remove, true);
  set_m("union", s_union);
  set_m("intersection", s_intersection);
  set_m("difference", s_difference);
  set_m("to_array", s_to_array);
  set_m("is_empty", [](Vm&, Value* a, int) { return Value::of_bool(a[0].as<SetObj>()->set.empty()); });

  auto range_m = [&](const char* name, NativeFn fn) { vm.define_method(ObjType::Range, name, fn); };
  range_m("len", r_len);
  range_m("to_array", r_to_array);
  range_m("map", r_map);
  range_m("filter", r_filter);
  range_m("sum", r_sum);
  range_m("contains", r_contains);
}

}  // namespace spl::vm
