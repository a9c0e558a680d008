#pragma once
// The Simple virtual machine (tier 0): loads .spl files, compiles them to register bytecode and
// interprets it. Frames live on the VM's own stack, never the C stack, so deep recursion ends in
// a clear "stack overflow" panic. A runtime error is a Simple panic: a message and a Simple stack
// trace (file:line:col per frame).

#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spl/vm/bytecode.hpp"
#include "spl/vm/objects.hpp"

namespace spl::vm {

struct TraceFrame {
  std::string function;
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// A runtime error in a Simple program, carried up through the C++ interpreter as an exception.
struct Panic : std::runtime_error {
  std::vector<TraceFrame> trace;
  explicit Panic(std::string message) : std::runtime_error(std::move(message)) {}
};

// Compilation failed; the diagnostics were already printed.
struct CompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string std_root;         // the folder holding lib/std (`std.x` -> <std_root>/x.spl)
  std::size_t stack_slots = 1u << 22;  // VM registers for all frames
  std::size_t max_native_depth = 180;  // natives calling back into Simple (map, sort, ...)
  bool color = false;
  // Loop back-edges and calls a program may take before it panics ("step limit"); 0: no limit.
  // Fuzzing and tests use it to bound a run; later the scheduler will use the same counter.
  std::uint64_t max_steps = 0;
  std::ostream* out = nullptr;          // where print writes (default: stdout)
  std::ostream* diagnostics = nullptr;  // compile errors (default: stderr)
  bool allow_io = true;  // false: files, stdin and sleeping panic (fuzzing runs untrusted programs)
};

// Frames deeper than this end in a "stack overflow" panic (besides the register stack's own limit).
inline constexpr std::size_t kMaxFrames = 1u << 20;

struct Frame {
  Proto* proto;
  ClosureObj* closure;
  const Instr* pc;
  Value* base;
  Value* ret;        // where the result goes in the caller
  Value* writeback;  // `me` method: the caller's place that receives self
  std::uint32_t nargs;
  bool entry;        // returns from execute() rather than to a caller frame
};

// The call frames of one VM: a fixed block of kMaxFrames reserved once (its pages are touched only
// as deep as calls go), so a call is a bounds check and a store, never a reallocation that would
// move the frames the interpreter points into.
class FrameStack {
 public:
  FrameStack();
  ~FrameStack();
  FrameStack(const FrameStack&) = delete;
  FrameStack& operator=(const FrameStack&) = delete;

  bool empty() const { return top_ == begin_; }
  bool full() const { return top_ == end_; }
  std::size_t size() const { return static_cast<std::size_t>(top_ - begin_); }
  Frame& back() { return top_[-1]; }
  const Frame& back() const { return top_[-1]; }
  const Frame& operator[](std::size_t i) const { return begin_[i]; }
  void push_back(const Frame& f) { *top_++ = f; }  // the caller checked !full()
  void pop_back() { --top_; }

 private:
  Frame* begin_;
  Frame* top_;
  Frame* end_;
};

class Vm {
 public:
  explicit Vm(Options options = {});
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // Compiles and runs a file: top-level statements in order, then `main` when the file defines it
  // and its top level does not call it. Returns the exit code (main's integer result, or 0).
  // Throws CompileError or Panic.
  int run_file(const std::string& path, const std::vector<std::string>& args);
  // The same for source held in memory.
  int run_source(const std::string& path, std::string text, const std::vector<std::string>& args);
  // Runs one entry of a REPL session (see compile_module's repl mode); returns the value of its
  // last expression (owned; nil when it has none). Throws Panic and CompileError like run_source.
  Value run_repl_entry(std::string text);

  // Prints a panic the way `spl run` does: message, then the Simple stack trace.
  static void print_panic(const Panic& p, std::ostream& err);

  // Calls method `name` on recv (user or builtin) with borrowed args.
  Value call_method(Value recv, std::uint32_t name, const Value* args, int nargs);
  // Calls any callable value (closure, native, bound method) from C++; args are borrowed.
  Value call(Value fn, const Value* args, int nargs);
  // Runs a generator's body to its next `yield`: true with the value (owned) in out, or false
  // once the body has returned (then and later). See generator.hpp.
  bool resume_generator(struct GeneratorObj* g, Value& out);
  [[noreturn]] void panic(std::string message);
  // The Simple stack at this moment, innermost frame first.
  std::vector<TraceFrame> capture_trace() const;
  // A failed assert/check/expect: a panic the spec runner reports as a failure.
  [[noreturn]] void assertion_failed(std::string message);

  std::uint32_t intern(std::string_view name);
  const std::string& name_of(std::uint32_t id) const { return names_[id]; }

  // Globals: builtins and every module's top-level names share one table.
  std::uint32_t global_slot(const std::string& qualified);
  Value& global(std::uint32_t slot) { return globals_[slot]; }
  bool has_global(const std::string& qualified) const { return global_index_.count(qualified) != 0; }
  // The top-level names of a loaded module and their slots.
  std::vector<std::pair<std::string, std::uint32_t>> module_globals(const std::string& module_path) const;
  // The runtime's own global functions (print, len, describe, ...).
  std::vector<std::string> builtin_names() const;
  void define_native(const std::string& name, NativeFn fn);
  void define_method(ObjType type, std::string_view name, NativeFn fn, bool mutating = false);
  void define_value_method(std::uint8_t kind, std::string_view name, NativeFn fn, bool mutating = false);
  // A method written in Simple for a builtin kind (`impl text:`); takes the closure's count and
  // replaces a builtin method of that name.
  void define_value_method(std::uint8_t kind, std::uint32_t name, Value closure);

