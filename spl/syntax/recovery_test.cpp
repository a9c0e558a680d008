// Error recovery: localised damage, one diagnostic per mistake, the rest of the file intact.

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

struct Parsed {
  std::string source;
  Arena arena;
  std::vector<Diagnostic> diags;
  ParseResult result;
};

std::unique_ptr<Parsed> run(std::string source) {
  auto p = std::make_unique<Parsed>();
  p->source = std::move(source);
  p->result = parse(p->source, p->arena, p->diags);
  return p;
}

std::string name_of(const Parsed& p, const Node* n) {
  if (n->token == kNoToken) return "?";
  return std::string(p.result.tokens[n->token].text(p.source));
}

constexpr const char* kFile = R"(struct Point:
    x: i64
    y: i64

fn before(p: Point) -> i64:
    p.x + p.y

BROKEN

fn after(n: i64) -> i64:
    var total = 0
    for i in 0..n:
        total += i
    total

class Box:
    value: i64
    fn get() -> i64: self.value
)";

// Every way of breaking the middle function leaves the other declarations complete.
TEST(Recovery, OneBrokenFunctionLeavesTheOthersComplete) {
  const char* broken[] = {
      "fn broken(a: i64 -> i64:\n    a + 1",
      "fn broken(:\n    return 1",
      "fn broken(a: i64) -> i64:\n    val x = (a + \n    x",
      "fn broken(a) -> i64\n    a * 2",
      "fn broken():\n    if a b c:\n        1",
      "fn broken():\n    val = 3\n    return",
      "fn broken():\n    match x:\n        1 -> 2",
      "fn broken():\n    xs[1 +] = ]",
      "fn broken():\n    \"unterminated\n    x",
      "fn broken()\n    pass",
      "fn 123():\n    pass",
      "fn broken():\n        deep()\n    shallow()\n  odd()",
      "fn broken():\n    match r:\n        Ok(v) v\n        Err(: 0",
      "fn broken(v):\n    val Some(x) = v else return 0\n    x",
      "fn broken():\n    errdefer = \n    pass(",
      "fn broken():\n    val m = a if (c else\n    m",
      "fn broken():\n    asm volatile:\n        \"nop\"\n        mystery(reg) addr",
      "fn broken():\n    asm volatile:\n    x()",
      "fn broken():\n    scenario adds two:\n    given a (calculator:\n        go()",
  };
  for (const char* b : broken) {
    std::string src = kFile;
    src.replace(src.find("BROKEN"), 6, b);
    auto p = run(src);
    EXPECT_FALSE(p->diags.empty()) << src;
    const Node* root = p->result.root;
    int complete_others = 0;
    for (std::uint32_t k = 0; k < root->count; ++k) {
      const Node* d = root->kids[k];
      std::string n = name_of(*p, d);
      if (n == "Point" || n == "before" || n == "after" || n == "Box") {
        EXPECT_EQ(d->completeness, Completeness::Complete) << n << " in\n" << src << "\n"
                                                            << dump_tree(root, p->source, p->result.tokens);
        ++complete_others;
      }
    }
    EXPECT_EQ(complete_others, 4) << src << "\n" << dump_tree(root, p->source, p->result.tokens);
    EXPECT_LE(p->diags.size(), 2u) << src << "\n" << p->diags[0].message;
  }
}

TEST(Recovery, OneMistakeOneDiagnostic) {
  const char* cases[] = {
      "val x = (1 + 2\nval y = 3\n",
      "val x = [1, 2,\nfn f(): 1\n",
      "if a > 0\n    go()\n",
      "val p = f(a b)\n",
      "val x = 1 +\nval y = 2\n",
      "fn f(x: i64 -> i64:\n    x\n",
      "val s = \"abc\nval t = 1\n",
      "val x = 1)\n",
      "foo(1, 2))\n",
      "struct P:\n    x i64\n    y: i64\n",
      "struct P:\n    x: i64\n        y: i64\n    z: i64\n",
      "fn f():\n    a()\n        b()\n    c()\n",
  };
  for (const char* c : cases) {
    auto p = run(c);
    EXPECT_EQ(p->diags.size(), 1u) << c << "\n" << (p->diags.size() > 1 ? p->diags[1].message : "");
  }
}

