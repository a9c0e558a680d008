#include "spl/jit/reader.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <charconv>
#include <cstdlib>
#include <unordered_map>

namespace spl::jit {

namespace {

enum class Tok : std::uint8_t { kIdent, kLocal, kGlobal, kInt, kFloat, kPunct, kEof };

struct Token {
  Tok kind = Tok::kEof;
  std::string_view text;
  SourceLoc loc;
};

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c) || c == '.'; }

// Thrown inside the reader only; read_module turns it into an Error.
struct ParseFailure {
  SourceLoc loc;
  std::string message;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    skip_space();
    Token t;
    t.loc = {line_, col_};
    if (pos_ >= text_.size()) return t;
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (c == '%' || c == '@') {
      advance();
      if (pos_ >= text_.size() || !is_name_char(text_[pos_])) fail(t.loc, "expected a name after '" + std::string(1, c) + "'");
      while (pos_ < text_.size() && is_name_char(text_[pos_])) advance();
      t.kind = c == '%' ? Tok::kLocal : Tok::kGlobal;
      t.text = text_.substr(start + 1, pos_ - start - 1);
      return t;
    }
    if (is_name_start(c)) {
      while (pos_ < text_.size() && is_name_char(text_[pos_])) advance();
      t.kind = Tok::kIdent;
      t.text = text_.substr(start, pos_ - start);
      return t;
    }
    if (is_digit(c) || (c == '-' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
      if (c == '-') advance();
      bool is_float = false;
      if (text_.substr(pos_, 2) == "0x" || text_.substr(pos_, 2) == "0X") {
        advance();
        advance();
        while (pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) advance();
      } else {
        while (pos_ < text_.size()) {
          const char d = text_[pos_];
          if (is_digit(d)) {
            advance();
          } else if (d == '.') {
            is_float = true;
            advance();
          } else if (d == 'e' || d == 'E') {
            is_float = true;
            advance();
            if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) advance();
          } else {
            break;
          }
        }
      }
      if (pos_ < text_.size() && is_name_char(text_[pos_])) fail({line_, col_}, "bad number literal");
      t.kind = is_float ? Tok::kFloat : Tok::kInt;
      t.text = text_.substr(start, pos_ - start);
      return t;
    }
    if (c == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '>') {
      advance();
      advance();
      t.kind = Tok::kPunct;
      t.text = text_.substr(start, 2);
      return t;
    }
    static constexpr std::string_view kPuncts = "(){}<>,:=";
    if (kPuncts.find(c) != std::string_view::npos) {
      advance();
      t.kind = Tok::kPunct;
      t.text = text_.substr(start, 1);
      return t;
    }
    fail(t.loc, "unexpected character '" + std::string(1, c) + "'");
  }

  [[noreturn]] static void fail(SourceLoc loc, std::string message) { throw ParseFailure{loc, std::move(message)}; }

 private:
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') advance();
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else {
        break;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEof: return "end of input";
    case Tok::kLocal: return "'%" + std::string(t.text) + "'";
    case Tok::kGlobal: return "'@" + std::string(t.text) + "'";
    default: return "'" + std::string(t.text) + "'";
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { tok_ = lexer_.next(); }

  Module parse() {
    Module m;
    while (tok_.kind != Tok::kEof) {
      const Token head = expect(Tok::kIdent, "'func', 'template', 'extern', 'need' or 'module'");
      if (head.text == "module") {
        m.name = std::string(expect(Tok::kIdent, "a module name").text);
      } else if (head.text == "extern") {
        m.externs.push_back(parse_extern(head.loc));
      } else if (head.text == "need") {
        m.needs.push_back(parse_need(head.loc));
      } else if (head.text == "func" || head.text == "template") {
        m.functions.push_back(parse_function(head.loc, head.text == "template"));
      } else {
        Lexer::fail(head.loc, "expected 'func', 'template', 'extern', 'need' or 'module', found " + describe(head));
      }
    }
    return m;
  }

 private:
  Token take() {
    Token t = tok_;
    tok_ = lexer_.next();
    return t;
  }
  bool at_punct(std::string_view p) const { return tok_.kind == Tok::kPunct && tok_.text == p; }
  bool accept_punct(std::string_view p) {
    if (!at_punct(p)) return false;
    take();
    return true;
  }
  void expect_punct(std::string_view p) {
    if (!accept_punct(p)) Lexer::fail(tok_.loc, "expected '" + std::string(p) + "', found " + describe(tok_));
  }
  Token expect(Tok kind, std::string_view what) {
    if (tok_.kind != kind) Lexer::fail(tok_.loc, "expected " + std::string(what) + ", found " + describe(tok_));
    return take();
  }

  Type parse_type() {
    const Token t = expect(Tok::kIdent, "a type");
    for (std::size_t i = 0; i < type_params_.size(); ++i) {
      if (type_params_[i] == t.text) return Type::parameter(static_cast<std::uint8_t>(i));
    }
    Type out;
    if (!parse_type_name(t.text, out) || out.is_void()) Lexer::fail(t.loc, "unknown type '" + std::string(t.text) + "'");
    return out;
  }

  Type parse_ret_type() {
    if (!accept_punct("->")) return Type{};
    if (tok_.kind == Tok::kIdent && tok_.text == "void") {
      take();
      return Type{};
    }
    return parse_type();
  }

  std::vector<Type> parse_type_args() {
    std::vector<Type> args;
    expect_punct("<");
    do {
      args.push_back(parse_type());
    } while (accept_punct(","));
    expect_punct(">");
    return args;
  }

  ExternDecl parse_extern(SourceLoc loc) {
    ExternDecl e;
    e.loc = loc;
    e.name = std::string(expect(Tok::kGlobal, "a function name like '@rt_print'").text);
    expect_punct("(");
    if (!at_punct(")")) {
      do {
        e.param_types.push_back(parse_type());
      } while (accept_punct(","));
    }
    expect_punct(")");
    e.ret = parse_ret_type();
    return e;
  }

  InstanceRef parse_need(SourceLoc loc) {
    InstanceRef r;
    r.loc = loc;
    r.name = std::string(expect(Tok::kGlobal, "a template name like '@sum'").text);
    r.type_args = parse_type_args();
    return r;
  }

  // --- functions -----------------------------------------------------------------------------

  struct PendingName {
    std::uint32_t id = 0;
    bool defined = false;
    SourceLoc first_use;
  };

  std::uint32_t define_value(Function& fn, const Token& name, Type type) {
    auto [it, inserted] = values_.try_emplace(std::string(name.text));
    if (inserted) {
      it->second.id = static_cast<std::uint32_t>(fn.values.size());
      fn.values.push_back({std::string(name.text), type});
    } else if (it->second.defined) {
      Lexer::fail(name.loc, "value '%" + std::string(name.text) + "' is defined twice");
    } else {
      fn.values[it->second.id].type = type;
    }
    it->second.defined = true;
    return it->second.id;
  }

  std::uint32_t use_value(Function& fn, const Token& name) {
    auto [it, inserted] = values_.try_emplace(std::string(name.text));
    if (inserted) {
      it->second.id = static_cast<std::uint32_t>(fn.values.size());
      it->second.first_use = name.loc;
      fn.values.push_back({std::string(name.text), Type{}});
    }
    return it->second.id;
  }

  std::uint32_t use_block(Function& fn, const Token& name) {
    auto [it, inserted] = blocks_.try_emplace(std::string(name.text));
    if (inserted) {
      it->second.id = static_cast<std::uint32_t>(fn.blocks.size());
      it->second.first_use = name.loc;
      fn.blocks.emplace_back();
      fn.blocks.back().name = std::string(name.text);
    }
    return it->second.id;
  }

  std::vector<std::pair<Token, Type>> parse_params() {
    std::vector<std::pair<Token, Type>> params;
    expect_punct("(");
    if (!at_punct(")")) {
      do {
        Token name = expect(Tok::kLocal, "a parameter like '%x'");
        expect_punct(":");
        params.emplace_back(name, parse_type());
      } while (accept_punct(","));
    }
    expect_punct(")");
    return params;
  }

  Operand parse_operand(Function& fn) {
    const Token t = take();
    if (t.kind == Tok::kLocal) return Operand::of_value(use_value(fn, t));
    if (t.kind == Tok::kInt) {
      std::int64_t v = 0;
      std::string_view digits = t.text;
      const bool negative = !digits.empty() && digits[0] == '-';
      if (negative) digits.remove_prefix(1);
      int base = 10;
      if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
      }
      std::uint64_t magnitude = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
      if (ec != std::errc{} || end != digits.data() + digits.size()) Lexer::fail(t.loc, "bad integer literal '" + std::string(t.text) + "'");
      if (negative) {
        if (magnitude > (std::uint64_t{1} << 63)) Lexer::fail(t.loc, "integer literal out of range");
        v = static_cast<std::int64_t>(0 - magnitude);
      } else {
        v = static_cast<std::int64_t>(magnitude);
      }
      return Operand::of_int(v);
    }
    if (t.kind == Tok::kFloat) {
      const std::string copy(t.text);
      char* end = nullptr;
      errno = 0;
      const double d = std::strtod(copy.c_str(), &end);
      if (end != copy.c_str() + copy.size()) Lexer::fail(t.loc, "bad float literal '" + copy + "'");
      if (errno == ERANGE && std::isinf(d)) Lexer::fail(t.loc, "float literal out of range '" + copy + "'");
      return Operand::of_float(d);
    }
    Lexer::fail(t.loc, "expected a value like '%x' or a number, found " + describe(t));
  }

  std::vector<Operand> parse_operand_list(Function& fn) {
    std::vector<Operand> ops;
    expect_punct("(");
    if (!at_punct(")")) {
      do {
        ops.push_back(parse_operand(fn));
      } while (accept_punct(","));
    }
    expect_punct(")");
    return ops;
  }

  BranchTarget parse_target(Function& fn) {
    BranchTarget target;
    target.block = use_block(fn, expect(Tok::kIdent, "a block name"));
    if (at_punct("(")) target.args = parse_operand_list(fn);
    return target;
  }

  Function parse_function(SourceLoc loc, bool is_template) {
    Function fn;
    fn.loc = loc;
    values_.clear();
    blocks_.clear();
    type_params_.clear();
    fn.name = std::string(expect(Tok::kGlobal, "a function name like '@main'").text);
    if (is_template) {
      expect_punct("<");
      do {
        const Token p = expect(Tok::kIdent, "a type parameter name");
        Type existing;
        if (parse_type_name(p.text, existing)) Lexer::fail(p.loc, "type parameter '" + std::string(p.text) + "' shadows a built-in type");
        for (const auto& q : type_params_) {
          if (q == p.text) Lexer::fail(p.loc, "type parameter '" + std::string(p.text) + "' is declared twice");
        }
        if (type_params_.size() == 255) Lexer::fail(p.loc, "too many type parameters");
        type_params_.emplace_back(p.text);
      } while (accept_punct(","));
      expect_punct(">");
      fn.type_params = type_params_;
    }
    const auto params = parse_params();
    fn.ret = parse_ret_type();
    expect_punct("{");
    bool first = true;
    while (!accept_punct("}")) {
      const Token label = expect(Tok::kIdent, "a block label or '}'");
      const std::uint32_t block_id = use_block(fn, label);
      PendingName& pending = blocks_[std::string(label.text)];
      if (pending.defined) Lexer::fail(label.loc, "block '" + std::string(label.text) + "' is defined twice");
      pending.defined = true;
      fn.blocks[block_id].loc = label.loc;
      if (first) {
        for (const auto& [name, type] : params) {
          fn.blocks[0].params.push_back(define_value(fn, name, type));
          fn.param_types.push_back(type);
        }
        if (at_punct("(")) Lexer::fail(tok_.loc, "the entry block takes the function's parameters; it declares none itself");
      } else if (at_punct("(")) {
        for (const auto& [name, type] : parse_params()) fn.blocks[block_id].params.push_back(define_value(fn, name, type));
      }
      expect_punct(":");
      first = false;
      while (!(tok_.kind == Tok::kPunct && tok_.text == "}") && !starts_block()) {
        if (tok_.kind == Tok::kEof) Lexer::fail(tok_.loc, "unexpected end of input in function '@" + fn.name + "'");
        Instr instr = parse_instr(fn);  // may add forward-referenced blocks: index after it
        auto& instrs = fn.blocks[block_id].instrs;
        if (instrs.empty()) instrs.reserve(8);  // skips the 1, 2, 4 growth steps of a typical block
        instrs.push_back(std::move(instr));
      }
    }
    if (first) Lexer::fail(loc, "function '@" + fn.name + "' has no blocks");
    for (const auto& [name, pending] : values_) {
      if (!pending.defined) Lexer::fail(pending.first_use, "value '%" + name + "' is never defined");
    }
    for (const auto& [name, pending] : blocks_) {
      if (!pending.defined) Lexer::fail(pending.first_use, "block '" + name + "' is never defined");
    }
    type_params_.clear();
    return fn;
  }

  // A block label is an identifier followed by ':' or '('; instructions never start that way.
  bool starts_block() {
    if (tok_.kind != Tok::kIdent) return false;
    Lexer peek = lexer_;
    const Token after = peek.next();
    return after.kind == Tok::kPunct && (after.text == ":" || after.text == "(");
  }

  Instr parse_instr(Function& fn) {
    Instr in;
    in.loc = tok_.loc;
    Token result_name;
    bool has_result = false;
    if (tok_.kind == Tok::kLocal) {
      result_name = take();
      has_result = true;
      expect_punct("=");
    }
    const Token op = expect(Tok::kIdent, "an instruction");
    const std::string_view name = op.text;
    Type result_type;
    auto no_result = [&] {
      if (has_result) Lexer::fail(result_name.loc, "'" + std::string(name) + "' produces no value");
    };
    auto need_result = [&] {
      if (!has_result) Lexer::fail(op.loc, "'" + std::string(name) + "' produces a value: write '%name = " + std::string(name) + " ...'");
    };

    static const std::unordered_map<std::string_view, Opcode> kBinary = {
        {"add", Opcode::kAdd},   {"sub", Opcode::kSub},   {"mul", Opcode::kMul}, {"div", Opcode::kDiv},
        {"rem", Opcode::kRem},   {"udiv", Opcode::kUDiv}, {"urem", Opcode::kURem}, {"and", Opcode::kAnd},
        {"or", Opcode::kOr},     {"xor", Opcode::kXor},   {"shl", Opcode::kShl}, {"shr", Opcode::kShr},
        {"sar", Opcode::kSar}};
    static const std::unordered_map<std::string_view, Pred> kPreds = {
        {"eq", Pred::kEq}, {"ne", Pred::kNe},   {"lt", Pred::kLt},   {"le", Pred::kLe},   {"gt", Pred::kGt},
        {"ge", Pred::kGe}, {"ult", Pred::kUlt}, {"ule", Pred::kUle}, {"ugt", Pred::kUgt}, {"uge", Pred::kUge}};

    if (auto it = kBinary.find(name); it != kBinary.end()) {
      need_result();
      in.op = it->second;
      in.type = parse_type();
      in.args.push_back(parse_operand(fn));
      expect_punct(",");
      in.args.push_back(parse_operand(fn));
      result_type = in.type;
    } else if (name == "cmp") {
      need_result();
      in.op = Opcode::kCmp;
      const Token p = expect(Tok::kIdent, "a comparison like 'lt'");
      auto pit = kPreds.find(p.text);
      if (pit == kPreds.end()) Lexer::fail(p.loc, "unknown comparison '" + std::string(p.text) + "'");
      in.pred = pit->second;
      in.type = parse_type();
      in.args.push_back(parse_operand(fn));
      expect_punct(",");
      in.args.push_back(parse_operand(fn));
      result_type = Type::of(TypeKind::kI1);
    } else if (name == "select") {
      need_result();
      in.op = Opcode::kSelect;
      in.type = parse_type();
      for (int i = 0; i < 3; ++i) {
        if (i) expect_punct(",");
        in.args.push_back(parse_operand(fn));
      }
      result_type = in.type;
    } else if (name == "conv" || name == "zext") {
      need_result();
      in.op = name == "conv" ? Opcode::kConv : Opcode::kZext;
      in.from = parse_type();
      in.args.push_back(parse_operand(fn));
      const Token to = expect(Tok::kIdent, "'to'");
      if (to.text != "to") Lexer::fail(to.loc, "expected 'to', found " + describe(to));
      in.type = parse_type();
      result_type = in.type;
    } else if (name == "load") {
      need_result();
      in.op = Opcode::kLoad;
      in.type = parse_type();
      in.args.push_back(parse_operand(fn));
      result_type = in.type;
    } else if (name == "store") {
      no_result();
      in.op = Opcode::kStore;
      in.type = parse_type();
      in.args.push_back(parse_operand(fn));
      expect_punct(",");
      in.args.push_back(parse_operand(fn));
    } else if (name == "elemptr") {
      need_result();
      in.op = Opcode::kElemPtr;
      in.type = parse_type();
      in.args.push_back(parse_operand(fn));
      expect_punct(",");
      in.args.push_back(parse_operand(fn));
      result_type = Type::of(TypeKind::kPtr);
    } else if (name == "sizeof") {
      need_result();
      in.op = Opcode::kSizeOf;
      in.type = parse_type();
      result_type = Type::of(TypeKind::kI64);
    } else if (name == "call") {
      in.op = Opcode::kCall;
      if (has_result) {
        in.type = parse_type();
        result_type = in.type;
      }
      in.callee = std::string(expect(Tok::kGlobal, "a function name like '@f'").text);
      if (at_punct("<")) in.type_args = parse_type_args();
      in.args = parse_operand_list(fn);
    } else if (name == "jmp") {
      no_result();
      in.op = Opcode::kJmp;
      in.targets[0] = parse_target(fn);
    } else if (name == "br") {
      no_result();
      in.op = Opcode::kBr;
      in.args.push_back(parse_operand(fn));
      expect_punct(",");
      in.targets[0] = parse_target(fn);
      expect_punct(",");
      in.targets[1] = parse_target(fn);
    } else if (name == "ret") {
      no_result();
      in.op = Opcode::kRet;
      if (tok_.kind == Tok::kLocal || tok_.kind == Tok::kInt || tok_.kind == Tok::kFloat) in.args.push_back(parse_operand(fn));
    } else {
      Lexer::fail(op.loc, "unknown instruction '" + std::string(name) + "'");
    }
    if (has_result) in.result = define_value(fn, result_name, result_type);
    return in;
  }

  Lexer lexer_;
  Token tok_;
  std::unordered_map<std::string, PendingName> values_;
  std::unordered_map<std::string, PendingName> blocks_;
  std::vector<std::string> type_params_;
};

}  // namespace

Result<Module> read_module(std::string_view text, std::string_view filename) {
  try {
    Parser parser(text);
    return parser.parse();
  } catch (const ParseFailure& failure) {
    return make_error(ErrorCode::kParse, std::string(filename) + ":" + std::to_string(failure.loc.line) + ":" +
                                             std::to_string(failure.loc.column) + ": " + failure.message);
  }
}

}  // namespace spl::jit
