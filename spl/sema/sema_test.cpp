#include "spl/sema/sema.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spl/syntax/files.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::sema {
namespace {

using syntax::Diagnostic;

std::vector<Diagnostic> check(std::string_view src, std::vector<Diagnostic>* syntax = nullptr) {
  Arena arena;
  std::vector<Diagnostic> parse_diags;
  syntax::ParseResult r = syntax::parse(src, arena, parse_diags);
  Options o = options_after(parse_diags);
  if (syntax) *syntax = parse_diags;
  return analyze(r.root, src, r.tokens, o);
}

std::vector<std::string> codes(std::string_view src) {
  std::vector<std::string> out;
  for (const Diagnostic& d : check(src)) out.push_back(d.code);
  return out;
}

using Codes = std::vector<std::string>;

// ---- E0401 undefined names -------------------------------------------------------------------

TEST(Undefined, ReportsWithDidYouMeanAndFixIt) {
  std::string src = "fn main():\n    val count = 1\n    print(count + cuont)\n";
  auto d = check(src);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0401");
  EXPECT_EQ(d[0].message, "undefined name `cuont`");
  EXPECT_EQ(d[0].primary_label, "did you mean `count`?");
  EXPECT_EQ(src.substr(d[0].span.begin, d[0].span.end - d[0].span.begin), "cuont");
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_TRUE(d[0].fixits[0].machine_applicable);
  ASSERT_EQ(d[0].fixits[0].edits.size(), 1u);
  EXPECT_EQ(d[0].fixits[0].edits[0].replacement, "count");
}

TEST(Undefined, SuggestsPreludeNames) {
  auto d = check("prnit(1)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].primary_label, "did you mean `print`?");
}

TEST(Undefined, NoSuggestionWhenNothingIsClose) {
  auto d = check("print(zebra)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].primary_label, "not found in this scope");
  EXPECT_TRUE(d[0].fixits.empty());
}

TEST(Undefined, TiedCandidatesAreListedWithoutFixIt) {
  auto d = check("val abcd = 1\nval abce = 2\nprint(abcf, abcd, abce)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(d[0].fixits.empty());
  ASSERT_EQ(d[0].notes.size(), 1u);
  EXPECT_EQ(d[0].notes[0], "similar names in scope: `abcd`, `abce`");
}

TEST(Undefined, ModuleDeclarationsAreVisibleBeforeTheirDefinition) {
  EXPECT_EQ(codes("fn main():\n    helper(LIMIT)\n    val p = Point(x: 1)\n    print(p.x)\n"
                  "fn helper(n: i64): print(n)\nstruct Point:\n    x: i64\nval LIMIT = 3\n"),
            Codes{});
}

TEST(Undefined, ScopingForms) {
  const char* src =
      "use std.spec.{describe, it, expect}\n"
      "use std.text.Builder\n"
      "from app.x import {Thing}\n"
      "enum Color:\n    Red\n    Green(v: i64)\n"
      "trait Shape:\n    fn area() -> f64\n    fn twice() -> f64: self.area() * 2.0\n"
      "struct Stack<T>:\n    items: [T]\n"
      "impl<T> Stack<T>:\n    static fn new() -> Stack<T>: Stack(items: [])\n    me push(item: T): "
      "self.items.push(item)\n"
      "fn outer(xs: [i64], d: {text: i64}) -> i64:\n"
      "    fn inner(y: i64) -> i64: y + xs.len()\n"
      "    var total = 0\n"
      "    for i, x in xs:\n        total += i * x\n"
      "    for (k, v) in d.items():\n        print \"{k}={v}\"\n"
      "    if val Some(first) = xs.first():\n        total += first\n"
      "    val f = \\a, b: a + b\n    val g = fn(z): z * 2\n    val h = |w| w + 1\n"
      "    val sq = [n * n for n in xs if n > 0]\n"
      "    val c = Color.Green(v: 1)\n"
      "    match c:\n        case Color.Red: print(1)\n        case Green(v): print(v)\n"
      "    val s = Stack<i64>.new()\n"
      "    val b = Builder { size: 1 }\n"
      "    with File.open(\"p\") as handle:\n        print(handle)\n"
      "    print(f(1, 2), g(3), h(4), sq, s, b, Thing, inner(1))\n"
      "    total\n"
      "describe \"outer\":\n"
      "    var hits = 0\n"
      "    it \"counts\":\n        hits += 1\n        expect(outer([1], {}) == 1)\n";
  auto d = check(src);
  for (const Diagnostic& x : d) ADD_FAILURE() << x.code << " " << x.message;
}

TEST(Undefined, MoreBindingForms) {
  const char* src =
      "enum Msg:\n    Add(amount: i64)\n    Stop\n"
      "actor Counter:\n    var total: i64 = 0\n"
      "    fn run():\n        receive:\n            case Add(n): self.total += n\n            case Stop: "
      "return\n"
      "fn f(o: i64?, xs: [i64], d: {text: i64}, it: Iter) -> i64:\n"
      "    val Some(x) = o else: return 0\n"
      "    while val Some(w) = it.next():\n        print(w)\n"
      "    val (first, ...rest) = xs\n"
      "    val pair = \\(a, b): a + b\n"
      "    val short = [for n in xs if n > 1: n * x]\n"
      "    val inverted = {v: k for (k, v) in d.items()}\n"
      "    print(first, rest, pair, short, inverted)\n"
      "    x\n";
  auto d = check(src);
  for (const Diagnostic& x : d) ADD_FAILURE() << x.code << " " << x.message;
  EXPECT_EQ(codes("use a.{*}\nprint(anything)\n"), Codes{});
  EXPECT_EQ(codes("from a import *\nprint(anything)\n"), Codes{});
}

TEST(Partial, ReportsFarFromTheSyntaxError) {
  std::vector<Diagnostic> syntax;
  auto d = check("val a = (1 +\nval b = 2\n\n\nfn f():\n    print(zebra_unknown)\n", &syntax);
  EXPECT_FALSE(syntax.empty());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0401");
}

TEST(Undefined, BareVariantInAnExpressionGetsItsEnum) {
  auto d = check("enum Color:\n    Red\n    Green\nval c = Red\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0401");
  EXPECT_EQ(d[0].primary_label, "a variant of `Color`: write `Color.Red`");
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_EQ(d[0].fixits[0].edits[0].replacement, "Color.Red");
}

TEST(Undefined, OneReportPerName) {
  auto d = check("print(zebra)\nprint(zebra)\nprint(zebra)\n");
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(d[0].notes.size(), 1u);
  EXPECT_EQ(d[0].notes[0], "`zebra` is also used on lines 2, 3");
  auto s = check("fn f(): print(self)\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].primary_label, "only defined inside methods");
}

TEST(Undefined, FullTierDeclarationsAndContractsAreNotNames) {
  EXPECT_EQ(codes("mod inner:\n    fn f(): 1\nunion U:\n    a: i64\nbitfield B:\n    a: u8\nunit km\n"
                  "extend Point:\n    fn g(): 1\nprint(inner, U, km)\n"),
            Codes{});
  EXPECT_EQ(codes("fn f(x: i64) -> i64:\n    requires x > 0\n    ensures result >= old(x)\n    x\n"),
            Codes{});
  EXPECT_EQ(codes("fn mod(a: i64, b: i64) -> i64: a % b\nmod 1, 2\n"), Codes{});  // a function of that name
  EXPECT_EQ(codes("export use a.{b}\n"), Codes{});  // a re-export is not an unused import
  EXPECT_EQ(codes("use std.array_builder.{ArrayBuilder}\nval b = ArrayBuilder__with_capacity(8)\n"), Codes{});
  EXPECT_EQ(codes("val b = Nothing__with_capacity(8)\n"), Codes{"E0401"});
}

TEST(Undefined, NamesAfterDotAndLabelsAreNotLookedUp) {
  EXPECT_EQ(codes("struct P:\n    x: i64\nval p = P(x: 1)\nprint(p.nothing_here, P { x: 2 }.x)\nfn f(port: "
                  "i64): print(port)\nf(port: 3)\n"),
            Codes{});
}

TEST(Undefined, WildcardImportSwitchesItOff) {
  EXPECT_EQ(codes("use std.collections.*\nprint(from_somewhere)\n"), Codes{});
  EXPECT_EQ(codes("print(from_somewhere)\n"), Codes{"E0401"});
}

TEST(Undefined, SelfOnlyInMethods) {
  EXPECT_EQ(codes("fn f(): print(self)\n"), Codes{"E0401"});
  EXPECT_EQ(codes("class C:\n    n: i64\n    fn get() -> i64: self.n\n"), Codes{});
}

TEST(Undefined, InterpolationHolesAreChecked) {
  EXPECT_EQ(codes("val name = 1\nprint \"{name} {nmae}\"\n"), Codes{"E0401"});
}

TEST(Undefined, BlockLambdaBindingsAreLocal) {
  EXPECT_EQ(codes("val xs = [1]\nxs.each \\x:\n    val y = x\n    print(y)\nprint(y)\n"), Codes{"E0401"});
}

// ---- W0402 unused variables ------------------------------------------------------------------

TEST(Unused, LocalValIsReportedWithRenameFix) {
  auto d = check("fn main():\n    val unused = 1\n    print(2)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "W0402");
  EXPECT_EQ(d[0].severity, syntax::Severity::Warning);
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_EQ(d[0].fixits[0].edits[0].replacement, "_unused");
}

TEST(Unused, ExemptionsAndUses) {
  EXPECT_EQ(codes("fn main():\n    val _later = 1\n    print(2)\n"), Codes{});             // _-prefixed
  EXPECT_EQ(codes("val top = 1\n"), Codes{});                                              // module level
  EXPECT_EQ(codes("fn f(unused_param: i64): print(1)\n"), Codes{});                        // parameters
  EXPECT_EQ(codes("fn f():\n    var n = 0\n    val g = \\: n += 1\n    g()\n"), Codes{});  // captured
  EXPECT_EQ(codes("fn f():\n    val (a, b) = (1, 2)\n    print(a)\n"), Codes{"W0402"});    // destructured b
  EXPECT_EQ(codes("fn f():\n    val v = 1\n    asm volatile(\"mv a0, {v}\", in(reg) v)\n"),
            Codes{});  // asm operand
}

// ---- W0403 unused imports --------------------------------------------------------------------

TEST(UnusedImport, ReportedOnlyWhenSure) {
  auto d = check("use std.text.{upper, lower}\nprint(upper(\"a\"))\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "W0403");
  EXPECT_EQ(d[0].message, "unused import `lower`");
  EXPECT_EQ(codes("use std.text.{Widget}\nfn f(w: Widget): print(w)\n"), Codes{});  // used as a type
  EXPECT_EQ(codes("use std.text.{lower}\nuse std.io.*\n"), Codes{});                // wildcard: not sure
  EXPECT_EQ(codes("use std.text.{lower as low}\nprint(low(\"A\"))\n"), Codes{});
  EXPECT_EQ(codes("use std.text.lower as low\nprint(low(\"A\"))\n"), Codes{});
  auto a = check("use std.text.{lower as low}\n");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].message, "unused import `low`");
}

// ---- E0404 val assignment --------------------------------------------------------------------

TEST(ValAssign, AssignAndCompoundAssign) {
  auto d = check("fn main():\n    val total = 0\n    total += 1\n    print(total)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0404");
  EXPECT_EQ(d[0].message, "cannot change `val` `total` with `+=`");
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_EQ(d[0].fixits[0].edits[0].replacement, "var");
  EXPECT_EQ(codes("val limit = 1\nfn f(): limit = 2\n"), Codes{"E0404"});
  EXPECT_EQ(codes("fn main():\n    var total = 0\n    total += 1\n    print(total)\n"), Codes{});
  EXPECT_EQ(codes("val x = 1\nfn f():\n    var x = 2\n    x = 3\n    print(x)\n"),
            Codes{});  // shadowed by a var
}

TEST(ValAssign, MutatingMethodOnValStruct) {
  const char* decl =
      "struct Stack:\n    items: [i64]\nimpl Stack:\n    static fn empty() -> Stack: Stack(items: [])\n"
      "    me push(x: i64): self.items.push(x)\n    fn size() -> i64: self.items.len()\n";
  auto d = check(std::string(decl) + "val s = Stack.empty()\ns.push(1)\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0412");
  EXPECT_EQ(d[0].message, "cannot call `me` method `push` on `val` `s`");
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_EQ(d[0].fixits[0].edits[0].replacement, "var");
  EXPECT_EQ(codes(std::string(decl) + "val s = Stack(items: [])\ns.push(1)\n"), Codes{"E0412"});
  EXPECT_EQ(
      codes(std::string(decl) + "val s: Stack = make()\ns.push(1)\nfn make() -> Stack: Stack.empty()\n"),
      Codes{"E0412"});
  EXPECT_EQ(codes(std::string(decl) + "var s = Stack.empty()\ns.push(1)\n"), Codes{});        // var
  EXPECT_EQ(codes(std::string(decl) + "val s = Stack.empty()\nprint(s.size())\n"), Codes{});  // not `me`
  EXPECT_EQ(codes(std::string(decl) + "val s = make()\ns.push(1)\nfn make() -> Stack: Stack.empty()\n"),
            Codes{});  // type unknown
  EXPECT_EQ(codes("class Box:\n    v: i64\n    me set(x: i64): self.v = x\nval b = Box(v: 1)\nb.set(2)\n"),
            Codes{});  // a class
}

// ---- E0405 duplicates ------------------------------------------------------------------------

TEST(Duplicate, FunctionsWithTheSameParameterTypes) {
  EXPECT_EQ(codes("fn area(r: f64) -> f64: r\nfn area(r: f64) -> f64: r * 2.0\n"), Codes{"E0405"});
  EXPECT_EQ(codes("fn expect(value: bool): print(value)\nfn expect(value): print(value)\n"),
            Codes{});  // overloads
  EXPECT_EQ(codes("fn f(a: i64, a: i64): print(a)\n"), Codes{"E0405"});
  EXPECT_EQ(codes("struct P:\n    x: i64\nstruct P:\n    y: i64\n"), Codes{"E0405"});
  EXPECT_EQ(codes("@when(linux)\nfn f(): print(1)\n@else\nfn f(): print(2)\n@end\n"), Codes{});
}

// ---- E0406 / E0407 jumps ---------------------------------------------------------------------

TEST(Jumps, OutsideLoopsAndFunctions) {
  EXPECT_EQ(codes("fn f():\n    break\n"), Codes{"E0406"});
  EXPECT_EQ(codes("fn f():\n    continue\n"), Codes{"E0406"});
  EXPECT_EQ(codes("val x = 1\nreturn x\n"), Codes{"E0407"});
  EXPECT_EQ(codes("fn f(xs: [i64]):\n    for x in xs:\n        if x > 1: break\n        continue\n    while "
                  "true: break\n    loop: break\n"),
            Codes{});
  EXPECT_EQ(codes("for x in [1]:\n    val g = \\: return x\n    print(g)\n"), Codes{});
  EXPECT_EQ(
      codes("fn f():\n    for x in [1]:\n        val g = \\:\n            break\n        print(g, x)\n"),
      Codes{"E0406"});
}

TEST(Jumps, LeavingADeferBody) {
  EXPECT_EQ(codes("fn f() -> i64:\n    defer:\n        return 1\n    2\n"), Codes{"E0413"});
  EXPECT_EQ(codes("fn f():\n    for i in 0..3:\n        defer:\n            break\n        print(i)\n"), Codes{"E0413"});
  EXPECT_EQ(codes("fn f():\n    while true:\n        errdefer:\n            continue\n        print(1)\n"), Codes{"E0413"});
  EXPECT_EQ(codes("fn g() -> i64?: nil\nfn f() -> i64?:\n    defer:\n        val x = g()?\n        print(x)\n    1\n"),
            Codes{"E0413"});
  // Loops of the body's own, and lambdas, start afresh.
  EXPECT_EQ(codes("fn f():\n    defer:\n        for i in 0..3:\n            if i == 1: break\n            print(i)\n"
                  "    defer:\n        val g = \\: return 1\n        print(g)\n    print(0)\n"),
            Codes{});
}

TEST(InferredTypes, MismatchesThroughNamesCallsAndOperators) {
  const std::string fns = "fn name() -> text: \"Ada\"\nfn twice(n: i64) -> i64: n * 2\nfn half(x: f64) -> f64: x / 2.0\n";
  EXPECT_EQ(codes(fns + "val n: i64 = name()\nprint(n)\n"), Codes{"E0414"});
  EXPECT_EQ(codes(fns + "val m: text = twice(3)\nprint(m)\n"), Codes{"E0414"});
  EXPECT_EQ(codes(fns + "print(twice(\"x\"))\n"), Codes{"E0414"});
  EXPECT_EQ(codes(fns + "val k = 5\nval s: text = k + 1\nprint(s)\n"), Codes{"E0414"});
  EXPECT_EQ(codes(fns + "fn f(flag: bool) -> i64:\n    val t: text = flag\n    print(t)\n    1\nprint(f(true))\n"),
            Codes{"E0414"});
  // Accepted: an integer where a float is declared; anything not certain.
  EXPECT_EQ(codes(fns + "val k = 5\nval a: f64 = k * 2\nval b: bool = k > 2\nprint(half(3), twice(k), a, b)\n"), Codes{});
  EXPECT_EQ(codes(fns + "var v = 1\nv = 2\nval t: text = v\nprint(t)\n"), Codes{});  // a var set from a literal
  EXPECT_EQ(codes("fn id<T>(x: T) -> T: x\nval s: text = id(1)\nprint(s)\n"), Codes{});
  EXPECT_EQ(codes("fn f(x: i64) -> i64: x\nfn f(x: text) -> text: x\nval s: text = f(1)\nprint(s)\n"), Codes{});
  EXPECT_EQ(codes("fn g(x: i64) -> i64:\n    val y: text = z\n    val z = 1\n    print(y, z)\n    x\nprint(g(1))\n"),
            Codes{});  // z is declared after the use: its type is not taken
}

// ---- E0408 literal types ---------------------------------------------------------------------

TEST(LiteralType, Mismatches) {
  auto d = check("val n: i64 = \"seven\"\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0408");
  EXPECT_EQ(d[0].message, "mismatched types: expected `i64`, found a text literal");
  EXPECT_EQ(codes("val s: text = 1\n"), Codes{"E0408"});
  EXPECT_EQ(codes("val b: bool = 0\n"), Codes{"E0408"});
  EXPECT_EQ(codes("val i: i64 = 1.5\n"), Codes{"E0408"});
  EXPECT_EQ(codes("fn f(x: i64 = \"a\"): print(x)\n"), Codes{"E0408"});
  EXPECT_EQ(
      codes("val f: f64 = 1\nval g: f32 = -2.5\nval t: text = \"a{f}\"\nval n: i64 = -3\nval m: Meters = 1\n"
            "val u: i64 = 100_km\nval o: i64? = nil\n"),
      Codes{});
}

// ---- E0409 arity -----------------------------------------------------------------------------

TEST(Arity, WrongNumberOfArguments) {
  auto d = check("fn add(a: i64, b: i64) -> i64: a + b\nprint(add(1))\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "E0409");
  EXPECT_EQ(d[0].message, "`add` takes 2 arguments but 1 was given");
  EXPECT_EQ(codes("fn add(a: i64, b: i64) -> i64: a + b\nprint(add(1, b: 2))\n"),
            Codes{});  // named args count
  EXPECT_EQ(codes("fn add(a: i64, b: i64) -> i64: a + b\nprint(add(a: 1, b: 2, c: 3))\n"), Codes{"E0409"});
  EXPECT_EQ(codes("fn add(a: i64, b: i64 = 2) -> i64: a + b\nprint(add(1))\n"), Codes{});  // defaults
  EXPECT_EQ(codes("fn add(xs...: i64) -> i64: 0\nprint(add(1, 2, 3))\n"), Codes{});        // variadic
  EXPECT_EQ(codes("fn run(name: text, body: fn()): body()\nrun \"x\":\n    print(1)\n"),
            Codes{});  // block argument
  EXPECT_EQ(codes("fn inc(x: i64) -> i64: x + 1\nprint(1 |> inc)\nprint(2 |> inc())\n"),
            Codes{});  // pipelines
  EXPECT_EQ(codes("fn f(a: i64): print(a)\nfn f(a: text, b: text): print(a, b)\nf(1)\n"),
            Codes{});                                                                          // overloads
  EXPECT_EQ(codes("fn f(a: i64): print(a)\nfn g():\n    val f = \\: 1\n    f()\n"), Codes{});  // shadowed
  EXPECT_EQ(codes("fn adder(a: i64) -> fn(i64) -> i64: \\b: a + b\nprint(adder(1)(2))\n"),
            Codes{});  // f(a)(b)
  EXPECT_EQ(codes("fn each(xs: [i64], f: fn(i64)): print(xs, f)\neach([1]) \\x: print(x)\n"),
            Codes{});  // trailing lambda
}

// ---- W0410 / E0411 exhaustiveness ------------------------------------------------------------

TEST(Exhaustive, EnumOptionResult) {
  auto d = check(
      "enum Dir:\n    Up\n    Down\n    Left\nfn f(d: Dir) -> i64:\n    match d:\n        case Up: 1\n       "
      " case Dir.Left: 2\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "W0410");
  EXPECT_EQ(d[0].message, "non-exhaustive `match`: `Dir.Down` not covered");
  EXPECT_EQ(codes("#[strong]\nenum Dir:\n    Up\n    Down\nfn f(d: Dir) -> i64:\n    match d:\n        case "
                  "Dir.Up: 1\n"),
            Codes{"E0411"});
  EXPECT_EQ(codes("fn f(o: i64?) -> i64:\n    match o:\n        case Some(x): x\n"), Codes{"W0410"});
  auto fix = check(
      "enum S:\n    Dot\n    Box(w: f64, h: f64)\nfn f(s: S) -> f64:\n    match s:\n        case Dot: 0.0\n");
  ASSERT_EQ(fix.size(), 1u);
  ASSERT_EQ(fix[0].fixits.size(), 1u);
  EXPECT_FALSE(fix[0].fixits[0].machine_applicable);
  EXPECT_EQ(fix[0].fixits[0].edits[0].replacement, "\n        case Box(_, _): pass");
  auto none = check("fn f(o: i64?) -> i64:\n    match o:\n        case None: 0\n");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].fixits[0].edits[0].replacement, "\n        case Some(_): pass");
  EXPECT_EQ(codes("fn f(o: i64?) -> i64:\n    match o:\n        case Some(x): x\n        case None: 0\n"),
            Codes{});
  EXPECT_EQ(codes("fn f(o: i64?) -> i64:\n    match o:\n        case Some(x): x\n        case nil: 0\n"),
            Codes{});
  EXPECT_EQ(codes("fn f(r: Result<i64, text>) -> i64:\n    match r:\n        case Err(e): 0\n"),
            Codes{"W0410"});
}

TEST(Exhaustive, CatchAllsGuardsAndUnknowns) {
  const char* head = "enum Dir:\n    Up\n    Down\nfn f(d: Dir) -> i64:\n    match d:\n        case Up: 1\n";
  EXPECT_EQ(codes(std::string(head) + "        case _: 2\n"), Codes{});
  EXPECT_EQ(codes(std::string(head) + "        case other: 2\n"), Codes{});
  EXPECT_EQ(codes(std::string(head) + "        case Down: 2\n"), Codes{});
  EXPECT_EQ(codes(std::string(head) + "        case Down if true: 2\n"),
            Codes{"W0410"});  // a guard covers nothing
  EXPECT_EQ(codes("fn f(o: i64?) -> i64:\n    match o:\n        case Some(0): 0\n        case None: 1\n"),
            Codes{"W0410"});
  EXPECT_EQ(codes("fn f(n: i64) -> i64:\n    match n:\n        case 1: 0\n"),
            Codes{});  // literals: not reasoned about
}

// ---- partial trees ---------------------------------------------------------------------------

TEST(Partial, NoCascadeFromASkippedDeclaration) {
  std::vector<Diagnostic> syntax;
  auto d = check("fn main():\n    val total = (1 +\n    print(total)\n", &syntax);
  EXPECT_FALSE(syntax.empty());
  EXPECT_TRUE(d.empty()) << d[0].message;
}

TEST(Partial, NoWarningsInFilesWithSyntaxErrors) {
  std::vector<Diagnostic> syntax;
  auto d = check("fn main():\n    val unused = 1\n    print(2 +)\n", &syntax);
  EXPECT_FALSE(syntax.empty());
  EXPECT_TRUE(d.empty());
}

// ---- corpus and codes ------------------------------------------------------------------------

TEST(Corpus, NoDiagnosticsOnEveryExample) {
  std::vector<std::string> missing;
  std::vector<std::string> files =
      syntax::collect_sources({std::string(SPL_SOURCE_DIR) + "/examples"}, missing);
  ASSERT_GE(files.size(), 15u);
  for (const std::string& path : files) {
    auto text = syntax::read_file(path);
    ASSERT_TRUE(text.has_value()) << path;
    std::vector<Diagnostic> syntax_diags;
    auto d = check(*text, &syntax_diags);
    EXPECT_TRUE(syntax_diags.empty()) << path;
    for (const Diagnostic& x : d) ADD_FAILURE() << path << ": " << x.code << " " << x.message;
  }
}

TEST(Codes, EveryCodeIsTriggeredByItsExample) {
  for (const syntax::CodeInfo& c : diagnostic_codes()) {
    bool found = false;
    for (const Diagnostic& d : check(c.example))
      found = found || (d.code == c.code && d.severity == c.severity);
    EXPECT_TRUE(found) << c.code << " not produced by its example:\n" << c.example;
  }
}

TEST(Codes, DocumentedInDiagnosticsMd) {
  auto doc = syntax::read_file(std::string(SPL_SOURCE_DIR) + "/docs/diagnostics.md");
  ASSERT_TRUE(doc.has_value());
  for (const syntax::CodeInfo& c : diagnostic_codes())
    EXPECT_NE(doc->find("### " + std::string(c.code)), std::string::npos) << c.code;
}

}  // namespace
}  // namespace spl::sema
