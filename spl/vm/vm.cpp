#include "spl/vm/vm.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "spl/vm/compiler.hpp"
#include "spl/vm/generator.hpp"

namespace spl::vm {

namespace {

const char* const kOpNames[] = {
#define SPL_VM_OP_NAME(name) #name,
    SPL_VM_OPS(SPL_VM_OP_NAME)
#undef SPL_VM_OP_NAME
};
}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<std::size_t>(op)]; }

void SourceFile::index_lines() {
  line_starts.assign(1, 0);
  for (std::uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(i + 1);
}

std::pair<std::uint32_t, std::uint32_t> SourceFile::line_col(std::uint32_t offset) const {
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  std::uint32_t line = static_cast<std::uint32_t>(it - line_starts.begin());
  std::uint32_t col = offset - line_starts[line - 1] + 1;
  return {line, col};
}

std::string find_std_root() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SPL_STD_PATH"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "lib/std";
  for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "lib" / "std")) return (dir / "lib" / "std").string();
    if (fs::is_directory(dir / "lib" / "spl" / "std")) return (dir / "lib" / "spl" / "std").string();
    if (dir == dir.root_path()) break;
  }
  return "lib/std";
}

FrameStack::FrameStack() {
  // malloc, not new[]: the block is left untouched until frames are pushed.
  begin_ = static_cast<Frame*>(std::malloc(kMaxFrames * sizeof(Frame)));
  if (begin_ == nullptr) throw std::bad_alloc();
  top_ = begin_;
  end_ = begin_ + kMaxFrames;
}

FrameStack::~FrameStack() { std::free(begin_); }

Vm::Vm(Options options) : options_(std::move(options)) {
  if (options_.std_root.empty()) options_.std_root = find_std_root();
  if (options_.max_steps != 0) steps_left_ = options_.max_steps;
  // calloc: zero bits are the double 0.0, which owns nothing; pages are touched only when used.
  stack_ = static_cast<Value*>(std::calloc(options_.stack_slots, sizeof(Value)));
  if (stack_ == nullptr) throw std::bad_alloc();
  stack_end_ = stack_ + options_.stack_slots;
  top_ = stack_;

  auto result = std::make_unique<TypeInfo>();
  result->name = "Result";
  result->kind = TypeInfo::Kind::Enum;
  result->variants.push_back({"Ok", {""}, 1, Value::nil()});
  result->variants.push_back({"Err", {""}, 1, Value::nil()});
  result_type_ = new_type(std::move(result));
  variant_id(result_type_, 0);
  variant_id(result_type_, 1);
  install_builtins(*this);
  install_generators(*this);
  install_spec_runtime(*this);
}

Vm::~Vm() {
  for (Value* p = stack_; p < stack_end_ && p < top_ + 1; ++p) release(*p);
  for (Value& g : globals_) {
    Value v = g;
    g = Value::nil();
    release(v);
  }
  for (auto& [key, m] : builtin_methods_) release(m);
  types_.clear();
  protos_.clear();
  std::free(stack_);
}

std::uint32_t Vm::intern(std::string_view name) {
  auto it = name_ids_.find(std::string(name));
  if (it != name_ids_.end()) return it->second;
  std::uint32_t id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(std::string(name), id);
  return id;
}

std::uint32_t Vm::global_slot(const std::string& qualified) {
  auto it = global_index_.find(qualified);
  if (it != global_index_.end()) return it->second;
  std::uint32_t slot = static_cast<std::uint32_t>(globals_.size());
  if (slot >= 0xFFFF) panic("too many global names (65535)");
  globals_.push_back(Value::nil());
  global_names_.push_back(qualified);
  global_index_.emplace(qualified, slot);
  return slot;
}

std::vector<std::pair<std::string, std::uint32_t>> Vm::module_globals(const std::string& module_path) const {
  std::vector<std::pair<std::string, std::uint32_t>> out;
  std::string prefix = module_path + "::";
  for (const auto& [name, slot] : global_index_)
    if (name.compare(0, prefix.size(), prefix) == 0) out.emplace_back(name.substr(prefix.size()), slot);
  return out;
}

