// {fmt}'s compiled part, built from the system's headers into spl_fmtlib, a static library.
// Linking libfmt.so instead also loads libstdc++.so, and the dynamic loader's work for the two
// (mapping, relocations, symbol lookups, their page faults) was about a third of the CPU time
// of `spl run` on an empty program. format.h declares these instantiations extern; this
// translation unit provides them, as the shared library does.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE
