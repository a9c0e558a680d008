#include "spl/vm/generator.hpp"

#include <fmt/core.h>

#include "spl/vm/vm.hpp"

namespace spl::vm {

bool Vm::resume_generator(GeneratorObj* g, Value& out) {
  using State = GeneratorObj::State;
  if (g->state == State::Done) return false;
  if (g->state == State::Running) panic("a generator cannot ask itself for its next value");
  auto* c = g->body.as<ClosureObj>();
  Proto* p = c->proto;
  // As call() does: the closure in slot 0, the body's frame from slot 1.
  Value* slot = frame_top();
  if (slot + p->nregs + 3 > stack_end_ || frames_.full())
    panic(fmt::format("stack overflow ({} frames deep, resuming a generator)", frames_.size()));
  if (++native_depth_ > options_.max_native_depth) {
    --native_depth_;
    panic("stack overflow (functions calling back through natives too deeply)");
  }
  const std::size_t depth = frames_.size();
  retain(g->body);
  slot[0] = g->body;
  Value* base = slot + 1;
  Value* saved_top = top_;
  top_ = base + p->nregs + 1;
  if (g->state == State::Fresh) {
    enter(c, base, 0, nullptr, nullptr, true);
  } else {
    // The registers move back; the `yield` expression's own value is nil.
    for (std::size_t i = 0; i < g->regs.size(); ++i) base[i] = g->regs[i];
    g->regs.clear();
    set_reg_nil(base[g->resume_reg]);
    frames_.push_back(Frame{p, c, g->pc, base, nullptr, nullptr, 0, true});
  }
  generators_.push_back({g, frames_.size()});
  g->state = State::Running;
  auto finish = [&] {
    generators_.pop_back();
    release(slot[0]);
    slot[0].bits = 0;
    top_ = saved_top;
    --native_depth_;
  };
  Value r;
  try {
    r = execute(frames_.size() - 1);
  } catch (...) {
    unwind_to(depth);
    g->state = State::Done;
    finish();
    throw;
  }
  finish();
  if (g->state == State::Suspended) {
    out = r;
    return true;
  }
  g->state = State::Done;  // the body returned: its result is not one of the values
  release(r);
  return false;
}

namespace {

GeneratorObj* generator_arg(Vm& vm, const char* fn, Value* a, int n) {
  if (n != 1) vm.panic(fmt::format("`{}` takes 1 argument but {} were given", fn, n));
  GeneratorObj* g = as_generator(a[0]);
  if (g == nullptr) vm.panic(fmt::format("`{}` needs a generator, found {}", fn, type_name(a[0])));
  return g;
}

Value g_generator(Vm& vm, Value* a, int n) {
  if (n != 1) vm.panic(fmt::format("`generator` takes 1 argument but {} were given", n));
  Value f = a[0];
  if (!f.is_obj(ObjType::Closure) || f.as<ClosureObj>()->proto->nparams != 0 || f.as<ClosureObj>()->proto->variadic)
    vm.panic(fmt::format("`generator` needs a function of no arguments, found {}", type_name(f)));
  retain(f);
  return Value::object(new GeneratorObj(f));
}

Value g_next(Vm& vm, Value* a, int n) {
  GeneratorObj* g = generator_arg(vm, "next", a, n);
  Value v;
  return vm.resume_generator(g, v) ? v : Value::nil();
}

Value g_collect(Vm& vm, Value* a, int n) {
  GeneratorObj* g = generator_arg(vm, "collect", a, n);
  std::vector<Value> items;
  Value v;
  try {
    while (vm.resume_generator(g, v)) items.push_back(v);
  } catch (...) {
    for (Value x : items) release(x);
    throw;
  }
  return make_array(std::move(items));
}

}  // namespace

void install_generators(Vm& vm) {
  vm.define_native("generator", g_generator);
  vm.define_native("next", g_next);
  vm.define_native("collect", g_collect);
}

}  // namespace spl::vm
