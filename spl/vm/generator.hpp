#pragma once
// Generators: `generator(\: ... yield x ...)` makes a value whose body runs up to each `yield`
// when `next(g)` (or a `for` loop) asks for a value. A suspended body is its one frame: at a
// yield the frame's registers move into the generator and the frame leaves the VM stack; a
// resume puts them back on top of the stack and continues after the yield. A yield therefore
// suspends only the generator body's own frame: a `yield` in a function the body calls is a
// panic (as Lua cannot yield across a C call, nor Python from a nested function).

#include <cstdint>
#include <vector>

#include "spl/vm/bytecode.hpp"
#include "spl/vm/objects.hpp"

namespace spl::vm {

struct GeneratorObj : OpaqueObj {
  static constexpr char kKind[] = "generator";  // one object in every translation unit: kinds compare by address
  enum class State : std::uint8_t { Fresh, Suspended, Running, Done };

  explicit GeneratorObj(Value closure) : OpaqueObj(kKind), body(closure) {}
  ~GeneratorObj() override {
    release(body);
    for (Value v : regs) release(v);
  }

  Value body;               // a closure of no parameters, owned
  std::vector<Value> regs;  // the suspended frame's registers, owned
  const Instr* pc = nullptr;
  std::uint16_t resume_reg = 0;  // receives the value of the `yield` expression (nil)
  State state = State::Fresh;
};

inline GeneratorObj* as_generator(Value v) {
  if (!v.is_obj(ObjType::Opaque) || v.as<OpaqueObj>()->kind != GeneratorObj::kKind) return nullptr;
  return static_cast<GeneratorObj*>(v.as<OpaqueObj>());
}

// generator(f), next(g), collect(g).
void install_generators(Vm& vm);

}  // namespace spl::vm
