#include "spl/syntax/parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spl::syntax {
namespace {

struct Parsed {
  std::string source;
  Arena arena;
  std::vector<Diagnostic> diags;
  ParseResult result;
  std::string dump() const { return dump_tree(result.root, source, result.tokens); }
};

std::unique_ptr<Parsed> run(std::string source) {
  auto p = std::make_unique<Parsed>();
  p->source = std::move(source);
  p->result = parse(p->source, p->arena, p->diags);
  return p;
}

std::string codes(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const Diagnostic& d : diags) out += d.code + " ";
  return out;
}

// Parses cleanly: no diagnostics, a complete tree.
void expect_clean(const std::string& source) {
  auto p = run(source);
  EXPECT_TRUE(p->diags.empty()) << source << "\n" << codes(p->diags) << (p->diags.empty() ? "" : p->diags[0].message)
                                << "\n" << p->dump();
  EXPECT_EQ(p->result.root->completeness, Completeness::Complete) << p->dump();
}

TEST(Parser, Functions) {
  expect_clean("fn add(a: i64, b: i64) -> i64:\n    a + b\n");
  expect_clean("fn double(x: i64) -> i64: x * 2\n");
  expect_clean("fn identity<T>(x: T) -> T:\n    return x\n");
  expect_clean("fn f(port: i64 = 8080, rest...):\n    pass\n");
  expect_clean("fn outer():\n    fn inner(): 1\n    inner()\n");
  expect_clean("extern fn rt_env_get(key: text) -> text\n");
  expect_clean("async fn fetch() -> text:\n    await get()\n");
  expect_clean("fn map<U>(f: fn(T) -> U) -> PersistentVec<U>:\n    pass\n");
}

TEST(Parser, ParenthesisedExpressionKeepsItsInnerNode) {
  auto p = run("val y = (a + 1)\n");
  EXPECT_NE(p->dump().find("Binary [8,15) \"+\"\n      Name [9,10) \"a\""), std::string::npos) << p->dump();
}

TEST(Parser, Bindings) {
  expect_clean("val x = 1\nvar y: i64 = 2\nval (a, b) = pair\nval [p, q] = arr\nconst LIMIT = 9\nlazy val z = f()\n");
  expect_clean("val d: Dict<text, i64> = {\"a\": 1}\nval s = {1, 2}\nval e = {}\n");
}

TEST(Parser, LazyIsAFlag) {
  auto p = run("lazy val z = f()\nval y = 1\n");
  EXPECT_TRUE(p->diags.empty());
  EXPECT_TRUE(p->result.root->kid(0)->has(kFlagLazy));
  EXPECT_FALSE(p->result.root->kid(1)->has(kFlagLazy));
}

TEST(Parser, PipeLambdaKeepsParameterTypes) {
  auto p = run("val f = |x: i64, y| x + y\n");
  std::string d = p->dump();
  EXPECT_TRUE(p->diags.empty()) << d;
  EXPECT_NE(d.find("Params [8,19)\n        Param [9,15) \"x\"\n          TypeName [12,15) \"i64\"\n"
                   "        Param [17,18) \"y\"\n"),
            std::string::npos)
      << d;
  expect_clean("val g = |x: i64| x + 1\nval h = |s: text?| s ?? \"\"\n");  // the closing `|` is not a union
}

TEST(Parser, TypesAndGenerics) {
  expect_clean("struct PersistentVec<T>:\n    root: VecNode<T>?\n    size: i64 = 0\n    tags: [text]\n    m: {text: [i64]}\n");
  expect_clean("type Handler = fn(Event) -> ()\ntype StringMap<V> = Map<text, V>\nval u: i64 | text = 1\n");
  expect_clean("val m = Map<text, List<i64>>.new()\n");
}

TEST(Parser, StructClassEnumTraitImpl) {
  expect_clean("struct Point:\n    \"\"\"A point.\"\"\"\n    x: i64\n    y: i64\n");
  expect_clean("class Counter with Display:\n    count: i64 = 0\n    fn get() -> i64: self.count\n    me bump():\n        self.count += 1\n");
  expect_clean("enum Shape:\n    Circle(radius: f64)\n    Rect(f64, f64)\n    Empty\n");
  expect_clean("trait Show:\n    fn show() -> text\n    fn twice() -> text: self.show() + self.show()\n");
  expect_clean("impl<T> Iterable<T> for PersistentVec<T>:\n    fn len() -> i64: self.size\n    static fn new() -> PersistentVec<T>:\n        PersistentVec(size: 0)\n");
  expect_clean("#[strong]\nenum Color:\n    Red\n    Green\n");
  expect_clean("struct Point: x: i64; y: i64\n");
}