std::vector<std::string> Vm::builtin_names() const {
  std::vector<std::string> out;
  for (const auto& [name, slot] : global_index_)
    if (name.find("::") == std::string::npos) out.push_back(name);
  return out;
}

void Vm::define_native(const std::string& name, NativeFn fn) {
  std::uint32_t slot = global_slot(name);
  Value old = globals_[slot];
  globals_[slot] = Value::object(new NativeObj(fn, global_names_[slot].c_str()));
  release(old);
}

void Vm::define_value_method(std::uint8_t kind, std::string_view name, NativeFn fn, bool mutating) {
  std::uint32_t id = intern(name);
  std::uint64_t key = (static_cast<std::uint64_t>(kind) << 32) | id;
  auto* n = new NativeObj(fn, names_[id].c_str());
  auto [it, inserted] = builtin_methods_.emplace(key, Value::object(n));
  if (!inserted) {
    release(it->second);
    it->second = Value::object(n);
  }
  if (mutating) add_mutating_name(id);
}

void Vm::define_value_method(std::uint8_t kind, std::uint32_t name, Value closure) {
  std::uint64_t key = (static_cast<std::uint64_t>(kind) << 32) | name;
  auto [it, inserted] = builtin_methods_.emplace(key, closure);
  if (!inserted) {
    release(it->second);
    it->second = closure;
  }
}

void Vm::define_method(ObjType type, std::string_view name, NativeFn fn, bool mutating) {
  std::uint8_t kind = kKindOpaque;
  switch (type) {
    case ObjType::Str: kind = kKindStr; break;
    case ObjType::Array: kind = kKindArray; break;
    case ObjType::Tuple: kind = kKindTuple; break;
    case ObjType::Dict: kind = kKindDict; break;
    case ObjType::Set: kind = kKindSet; break;
    case ObjType::Range: kind = kKindRange; break;
    default: break;
  }
  define_value_method(kind, name, fn, mutating);
}

Value Vm::builtin_method(std::uint8_t kind, std::uint32_t name) const {
  auto it = builtin_methods_.find((static_cast<std::uint64_t>(kind) << 32) | name);
  return it == builtin_methods_.end() ? Value::nil() : it->second;
}

bool Vm::is_mutating_name(std::uint32_t name) const { return mutating_names_.count(name) != 0; }

TypeInfo* Vm::new_type(std::unique_ptr<TypeInfo> t) {
  t->id = static_cast<std::uint32_t>(types_.size());
  types_.push_back(std::move(t));
  TypeInfo* p = types_.back().get();
  type_by_name_[p->name] = p;
  return p;
}

TypeInfo* Vm::find_type(const std::string& name) const {
  auto it = type_by_name_.find(name);
  return it == type_by_name_.end() ? nullptr : it->second;
}

Proto* Vm::new_proto(std::unique_ptr<Proto> p) {
  p->id = static_cast<std::uint32_t>(protos_.size());
  protos_.push_back(std::move(p));
  return protos_.back().get();
}

std::uint32_t Vm::variant_id(TypeInfo* t, std::uint32_t variant) {
  std::uint64_t key = (reinterpret_cast<std::uint64_t>(t) << 8) ^ variant;
  auto it = variant_ids_.find(key);
  if (it != variant_ids_.end()) return it->second;
  std::uint32_t id = static_cast<std::uint32_t>(variants_.size());
  variants_.push_back({t, variant});
  variant_ids_.emplace(key, id);
  return id;
}

Value Vm::make_result(bool ok, Value payload) {
  auto* e = new EnumObj(result_type_, ok ? 0 : 1);
  e->payload.push_back(payload);
  return Value::object(e);
}

std::ostream& Vm::out() { return options_.out ? *options_.out : std::cout; }

Value* Vm::frame_top() const {
  if (frames_.empty()) return top_;
  const Frame& f = frames_.back();
  return std::max(top_, f.base + f.proto->nregs + 1);
}