  const std::vector<std::unique_ptr<Proto>>& protos() const { return protos_; }
  TypeInfo* new_type(std::unique_ptr<TypeInfo> t);
  Proto* new_proto(std::unique_ptr<Proto> p);
  TypeInfo* result_type() const { return result_type_; }
  TypeInfo* find_type(const std::string& name) const;
  std::uint32_t variant_id(TypeInfo* t, std::uint32_t variant);
  std::pair<TypeInfo*, std::uint32_t> variant_of(std::uint32_t id) const { return variants_[id]; }
  Value make_result(bool ok, Value payload);  // takes payload's count

  bool is_mutating_name(std::uint32_t name) const;
  void add_mutating_name(std::uint32_t name) { mutating_names_.insert({name, true}); }

  std::ostream& out();
  const std::vector<std::string>& args() const { return args_; }
  const Options& options() const { return options_; }

  // The file a module path names (`std.spec` -> lib/std/spec.spl; `a.b` -> <dir>/a/b.spl).
  std::string resolve_module(const std::string& from_dir, const std::vector<std::string>& path, int leading_dots) const;
  // Loads a module once; returns its path key. Its globals are named "<path>::<name>".
  void load_module(const std::string& path);
  bool module_loaded(const std::string& path) const { return loaded_.count(path) != 0; }

  // Builtin method lookup: (value kind, name) -> native. Kinds: see value_kind().
  static std::uint8_t value_kind(Value v);
  Value builtin_method(std::uint8_t kind, std::uint32_t name) const;

  // State of the spec DSL (describe/it/expect), made on first use; see spec_runtime.hpp.
  std::shared_ptr<struct SpecState> spec;

 private:
  friend class Interpreter;
  Value execute(std::size_t entry_frame);
  // Pushes a frame for a closure whose arguments sit in args[0..n).
  void enter(ClosureObj* c, Value* args, int n, Value* ret, Value* writeback, bool entry);
  // Calls a native or bound method (or a closure through a nested execute); args are borrowed.
  Value call_other(Value f, Value* args, int n);
  Value* frame_top() const;
  void set_reg_nil(Value& v);
  Value run_proto(Proto* p);
  void unwind_to(std::size_t depth);

  Options options_;
  std::vector<std::string> args_;
  // Deques, not vectors: a NativeObj keeps a pointer to its name's characters, and a
  // short string's characters move when a vector grows.
  std::deque<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> name_ids_;
  std::vector<Value> globals_;
  std::deque<std::string> global_names_;
  std::unordered_map<std::string, std::uint32_t> global_index_;
  std::vector<std::unique_ptr<Proto>> protos_;
  std::vector<std::unique_ptr<TypeInfo>> types_;
  std::unordered_map<std::string, TypeInfo*> type_by_name_;
  std::vector<std::pair<TypeInfo*, std::uint32_t>> variants_;
  std::unordered_map<std::uint64_t, std::uint32_t> variant_ids_;
  std::unordered_map<std::uint64_t, Value> builtin_methods_;
  std::unordered_map<std::uint32_t, bool> mutating_names_;
  std::unordered_map<std::string, bool> loaded_;
  TypeInfo* result_type_ = nullptr;

  Value* stack_ = nullptr;
  Value* stack_end_ = nullptr;
  Value* top_ = nullptr;  // first free slot above the newest frame
  FrameStack frames_;
  // Generator bodies running now, innermost last, with the frame count that makes the body's
  // frame the newest: a `yield` suspends only that frame.
  struct RunningGenerator {
    struct GeneratorObj* gen;
    std::size_t depth;
  };
  std::vector<RunningGenerator> generators_;
  std::size_t native_depth_ = 0;
  std::uint64_t steps_left_ = ~std::uint64_t{0};
  void out_of_steps();  // panics when a step limit is set
};

// Kinds for builtin method tables (value_kind).
enum ValueKind : std::uint8_t { kKindNil, kKindBool, kKindInt, kKindFloat, kKindStr, kKindArray, kKindTuple, kKindDict, kKindSet, kKindRange, kKindFn, kKindInstance, kKindEnum, kKindOpaque, kKindCount };

inline std::uint8_t Vm::value_kind(Value v) {
  if (v.is_int()) return kKindInt;
  if (v.is_double()) return kKindFloat;
  if (v.is_nil()) return kKindNil;
  if (v.is_bool()) return kKindBool;
  switch (v.obj()->type) {
    case ObjType::Str: return kKindStr;
    case ObjType::Array: return kKindArray;
    case ObjType::Tuple: return kKindTuple;
    case ObjType::Dict: return kKindDict;
    case ObjType::Set: return kKindSet;
    case ObjType::Range: return kKindRange;
    case ObjType::Closure:
    case ObjType::Native:
    case ObjType::Bound: return kKindFn;
    case ObjType::Instance: return kKindInstance;
    case ObjType::Enum: return kKindEnum;
    default: return kKindOpaque;
  }
}

void install_builtins(Vm& vm);
// The folder of the bundled standard library: $SPL_STD_PATH, else lib/std found by walking up from
// the running executable (a build tree), else <prefix>/lib/spl/std (an install).
std::string find_std_root();
void install_spec_runtime(Vm& vm);

}  // namespace spl::vm
