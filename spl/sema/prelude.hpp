#pragma once
// The global names every Simple file sees without `use`. The runtime (spl/vm) implements exactly
// the names in runtime_prelude(); sema accepts them (and `self`/`Self` inside methods) without a
// declaration. This is the single list both sides read: add a builtin here, nowhere else.

#include <span>
#include <string_view>

namespace spl::sema {

// print, conversions, math, io and time functions, and the spec DSL (prelude.cpp lists them).
std::span<const std::string_view> runtime_prelude();
bool is_prelude_name(std::string_view name);

// Names that are only visible inside a method (of an impl, class, struct, trait or actor).
std::span<const std::string_view> method_names();

// Names Simple's standard environment provides that spl's runtime does not (yet): the actor
// messaging functions and `future`, the collection and file types written without `use`, the primitive type
// names used as values (`i64.max()`). `spl check` accepts them so valid Simple is not
// reported; `spl run` does not provide them (a program using them fails when it gets there).
std::span<const std::string_view> environment_names();
bool is_environment_name(std::string_view name);

}  // namespace spl::sema
