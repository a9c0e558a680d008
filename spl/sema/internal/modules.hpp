#pragma once
// Finding the .spl file a `use` path names, and the names it declares, so a wildcard import of a
// module we can see does not have to switch undefined-name checking off.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spl::sema::internal {

// The file `use a.b` names, seen from the file at `from`: `a/b.spl`, `a/b/__init__.spl` or
// `a/b/mod.spl` beside `from` (for a relative path `.a.b`, only there), else in an ancestor
// folder, else `lib/std/b.spl` of an ancestor for `std.b`. Empty when none exists.
std::string resolve_module(const std::string& from, bool relative, const std::vector<std::string>& segments);

// The names a module file declares at its top level (functions, types, `val`/`var`, actors, its
// own imported names); nullopt when it cannot be read.
std::optional<std::vector<std::string>> module_names(const std::string& path);

}  // namespace spl::sema::internal