// An over-indented block (E0204) or an `asm:` without its indented body (E0203) ends its
// statement: the next line is the next statement, not an "expected the end of the statement".
TEST(Recovery, ABlockThatShouldNotBeThereEndsItsStatement) {
  auto p = run("struct P:\n    x: i64\n        y: i64\n    z: i64\n");
  ASSERT_EQ(p->diags.size(), 1u);
  EXPECT_EQ(p->diags[0].code, "E0204");
  const Node* members = p->result.root->kid(0)->kid(2);
  ASSERT_EQ(members->count, 3u);
  EXPECT_EQ(name_of(*p, members->kid(2)), "z");
  auto q = run("fn f():\n    asm volatile:\n    done()\n");
  ASSERT_EQ(q->diags.size(), 1u);
  EXPECT_EQ(q->diags[0].code, "E0203");
  const Node* body = q->result.root->kid(0)->kid(4);
  ASSERT_EQ(body->count, 2u);
  EXPECT_EQ(body->kid(1)->kind, NodeKind::ExprStmt);
}

TEST(Recovery, InsertionRepairForMissingColon) {
  auto p = run("fn f()\n    1\n");
  ASSERT_EQ(p->diags.size(), 1u);
  EXPECT_EQ(p->diags[0].code, "E0210");
  EXPECT_EQ(p->diags[0].span.begin, 6u);
  ASSERT_EQ(p->diags[0].fixits.size(), 1u);
  EXPECT_EQ(p->diags[0].fixits[0].edits[0].replacement, ":");
}

TEST(Recovery, DeletionRepairForStrayToken) {
  auto p = run("val p = Point(x: 1,, y: 2)\n");
  ASSERT_EQ(p->diags.size(), 1u);  // one mistake, one diagnostic
  EXPECT_EQ(p->diags[0].code, "E0202");
  EXPECT_EQ(p->diags[0].span.begin, 19u);  // the second comma
  ASSERT_EQ(p->diags[0].fixits.size(), 1u);
  const std::vector<TextEdit>& edits = p->diags[0].fixits[0].edits;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].span.begin, 19u);
  EXPECT_EQ(edits[0].span.end, 20u);
  EXPECT_EQ(edits[0].replacement, "");  // a deletion
  EXPECT_EQ(apply_fixits(p->source, p->diags).text, "val p = Point(x: 1, y: 2)\n");
  // The list goes on after the stray `,`: the call keeps `y: 2`.
  const Node* call = p->result.root->kid(0)->kid(2);
  ASSERT_EQ(call->kind, NodeKind::Call);
  ASSERT_EQ(call->count, 4u);
  EXPECT_EQ(call->kid(2)->kind, NodeKind::Missing);
  EXPECT_EQ(name_of(*p, call->kid(3)), "y");
}

TEST(Recovery, ReplacementRepairForAssignmentInCondition) {
  auto p = run("while n = 0:\n    n += 1\n");
  ASSERT_EQ(p->diags.size(), 1u);
  EXPECT_EQ(p->diags[0].code, "E0211");
  EXPECT_EQ(p->diags[0].fixits[0].edits[0].replacement, "==");
}

TEST(Recovery, PanicModeSkipsToNextStatement) {
  auto p = run("val a = 1\nval b = ) ( 2 3\nval c = 3\n");
  ASSERT_GE(p->diags.size(), 1u);
  const Node* root = p->result.root;
  ASSERT_EQ(root->count, 3u);
  EXPECT_EQ(root->kids[0]->completeness, Completeness::Complete);
  EXPECT_EQ(root->kids[2]->completeness, Completeness::Complete);
}

TEST(Recovery, ManyErrorsAreCapped) {
  std::string src;
  for (int i = 0; i < 500; ++i) src += "val = \n";
  Arena arena;
  std::vector<Diagnostic> diags;
  ParseOptions options;
  options.max_errors = 50;
  parse(src, arena, diags, options);
  EXPECT_LE(diags.size(), 50u);
}

TEST(Recovery, GarbageNeverCrashesOrLoops) {
  const char* inputs[] = {")))", "(((", "fn", "fn (", ":\n:\n", "\\\\\\", "match", "case x:", "    \n\t\n  x",
                          "{]", "#[", "'", "\"\"\"", "@", "if:", "else", "for in :", "struct", "enum E:\n    (", "x.?.?.?"};
  // Two of them parse without an error under the grammar as it stands; every other one must be
  // reported.
  const std::string accepted[] = {"    \n\t\n  x", "x.?.?.?"};
  for (const char* in : inputs) {
    auto p = run(in);
    const auto size = static_cast<std::uint32_t>(p->source.size());
    ASSERT_NE(p->result.root, nullptr) << in;
    // None of these is Simple: each is reported, by a bounded number of diagnostics whose spans
    // lie in the source, over a tree whose every node does too.
    bool error = false;
    for (const Diagnostic& d : p->diags) {
      error = error || d.severity == Severity::Error;
      EXPECT_LE(d.span.begin, d.span.end) << in;
      EXPECT_LE(d.span.end, size) << in;
    }
    const bool must_fail = std::find(std::begin(accepted), std::end(accepted), in) == std::end(accepted);
    EXPECT_EQ(error, must_fail) << in;
    EXPECT_LE(p->diags.size(), p->source.size() + 1) << in;
    std::vector<const Node*> todo{p->result.root};
    while (!todo.empty()) {
      const Node* n = todo.back();
      todo.pop_back();
      EXPECT_LE(n->begin, n->end) << in;
      EXPECT_LE(n->end, size) << in;
      for (std::uint32_t i = 0; i < n->count; ++i) {
        if (n->kids[i] != nullptr) todo.push_back(n->kids[i]);
      }
    }
  }
}

