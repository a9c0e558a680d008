#include "spl/vm/vm.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "spl/sema/prelude.hpp"

namespace spl::vm {
namespace {

// Runs source in a fresh VM and returns what it printed; a panic's message is returned after "panic: ".
std::string run(const std::string& source) {
  testing::internal::CaptureStdout();
  std::string panic;
  {
    Options o;
    o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
    Vm vm(o);
    try {
      vm.run_source("test.spl", source, {});
    } catch (const Panic& p) {
      panic = std::string("panic: ") + p.what();
    }
  }
  return testing::internal::GetCapturedStdout() + panic;
}

TEST(Vm, ArithmeticAndPrint) { EXPECT_EQ(run("print 1 + 2 * 3\n"), "7\n"); }

// sema's prelude and the runtime's global functions are one list: a builtin sema does not know is
// reported as undefined by `spl check`, and a prelude name the runtime lacks fails at run time.
TEST(Vm, PreludeIsWhatTheRuntimeDefines) {
  Vm vm;
  std::set<std::string> runtime;
  for (const std::string& name : vm.builtin_names())
    if (!name.starts_with("__")) runtime.insert(name);
  std::set<std::string> prelude(sema::runtime_prelude().begin(), sema::runtime_prelude().end());
  prelude.erase("None");  // nil, compiled as a literal
  EXPECT_EQ(runtime, prelude);
}

}  // namespace
}  // namespace spl::vm