void Vm::enter(ClosureObj* c, Value* args, int n, Value* ret, Value* writeback, bool entry) {
  Proto* p = c->proto;
  if (n != p->nparams || p->variadic) {
    if (p->variadic && n >= p->nparams - 1) {
      // Pack the trailing arguments into one array parameter.
      std::size_t first = p->nparams - 1u;
      std::vector<Value> rest(args + first, args + n);
      for (int i = static_cast<int>(first); i < n; ++i) args[i].bits = 0;
      args[first] = make_array(std::move(rest));
      n = p->nparams;
    } else if (n > p->nparams) {
      panic(fmt::format("`{}` takes {} argument{} but {} were given", p->name, p->nparams, p->nparams == 1 ? "" : "s", n));
    } else {
      for (int i = n; i < p->nparams; ++i) set_reg_nil(args[i]);
    }
  }
  if (args + p->nregs + 2 > stack_end_ || frames_.full())
    panic(fmt::format("stack overflow ({} frames deep, in `{}`)", frames_.size(), p->name));
  frames_.push_back(Frame{p, c, p->code.data(), args, ret, writeback, static_cast<std::uint32_t>(n), entry});
}

void Vm::set_reg_nil(Value& v) {
  Value old = v;
  v = Value::nil();
  release(old);
}

Value Vm::call(Value fn, const Value* args, int nargs) {
  Value* slot = frame_top();
  if (slot + nargs + 2 > stack_end_) panic("stack overflow");
  if (++native_depth_ > options_.max_native_depth) {
    --native_depth_;
    panic("stack overflow (functions calling back through natives too deeply)");
  }
  std::size_t depth = frames_.size();
  retain(fn);
  slot[0] = fn;
  for (int i = 0; i < nargs; ++i) {
    retain(args[i]);
    slot[1 + i] = args[i];
  }
  Value* saved_top = top_;
  top_ = slot + nargs + 1;
  Value r;
  try {
    r = call_other(fn, slot + 1, nargs);
  } catch (...) {
    unwind_to(depth);
    for (int i = 0; i <= nargs; ++i) {
      release(slot[i]);
      slot[i].bits = 0;
    }
    top_ = saved_top;
    --native_depth_;
    throw;
  }
  for (int i = 0; i <= nargs; ++i) {
    release(slot[i]);
    slot[i].bits = 0;
  }
  top_ = saved_top;
  --native_depth_;
  return r;
}

Value Vm::call_other(Value f, Value* args, int n) {
  if (f.is_obj(ObjType::Closure)) {
    enter(f.as<ClosureObj>(), args, n, nullptr, nullptr, true);
    return execute(frames_.size() - 1);
  }
  if (f.is_obj(ObjType::Native)) return f.as<NativeObj>()->fn(*this, args, n);
  if (f.is_obj(ObjType::Bound)) {
    auto* b = f.as<BoundObj>();
    std::vector<Value> all;
    all.reserve(static_cast<std::size_t>(n) + 1);
    all.push_back(b->recv);
    all.insert(all.end(), args, args + n);
    return call(b->fn, all.data(), n + 1);
  }
  panic(fmt::format("cannot call a value of type {}", type_name(f)));
}

void Vm::unwind_to(std::size_t depth) {
  while (frames_.size() > depth) {
    Frame& f = frames_.back();
    for (std::size_t i = 0; i <= f.proto->nregs; ++i) {
      release(f.base[i]);
      f.base[i].bits = 0;
    }
    frames_.pop_back();
  }
}

std::vector<TraceFrame> Vm::capture_trace() const {
  std::vector<TraceFrame> trace;
  for (std::size_t i = frames_.size(); i-- > 0;) {
    const Frame& f = frames_[i];
    std::size_t pc = static_cast<std::size_t>(f.pc - f.proto->code.data());
    std::uint32_t offset = pc > 0 && pc - 1 < f.proto->offsets.size() ? f.proto->offsets[pc - 1] : f.proto->def_offset;
    std::pair<std::uint32_t, std::uint32_t> at{0, 0};
    if (f.proto->file) at = f.proto->file->line_col(offset);
    trace.push_back(TraceFrame{f.proto->name, f.proto->file ? f.proto->file->path : std::string(), at.first, at.second});
    if (trace.size() == 40 && i > 20) {
      trace.push_back({fmt::format("... {} more frames ...", i - 20), "", 0, 0});
      i = 20;
    }
  }
  return trace;
}

