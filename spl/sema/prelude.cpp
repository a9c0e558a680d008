#include "spl/sema/prelude.hpp"

#include <algorithm>

namespace spl::sema {
namespace {

constexpr std::string_view kPrelude[] = {
    // values and conversions
    "print", "println", "eprint", "panic", "Some", "None", "Ok", "Err", "str", "int", "float", "len", "hash", "type_of",
    "range", "chr", "sum",
    // math
    "abs", "min", "max", "sqrt", "floor", "ceil", "round", "sin", "cos", "exp", "log", "pow",
    // io, process and time
    "read_file", "write_file", "read_line", "args", "time_ns", "time_unix", "sleep_ms",
    // generators
    "generator", "next", "collect",
    // the spec DSL (std.spec)
    "describe", "context", "feature", "it", "test", "example", "specify", "skip", "skip_it", "pending", "before_each",
    "after_each", "before_all", "after_all", "expect", "check"};

constexpr std::string_view kMethod[] = {"self", "Self"};

constexpr std::string_view kEnvironment[] = {
    // actors (simple-syntax.md §8)
    "send", "reply", "link", "monitor", "future",
    // types written without `use`
    "File", "Map", "List", "Set", "Dict", "Option", "Result", "Channel", "Future",
    // primitive type names as values
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "bool", "text", "char"};

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

std::span<const std::string_view> runtime_prelude() { return kPrelude; }
bool is_prelude_name(std::string_view name) { return contains(kPrelude, name); }
std::span<const std::string_view> method_names() { return kMethod; }
std::span<const std::string_view> environment_names() { return kEnvironment; }
bool is_environment_name(std::string_view name) { return contains(kEnvironment, name); }

}  // namespace spl::sema