TEST(Parser, Decorators) {
  expect_clean("@unsafe(reason: \"ffi\", capabilities: [ffi])\nextern fn rt_x() -> i64\n@always_inline\npub fn f(): 1\n");
}

TEST(Parser, DottedDecoratorsAndScopedPubAreKept) {
  auto p = run("@std.deprecated(\"x\")\npub(friend) fn f(): 1\n");
  std::string d = p->dump();
  EXPECT_TRUE(p->diags.empty()) << d;
  // The Fn's trailing kids: its decorator, then its visibility scope.
  EXPECT_NE(d.find("    Decorator [0,20) \"std\"\n      FieldAccess [1,15) \".\"\n        Name [1,4) \"std\"\n"
                   "        Name [5,15) \"deprecated\"\n      StringLit [16,19) \"\"x\"\"\n    Visibility [21,32) \"friend\"\n"),
            std::string::npos)
      << d;
  EXPECT_TRUE(p->result.root->kid(0)->has(kFlagPub));
}

TEST(Parser, ModuleAttributeBeforeDocstring) {
  expect_clean("#[runtime_intrinsics]\n\"\"\"Boot code.\"\"\"\nval BASE: i64 = 0x1000\n");
  auto p = run("#[no_std]\n\"\"\"doc\"\"\"\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Module [0,20)\n  Attribute [0,9) \"no_std\"\n    Name [2,8) \"no_std\"\n"), std::string::npos) << d;
  // An attribute before a declaration still belongs to the declaration.
  auto q = run("#[strong]\nenum E:\n    A\n");
  EXPECT_NE(q->dump().find("Enum [0,"), std::string::npos) << q->dump();
}

TEST(Parser, ConditionalCompilationBranchesAreAllParsed) {
  expect_clean("@when(windows)\nfn sep() -> text: \"\\\\\"\n@else\nfn sep() -> text: \"/\"\n@end\n"
               "fn f():\n    @when(debug)\n    log(\"entered\")\n    @end\n    work()\n");
  auto p = run("@when(linux)\nval a = 1\n@end\n");
  EXPECT_NE(p->dump().find("Module [0,28)\n  Binding [13,22) \"a\""), std::string::npos) << p->dump();
}

TEST(Parser, InlineAssembly) {
  expect_clean("fn spin():\n    asm \"nop\"\n    asm volatile { fence.i }\n    asm volatile(\"mv a0, {v}\", in(reg) v)\n");
  expect_clean("fn flush(addr: u64):\n    unsafe:\n        asm volatile:\n            \"cbo.clean 0({addr})\"\n"
               "            in(reg) addr\n            dst = out(reg) dst\n            options(nostack, readonly)\n    done()\n");
  expect_clean("fn halt():\n    asm match:\n        case [x86_64, linux]: \"hlt\"\n        case _: compile_error(\"unsupported\")\n");
  expect_clean("val asm = 1\nasm.count()\n");
  auto p = run("asm volatile(\"x {v}\", in(reg) v)\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Asm [0,32) \"asm\""), std::string::npos) << d;
  EXPECT_NE(d.find("AsmOperand [22,31) \"in\"\n      Name [25,28) \"reg\"\n      Name [30,31) \"v\""), std::string::npos) << d;
  EXPECT_TRUE(p->result.root->kid(0)->has(kFlagVolatile));
}

TEST(Parser, CustomBlocks) {
  expect_clean("val loss = m{ frac(1, n) * sum(i, 1..n) (y[i] - p[i])^2 }\nval files = sh{ ls *.spl }\nrun sql{ SELECT 1 }\n");
  auto p = run("val r = re{ [a-z]+ }.matches(s)\n");
  std::string d = p->dump();
  EXPECT_TRUE(p->diags.empty()) << d;
  EXPECT_NE(d.find("Payload [8,20) \"re{ [a-z]+ }\""), std::string::npos) << d;
}

TEST(Parser, GherkinSystemTests) {
  expect_clean("feature Calculator:\n    scenario Add two numbers:\n        given a fresh calculator:\n"
               "        when \"I add 5\":\n            calc.add(5)\n        then the value is 5:\n"
               "            expect calc.value == 5\n");
  expect_clean("scenario outline Add <a> and <b>:\n    given calculator at 0:\n    and_then total is <sum>:\n"
               "examples sums:\n    [1, 2, 3]\n    [2, 2, 4]\n");
  expect_clean("val when = 1\nthen(x)\ngiven.reset()\nfeature \"Login\", tag: [\"slow\"]:\n    it \"works\": check(true)\n");
  auto p = run("given a calculator:\nthen x is 1:\n    check(x == 1)\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Gherkin [0,19) \"given\"\n    StringLit [6,18)\n  Gherkin [20,"), std::string::npos) << d;
  EXPECT_NE(d.find("StringLit [25,31)\n    Block"), std::string::npos) << d;
}