void Vm::panic(std::string message) {
  Panic p(std::move(message));
  p.trace = capture_trace();
  throw p;
}

void Vm::assertion_failed(std::string message) { panic(std::move(message)); }

void Vm::out_of_steps() {
  if (options_.max_steps == 0) {
    steps_left_ = ~std::uint64_t{0};  // 2^64 steps: never reached in practice
    return;
  }
  steps_left_ = 1;  // stays exhausted: every later step panics too
  panic(fmt::format("step limit exceeded ({} loop iterations and calls)", options_.max_steps));
}

void Vm::print_panic(const Panic& p, std::ostream& err) {
  err << "panic: " << p.what() << "\n";
  err << "stack trace (most recent call first):\n";
  for (const TraceFrame& t : p.trace) {
    if (t.file.empty()) {
      err << "  " << t.function << "\n";
    } else {
      err << fmt::format("  at {} ({}:{}:{})\n", t.function, t.file, t.line, t.column);
    }
  }
}

Value Vm::run_proto(Proto* p) {
  auto* c = new ClosureObj(p);
  Value cv = Value::object(c);
  Value r;
  try {
    r = call(cv, nullptr, 0);
  } catch (...) {
    release(cv);
    throw;
  }
  release(cv);
  return r;
}

std::string Vm::resolve_module(const std::string& from_dir, const std::vector<std::string>& path, int leading_dots) const {
  namespace fs = std::filesystem;
  if (path.empty()) return {};
  fs::path base;
  std::size_t first = 0;
  if (leading_dots == 0 && (path[0] == "std" || path[0] == "lib")) {
    base = fs::path(options_.std_root);
    first = 1;
  } else {
    base = fs::path(from_dir);
    for (int i = 1; i < leading_dots; ++i) base = base.parent_path();
  }
  // Longest prefix of the path that names a file; the rest are names inside it.
  for (std::size_t n = path.size(); n > first; --n) {
    fs::path p = base;
    for (std::size_t i = first; i < n; ++i) p /= path[i];
    fs::path file = p;
    file += ".spl";
    if (fs::is_regular_file(file)) return fs::weakly_canonical(file).string();
    for (const char* init : {"__init__.spl", "mod.spl"}) {
      if (fs::is_regular_file(p / init)) return fs::weakly_canonical(p / init).string();
    }
  }
  return {};
}

void Vm::load_module(const std::string& path) {
  if (loaded_.count(path)) return;
  loaded_[path] = true;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(fmt::format("cannot read module {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  auto file = std::make_shared<SourceFile>();
  file->path = path;
  file->text = ss.str();
  file->index_lines();
  CompiledModule m = compile_module(*this, file, path, options_.diagnostics ? *options_.diagnostics : std::cerr, options_.color);
  Value r = run_proto(m.init);
  release(r);
}

int Vm::run_source(const std::string& path, std::string text, const std::vector<std::string>& args) {
  args_ = args;
  auto file = std::make_shared<SourceFile>();
  file->path = path;
  file->text = std::move(text);
  file->index_lines();
  std::string key = std::filesystem::weakly_canonical(std::filesystem::path(path)).string();
  loaded_[key] = true;
  CompiledModule m = compile_module(*this, file, key, options_.diagnostics ? *options_.diagnostics : std::cerr, options_.color);
  Value r = run_proto(m.init);
  release(r);
  if (m.has_main && !m.calls_main) {
    Value fn = globals_[m.main_slot];
    Value result = call(fn, nullptr, 0);
    int code = result.is_int() ? static_cast<int>(result.as_int()) : 0;
    release(result);
    return code;
  }
  return 0;
}

Value Vm::run_repl_entry(std::string text) {
  auto file = std::make_shared<SourceFile>();
  file->path = "<repl>";
  file->text = std::move(text);
  file->index_lines();
  CompiledModule m = compile_module(*this, file, "<repl>", options_.diagnostics ? *options_.diagnostics : std::cerr,
                                    options_.color, /*repl=*/true);
  return run_proto(m.init);
}

int Vm::run_file(const std::string& path, const std::vector<std::string>& args) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return run_source(path, ss.str(), args);
}

}  // namespace spl::vm