namespace spl::vm {
namespace {

// Runs source and returns the panic it raised (fails the test when it raised none).
Panic panic_of(const std::string& source) {
  Options o;
  o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
  Vm vm(o);
  testing::internal::CaptureStdout();
  try {
    vm.run_source("errors.spl", source, {});
  } catch (const Panic& p) {
    testing::internal::GetCapturedStdout();
    return p;
  }
  testing::internal::GetCapturedStdout();
  ADD_FAILURE() << "no panic from:\n" << source;
  return Panic("");
}

struct ErrorCase {
  const char* name;
  const char* source;
  const char* message;        // a part of the panic message
  std::uint32_t line;         // where the innermost frame stopped
  const char* function;       // the innermost frame
};

class RuntimeErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(RuntimeErrors, HaveAMessageAndASimpleStackTrace) {
  const ErrorCase& c = GetParam();
  Panic p = panic_of(c.source);
  EXPECT_NE(std::string(p.what()).find(c.message), std::string::npos) << p.what();
  ASSERT_FALSE(p.trace.empty());
  EXPECT_EQ(p.trace.front().function, c.function);
  EXPECT_EQ(p.trace.front().file, "errors.spl");
  EXPECT_EQ(p.trace.front().line, c.line);
  EXPECT_GT(p.trace.front().column, 0u);
  EXPECT_EQ(p.trace.back().function, "<module>");
  std::ostringstream shown;
  Vm::print_panic(p, shown);
  EXPECT_NE(shown.str().find("panic: "), std::string::npos);
  EXPECT_NE(shown.str().find(std::string("at ") + c.function + " (errors.spl:" + std::to_string(c.line) + ":"), std::string::npos)
      << shown.str();
}

INSTANTIATE_TEST_SUITE_P(
    Vm, RuntimeErrors,
    testing::Values(
        ErrorCase{"DivisionByZero", "fn f(a: i64, b: i64) -> i64:\n    a / b\nprint f(1, 0)\n", "division by zero", 2, "f"},
        ErrorCase{"ModuloByZero", "fn f(a: i64) -> i64:\n    a % 0\nprint f(1)\n", "division by zero", 2, "f"},
        ErrorCase{"IndexOutOfRange", "fn f(xs: [i64]) -> i64:\n    xs[5]\nprint f([1, 2])\n", "index out of range: 5", 2, "f"},
        ErrorCase{"KeyNotFound", "fn f(d: {text: i64}) -> i64:\n    d[\"z\"]\nprint f({\"a\": 1})\n", "key not found", 2, "f"},
        ErrorCase{"UnwrapNone", "fn f(x: i64?) -> i64:\n    x.unwrap()\nprint f(nil)\n", "unwrap on None", 2, "f"},
        ErrorCase{"UnwrapErr", "fn f() -> i64:\n    Err(\"bad\").unwrap()\nprint f()\n", "unwrap on Err(\"bad\")", 2, "f"},
        ErrorCase{"AddOverflow", "fn f(x: i64) -> i64:\n    x + 1\nprint f(9223372036854775807)\n", "integer overflow", 2, "f"},
        ErrorCase{"MulOverflow", "fn f(x: i64) -> i64:\n    x * x\nprint f(4294967296)\n", "integer overflow", 2, "f"},
        ErrorCase{"NegateMinimum", "fn f(x: i64) -> i64:\n    -x\nprint f(-9223372036854775807 - 1)\n", "integer overflow", 2, "f"},
        ErrorCase{"StackOverflow", "fn down(n: i64) -> i64:\n    down(n + 1) + 1\nprint down(0)\n", "stack overflow", 2, "down"},
        ErrorCase{"FailedAssert", "fn f(x: i64):\n    assert x > 1, \"x must be big\"\nf(0)\n", "x must be big", 2, "f"},
        ErrorCase{"MissingMethod", "fn f(x: i64) -> i64:\n    x.frobnicate()\nprint f(1)\n", "no method `frobnicate`", 2, "f"},
        ErrorCase{"CallOnNil", "fn f(x: text?) -> text:\n    x.upper()\nprint f(nil)\n", "called `upper` on nil", 2, "f"},
        ErrorCase{"ExplicitPanic", "fn f():\n    panic(\"boom\")\nf()\n", "boom", 2, "f"},
        ErrorCase{"NoMatchingArm", "fn f(x: i64) -> i64:\n    match x:\n        case 1: 1\nprint f(2)\n", "no match arm", 2, "f"}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(Vm, StackOverflowIsAPanicNotACrashAtAnyDepth) {
  // Deep but finite recursion runs; unbounded recursion is a panic.
  Options o;
  Vm vm(o);
  testing::internal::CaptureStdout();
  vm.run_source("deep.spl", "fn depth(n: i64) -> i64:\n    if n == 0: 0 else: depth(n - 1) + 1\nprint depth(100000)\n", {});
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "100000\n");
}

TEST(Vm, PanicInsideACallbackUnwindsThroughNatives) {
  Panic p = panic_of("fn boom(x: i64) -> i64:\n    x / 0\nprint [1, 2].map(boom)\n");
  EXPECT_NE(std::string(p.what()).find("division by zero"), std::string::npos);
  ASSERT_GE(p.trace.size(), 2u);
  EXPECT_EQ(p.trace.front().function, "boom");
}

TEST(Vm, ValueSemanticsCopyOnWrite) {
  EXPECT_EQ(run("var a = [1, 2]\nval b = a\na.push(3)\nprint a, b\n"), "[1, 2, 3] [1, 2]\n");
  EXPECT_EQ(run("var d = {\"k\": 1}\nval e = d\nd[\"k\"] = 2\nprint d[\"k\"], e[\"k\"]\n"), "2 1\n");
  EXPECT_EQ(run("var xs = []\nxs = xs.push(1)\nxs.push(2)\nprint xs\n"), "[1, 2]\n");
}

TEST(Vm, ExternFnCallsTheRuntimeCAbi) {
  EXPECT_EQ(run("extern fn rt_persistent_dict_empty() -> i64\n"
                "extern fn rt_persistent_dict_insert(d: i64, k: i64, v: i64) -> i64\n"
                "extern fn rt_persistent_dict_len(d: i64) -> i64\n"
                "extern fn rt_persistent_dict_free(d: i64)\n"
                "val e = rt_persistent_dict_empty()\n"
                "val d = rt_persistent_dict_insert(e, 1, 10)\n"
                "print rt_persistent_dict_len(e), rt_persistent_dict_len(d)\n"
                "rt_persistent_dict_free(e)\nrt_persistent_dict_free(d)\n"),
            "0 1\n");
}

// `P { x: 0 }`, `P { x }` (binds x) and `P(x: 0)` / `P(0, b)` (fields in declaration order) match
// instances of P whose fields match; any other value goes on to the next arm.
TEST(Vm, StructPatterns) {
  EXPECT_EQ(run("struct P:\n    x: i64\n    y: i64\nfn f(v) -> text:\n    match v:\n"
                "        case P(x: 0, y: y): \"y={y}\"\n        case P(1, b): \"one {b}\"\n"
                "        case P { x, y: 5 }: \"x={x}\"\n        case _: \"other\"\n"
                "print f(P(x: 0, y: 2))\nprint f(P(x: 1, y: 3))\nprint f(P(x: 7, y: 5))\nprint f(P(x: 7, y: 6))\n"
                "print f(3)\n"),
            "y=2\none 3\nx=7\nother\nother\n");
}

// `xs?[i]` is nil when xs is: the index is not evaluated, and the rest of the chain is skipped.
TEST(Vm, SafeIndex) {
  EXPECT_EQ(run("fn i() -> i64:\n    print \"evaluated\"\n    1\nval xs: [i64]? = nil\nprint xs?[i()] ?? 0\n"
                "val rows: [[i64]]? = [[1, 2]]\nprint rows?[0][i()]\nval none: [[i64]]? = nil\nprint none?[0][1]\n"),
            "0\nevaluated\n2\nnil\n");
}

// `use m.{x as y}`, `use m.x as y`, `use m.{*}` and `use m (x, y)` bring in what they name.
TEST(Vm, ImportForms) {
  std::string dir = testing::TempDir() + "spl_vm_import_forms";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/m.spl") << "fn double(x: i64) -> i64: x * 2\nval K: i64 = 7\n";
  testing::internal::CaptureStdout();
  {
    Options o;
    o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
    Vm vm(o);
    vm.run_source(dir + "/main.spl",
                  "use m.{double as twice}\nuse m.K as k\nprint twice(k)\nuse m (double)\nprint double(1)\n"
                  "use m.{*}\nprint K\n",
                  {});
  }
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "14\n2\n7\n");
  // Relative: from a subfolder, `..` is the folder above.
  std::filesystem::create_directories(dir + "/sub");
  testing::internal::CaptureStdout();
  {
    Options o;
    o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
    Vm vm(o);
    vm.run_source(dir + "/sub/main.spl", "from ..m import {double}\nuse ..m.K\nprint double(K)\n", {});
  }
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "14\n");
}

// A struct imported from another module is built without its defaulted fields: the defaults are
// computed by the defining module (this crashed the compiler, which looked for the defaults'
// syntax nodes in its own file), in that module's scope.
TEST(Vm, ImportedStructFieldsGetTheirDefaults) {
  std::string dir = testing::TempDir() + "spl_vm_import_defaults";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/shapes.spl") << "val UNIT: i64 = 7\nstruct P:\n    x: i64 = UNIT * 2\n    y: i64\n";
  testing::internal::CaptureStdout();
  {
    Options o;
    o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
    Vm vm(o);
    vm.run_source(dir + "/main.spl", "use shapes.P\nval p = P(y: 1)\nprint p.x, p.y\nprint P(x: 3, y: 4).x\n", {});
  }
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "14 1\n3\n");
}


// A chain is decided by the tree, not by the text: an operand in parentheses at its head does not
// stop `(a + 5) < 2 < 3` from chaining, and `(1 < 2) == true` compares the bool.
TEST(Vm, ChainedComparisonWithParenthesisedOperand) {
  EXPECT_EQ(run("val a = 1\nprint((a + 5) < 2 < 3)\nprint((a - 5) < 2 < 3)\nprint((1 < 2) == true)\n"),
            "false\ntrue\ntrue\n");
}

// A `pub(scope)` field keeps its default, and one without a default has none.
TEST(Vm, ScopedVisibilityFields) {
  EXPECT_EQ(run("struct P:\n    pub(friend) x: i64\n    pub(package) y: i64 = 5\nval p = P(x: 1)\nprint(p.x, p.y)\n"),
            "1 5\n");
}
}  // namespace
}  // namespace spl::vm