TEST(Parser, SuspensionForms) {
  expect_clean("fn run():\n    while~ queue.has_next():\n        val job = queue.next()\n        result ~= job.run()\n"
               "    for~ chunk in stream:\n        total ~+= chunk.len()\n    if~ done() or~ cancelled():\n        return\n"
               "    match~ poll():\n        case Ready(v): use_it(v)\n        case _: pass\n");
}

TEST(Parser, Modules) {
  expect_clean("use std.spec.{describe, it, expect}\nuse a.b.*\nuse std.array_builder.ArrayBuilder\nuse .utils.{helper}\n");
  expect_clean("use compiler.35.semantics.lint\nexport a, b, C\nexport use mod.{X}\nfrom app.collections import {PersistentDict}\n");
  expect_clean("use std.spec.{\n    describe,\n    it,\n}\n");
  expect_clean("use compiler.frontend.core.parser_preprocessor (a, b)\n");
}

TEST(Parser, UseAliasIsNotAPathSegment) {
  std::string d = run("use a.b as c\nuse a.{b as c, d}\n")->dump();
  EXPECT_NE(d.find("Use [0,12)\n    Name [4,5) \"a\"\n    Name [6,7) \"b\"\n    Alias [11,12) \"c\"\n"), std::string::npos) << d;
  EXPECT_NE(d.find("UseItem [20,26) \"b\"\n        Name [20,21) \"b\"\n        Alias [25,26) \"c\"\n"
                   "      UseItem [28,29) \"d\"\n        Name [28,29) \"d\"\n"),
            std::string::npos)
      << d;
}

TEST(Parser, RelativeUseKeepsItsDots) {
  std::string d = run("use ..pkg.x\nuse .u.{h}\nfrom .a import {b}\n")->dump();
  EXPECT_NE(d.find("Use [0,11)\n    Relative [4,6) \"..\"\n    Name [6,9) \"pkg\"\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Use [12,22)\n    Relative [16,17) \".\"\n    Name [17,18) \"u\"\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Use [23,41)\n    Relative [28,29) \".\"\n    Name [29,30) \"a\"\n"), std::string::npos) << d;
  expect_clean("from ..pkg import {b}\n");
  EXPECT_NE(run("from.reset()\n")->dump().find("ExprStmt [0,12)"), std::string::npos);  // a name `from`
}

TEST(Parser, UseBraceWildcard) {
  expect_clean("use std.array_advanced.{*}\nuse a.b.{x, *}\n");
  auto p = run("use m.{*}\n");
  EXPECT_NE(p->dump().find("UseItem [7,8) \"*\""), std::string::npos) << p->dump();
}

TEST(Parser, IfElifElse) {
  expect_clean("if a:\n    x()\nelif b:\n    y()\nelse:\n    z()\n");
  expect_clean("if c: return 1\nelse: return 2\n");
  expect_clean("val idx = if index < 0: self.size + index else: index\n");
  expect_clean("val r = if a:\n    1\nelse:\n    2\nprint(r)\n");
  expect_clean("if val x = input.?:\n    use_it(x)\n");
  expect_clean("if a:\n    x()\nelse if b:\n    y()\n");
}

TEST(Parser, Loops) {
  expect_clean("for i in 0..100:\n    total += i\nfor (k, v) in d.items():\n    print(k)\nfor i, item in items:\n    pass\n");
  expect_clean("while n > 0:\n    n -= 1\nloop:\n    break\n");
  expect_clean("for x in xs:\n    if x: continue\n    break 'outer\n");
}

TEST(Parser, Match) {
  expect_clean("match v:\n    case Some(n) if n > 0: n + 1\n    case None: 0\n    case _:\n        fail()\n");
  expect_clean("match shape:\n    | Circle(r) -> r * r\n    | Rect(w, h) -> w * h\n");
  expect_clean("match x:\n    case 1 | 2 | 3: small()\n    case A, B: ab()\n    case Point { x: 0, y: b }: on_axis(b)\n    case [a, b, ...rest]: many()\n    case (x, 0): tup()\n    case -1: neg()\n    case Color.Red: red()\n");
  expect_clean("val s = match n:\n    case 0: \"zero\"\n    case _: \"many\"\n");
}