// Hostile nesting must give a diagnostic, not a stack overflow, and stay fast enough to check.
TEST(Recovery, DeepNestingIsReportedNotACrash) {
  const std::size_t deep = 100'000;
  const std::string shapes[] = {
      "val x = " + std::string(deep, '(') + "1\n",
      "val x = " + std::string(deep, '[') + "\n",
      "val x = " + std::string(deep, '{') + "\n",
      "val x = " + std::string(deep, '-') + "1\n",
      "fn f() -> " + std::string(deep, '[') + "i64\n",
  };
  for (const std::string& source : shapes) {
    auto p = run(source);
    bool too_deep = false;
    for (const Diagnostic& d : p->diags) too_deep = too_deep || d.code == "E0215";
    EXPECT_TRUE(too_deep) << source.substr(0, 12);
    EXPECT_LE(p->diags.size(), 200u);
  }
  std::string blocks;
  for (int i = 0; i < 400; ++i) blocks += std::string(4 * i, ' ') + "if x:\n";
  blocks += std::string(4 * 400, ' ') + "pass\n";
  auto p = run(blocks);
  bool too_deep = false;
  for (const Diagnostic& d : p->diags) too_deep = too_deep || d.code == "E0215";
  EXPECT_TRUE(too_deep);
}


// A `:` repaired by deleting a stray token, or reported missing before junk, still opens the body
// below the header: its members, arms or statements are parsed, not skipped.
TEST(Recovery, RepairedColonKeepsTheBody) {
  auto p = run("class C x:\n    y: i64\nstruct P!\n    x: i64\nfn f(v: i64):\n    match v!\n        case 1: 2\n");
  ASSERT_EQ(p->diags.size(), 3u);
  const Node* root = p->result.root;
  ASSERT_EQ(root->count, 3u);
  const Node* class_members = root->kid(0)->kid(2);
  ASSERT_EQ(class_members->count, 1u);
  EXPECT_EQ(class_members->kid(0)->kind, NodeKind::Field);
  const Node* struct_members = root->kid(1)->kid(2);
  ASSERT_EQ(struct_members->count, 1u);
  EXPECT_EQ(name_of(*p, struct_members->kid(0)), "x");
  const Node* match = root->kid(2)->kid(4)->kid(0);
  ASSERT_EQ(match->kind, NodeKind::Match);
  ASSERT_EQ(match->count, 2u);
  EXPECT_EQ(match->kid(1)->kind, NodeKind::Arm);
}

// A broken one-line member list ends with its line: the declarations after it stay whole.
TEST(Recovery, BrokenOneLineMembersStopAtTheLineEnd) {
  auto p = run("struct P: [i64]\nfn main():\n    pass\nstruct Q:\n    x: i64\n");
  ASSERT_EQ(p->diags.size(), 1u);
  const Node* root = p->result.root;
  ASSERT_EQ(root->count, 3u);
  EXPECT_EQ(root->kid(0)->kind, NodeKind::Struct);
  EXPECT_EQ(root->kid(1)->kind, NodeKind::Fn);
  EXPECT_EQ(root->kid(1)->completeness, Completeness::Complete);
  EXPECT_EQ(root->kid(2)->kind, NodeKind::Struct);
  EXPECT_EQ(root->kid(2)->completeness, Completeness::Complete);
  // The valid one-line form ends with its line too.
  auto q = run("struct P: x: i64; y: i64\nfn main():\n    pass\n");
  EXPECT_TRUE(q->diags.empty());
  ASSERT_EQ(q->result.root->count, 2u);
  EXPECT_EQ(q->result.root->kid(0)->kid(2)->count, 2u);
  EXPECT_EQ(q->result.root->kid(1)->kind, NodeKind::Fn);
}
}  // namespace
}  // namespace spl::syntax
