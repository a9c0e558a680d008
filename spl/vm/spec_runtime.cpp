#include "spl/vm/spec_runtime.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "spl/vm/ops.hpp"

namespace spl::vm {

namespace {

struct Expectation : OpaqueObj {
  Value actual;  // owned
  bool negated = false;
  explicit Expectation(Value v) : OpaqueObj("Expectation"), actual(v) {}
  ~Expectation() override { release(actual); }
};

Expectation* expectation(Vm& vm, Value v, const char* matcher) {
  if (!v.is_obj(ObjType::Opaque) || std::string_view(v.as<OpaqueObj>()->kind) != "Expectation")
    vm.panic(fmt::format("no method `{}` on a value of type {}", matcher, type_name(v)));
  return static_cast<Expectation*>(v.obj());
}

std::string group_path(const SpecState& s) {
  std::string g;
  for (const auto& grp : s.groups) g += (g.empty() ? "" : " ") + grp.name;
  return g;
}

std::string indent(const SpecState& s) { return std::string(2 * s.groups.size(), ' '); }

// The innermost frame of the trace that lies in the spec file (where a failure is reported).
TraceFrame locate(const SpecState& s, const std::vector<TraceFrame>& trace) {
  for (const TraceFrame& t : trace)
    if (t.file == s.file) return t;
  return trace.empty() ? TraceFrame{} : trace.front();
}

void check_pending(SpecState& s) {
  if (!s.pending_bool) return;
  s.pending_bool = false;
  if (!s.pending_value) {
    Panic p("expected true, got false");
    p.trace = {s.pending_at};
    throw p;
  }
}

void run_hook(Vm& vm, Value fn) { release(vm.call(fn, nullptr, 0)); }

Value describe(Vm& vm, Value* a, int n) {
  if (n < 2) vm.panic("`describe` takes a name and a block");
  SpecState& s = spec_state(vm);
  Value block = a[n - 1];
  if (s.out) *s.out << indent(s) << to_display(a[0]) << "\n";
  s.groups.push_back({to_display(a[0]), {}, {}, {}});
  try {
    release(vm.call(block, nullptr, 0));
  } catch (...) {
    SpecState::Group g = std::move(s.groups.back());
    s.groups.pop_back();
    for (Value v : g.before_each) release(v);
    for (Value v : g.after_each) release(v);
    for (Value v : g.after_all) release(v);
    throw;
  }
  SpecState::Group g = std::move(s.groups.back());
  s.groups.pop_back();
  for (Value v : g.after_all) {
    run_hook(vm, v);
    release(v);
  }
  for (Value v : g.before_each) release(v);
  for (Value v : g.after_each) release(v);
  return Value::nil();
}

void record(SpecState& s, SpecResult r) {
  if (s.out) {
    const char* mark = r.status == SpecResult::Status::Passed ? "\u2713" : r.status == SpecResult::Status::Failed ? "\u2717" : "-";
    *s.out << indent(s) << mark << " " << r.name;
    if (r.status == SpecResult::Status::Skipped) *s.out << " (skipped" << (r.message.empty() ? "" : ": " + r.message) << ")";
    *s.out << "\n";
    if (r.status == SpecResult::Status::Failed)
      *s.out << indent(s) << "    " << r.file << ":" << r.line << ": " << r.message << "\n";
  }
  s.results.push_back(std::move(r));
}

Value it(Vm& vm, Value* a, int n) {
  if (n < 2) vm.panic("`it` takes a name and a block");
  SpecState& s = spec_state(vm);
  if (s.in_example) vm.panic("`it` inside another example");
  SpecResult r;
  r.group = group_path(s);
  r.name = to_display(a[0]);
  std::string full = r.group.empty() ? r.name : r.group + " " + r.name;
  if (!s.filter.empty() && full.find(s.filter) == std::string::npos) return Value::nil();
  Value block = a[n - 1];
  auto start = std::chrono::steady_clock::now();
  s.in_example = true;
  s.pending_bool = false;
  try {
    for (const auto& g : s.groups)
      for (Value h : g.before_each) run_hook(vm, h);
    release(vm.call(block, nullptr, 0));
    check_pending(s);
    for (auto g = s.groups.rbegin(); g != s.groups.rend(); ++g)
      for (Value h : g->after_each) run_hook(vm, h);
    r.status = SpecResult::Status::Passed;
  } catch (const Panic& p) {
    r.status = SpecResult::Status::Failed;
    r.message = p.what();
    TraceFrame at = locate(s, p.trace);
    r.file = at.file;
    r.line = at.line;
    s.pending_bool = false;
    try {
      for (auto g = s.groups.rbegin(); g != s.groups.rend(); ++g)
        for (Value h : g->after_each) run_hook(vm, h);
    } catch (const Panic&) {
      // The example already failed; its first failure is the one reported.
    }
  }
  s.in_example = false;
  r.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  record(s, std::move(r));
  return Value::nil();
}

Value skip(Vm& vm, Value* a, int n) {
  SpecState& s = spec_state(vm);
  SpecResult r;
  r.group = group_path(s);
  r.name = n > 0 ? to_display(a[0]) : std::string("(unnamed)");
  r.status = SpecResult::Status::Skipped;
  if (n > 1 && a[1].is_obj(ObjType::Str)) r.message = std::string(str_of(a[1]));
  record(s, std::move(r));
  return Value::nil();
}

Value hook(Vm& vm, Value* a, int n, int which) {
  if (n != 1) vm.panic("a hook takes one block");
  SpecState& s = spec_state(vm);
  if (which == 3) {  // before_all runs now
    run_hook(vm, a[0]);
    return Value::nil();
  }
  if (s.groups.empty()) vm.panic("hooks belong inside `describe`");
  retain(a[0]);
  auto& g = s.groups.back();
  (which == 0 ? g.before_each : which == 1 ? g.after_each : g.after_all).push_back(a[0]);
  return Value::nil();
}
Value before_each(Vm& vm, Value* a, int n) { return hook(vm, a, n, 0); }
Value after_each(Vm& vm, Value* a, int n) { return hook(vm, a, n, 1); }
Value after_all(Vm& vm, Value* a, int n) { return hook(vm, a, n, 2); }
Value before_all(Vm& vm, Value* a, int n) { return hook(vm, a, n, 3); }

Value expect(Vm& vm, Value* a, int n) {
  if (n != 1) vm.panic("`expect` takes one value (or a block)");
  SpecState& s = spec_state(vm);
  check_pending(s);
  if (a[0].is_bool()) {
    s.pending_bool = true;
    s.pending_value = a[0].boolean();
    s.pending_at = locate(s, vm.capture_trace());
  }
  retain(a[0]);
  return Value::object(new Expectation(a[0]));
}

Value check(Vm& vm, Value* a, int n) {
  if (n < 1) vm.panic("`check` takes a condition");
  if (!truthy(a[0])) vm.assertion_failed(n > 1 ? to_display(a[1]) : std::string("check failed"));
  return Value::nil();
}

// Runs a matcher: ok is whether the plain (not negated) expectation holds.
Value verdict(Vm& vm, Expectation* e, bool ok, const std::string& what) {
  SpecState& s = spec_state(vm);
  s.pending_bool = false;
  if (ok == e->negated) {
    vm.assertion_failed(fmt::format("expected {} {}{}", to_repr(e->actual), e->negated ? "not " : "", what));
  }
  return Value::nil();
}

#define SPL_MATCHER(fn, label, arity_check, condition, description)          \
  Value fn(Vm& vm, Value* a, int n) {                                         \
    Expectation* e = expectation(vm, a[0], label);                            \
    if (!(arity_check)) vm.panic(fmt::format("`{}`: wrong number of arguments", label)); \
    return verdict(vm, e, (condition), (description));                        \
  }

bool ordered(Vm& vm, Value x, Value y, int want) {
  int c = compare(vm, Op::Lt, x, y);
  return want < 0 ? c < 0 : want > 0 ? c > 0 : c == 0;
}
bool has_item(Vm& vm, Value c, Value x) { return contains(vm, c, x); }
bool starts(Value s, Value p) { return s.is_obj(ObjType::Str) && p.is_obj(ObjType::Str) && str_of(s).starts_with(str_of(p)); }
bool ends(Value s, Value p) { return s.is_obj(ObjType::Str) && p.is_obj(ObjType::Str) && str_of(s).ends_with(str_of(p)); }
bool empty(Vm& vm, Value v) { return length_of(vm, v) == 0; }
bool close_to(Vm& vm, Value x, Value y, Value tol) {
  double a = x.is_int() ? static_cast<double>(x.as_int()) : x.is_double() ? x.dbl() : NAN;
  double b = y.is_int() ? static_cast<double>(y.as_int()) : y.is_double() ? y.dbl() : NAN;
  double t = tol.is_int() ? static_cast<double>(tol.as_int()) : tol.is_double() ? tol.dbl() : 1e-9;
  if (std::isnan(a) || std::isnan(b)) vm.panic("to_be_close_to needs numbers");
  return std::fabs(a - b) <= t;
}

SPL_MATCHER(to_equal, "to_equal", n == 2, values_equal(e->actual, a[1]), "to equal " + to_repr(a[1]))
SPL_MATCHER(to_be_true, "to_be_true", n == 1, e->actual.is_bool() && e->actual.boolean(), "to be true")
SPL_MATCHER(to_be_false, "to_be_false", n == 1, e->actual.is_bool() && !e->actual.boolean(), "to be false")
SPL_MATCHER(to_be_nil, "to_be_nil", n == 1, e->actual.is_nil(), "to be nil")
SPL_MATCHER(to_be_truthy, "to_be_truthy", n == 1, truthy(e->actual), "to be truthy")
SPL_MATCHER(to_be_falsy, "to_be_falsy", n == 1, !truthy(e->actual), "to be falsy")
SPL_MATCHER(to_contain, "to_contain", n == 2, has_item(vm, e->actual, a[1]), "to contain " + to_repr(a[1]))
SPL_MATCHER(to_start_with, "to_start_with", n == 2, starts(e->actual, a[1]), "to start with " + to_repr(a[1]))
SPL_MATCHER(to_end_with, "to_end_with", n == 2, ends(e->actual, a[1]), "to end with " + to_repr(a[1]))
SPL_MATCHER(to_be_greater_than, "to_be_greater_than", n == 2, ordered(vm, e->actual, a[1], 1), "to be greater than " + to_repr(a[1]))
SPL_MATCHER(to_be_less_than, "to_be_less_than", n == 2, ordered(vm, e->actual, a[1], -1), "to be less than " + to_repr(a[1]))
SPL_MATCHER(to_be_at_least, "to_be_at_least", n == 2, !ordered(vm, e->actual, a[1], -1), "to be at least " + to_repr(a[1]))
SPL_MATCHER(to_be_at_most, "to_be_at_most", n == 2, !ordered(vm, e->actual, a[1], 1), "to be at most " + to_repr(a[1]))
SPL_MATCHER(to_be_empty, "to_be_empty", n == 1, empty(vm, e->actual), "to be empty")
SPL_MATCHER(to_have_length, "to_have_length", n == 2, a[1].is_int() && length_of(vm, e->actual) == a[1].as_int(),
            "to have length " + to_repr(a[1]))
SPL_MATCHER(to_be_close_to, "to_be_close_to", n == 2 || n == 3, close_to(vm, e->actual, a[1], n == 3 ? a[2] : Value::nil()),
            "to be close to " + to_repr(a[1]))
#undef SPL_MATCHER

Value to_raise_error(Vm& vm, Value* a, int n) {
  Expectation* e = expectation(vm, a[0], "to_raise_error");
  SpecState& s = spec_state(vm);
  s.pending_bool = false;
  std::string raised;
  bool did = false;
  try {
    release(vm.call(e->actual, nullptr, 0));
  } catch (const Panic& p) {
    did = true;
    raised = p.what();
  }
  if (n > 1 && did && !e->negated) {
    std::string want = to_display(a[1]);
    if (raised.find(want) == std::string::npos)
      vm.assertion_failed(fmt::format("expected an error containing \"{}\", got \"{}\"", want, raised));
  }
  if (did == e->negated)
    vm.assertion_failed(e->negated ? fmt::format("expected no error, got \"{}\"", raised) : std::string("expected an error, none was raised"));
  return Value::nil();
}

Value not_(Vm& vm, Value* a, int) {
  Expectation* e = expectation(vm, a[0], "not_");
  retain(e->actual);
  auto* neg = new Expectation(e->actual);
  neg->negated = !e->negated;
  spec_state(vm).pending_bool = false;
  return Value::object(neg);
}

}  // namespace

SpecState::~SpecState() {
  for (auto& g : groups) {
    for (Value v : g.before_each) release(v);
    for (Value v : g.after_each) release(v);
    for (Value v : g.after_all) release(v);
  }
}

SpecState& spec_state(Vm& vm) {
  if (!vm.spec) {
    vm.spec = std::make_shared<SpecState>();
    vm.spec->out = &vm.out();
  }
  return *vm.spec;
}

void install_spec_runtime(Vm& vm) {
  vm.define_native("describe", describe);
  vm.define_native("context", describe);
  vm.define_native("feature", describe);
  vm.define_native("it", it);
  vm.define_native("test", it);
  vm.define_native("example", it);
  vm.define_native("specify", it);
  vm.define_native("skip", skip);
  vm.define_native("skip_it", skip);
  vm.define_native("pending", skip);
  vm.define_native("before_each", before_each);
  vm.define_native("after_each", after_each);
  vm.define_native("before_all", before_all);
  vm.define_native("after_all", after_all);
  vm.define_native("expect", expect);
  vm.define_native("check", check);
  auto m = [&](const char* name, NativeFn fn) { vm.define_value_method(kKindOpaque, name, fn); };
  m("to_equal", to_equal);
  m("to_be", to_equal);
  m("to_eq", to_equal);
  m("to_be_true", to_be_true);
  m("to_be_false", to_be_false);
  m("to_be_nil", to_be_nil);
  m("to_be_none", to_be_nil);
  m("to_be_truthy", to_be_truthy);
  m("to_be_falsy", to_be_falsy);
  m("to_contain", to_contain);
  m("to_start_with", to_start_with);
  m("to_end_with", to_end_with);
  m("to_be_greater_than", to_be_greater_than);
  m("to_be_less_than", to_be_less_than);
  m("to_be_at_least", to_be_at_least);
  m("to_be_at_most", to_be_at_most);
  m("to_be_empty", to_be_empty);
  m("to_have_length", to_have_length);
  m("to_be_close_to", to_be_close_to);
  m("to_raise_error", to_raise_error);
  m("to_raise", to_raise_error);
  m("not_", not_);
  m("not", not_);
}

}  // namespace spl::vm