TEST(Parser, ArmsWithoutCase) {
  expect_clean("fn read(r: Result<text, text>) -> bool:\n    match r:\n        Ok(body): body != \"\"\n        Err(_): false\n");
  expect_clean("match opt:\n    Some(t):\n        use_it(t)\n    None:\n        skip()\n");
  expect_clean("match n:\n    0 | 1: \"small\"\n    k if k < 0: \"negative\"\n    case _: \"large\"\n");
  auto p = run("match r:\n    Ok(v): v\n    Err(e): 0\n");
  std::string d = p->dump();
  EXPECT_TRUE(p->diags.empty()) << d;
  // Two arms, each a variant pattern and its body.
  std::size_t first = d.find("  Arm");
  ASSERT_NE(first, std::string::npos) << d;
  EXPECT_NE(d.find("  Arm", first + 1), std::string::npos) << d;
  EXPECT_NE(d.find("PatVariant [13,18) \"Ok\""), std::string::npos) << d;
  EXPECT_NE(d.find("PatVariant [26,32) \"Err\""), std::string::npos) << d;
}

TEST(Parser, Lambdas) {
  expect_clean("val f = \\x: x * 2\nval g = \\a, b: a + b\nval h = \\: 42\nval k = fn(x): x\nval c = |x| x + 1\n");
  expect_clean("items.each \\item:\n    print(item)\n");
  expect_clean("val r = d.update(\"k\", \\v:\n    match v:\n        case Some(n): n + 1\n        case None: 0\n)\n");
  expect_clean("val n = xs.fold(0, \\acc, x: acc + x)\n");
}

TEST(Parser, Operators) {
  expect_clean("val a = x?.y ?? \"none\"\nval b = not v.get(5).?\nval c = 0 < x < 10\nval d = 2 ** 3 ** 2\n");
  expect_clean("val e = a..b\nval f = a..=b\nval g = xs[1:4]\nval h = xs[::2]\nval i = xs[-1]\nval j = x as i64\n");
  expect_clean("val k = f()?\nval l = x |> g\nval m = a and b or not c\nval n = a in xs and b not in ys\n");
  expect_clean("val o = a >> 2 << 1\nval p = t.0\nval q = &:len\nval r = [x * x for x in xs if x > 0]\n");
  expect_clean("val s = Point(..base, x: 1)\nval t = [0, ...a, 4]\nval u = {**d1, \"b\": 2}\nval v = Box { value: 42 }\n");
  expect_clean("data->normalize()\n");
}

TEST(Parser, LeadingForComprehensions) {
  expect_clean("val evens = [for n in 0..10 if n % 2 == 0: n]\nval squares = {for n in 0..3: (n, n * n)}\n");
  auto p = run("val d = {for k in ks: (k, 1)}\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Comprehension [8,29)\n      PatBind [13,14) \"k\"\n      Name [18,20) \"ks\"\n      Tuple"),
            std::string::npos)
      << d;
}

TEST(Parser, PostfixConditional) {
  expect_clean("val sign = \"-\" if n < 0 else \"+\"\nreturn a if a > b else b\nval f = \\x: 0 if x == nil else x\n");
  expect_clean("val size = \"small\" if n < 10 else \"medium\" if n < 100 else \"large\"\n");
  expect_clean("val r = if c: 1 else: 2\nval xs = [v for v in vs if v > 0]\n");
  auto p = run("val m = a if a > b else b\n");
  std::string d = p->dump();
  // If: the condition, then the value when true and the value when false.
  EXPECT_NE(d.find("If [8,25) \"if\"\n      Binary [13,18) \">\"\n        Name [13,14) \"a\"\n        Name [17,18) \"b\"\n"
                   "      Name [8,9) \"a\"\n      Name [24,25) \"b\""),
            std::string::npos)
      << d;
}

TEST(Parser, DetailedDumpShowsFlagsAndOperators) {
  auto p = run("pub static fn f(): a >> b\n");
  std::string d = dump_tree(p->result.root, p->source, p->result.tokens, /*details=*/true);
  EXPECT_NE(d.find("Fn [0,25) \"f\" flags=pub|static\n"), std::string::npos) << d;
  EXPECT_NE(d.find("Binary [19,25) \">\" op=>>\n"), std::string::npos) << d;
  EXPECT_EQ(p->dump().find("flags="), std::string::npos);
}

