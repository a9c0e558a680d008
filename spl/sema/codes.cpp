#include "spl/sema/sema.hpp"

namespace spl::sema {
namespace {

using syntax::CodeInfo;
using syntax::Severity;

constexpr CodeInfo kCodes[] = {
    {"E0401", Severity::Error, "a name that is not defined (with \"did you mean\" for a near miss)",
     "fn main():\n    val count = 1\n    print(count + cuont)\n"},
    {"W0402", Severity::Warning, "a local `val`/`var` that is never used",
     "fn main():\n    val unused = 1\n    print(2)\n"},
    {"W0403", Severity::Warning, "a name imported with `use a.b.{x}` that the file never uses",
     "use std.text.{upper, lower}\nprint(upper(\"a\"))\n"},
    {"E0404", Severity::Error, "a `val` assigned (or compound-assigned) after its declaration",
     "fn main():\n    val total = 0\n    total += 1\n    print(total)\n"},
    {"E0405", Severity::Error, "a name defined twice in the same scope (same parameter types for functions)",
     "fn area(r: f64) -> f64: r\nfn area(r: f64) -> f64: r * 2.0\n"},
    {"E0406", Severity::Error, "`break` or `continue` outside a loop", "fn f():\n    break\n"},
    {"E0407", Severity::Error, "`return` outside a function", "val x = 1\nreturn x\n"},
    {"E0408", Severity::Error, "a literal whose type does not match the binding's annotation",
     "val n: i64 = \"seven\"\n"},
    {"E0409", Severity::Error, "a call with the wrong number of arguments to a function of this file",
     "fn add(a: i64, b: i64) -> i64: a + b\nprint(add(1))\n"},
    {"W0410", Severity::Warning, "a `match` that misses an enum variant, `None`/`Some` or `Ok`/`Err`",
     "enum Dir:\n    Up\n    Down\nfn f(d: Dir) -> i64:\n    match d:\n        case Up: 1\n"},
    {"E0411", Severity::Error, "a `match` over a `#[strong]` enum that misses a variant",
     "#[strong]\nenum Dir:\n    Up\n    Down\nfn f(d: Dir) -> i64:\n    match d:\n        case Dir.Up: 1\n"},
    {"E0412", Severity::Error, "a `me` (mutating) method called on a struct bound with `val`",
     "struct Counter:\n    n: i64\nimpl Counter:\n    me bump(): self.n += 1\nval c = Counter(n: "
     "0)\nc.bump()\n"},
    {"E0413", Severity::Error, "`return`, `break`, `continue` or `?` that would leave a `defer` body",
     "fn f() -> i64:\n    defer:\n        return 1\n    2\n"},
    {"E0414", Severity::Error, "a value whose primitive type, known from this file, does not match the declared one",
     "fn name() -> text: \"Ada\"\nval n: i64 = name()\n"},
};

}  // namespace

std::span<const CodeInfo> diagnostic_codes() { return kCodes; }

}  // namespace spl::sema
