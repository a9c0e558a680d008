#pragma once
// Operations on values that the interpreter leaves its fast paths for: mixed and boxed
// arithmetic with overflow checks, ordering, indexing, slicing, fields, iteration, presence.
// Each returns a new count and panics (Vm::panic) on a type or range error.

#include <cstdint>

#include "spl/vm/bytecode.hpp"
#include "spl/vm/vm.hpp"

namespace spl::vm {

Value arith(Vm& vm, Op op, Value a, Value b);
int compare(Vm& vm, Op op, Value a, Value b);  // <0, 0, >0; panics when unordered
// Whether `a op b` holds for op in Lt, Le, Gt, Ge (false when a NaN is involved).
bool compare_holds(Vm& vm, Op op, Value a, Value b);
bool contains(Vm& vm, Value collection, Value item);
Value iterable(Vm& vm, Value v);  // an Array, Tuple or Range to walk by index
Value get_index(Vm& vm, Value v, Value index);
void set_index(Vm& vm, Value& v, Value index, Value item);  // v already unique
Value take_index(Vm& vm, Value& v, Value index);            // moves the element out
Value get_slice(Vm& vm, Value v, Value start, Value end, Value step);
Value get_field_slow(Vm& vm, Value v, std::uint32_t name);
void set_field(Vm& vm, Value& v, std::uint32_t name, Value item);
Value take_field(Vm& vm, Value& v, std::uint32_t name);
std::int64_t length_of(Vm& vm, Value v);
// `x as T` for a builtin T: numbers convert (an integer that does not fit T, a NaN or an
// infinity panics; a float truncates toward zero), bool to 0/1, anything to text as print shows
// it; other conversions panic.
Value cast_value(Vm& vm, Value v, CastTarget target);
Value exists(Value v);  // `.?`: the value when present (non-nil, non-empty), else nil
void make_unique(Value& slot);
// Resolves a negative index against a length; panics when out of range.
std::size_t checked_index(Vm& vm, std::int64_t i, std::size_t len, const char* what);

}  // namespace spl::vm