TEST(Parser, OperatorsAreAnEnum) {
  auto op_of = [](const std::string& src) {
    auto p = run(src);
    const Node* n = p->result.root->kid(0);
    if (n->kind == NodeKind::Binding) n = n->kid(2);
    if (n->kind == NodeKind::ExprStmt) n = n->kid(0);
    return n->op;
  };
  EXPECT_EQ(op_of("val a = x and y\n"), Operator::And);
  EXPECT_EQ(op_of("val a = x && y\n"), Operator::And);  // E0340, parsed as meant
  EXPECT_EQ(op_of("val a = x xor y\n"), Operator::BitXor);
  EXPECT_EQ(op_of("val a = x not in y\n"), Operator::NotIn);
  EXPECT_EQ(op_of("val a = x >> 2\n"), Operator::Shr);  // two `>` tokens
  EXPECT_EQ(op_of("val a = x ?? 0\n"), Operator::Coalesce);
  EXPECT_EQ(op_of("val a = -x\n"), Operator::Neg);
  EXPECT_EQ(op_of("val a = not x\n"), Operator::Not);
  EXPECT_EQ(op_of("x += 1\n"), Operator::Add);
  EXPECT_EQ(op_of("x = 1\n"), Operator::None);
  EXPECT_EQ(op_of("data->normalize()\n"), Operator::Update);
  // `if x = 1` is repaired to a comparison: an Eq.
  auto p = run("if x = 1:\n    go()\n");
  EXPECT_EQ(p->result.root->kid(0)->kid(0)->op, Operator::Eq);
  // In an interpolation hole the tokens are not the file's: the operator is still there.
  auto q = run("print \"{a - b}\"\n");
  EXPECT_EQ(q->result.root->kid(0)->kid(0)->kid(1)->kid(0)->op, Operator::Sub);
  EXPECT_EQ(operator_spelling(Operator::NotIn), "not in");
}

TEST(Parser, AwaitIsAnAwaitNode) {
  std::string d = run("async fn f():\n    val x = await g()\n    yield x\n")->dump();
  EXPECT_NE(d.find("Await [26,35) \"await\""), std::string::npos) << d;
  EXPECT_NE(d.find("Unary [40,47) \"yield\""), std::string::npos) << d;
}

TEST(Parser, NotBindsLooserThanComparison) {
  auto p = run("val b = not a == c\n");
  std::string d = p->dump();
  EXPECT_LT(d.find("Unary"), d.find("Binary")) << d;
}

TEST(Parser, PowIsRightAssociative) {
  auto p = run("val d = a ** b ** c\n");
  std::string d = p->dump();
  // The outer Binary's second kid is itself a Binary.
  EXPECT_NE(d.find("    Binary"), std::string::npos) << d;
}

TEST(Parser, NoParenCallsAndBlocks) {
  expect_clean("print \"x\"\nexpect cond\nuser.set name: \"A\", age: 30\nassert x == 1, \"msg\"\n");
  expect_clean("describe \"Stack\":\n    context \"empty\":\n        it \"has no items\":\n            expect(Stack().len()).to_equal(0)\n");
  expect_clean("describe \"X\", tag: [\"slow\"]:\n    it \"runs\": check(true)\n");
}

TEST(Parser, TrailingLambdaInsideAnExpression) {
  expect_clean("val ys = xs.map \\x: x * 10\nval n = count(xs.filter \\x: x > 1)\nitems.each \\item:\n    print(item)\n");
  auto p = run("val ys = xs.map \\x: x\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Binding [0,21) \"ys\"\n    PatBind [4,6) \"ys\"\n    -\n    Call [9,21)\n      FieldAccess [9,15) \".\"\n"
                   "        Name [9,11) \"xs\"\n        Name [12,15) \"map\"\n      Lambda [16,21)"),
            std::string::npos)
      << d;
  EXPECT_TRUE(p->result.root->kid(0)->kid(2)->has(kFlagNoParen));
  // A lambda argument in parentheses is unchanged; so is a lambda after a literal.
  expect_clean("val ys = xs.map(\\x: x)\nval t = (1, \\x: x)\n");
  // At the head of a statement, arguments may follow the lambda.
  auto q = run("show \\x: x * 2, 21\n");
  EXPECT_TRUE(q->diags.empty()) << q->dump();
  const Node* call = q->result.root->kid(0)->kid(0);
  ASSERT_EQ(call->count, 3u) << q->dump();
  EXPECT_EQ(call->kid(1)->kind, NodeKind::Lambda);
  EXPECT_EQ(call->kid(2)->kind, NodeKind::IntLit);
}

