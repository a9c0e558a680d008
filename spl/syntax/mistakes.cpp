#include "spl/syntax/mistakes.hpp"

namespace spl::syntax {
namespace {

using L = Language;

constexpr CodeInfo kCodes[] = {
    {"E0101", Severity::Error, "unterminated string, triple-quoted string or atom", "val s = \"abc\n"},
    {"E0102", Severity::Error, "a character that is not part of any Simple token", "val x = 1 \x01 2\n"},
    {"E0103", Severity::Error, "a dedent to a column that matches no enclosing block", "fn f():\n        val a = 1\n    val b = 2\n"},
    {"E0104", Severity::Error, "an opening bracket that is never closed", "val xs = [1, 2\nval y = 3\n"},
    {"E0105", Severity::Error, "a closing bracket that matches no open bracket (stray, or the wrong kind)", "val x = 1)\nval y = f(1, 2]\n"},
    {"E0106", Severity::Error, "a malformed number (no digits after 0x, unknown suffix)", "val x = 0x\nval y = 12abc\n"},
    {"E0107", Severity::Error, "an integer literal that does not fit in i64", "val x = 99999999999999999999\n"},
    {"E0108", Severity::Error, "an unterminated /* block comment", "/* never closed\nval x = 1\n"},
    {"E0201", Severity::Error, "a token other than the one the grammar requires here (with a one-token repair)", "val p = Point(x: 1; y: 2)\n"},
    {"E0202", Severity::Error, "an expression is required here", "val x = \n"},
    {"E0203", Severity::Error, "a `:` that should open an indented block is not followed by one", "fn f():\nval x = 1\n"},
    {"E0204", Severity::Error, "a line indented deeper than its block allows", "val a = 1\n    val b = 2\n"},
    {"E0205", Severity::Error, "something that cannot start a declaration or statement here", "struct P:\n    +\n"},
    {"E0206", Severity::Error, "extra tokens after a complete statement", "val x = 1 2\n"},
    {"E0207", Severity::Error, "a type is required here", "val x: = 1\n"},
    {"E0208", Severity::Error, "a pattern or `case` arm is required here", "match x:\n    1 -> 2\n"},
    {"E0209", Severity::Error, "a name is required here", "fn (x):\n    x\n"},
    {"E0210", Severity::Error, "the `:` before an indented block is missing", "if ready\n    go()\n"},
    {"E0211", Severity::Error, "`=` used in a condition where `==` was meant", "if x = 1:\n    go()\n"},
    {"E0212", Severity::Error, "a `,` is missing between arguments, parameters or elements", "f(x: 10 y: 20)\n"},
    {"E0214", Severity::Error, "`else` or `elif` without an `if` before it", "else:\n    go()\n"},
    {"E0215", Severity::Error, "brackets, blocks or operators nested more than 256 levels deep",
     "val x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1\n"},
};

constexpr MistakeCase kCases[] = {
    // Python
    {"E0301", L::Python, "`def` for functions", "def add(a, b):\n    return a + b\n", "fn add(a, b):\n    return a + b\n"},
    {"E0302", L::Python, "`True`/`False`", "val ok = True\nval no = False\n", "val ok = true\nval no = false\n"},
    {"W0303", L::Python, "explicit `self` parameter", "impl P:\n    fn get(self) -> i64:\n        self.x\n",
     "impl P:\n    fn get() -> i64:\n        self.x\n"},
    {"W0303", L::Python, "explicit `self` before other parameters", "impl P:\n    fn add(self, n: i64) -> i64:\n        self.x + n\n",
     "impl P:\n    fn add(n: i64) -> i64:\n        self.x + n\n"},
    {"E0304", L::Python, "`lambda x: ...`", "val f = lambda x: x + 1\n", "val f = \\x: x + 1\n"},
    {"E0305", L::Python, "class inheritance `class C(Base):`", "class Dog(Animal):\n    name: text\n", ""},
    {"E0306", L::Python, "`try`/`except`", "try:\n    risky()\nexcept ValueError:\n    recover()\n", ""},
    {"E0306", L::Python, "`raise`", "fn f(x):\n    raise ValueError(\"bad\")\n", ""},
    {"W0307", L::Python, "`import` instead of `use`", "import std.spec\n", "use std.spec\n"},
    {"E0308", L::Python, "`from m import a, b` without braces", "from app.io import read, write\n", "from app.io import {read, write}\n"},
    {"E0309", L::Python, "`*args` parameters", "fn total(*nums):\n    nums.len()\n", "fn total(nums...):\n    nums.len()\n"},
    {"E0210", L::Python, "missing `:` before a block", "fn main()\n    print(1)\n", "fn main():\n    print(1)\n"},
    {"E0351", L::Unknown, "`elseif` / `elsif`", "if a:\n    x()\nelsif b:\n    y()\n", "if a:\n    x()\nelif b:\n    y()\n"},
    // Rust
    {"E0311", L::Rust, "`let mut`", "let mut count = 0\n", "var count = 0\n"},
    {"E0312", L::Rust, "`let`", "let total = compute()\n", "val total = compute()\n"},
    {"E0313", L::Rust, "`Type::function()`", "val p = Point::new(1, 2)\n", "val p = Point.new(1, 2)\n"},
    {"E0313", L::Rust, "`use a::b::C`", "use std::collections::HashMap\n", "use std.collections.HashMap\n"},
    {"E0314", L::Rust, "turbofish `::<T>`", "val n = parse::<i64>(s)\n", "val n = parse<i64>(s)\n"},
    {"E0315", L::Rust, "`println!`", "println!(\"hi {name}\")\n", "print(\"hi {name}\")\n"},
    {"E0315", L::Rust, "`vec![...]`", "val xs = vec![1, 2, 3]\n", "val xs = [1, 2, 3]\n"},
    {"E0316", L::Rust, "brace block on a function", "fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n",
     "fn add(a: i64, b: i64) -> i64:\n    a + b\n"},
    {"E0316", L::Rust, "brace body on an impl", "impl Point {\n    fn norm() -> i64:\n        self.x\n}\n",
     "impl Point:\n    fn norm() -> i64:\n        self.x\n"},
    {"E0317", L::Rust, "`&mut self`", "impl C:\n    fn bump(&mut self):\n        self.n += 1\n",
     "impl C:\n    me bump():\n        self.n += 1\n"},
    {"E0317", L::Rust, "`&self`", "impl C:\n    fn get(&self) -> i64:\n        self.n\n", "impl C:\n    fn get() -> i64:\n        self.n\n"},
    {"W0318", L::Rust, "`;` at the end of a statement", "val x = 1;\nprint(x);\n", "val x = 1\nprint(x)\n"},
    {"W0321", L::Rust, "`&str` parameter", "fn greet(name: &str):\n    print(name)\n", "fn greet(name: text):\n    print(name)\n"},
    {"E0322", L::Rust, "lifetime parameters", "fn first<'a>(xs: [text]) -> text:\n    xs[0]\n", "fn first(xs: [text]) -> text:\n    xs[0]\n"},
    {"E0325", L::Rust, "`if let`", "if let Some(x) = find():\n    use_it(x)\n", "if val Some(x) = find():\n    use_it(x)\n"},
    {"W0326", L::Rust, "commas after struct fields", "struct P:\n    x: i64,\n    y: i64,\n", "struct P:\n    x: i64\n    y: i64\n"},
    // TypeScript / JavaScript
    {"E0327", L::TypeScript, "`function`", "function greet(name):\n    print(name)\n", "fn greet(name):\n    print(name)\n"},
    {"W0328", L::TypeScript, "`const` for an ordinary binding", "const total = a + b\n", "val total = a + b\n"},
    {"E0329", L::TypeScript, "`===`", "if a === b:\n    go()\n", "if a == b:\n    go()\n"},
    {"E0329", L::TypeScript, "`!==`", "val same = a !== b\n", "val same = a != b\n"},
    {"E0330", L::TypeScript, "arrow function with one parameter", "val double = x => x * 2\n", "val double = \\x: x * 2\n"},
    {"E0330", L::TypeScript, "arrow function with a parameter list", "val add = (a, b) => a + b\n", "val add = \\a, b: a + b\n"},
    {"E0331", L::TypeScript, "`//` comment", "// compute the total\nval t = 1\n", "# compute the total\nval t = 1\n"},
    {"E0332", L::TypeScript, "`null`", "var found = null\n", "var found = nil\n"},
    {"E0332", L::TypeScript, "`undefined`", "val r = undefined\n", "val r = nil\n"},
    {"W0333", L::TypeScript, "`console.log`", "console.log(total)\n", "print(total)\n"},
    {"W0334", L::TypeScript, "`interface`", "interface Shape:\n    fn area() -> f64\n", "trait Shape:\n    fn area() -> f64\n"},
    {"W0335", L::TypeScript, "TypeScript type names", "fn half(x: number) -> number:\n    x / 2\n", "fn half(x: f64) -> f64:\n    x / 2\n"},
    {"E0336", L::TypeScript, "`for (const x of xs)`", "for (const x of items):\n    print(x)\n", "for x in items:\n    print(x)\n"},
    {"E0356", L::TypeScript, "`): T {` return type", "fn size(): number {\n    3\n}\n", "fn size() -> f64:\n    3\n"},
    {"E0341", L::Java, "`new Type(...)`", "val p = new Point(1, 2)\n", "val p = Point(1, 2)\n"},
    // Java
    {"E0342", L::Java, "`public` modifier", "public fn area() -> i64:\n    1\n", "pub fn area() -> i64:\n    1\n"},
    {"E0343", L::Java, "`void name()`", "void reset():\n    count = 0\n", "fn reset():\n    count = 0\n"},
    {"E0343", L::C, "`int name()`", "int twice(x: i64):\n    x * 2\n", "fn twice(x: i64) -> i64:\n    x * 2\n"},
    {"E0344", L::Java, "`String s = ...`", "String name = \"Ada\"\n", "var name: text = \"Ada\"\n"},
    {"W0345", L::Java, "`System.out.println`", "System.out.println(x)\n", "print(x)\n"},
    {"W0346", L::Java, "`this.`", "impl C:\n    fn get() -> i64:\n        this.n\n", "impl C:\n    fn get() -> i64:\n        self.n\n"},
    {"E0347", L::Java, "`switch`", "switch x:\n    case 1: a()\n    case _: b()\n", "match x:\n    case 1: a()\n    case _: b()\n"},
    {"E0348", L::Java, "`default:` arm", "match x:\n    case 1: a()\n    default: b()\n", "match x:\n    case 1: a()\n    case _: b()\n"},
    {"E0350", L::Java, "`extends`", "class Dog extends Animal:\n    name: text\n", ""},
    {"E0357", L::Java, "Java-style parameters", "fn area(int w, int h) -> i64:\n    w * h\n", "fn area(w: i64, h: i64) -> i64:\n    w * h\n"},
    {"E0358", L::Java, "`String[]` array type", "fn main(args: String[]):\n    pass\n", "fn main(args: [text]):\n    pass\n"},
    // C
    {"E0337", L::C, "C-style `for`", "for (int i = 0; i < n; i++):\n    print(i)\n", "for i in 0..n:\n    print(i)\n"},
    {"E0338", L::C, "ternary `?:`", "val m = a > b ? a : b\n", "val m = if a > b: a else: b\n"},
    {"E0339", L::C, "`x++`", "count++\n", "count += 1\n"},
    {"E0339", L::C, "`--x`", "--left\n", "left -= 1\n"},
    {"W0340", L::C, "`&&` and `||`", "if a && b || c:\n    go()\n", "if a and b or c:\n    go()\n"},
    {"W0340", L::C, "`!x`", "if !done:\n    go()\n", "if not done:\n    go()\n"},
    {"E0344", L::C, "`int x = 0`", "int count = 0\n", "var count: i64 = 0\n"},
    // Generic across languages
    {"E0349", L::Unknown, "generics in square brackets", "val xs: List[text] = []\n", "val xs: List<text> = []\n"},
    {"E0349", L::Unknown, "generic parameters in square brackets", "fn first[T](xs: [T]) -> T:\n    xs[0]\n",
     "fn first<T>(xs: [T]) -> T:\n    xs[0]\n"},
    {"E0211", L::Unknown, "`=` in a condition", "if x = 1:\n    go()\n", "if x == 1:\n    go()\n"},
    {"E0212", L::Unknown, "missing comma between named arguments", "val p = Point(x: 10 y: 20)\n", "val p = Point(x: 10, y: 20)\n"},
    {"E0316", L::C, "`if (...) {` with `} else {`", "if (a > b) {\n    go()\n} else {\n    stop()\n}\n",
     "if (a > b):\n    go()\nelse:\n    stop()\n"},
};

int& score(LanguageGuess& g, Language l) { return g.scores[static_cast<std::size_t>(l)]; }

}  // namespace

std::string_view language_name(Language language) {
  switch (language) {
    case Language::Unknown: return "Simple";
    case Language::Python: return "Python";
    case Language::Rust: return "Rust";
    case Language::TypeScript: return "TypeScript/JavaScript";
    case Language::Java: return "Java";
    case Language::C: return "C";
  }
  return "Simple";
}

std::span<const CodeInfo> diagnostic_codes() { return kCodes; }
std::span<const MistakeCase> mistake_catalogue() { return kCases; }

LanguageGuess detect_language(std::string_view source, const std::vector<Token>& tokens) {
  LanguageGuess g;
  auto word = [&](std::size_t i) { return i < tokens.size() ? tokens[i].text(source) : std::string_view(); };
  auto kind = [&](std::size_t i) { return i < tokens.size() ? tokens[i].kind : Tok::Eof; };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    switch (t.kind) {
      case Tok::Ident: {
        std::string_view w = t.text(source);
        if (w == "def" || w == "lambda" || w == "except" || w == "raise" || w == "elif") score(g, L::Python) += 3;
        if (w == "True" || w == "False") score(g, L::Python) += 2;
        if (w == "self" && kind(i - 1) == Tok::LParen && i > 0) score(g, L::Python) += 2;
        if (w == "let" && word(i + 1) == "mut") score(g, L::Rust) += 4;
        if (w == "let" && word(i + 1) != "mut") {
          score(g, L::Rust) += 1;
          score(g, L::TypeScript) += 1;
        }
        if (w == "function" || w == "console" || w == "undefined") score(g, L::TypeScript) += 3;
        if (w == "const") score(g, L::TypeScript) += 1;
        if (w == "number" || w == "boolean" || w == "interface") score(g, L::TypeScript) += 1;
        if (w == "null") {
          score(g, L::TypeScript) += 1;
          score(g, L::Java) += 1;
        }
        if (w == "public" || w == "private" || w == "protected" || w == "void" || w == "System" || w == "extends" ||
            w == "implements")
          score(g, L::Java) += 3;
        if (w == "new" && kind(i + 1) == Tok::Ident) score(g, L::Java) += 1;
        if (w == "String" && kind(i + 1) == Tok::Ident) score(g, L::Java) += 2;
        if ((w == "int" || w == "char" || w == "double" || w == "float" || w == "long" || w == "unsigned") &&
            kind(i + 1) == Tok::Ident)
          score(g, L::C) += 3;
        if (w == "printf" || w == "NULL" || w == "nullptr") score(g, L::C) += 3;
        if (w == "println" && kind(i + 1) == Tok::Bang) score(g, L::Rust) += 3;
        if (w == "vec" && kind(i + 1) == Tok::Bang) score(g, L::Rust) += 3;
        break;
      }
      case Tok::ColonColon: score(g, L::Rust) += 2; break;
      case Tok::Amp:
        if (word(i + 1) == "self" || word(i + 1) == "mut" || word(i + 1) == "str") score(g, L::Rust) += 3;
        break;
      case Tok::EqEqEq:
      case Tok::NotEqEq: score(g, L::TypeScript) += 3; break;
      case Tok::FatArrow: score(g, L::TypeScript) += 1; break;
      case Tok::PlusPlus:
      case Tok::MinusMinus: score(g, L::C) += 2; break;
      case Tok::AmpAmp:
      case Tok::PipePipe: score(g, L::C) += 1; break;
      case Tok::Question:
        if (kind(i + 1) != Tok::Newline && kind(i + 1) != Tok::Dot && kind(i + 1) != Tok::RParen) score(g, L::C) += 1;
        break;
      case Tok::LBrace:
        if (i > 0 && (kind(i - 1) == Tok::RParen || kind(i - 1) == Tok::Ident) && kind(i + 1) != Tok::RBrace &&
            tokens[i + 1 < tokens.size() ? i + 1 : i].has(kLineStart)) {
          score(g, L::Rust) += 1;
          score(g, L::C) += 1;
        }
        break;
      case Tok::KwFn:
        if (kind(i + 1) == Tok::Ident) score(g, L::Rust) += 0;
        break;
      default: break;
    }
  }
  int best = 1;
  for (std::size_t l = 1; l < kLanguageCount; ++l) {
    if (g.scores[l] > best) {
      best = g.scores[l];
      g.language = static_cast<Language>(l);
    }
  }
  return g;
}

}  // namespace spl::syntax