TEST(Parser, NoParenCallWithASignedArgument) {
  auto call = [](const std::string& src) {
    auto p = run(src);
    EXPECT_TRUE(p->diags.empty()) << src << "\n" << codes(p->diags);
    return p->dump();
  };
  EXPECT_NE(call("print -17\n").find("Call [0,9)\n      Name [0,5) \"print\"\n      Unary [6,9) \"-\"\n        IntLit [7,9)"),
            std::string::npos);
  EXPECT_NE(call("log.info +2.5\n").find("Call [0,13)\n      FieldAccess"), std::string::npos);
  // Spaced on both sides or on neither, it subtracts; so does `a -1` inside an expression.
  for (const char* src : {"a - 1\n", "a-1\n", "val b = a -1\n", "f((a -1))\n", "x = a -1\n", "(a) -1\n", "a[0] -1\n"}) {
    std::string d = call(src);
    EXPECT_NE(d.find("Binary"), std::string::npos) << src << d;
    EXPECT_EQ(d.find("Unary"), std::string::npos) << src << d;
  }
  // A sign at the end of the line is an operator missing its operand, not an argument.
  auto p = run("fn f(a: i64) -> i64:\n    a +\n");
  EXPECT_EQ(codes(p->diags), "E0202 ");
  EXPECT_NE(p->dump().find("Binary [25,28) \"+\" partial"), std::string::npos) << p->dump();
}

TEST(Parser, NoParenCallBeforeABraceOrTilde) {
  std::string d = run("print {\"a\": 1}\nprint ~0\n")->dump();
  EXPECT_NE(d.find("Call [0,14)\n      Name [0,5) \"print\"\n      Dict [6,14)"), std::string::npos) << d;
  EXPECT_NE(d.find("Call [15,23)\n      Name [15,20) \"print\"\n      Unary [21,23) \"~\""), std::string::npos) << d;
  expect_clean("print {\"a\": 1}\nprint ~0\nshow {}\n");
}

TEST(Parser, ExpressionStatementSpansTheCall) {
  std::string d = run("print \"x\"\ndescribe \"s\":\n    pass\n")->dump();
  EXPECT_NE(d.find("ExprStmt [0,9)\n    Call [0,9)"), std::string::npos) << d;
  EXPECT_NE(d.find("ExprStmt [10,32)\n    Call [10,32)"), std::string::npos) << d;
}

TEST(Parser, SafeIndex) {
  expect_clean("val a = xs?[1] ?? -1\nval b = m?[\"k\"]?.name\nval c = xs?.[0]\n");
  std::string d = run("val a = xs?[i + 1]\n")->dump();
  EXPECT_NE(d.find("SafeIndex [8,18) \"?\"\n      Name [8,10) \"xs\"\n      Binary [12,17) \"+\""), std::string::npos) << d;
  // `?[` written together is a safe index after a call too; a propagation before an index needs
  // parentheses.
  std::string e = run("fn f() -> i64?:\n    g()?[0]\n    (g()?)[0]\n")->dump();
  EXPECT_NE(e.find("SafeIndex [20,27) \"?\"\n          Call [20,23)"), std::string::npos) << e;
  EXPECT_NE(e.find("Index [32,41)\n          Propagate [32,38) \"?\""), std::string::npos) << e;
  // There is no safe slice.
  EXPECT_EQ(codes(run("val a = xs?[1:2]\n")->diags), "E0201 ");
}

TEST(Parser, Strings) {
  expect_clean("val s = \"key_{i} {x + 1} {xs.join(\"-\")}\"\nval r = 'raw {x}'\nval ip = \"127.0.0.1\"_ip\n");
  expect_clean("\"\"\"Module docstring.\"\"\"\nval x = 1\n");
}

TEST(Parser, InterpolationFormatSpecs) {
  expect_clean("print \"{ratio:.2%} {score:.4f} {(a - b) * 100:.1f}% {name:>8} {n:08} {xs[0]:,}\"\n");
  expect_clean("print \"{if ok: 'yes' else: 'no'} {d[\\\"k\\\"]} {f(a, b):x}\"\n");
  auto p = run("val s = \"{v:.3f}\"\n");
  std::string d = p->dump();
  // The hole holds the expression only.
  EXPECT_NE(d.find("Interp [8,17) \"\"{v:.3f}\"\"\n      Name [10,11)\n"), std::string::npos) << d;
  EXPECT_EQ(run("print \"{x: y}\"\n")->diags.size(), 1u);  // not a spec: the hole is `x: y`, an error
}

TEST(Parser, InterpolationErrorsAreReported) {
  auto p = run("val s = \"value {x +}\"\n");
  ASSERT_EQ(p->diags.size(), 1u);
  EXPECT_EQ(p->diags[0].code, "E0202");
}

TEST(Parser, Actors) {
  expect_clean("actor Counter:\n    var count: i64 = 0\n    fn inc():\n        self.count += 1\n");
  expect_clean("val c = spawn Counter()\nsend c, :increment\n");
  expect_clean("receive:\n    case Inc(n): total += n\n    case Stop: return\n    after 100:\n        timeout()\n");
}

TEST(Parser, DeferWithUnsafe) {
  expect_clean("defer close(f)\ndefer:\n    cleanup()\nwith File.open(p) as f:\n    read(f)\nunsafe:\n    poke()\n");
}

TEST(Parser, PassWithMessageAndAsReceiver) {
  expect_clean("fn later():\n    pass(\"waiting for the design\")\nfn now():\n    pass\n");
  expect_clean("it \"tags\":\n    pass.with_tag(\"unit\")\n");
  auto p = run("pass(\"why\")\n");
  std::string d = p->dump();
  EXPECT_NE(d.find("Pass [0,11) \"pass\"\n    StringLit [5,10)"), std::string::npos) << d;
}

TEST(Parser, RefutableBindingWithElse) {
  expect_clean("fn unwrap_or_zero(v: i64?) -> i64:\n    val Some(inner) = v else: return 0\n    inner\n");
  expect_clean("fn first(xs: [i64]) -> i64:\n    val [head, ...] = xs else:\n        return -1\n    head\n");
  expect_clean("val x = if a: 1 else: 2\n");
  auto p = run("val Some(n) = v else: return 0\n");
  std::string d = p->dump();
  // Pattern, no type, the initializer, then the diverging block.
  EXPECT_NE(d.find("Binding [0,30) \"Some\"\n    PatVariant [4,11) \"Some\"\n      PatBind [9,10) \"n\"\n    -\n"
                   "    Name [14,15) \"v\"\n    Block [22,30)\n      Return"),
            std::string::npos)
      << d;
}

TEST(Parser, ErrdeferLikeDefer) {
  expect_clean("fn f():\n    errdefer ran = true\n    defer order.push(1)\n    errdefer:\n        undo()\n");
  auto p = run("errdefer close(h)\n");
  EXPECT_NE(p->dump().find("Defer [0,17) \"errdefer\""), std::string::npos) << p->dump();
  expect_clean("val errdefer = 1\nerrdefer.count()\n");
}

// The i-th node of a post-order walk must have id i: dense, unique, kids before their parent.
void expect_post_order_ids(const Node* n, std::uint32_t& next, const std::string& where) {
  if (n == nullptr) return;
  for (std::uint32_t k = 0; k < n->count; ++k) expect_post_order_ids(n->kids[k], next, where);
  EXPECT_EQ(n->id, next) << where << ": " << node_kind_name(n->kind) << " at " << n->begin;
  ++next;
}

TEST(Parser, NodeIdsAreDenseAndInPostOrder) {
  int files = 0;
  for (const char* dir : {"/examples", "/tests/conformance", "/spl/syntax/testdata"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(SPL_SOURCE_DIR) + dir)) {
      if (entry.path().extension() != ".spl") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      auto p = run(text.str());
      std::uint32_t next = 0;
      expect_post_order_ids(p->result.root, next, entry.path().string());
      EXPECT_EQ(p->result.root->id + 1, next);
      ++files;
    }
  }
  EXPECT_GT(files, 300);
  // Interpolation holes are parsed apart; their nodes are numbered with the rest.
  auto p = run("print \"{a + b} and {c}\"\n");
  std::uint32_t next = 0;
  expect_post_order_ids(p->result.root, next, "interpolation");
  EXPECT_EQ(next, 9u);  // Module, ExprStmt, Call, print, Interp, Binary, a, b, c
}

TEST(Parser, SpansCoverNodes) {
  auto p = run("fn f():\n    1\n");
  const Node* fn = p->result.root->kid(0);
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn->kind, NodeKind::Fn);
  EXPECT_EQ(fn->begin, 0u);
  EXPECT_EQ(p->source.substr(fn->begin, fn->end - fn->begin), "fn f():\n    1");
}

TEST(Parser, MissingNodeIsPlaceholder) {
  auto p = run("val x = \n");
  EXPECT_EQ(codes(p->diags), "E0202 ");
  EXPECT_NE(p->dump().find("Missing"), std::string::npos);
  EXPECT_NE(p->dump().find("placeholder"), std::string::npos);
  EXPECT_EQ(p->result.root->completeness, Completeness::Partial);
}

TEST(Parser, WithoutRecoveryTheFirstErrorStops) {
  std::string src = "val a = \nval b = \nval c = \n";
  Arena arena;
  std::vector<Diagnostic> diags;
  ParseOptions options;
  options.recover = false;
  parse(src, arena, diags, options);
  EXPECT_EQ(diags.size(), 1u);
}


// `lazy val` is the form; `lazy x = 1` is reported with `val` inserted, and keeps its name.
TEST(Parser, LazyWithoutValKeepsItsName) {
  auto p = run("lazy x = f()\n");
  ASSERT_EQ(p->diags.size(), 1u) << codes(p->diags);
  ASSERT_EQ(p->diags[0].fixits.size(), 1u);
  EXPECT_EQ(p->diags[0].fixits[0].edits[0].replacement, "val ");
  EXPECT_EQ(p->diags[0].fixits[0].edits[0].span.begin, 5u);
  const Node* b = p->result.root->kid(0);
  ASSERT_EQ(b->kind, NodeKind::Binding);
  EXPECT_TRUE(b->has(kFlagLazy));
  EXPECT_NE(p->dump().find("Binding [0,12) \"x\" partial\n    PatBind [5,6) \"x\""), std::string::npos) << p->dump();
  expect_clean("lazy val y = 2\n");
}

// `f(a) \x: ...` passes the lambda as f's last argument, as a statement and inside an expression.
TEST(Parser, TrailingLambdaAfterParenthesesIsTheLastArgument) {
  expect_clean("f(a) \\x: x + 1\nval z = f(a) \\x: x + 1\nf(a) \\x:\n    x\n");
  auto p = run("f(a) \\x: x + 1\nval z = f(a, b) \\x: x\n");
  const Node* call = p->result.root->kid(0)->kid(0);
  ASSERT_EQ(call->kind, NodeKind::Call);
  ASSERT_EQ(call->count, 3u) << p->dump();
  EXPECT_EQ(call->kid(0)->kind, NodeKind::Name);
  EXPECT_EQ(call->kid(2)->kind, NodeKind::Lambda);
  const Node* inner = p->result.root->kid(1)->kid(2);
  ASSERT_EQ(inner->kind, NodeKind::Call);
  ASSERT_EQ(inner->count, 4u) << p->dump();
  EXPECT_EQ(inner->kid(3)->kind, NodeKind::Lambda);
  // Without parentheses too: `show "s" \x: x` is show("s", \x: x).
  auto q = run("show \"s\" \\x: x\n");
  const Node* noparen = q->result.root->kid(0)->kid(0);
  ASSERT_EQ(noparen->count, 3u) << q->dump();
  EXPECT_EQ(noparen->kid(2)->kind, NodeKind::Lambda);
}

// Parentheses are in the tree: `(a < b) < c` compares a comparison, `(a) < b < c` is a chain.
TEST(Parser, ParenthesesAreMarkedOnTheInnerNode) {
  auto p = run("val x = (a < b) < c\nval y = (a) < b < c\nval z = a < b < c\n");
  const Node* x = p->result.root->kid(0)->kid(2);
  ASSERT_EQ(x->kind, NodeKind::Binary);
  EXPECT_TRUE(x->kid(0)->has(kFlagParenthesized));
  EXPECT_FALSE(x->has(kFlagParenthesized));
  const Node* y = p->result.root->kid(1)->kid(2);
  EXPECT_FALSE(y->kid(0)->has(kFlagParenthesized));  // `(a) < b`: only `a` was in parentheses
  EXPECT_TRUE(y->kid(0)->kid(0)->has(kFlagParenthesized));
  const Node* z = p->result.root->kid(2)->kid(2);
  EXPECT_FALSE(z->kid(0)->has(kFlagParenthesized));
}

// `pub(scope)` on a field: the field is public and keeps the Visibility node after its parts.
TEST(Parser, ScopedVisibilityOnMembers) {
  expect_clean("class C:\n    pub(friend) x: i64\n    pub(package) y: i64 = 0\n    pub(friend) fn f():\n        pass\n");
  auto p = run("struct S:\n    pub(friend) x: i64\n");
  const Node* field = p->result.root->kid(0)->kid(2)->kid(0);
  ASSERT_EQ(field->kind, NodeKind::Field);
  EXPECT_TRUE(field->has(kFlagPub));
  ASSERT_EQ(field->count, 3u) << p->dump();
  EXPECT_EQ(field->kid(1), nullptr);  // no default
  EXPECT_EQ(field->kid(2)->kind, NodeKind::Visibility);
}
}  // namespace
}  // namespace spl::syntax
