#include "spl/vm/compiler.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <ostream>
#include <unordered_map>
#include <unordered_set>

#include "spl/base/arena.hpp"
#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/parser.hpp"
#include "spl/vm/extern_fn.hpp"
#include "spl/vm/literals.hpp"
#include "spl/vm/vm.hpp"

namespace spl::vm {

namespace {

using syntax::Node;
using syntax::NodeKind;
using syntax::Operator;

// Stops compilation at the first problem; the message becomes a diagnostic at the node.
struct Unsupported {
  const Node* at;
  std::string message;
};

struct Local {
  std::string name;
  std::uint16_t reg;
  bool cell;
  bool mut;
  bool is_val = false;  // declared with `val` (parameters and pattern bindings are not)
};

struct Loop {
  std::vector<std::size_t> breaks;
  std::vector<std::size_t> continues;
  std::size_t depth = 0;  // scopes outside the loop: a break or continue leaves the ones from here on
};

// Work a scope owes at its exit, last registered first: a `defer` or `errdefer` body, or a
// `with` manager's `__exit__`. The body is compiled at each exit, seeing the names that were
// in scope at the `defer`.
struct Deferred {
  Node* body = nullptr;
  bool on_error = false;
  std::uint16_t manager = kNoReg;
  std::size_t visible = 0;  // locals of its scope declared before it
};

struct Resolved {
  enum Kind { None, Local, Up, Global, SelfFn } kind = None;
  std::uint16_t index = 0;
  bool cell = false;
  bool mut = false;
  bool is_val = false;
};

struct FnState {
  FnState* parent = nullptr;
  Proto* proto = nullptr;
  std::vector<std::vector<Local>> scopes;
  std::vector<std::vector<Deferred>> defers;  // parallel to scopes
  std::size_t defer_bodies = 0;              // > 0 while compiling a deferred body
  std::size_t loop_floor = 0;                // loops below this index lie outside the deferred body
  std::vector<std::string> up_names;
  std::vector<bool> up_cells;
  std::vector<bool> up_mut;
  std::unordered_set<std::string> inner_refs;  // names used by nested functions: `var`s among them live in cells
  std::uint16_t free = 0;
  std::uint16_t max = 0;
  std::vector<Loop> loops;
  std::string self_name;
  bool top_level = false;
  std::uint32_t offset = 0;
};

class ModuleCompiler {
 public:
  ModuleCompiler(Vm& vm, std::shared_ptr<SourceFile> file, std::string key, std::ostream& diag, bool color, bool repl)
      : vm_(vm), file_(std::move(file)), key_(std::move(key)), diag_(diag), color_(color), repl_(repl) {}

  CompiledModule compile() {
    std::vector<syntax::Diagnostic> diags;
    parsed_ = syntax::parse(file_->text, arena_, diags);
    syntax::SourceFile sf(file_->path, file_->text);
    if (syntax::count_errors(diags) > 0) {
      for (const auto& d : diags)
        if (d.severity == syntax::Severity::Error) diag_ << syntax::render_text(sf, d, {color_});
      throw CompileError(fmt::format("{} has syntax errors", file_->path));
    }
    try {
      return compile_module(parsed_.root);
    } catch (const Unsupported& u) {
      syntax::Diagnostic d;
      d.code = "E0900";
      d.message = u.message;
      d.span = {u.at ? u.at->begin : 0, u.at ? u.at->end : 0};
      diag_ << syntax::render_text(sf, d, {color_});
      throw CompileError(u.message);
    }
  }

 private:
  // ---- source helpers -------------------------------------------------------------------
  // A name reads as its token: a parenthesised `(a)` spans its parentheses too.
  std::string_view text(const Node* n) const {
    if (n->kind == NodeKind::Name && n->token != syntax::kNoToken && n->token < parsed_.tokens.size())
      return parsed_.tokens[n->token].text(file_->text);
    return std::string_view(file_->text).substr(n->begin, n->end - n->begin);
  }
  std::string_view tok_text(const Node* n) const {
    if (n->token != syntax::kNoToken && n->token < parsed_.tokens.size()) return parsed_.tokens[n->token].text(file_->text);
    return std::string_view(file_->text).substr(n->begin, n->end - n->begin);
  }
  [[noreturn]] void fail(const Node* n, std::string message) { throw Unsupported{n, std::move(message)}; }

  // ---- emission -------------------------------------------------------------------------
  std::size_t emit(Op op, std::uint16_t a = 0, std::uint16_t b = 0, std::uint16_t c = 0, std::uint8_t flags = 0) {
    Proto* p = fs_->proto;
    p->code.push_back(Instr{op, flags, a, b, c});
    p->offsets.push_back(fs_->offset);
    return p->code.size() - 1;
  }
  std::size_t emit_jump(Op op, std::uint16_t a = 0) {
    if (op == Op::Jump) return emit(Op::Jump);
    return emit(op, a);
  }
  std::size_t here() const { return fs_->proto->code.size(); }
  void patch(std::size_t at, std::size_t target) {
    Instr& in = fs_->proto->code[at];
    std::int64_t off = static_cast<std::int64_t>(target) - static_cast<std::int64_t>(at) - 1;
    if (has_sbx_jump(in.op)) {
      in.set_sbx(static_cast<std::int32_t>(off));
    } else if (is_fused_jump(in.op) || in.op == Op::Propagate) {
      if (off < INT16_MIN || off > INT16_MAX) fail(nullptr, "function too large (a conditional jump exceeds 32767 instructions)");
      in.c = static_cast<std::uint16_t>(static_cast<std::int16_t>(off));
    } else {
      if (off < INT16_MIN || off > INT16_MAX) fail(nullptr, "function too large (a conditional jump exceeds 32767 instructions)");
      in.b = static_cast<std::uint16_t>(static_cast<std::int16_t>(off));
    }
  }
  void patch_here(std::size_t at) { patch(at, here()); }
  static bool is_fused_jump(Op op) {
    return op == Op::JumpIfNotLt || op == Op::JumpIfNotLe || op == Op::JumpIfNotGt || op == Op::JumpIfNotGe ||
           op == Op::JumpIfNotEq || op == Op::JumpIfNotNe || op == Op::JumpIfNotLtI || op == Op::JumpIfNotLeI ||
           op == Op::JumpIfNotGtI || op == Op::JumpIfNotGeI || op == Op::JumpIfNotEqI || op == Op::JumpIfNotNeI;
  }
  std::uint16_t constant(Value v) {
    auto& consts = fs_->proto->consts;
    for (std::size_t i = 0; i < consts.size(); ++i) {
      if (consts[i].bits == v.bits || (consts[i].is_obj(ObjType::Str) && v.is_obj(ObjType::Str) && str_of(consts[i]) == str_of(v))) {
        release(v);
        return static_cast<std::uint16_t>(i);
      }
    }
    if (consts.size() >= 0xFFFF) fail(nullptr, "too many constants in one function");
    consts.push_back(v);
    return static_cast<std::uint16_t>(consts.size() - 1);
  }
  std::uint16_t alloc(std::uint16_t n = 1) {
    std::uint16_t r = fs_->free;
    if (static_cast<std::uint32_t>(fs_->free) + n >= 0xFFF0) fail(nullptr, "too many registers in one function");
    fs_->free = static_cast<std::uint16_t>(fs_->free + n);
    fs_->max = std::max(fs_->max, fs_->free);
    return r;
  }
  bool is_named_local(std::uint16_t reg) const {
    for (const auto& scope : fs_->scopes)
      for (const Local& l : scope)
        if (l.reg == reg) return true;
    return false;
  }
  // The first register of a call window (callee, then the arguments): the destination itself when
  // it is an unnamed register on top, so the result lands in place without a Move.
  std::uint16_t call_window(std::uint16_t dst, std::size_t nargs) {
    if (dst != kNoReg && dst + 1u == fs_->free && !is_named_local(dst)) {
      alloc(static_cast<std::uint16_t>(nargs));
      return dst;
    }
    return alloc(static_cast<std::uint16_t>(1 + nargs));
  }
  void result_to(std::uint16_t dst, std::uint16_t w) {
    if (dst != kNoReg && dst != w) emit(Op::Move, dst, w);
  }
  std::uint32_t name_id(std::string_view s) { return vm_.intern(s); }
  std::uint16_t name16(std::string_view s) {
    std::uint32_t id = name_id(s);
    if (id > 0xFFFF) fail(nullptr, "too many distinct names");
    return static_cast<std::uint16_t>(id);
  }

  // ---- scopes ---------------------------------------------------------------------------
  void push_scope() {
    fs_->scopes.emplace_back();
    fs_->defers.emplace_back();
  }
  void pop_scope(std::uint16_t free_to) {
    fs_->scopes.pop_back();
    fs_->defers.pop_back();
    fs_->free = free_to;
  }
  // ---- deferred work (`defer`, `errdefer`, `with`) ---------------------------------------
  // `failed` in run_defers: kNoReg at an ordinary exit (errdefers stay quiet), kFailedExit when
  // a `?` propagates, or a register holding whether the returned value is an `Err`.
  static constexpr std::uint16_t kFailedExit = 0xFFFE;

  bool defers_pending(std::size_t from, bool errors_only = false) const {
    for (std::size_t d = from; d < fs_->defers.size(); ++d)
      for (const Deferred& job : fs_->defers[d])
        if (!errors_only || job.on_error) return true;
    return false;
  }

  void open_loop() {
    fs_->loops.emplace_back();
    fs_->loops.back().depth = fs_->scopes.size();
  }

  // Emits the deferred work of the scopes from `from` on, innermost scope first, each scope's
  // last registered first.
  void run_defers(std::size_t from, std::uint16_t failed) {
    for (std::size_t d = fs_->defers.size(); d-- > from;)
      for (std::size_t i = fs_->defers[d].size(); i-- > 0;) run_deferred(d, i, failed);
  }

  void run_deferred(std::size_t d, std::size_t i, std::uint16_t failed) {
    const Deferred job = fs_->defers[d][i];
    if (job.on_error && failed == kNoReg) return;
    const bool guarded = job.on_error && failed != kFailedExit;
    std::size_t skip = guarded ? emit(Op::JumpIfFalse, failed) : 0;
    const std::uint16_t save = fs_->free;
    const std::uint32_t offset = fs_->offset;
    if (job.manager != kNoReg) {
      call_method_of(job.manager, "__exit__", 3);
    } else {
      // The body sees what the `defer` saw: later locals, inner scopes and later jobs are hidden.
      auto scopes = fs_->scopes;
      auto defers = fs_->defers;
      const std::size_t floor = fs_->loop_floor;
      fs_->scopes.resize(d + 1);
      fs_->scopes[d].resize(job.visible);
      fs_->defers.resize(d + 1);
      fs_->defers[d].resize(i);
      ++fs_->defer_bodies;
      fs_->loop_floor = fs_->loops.size();
      if (job.body->kind == NodeKind::Block) block_value(job.body, kNoReg); else statement(job.body);
      --fs_->defer_bodies;
      fs_->loop_floor = floor;
      fs_->scopes = std::move(scopes);
      fs_->defers = std::move(defers);
    }
    fs_->free = save;
    fs_->offset = offset;
    if (guarded) patch_here(skip);
  }

  // `recv.name(nil, ...)` with `nils` arguments; a method that changes its receiver updates recv.
  std::uint16_t call_method_of(std::uint16_t recv, std::string_view name, std::uint16_t nils) {
    std::uint32_t id = name_id(name);
    if (id > 0xFFFF) fail(nullptr, "too many distinct names");
    std::uint16_t w = alloc(static_cast<std::uint16_t>(1 + nils));
    emit(Op::Move, w, recv);
    for (std::uint16_t k = 1; k <= nils; ++k) emit(Op::LoadNil, static_cast<std::uint16_t>(w + k));
    emit(Op::CallMethod, w, nils, static_cast<std::uint16_t>(id));
    emit(Op::Extra, recv);
    return w;
  }

  // A `return`, `break`, `continue` or `?` may not leave a deferred body: its exit is already
  // under way.
  void refuse_exit_from_defer(const Node* at, const char* what) {
    if (fs_->defer_bodies > 0) fail(at, fmt::format("`{}` cannot leave a `defer` body", what));
  }

  // The register a returning value must be in while deferred work runs: a local's own
  // register could be changed by it.
  std::uint16_t detach_result(std::uint16_t r) {
    if (!is_named_local(r)) return r;
    std::uint16_t t = alloc();
    emit(Op::Move, t, r);
    return t;
  }

  std::uint16_t is_err(std::uint16_t v) {
    std::uint16_t t = alloc();
    emit(Op::IsVariant, t, v, static_cast<std::uint16_t>(vm_.variant_id(vm_.result_type(), 1)));
    return t;
  }

  std::uint16_t declare(const std::string& name, bool mut) {
    std::uint16_t r = alloc();
    bool cell = mut && fs_->inner_refs.count(name) != 0;
    fs_->scopes.back().push_back({name, r, cell, mut});
    return r;
  }
  // After the value is in the register: box it when it lives in a cell.
  void init_local(std::uint16_t reg) {
    for (const Local& l : fs_->scopes.back())
      if (l.reg == reg && l.cell) emit(Op::NewCell, reg);
  }

  Resolved resolve_in(FnState* f, const std::string& name) {
    for (auto s = f->scopes.rbegin(); s != f->scopes.rend(); ++s)
      for (auto l = s->rbegin(); l != s->rend(); ++l)
        if (l->name == name) return {Resolved::Local, l->reg, l->cell, l->mut, l->is_val};
    for (std::size_t i = 0; i < f->up_names.size(); ++i)
      if (f->up_names[i] == name) return {Resolved::Up, static_cast<std::uint16_t>(i), f->up_cells[i], f->up_mut[i]};
    if (!f->self_name.empty() && f->self_name == name && !f->top_level) return {Resolved::SelfFn};
    if (f->parent) {
      Resolved r = resolve_in(f->parent, name);
      if (r.kind == Resolved::Local || r.kind == Resolved::Up) {
        f->proto->captures.push_back({r.kind == Resolved::Local, r.index});
        f->up_names.push_back(name);
        f->up_cells.push_back(r.cell);
        f->up_mut.push_back(r.mut);
        return {Resolved::Up, static_cast<std::uint16_t>(f->up_names.size() - 1), r.cell, r.mut};
      }
      if (r.kind == Resolved::SelfFn) {
        // A nested function naming the function it sits in: capture that closure.
        return {Resolved::None};
      }
    }
    auto g = globals_.find(name);
    if (g != globals_.end()) return {Resolved::Global, static_cast<std::uint16_t>(g->second)};
    if (vm_.has_global(name)) return {Resolved::Global, static_cast<std::uint16_t>(vm_.global_slot(name))};
    return {};
  }
  Resolved resolve(const std::string& name) { return resolve_in(fs_, name); }

  // ---- module ---------------------------------------------------------------------------
  CompiledModule compile_module(Node* root) {
    CompiledModule out;
    if (repl_)
      for (const auto& [name, slot] : vm_.module_globals(key_)) globals_[name] = slot;
    // Declarations first: every module-level name is visible everywhere in the file.
    for (std::uint32_t i = 0; i < root->count; ++i) declare_item(root->kids[i], out);
    for (std::uint32_t i = 0; i < root->count; ++i) collect_me_methods(root->kids[i]);
    for (std::uint32_t i = 0; i < root->count; ++i) define_item(root->kids[i]);

    auto proto = std::make_unique<Proto>();
    proto->name = "<module>";
    proto->file = file_;
    Proto* init = vm_.new_proto(std::move(proto));
    FnState st;
    st.proto = init;
    st.top_level = true;
    collect_inner_refs(root, st.inner_refs, false);
    FnState* saved = fs_;
    fs_ = &st;
    push_scope();
    Node* last = nullptr;
    for (std::uint32_t i = 0; i < root->count; ++i)
      if (!is_declaration(root->kids[i])) last = root->kids[i];
    for (std::uint32_t i = 0; i < root->count; ++i) {
      Node* n = root->kids[i];
      if (is_declaration(n)) continue;
      if (calls_name(n, "main")) out.calls_main = true;
      std::uint16_t save = fs_->free;
      if (repl_ && n == last && produces_value(n)) {
        std::uint16_t r = alloc();
        value_statement(n, r);
        run_defers(0, kNoReg);
        emit(Op::Return, r);
        out.yields_value = true;
      } else {
        statement(n);
      }
      fs_->free = save;
    }
    if (!out.yields_value) {
      run_defers(0, kNoReg);
      emit(Op::ReturnNil);
    }
    finish_proto(st);
    fs_ = saved;
    out.init = init;
    return out;
  }

  bool calls_name(const Node* n, std::string_view name) {
    if (n == nullptr) return false;
    if (n->kind == NodeKind::Call && n->count > 0 && n->kids[0] && n->kids[0]->kind == NodeKind::Name && text(n->kids[0]) == name)
      return true;
    if (n->kind == NodeKind::Fn || n->kind == NodeKind::Lambda) return false;
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (calls_name(n->kids[i], name)) return true;
    return false;
  }

  static bool is_declaration(const Node* n) {
    switch (n->kind) {
      case NodeKind::Fn:
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Enum:
      case NodeKind::Impl:
      case NodeKind::Trait:
      case NodeKind::TypeAlias:
      case NodeKind::Use:
      case NodeKind::Export:
      case NodeKind::Docstring:
      case NodeKind::Attribute:
      case NodeKind::Decorator:
      case NodeKind::Actor: return true;  // actors run in a later step: declaring one is fine, spawning panics
      default: return false;
    }
  }

  std::string qualified(std::string_view name) const { return key_ + "::" + std::string(name); }

  std::uint32_t define_global(std::string_view name) {
    std::uint32_t slot = vm_.global_slot(qualified(name));
    globals_[std::string(name)] = slot;
    return slot;
  }

  void declare_item(Node* n, CompiledModule& out) {
    switch (n->kind) {
      case NodeKind::Fn: {
        std::string name(text(n->kids[0]));
        std::uint32_t slot = define_global(name);
        fns_[name] = n;
        if (name == "main") {
          out.has_main = true;
          out.main_slot = slot;
        }
        break;
      }
      case NodeKind::Binding: declare_pattern_globals(n->kids[0]); break;
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Enum: declare_type(n); break;
      case NodeKind::Use: import(n); break;
      case NodeKind::Trait: traits_[std::string(text(n->kids[0]))] = n; break;
      default: break;
    }
  }

  void declare_pattern_globals(Node* p) {
    if (p == nullptr) return;
    if (p->kind == NodeKind::PatBind) {
      define_global(text(p));
      return;
    }
    if (p->kind == NodeKind::PatRest) {
      std::string_view rest = text(p);
      while (!rest.empty() && (rest[0] == '.' || rest[0] == ' ')) rest.remove_prefix(1);
      if (!rest.empty() && rest != "_") define_global(rest);
      return;
    }
    for (std::uint32_t i = 0; i < p->count; ++i) declare_pattern_globals(p->kids[i]);
  }

  Node* members(Node* n) {
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::Members) return n->kids[i];
    return nullptr;
  }

  void declare_type(Node* n) {
    auto t = std::make_unique<TypeInfo>();
    t->name = std::string(text(n->kids[0]));
    t->kind = n->kind == NodeKind::Class ? TypeInfo::Kind::Class : n->kind == NodeKind::Enum ? TypeInfo::Kind::Enum : TypeInfo::Kind::Struct;
    TypeInfo* ti = vm_.new_type(std::move(t));
    types_[ti->name] = ti;
    type_nodes_[ti] = n;
    Node* m = members(n);
    if (m == nullptr) return;
    for (std::uint32_t i = 0; i < m->count; ++i) {
      Node* k = m->kids[i];
      if (k == nullptr) continue;
      if (k->kind == NodeKind::Field && ti->kind != TypeInfo::Kind::Enum) {
        std::string fname(tok_text(k));
        ti->field_index[name_id(fname)] = static_cast<std::uint32_t>(ti->fields.size());
        ti->fields.push_back(fname);
        field_defaults_[ti].push_back(default_of_field(k));
      } else if (k->kind == NodeKind::Variant) {
        Variant v;
        v.name = std::string(tok_text(k));
        if (k->count > 0 && k->kids[0] && k->kids[0]->kind == NodeKind::Params) {
          Node* ps = k->kids[0];
          for (std::uint32_t j = 0; j < ps->count; ++j) {
            Node* f = ps->kids[j];
            v.fields.push_back(f && f->kind == NodeKind::Field ? std::string(tok_text(f)) : std::string());
          }
          v.arity = v.fields.size();
        }
        std::uint32_t idx = static_cast<std::uint32_t>(ti->variants.size());
        if (v.arity == 0) v.unit = Value::object(new EnumObj(ti, idx));
        ti->variants.push_back(std::move(v));
        std::uint32_t vid = vm_.variant_id(ti, idx);
        variant_by_name_[ti->variants.back().name].push_back(vid);
      }
    }
  }

  static Node* default_of_field(Node* f) {
    for (std::uint32_t i = 0; i < f->count; ++i) {
      Node* k = f->kids[i];
      if (k && !is_type_node(k) && k->kind != NodeKind::Visibility) return k;  // pub(friend) x: i64
    }
    return nullptr;
  }

  static bool is_type_node(const Node* k) {
    switch (k->kind) {
      case NodeKind::TypeName:
      case NodeKind::TypeArray:
      case NodeKind::TypeDict:
      case NodeKind::TypeTuple:
      case NodeKind::TypeFn:
      case NodeKind::TypeOptional:
      case NodeKind::TypeUnion:
      case NodeKind::GenericArgs: return true;
      default: return false;
    }
  }

  void import(Node* n) {
    // Use kids: the Relative dots, path Names, then a UseItem list or an Alias.
    std::vector<std::string> path;
    std::vector<std::pair<std::string, std::string>> items;  // (name, alias)
    std::string alias;                                       // `use a.b.X as Y`
    bool wildcard = n->has(syntax::kFlagWildcard);
    int dots = 0;
    for (std::uint32_t i = 0; i < n->count; ++i) {
      Node* k = n->kids[i];
      if (k == nullptr) continue;
      if (k->kind == NodeKind::Relative) {
        std::string_view written = text(k);
        dots = static_cast<int>(std::count(written.begin(), written.end(), '.'));
      }
      if (k->kind == NodeKind::Name) path.emplace_back(text(k));
      if (k->kind == NodeKind::Alias) alias = text(k);
      if (k->kind == NodeKind::UseItem) imported_items(k, items, wildcard);
    }
    std::string dir = std::filesystem::path(file_->path).parent_path().string();
    std::string file = vm_.resolve_module(dir, path, dots);
    if (items.empty() && !wildcard && !path.empty()) {
      // `use a.b.X`: the last segment is a name inside module a.b, unless a.b.X is a module.
      std::string whole = vm_.resolve_module(dir, path, dots);
      std::vector<std::string> parent(path.begin(), path.end() - 1);
      std::string pfile = parent.empty() ? std::string() : vm_.resolve_module(dir, parent, dots);
      if (!pfile.empty() && (whole.empty() || whole == pfile)) {
        file = pfile;
        items.emplace_back(path.back(), alias.empty() ? path.back() : alias);
      }
    }
    if (!file.empty()) vm_.load_module(file);
    if (wildcard && !file.empty()) {
      // `use a.b.*`: every top-level name of the module.
      for (const auto& [name, slot] : vm_.module_globals(file)) globals_.emplace(name, slot);
    }
    for (auto& [name, alias] : items) {
      if (!file.empty() && vm_.has_global(file + "::" + name)) {
        globals_[alias] = vm_.global_slot(file + "::" + name);
      } else if (TypeInfo* t = vm_.find_type(name)) {
        types_[alias] = t;
      } else if (vm_.has_global(name)) {
        globals_[alias] = vm_.global_slot(name);  // provided by the runtime (std.spec's describe, ...)
      } else if (file.empty() && !path.empty() && (path[0] == "std" || path[0] == "lib")) {
        fail(n, fmt::format("module `{}` not found in the standard library", join(path)));
      } else if (!file.empty()) {
        fail(n, fmt::format("module `{}` has no `{}`", join(path), name));
      }
      // An unknown non-std module: names stay unresolved and are reported where used.
    }
  }

  // The (name, alias) pairs of `{x, y as z}` (UseItems) or `(x, y)` (Names); `{*}` is a wildcard.
  void imported_items(Node* list, std::vector<std::pair<std::string, std::string>>& items, bool& wildcard) {
    for (std::uint32_t i = 0; i < list->count; ++i) {
      Node* item = list->kids[i];
      if (item == nullptr) continue;
      if (item->has(syntax::kFlagWildcard)) {
        wildcard = true;
      } else if (item->kind == NodeKind::Name) {
        items.emplace_back(text(item), text(item));
      } else if (item->kind == NodeKind::UseItem) {
        std::string name(tok_text(item));
        Node* last = item->kid(item->count - 1);
        items.emplace_back(name, last && last->kind == NodeKind::Alias ? std::string(text(last)) : name);
      }
    }
  }

  static std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ".") + p;
    return s;
  }

  void collect_me_methods(Node* n) {
    if (n->kind != NodeKind::Impl && n->kind != NodeKind::Class && n->kind != NodeKind::Struct) return;
    Node* m = members(n);
    if (!m) return;
    for (std::uint32_t i = 0; i < m->count; ++i) {
      Node* f = m->kids[i];
      if (f && f->kind == NodeKind::Fn && f->has(syntax::kFlagMutating)) {
        vm_.add_mutating_name(name_id(text(f->kids[0])));
        user_me_names_.emplace(text(f->kids[0]));
      }
    }
  }

  TypeInfo* type_named(std::string_view name) {
    auto it = types_.find(std::string(name));
    if (it != types_.end()) return it->second;
    return repl_ ? vm_.find_type(std::string(name)) : nullptr;
  }

  void define_item(Node* n) {
    switch (n->kind) {
      case NodeKind::Fn: {
        std::string name(text(n->kids[0]));
        Value fn = n->has(syntax::kFlagExtern) || body_of(n) == nullptr ? extern_function(n) : make_function(n, name, nullptr, false);
        Value& g = vm_.global(globals_[name]);
        release(g);
        g = fn;
        break;
      }
      case NodeKind::Class:
      case NodeKind::Struct: {
        TypeInfo* t = type_named(text(n->kids[0]));
        add_methods(t, members(n));
        for (std::size_t i = 0; i < t->fields.size(); ++i) {
          Node* d = field_defaults_[t][i];
          t->field_defaults.push_back(
              d ? make_thunk(d, fmt::format("<default {}.{}>", t->name, t->fields[i])) : Value::nil());
        }
        break;
      }
      case NodeKind::Impl: {
        Node* target = nullptr;
        Node* mem = nullptr;
        for (std::uint32_t i = 0; i < n->count; ++i) {
          Node* k = n->kids[i];
          if (k && k->kind == NodeKind::TypeName) target = k;
          if (k && k->kind == NodeKind::Members) mem = k;
        }
        if (!target) return;
        Node* trait = nullptr;
        for (std::uint32_t i = 0; i < n->count; ++i)
          if (n->kids[i] && n->kids[i]->kind == NodeKind::TypeName && n->kids[i] != target) trait = n->kids[i];
        TypeInfo* t = type_named(tok_text(target));
        auto tr = trait ? traits_.find(std::string(tok_text(trait))) : traits_.end();
        if (t == nullptr) {
          // `impl i64:`, `impl text:`: methods for every value of a builtin kind.
          std::optional<std::uint8_t> kind = builtin_kind(tok_text(target));
          if (!kind) fail(target, fmt::format("`impl` for `{}`: no such type in this module", tok_text(target)));
          add_builtin_methods(*kind, mem, false);
          if (tr != traits_.end()) add_builtin_methods(*kind, members(tr->second), true);
          break;
        }
        add_methods(t, mem);
        // A trait's default methods serve every type that implements it without its own.
        if (tr != traits_.end()) add_methods(t, members(tr->second), /*only_missing=*/true);
        break;
      }
      default: break;
    }
  }

  Value extern_function(Node* n) {
    std::string name(text(n->kids[0]));
    Node* params = n->kids[2];
    ExternSignature sig;
    sig.name = name;
    for (std::uint32_t i = 0; params && i < params->count; ++i) {
      Node* p = params->kids[i];
      Node* ty = p && p->count > 0 ? p->kids[0] : nullptr;
      sig.params.push_back(extern_type(ty ? std::string(tok_text(ty)) : "", p));
    }
    Node* ret = n->count > 3 ? n->kids[3] : nullptr;
    sig.result = ret ? extern_type(std::string(tok_text(ret)), ret) : ExternType::Void;
    std::string error;
    Value fn = bind_extern(vm_, sig, error);
    if (fn.is_nil()) fail(n, error);
    return fn;
  }

  ExternType extern_type(const std::string& t, const Node* at) {
    if (t == "i64" || t == "i32" || t == "u64" || t == "u32" || t == "i16" || t == "u16" || t == "i8" || t == "u8") return ExternType::I64;
    if (t == "f64" || t == "f32") return ExternType::F64;
    if (t == "bool") return ExternType::Bool;
    if (t == "text" || t == "str") return ExternType::Text;
    if (t == "rt_value" || t == "any" || t == "Any") return ExternType::Value;
    if (t.empty() || t == "()" || t == "void") return ExternType::Void;
    fail(at, fmt::format("extern fn: type `{}` cannot cross the C boundary (use i64, f64, bool, text or rt_value)", t));
  }

  void add_methods(TypeInfo* t, Node* mem, bool only_missing = false) {
    if (!mem) return;
    for (std::uint32_t i = 0; i < mem->count; ++i) {
      Node* f = mem->kids[i];
      if (!f || f->kind != NodeKind::Fn || body_of(f) == nullptr) continue;
      std::string name(text(f->kids[0]));
      if (only_missing && (t->methods.count(name_id(name)) || t->statics.count(name_id(name)))) continue;
      bool is_static = f->has(syntax::kFlagStatic);
      Value fn = make_function(f, name, is_static ? nullptr : t, f->has(syntax::kFlagMutating));
      auto& table = is_static ? t->statics : t->methods;
      std::uint32_t id = name_id(name);
      auto it = table.find(id);
      if (it != table.end()) release(it->second);
      table[id] = fn;
      if (f->has(syntax::kFlagMutating)) t->mutating[id] = true;
    }
  }

  static std::optional<std::uint8_t> builtin_kind(std::string_view name) {
    static const std::unordered_map<std::string_view, std::uint8_t> kinds = {
        {"i8", kKindInt},   {"i16", kKindInt},  {"i32", kKindInt},     {"i64", kKindInt},    {"int", kKindInt},
        {"u8", kKindInt},   {"u16", kKindInt},  {"u32", kKindInt},     {"u64", kKindInt},    {"isize", kKindInt},
        {"usize", kKindInt}, {"f32", kKindFloat}, {"f64", kKindFloat}, {"float", kKindFloat}, {"text", kKindStr},
        {"str", kKindStr},  {"String", kKindStr}, {"bool", kKindBool}};
    auto k = kinds.find(name);
    if (k == kinds.end()) return std::nullopt;
    return k->second;
  }

  // The methods of `impl i64:` (and the like): closures with `self` registered VM-wide for the
  // kind, in front of the builtin methods of the same name.
  void add_builtin_methods(std::uint8_t kind, Node* mem, bool only_missing) {
    if (!mem) return;
    for (std::uint32_t i = 0; i < mem->count; ++i) {
      Node* f = mem->kids[i];
      if (!f || f->kind != NodeKind::Fn || body_of(f) == nullptr) continue;
      std::string name(text(f->kids[0]));
      if (f->has(syntax::kFlagStatic) || f->has(syntax::kFlagMutating))
        fail(f, fmt::format("`{}`: a builtin type can have ordinary methods only (no `static` or `me` ones yet)", name));
      std::uint32_t id = name_id(name);
      if (only_missing && !vm_.builtin_method(kind, id).is_nil()) continue;
      Proto* p = compile_function(f->kids[2], body_of(f), name, /*method=*/true, false, f, nullptr);
      vm_.define_value_method(kind, id, Value::object(new ClosureObj(p)));
    }
  }

  static Node* body_of(Node* fn) {
    Node* last = fn->count > 4 ? fn->kids[4] : nullptr;
    return last;
  }

  // ---- functions --------------------------------------------------------------------------
  // Compiles a declared function (module level or method) to a closure value without captures.
  // A closure of no arguments that evaluates expr (a module-level function for it).
  Value make_thunk(Node* expr, const std::string& name) {
    return Value::object(new ClosureObj(compile_function(nullptr, expr, name, false, false, expr, nullptr)));
  }

  Value make_function(Node* fn, const std::string& name, TypeInfo* self_type, bool mutating) {
    Proto* p = compile_function(fn->kids[2], body_of(fn), name, self_type != nullptr, mutating, fn, nullptr);
    return Value::object(new ClosureObj(p));
  }

  Proto* compile_function(Node* params, Node* body, const std::string& name, bool method, bool mutating, const Node* at,
                          FnState* parent) {
    auto proto = std::make_unique<Proto>();
    proto->name = name;
    proto->file = file_;
    proto->mutating = mutating;
    proto->def_offset = at->begin;
    Proto* p = vm_.new_proto(std::move(proto));
    FnState st;
    st.parent = parent;
    st.proto = p;
    st.self_name = parent ? name : std::string();
    st.offset = at->begin;
    collect_inner_refs(body, st.inner_refs, false);
    FnState* saved = fs_;
    fs_ = &st;
    push_scope();
    if (method) declare("self", true);
    std::vector<std::pair<std::uint16_t, Node*>> defaults;
    for (std::uint32_t i = 0; params && i < params->count; ++i) {
      Node* prm = params->kids[i];
      if (!prm || prm->kind != NodeKind::Param) continue;
      std::string pname(tok_text(prm));
      if (pname == "self") continue;
      std::uint16_t r = alloc();
      fs_->scopes.back().push_back({pname, r, false, false});
      if (prm->has(syntax::kFlagVariadic)) p->variadic = true;
      for (std::uint32_t j = 0; j < prm->count; ++j)
        if (prm->kids[j] && !is_type_node(prm->kids[j])) defaults.push_back({r, prm->kids[j]});
    }
    p->nparams = fs_->free;
    for (auto& [reg, expr] : defaults) {
      // Missing arguments arrive as nil (so do named calls that skip a parameter).
      std::size_t skip = emit(Op::JumpIfNotNil, reg);
      expr_into(expr, reg);
      patch_here(skip);
    }
    std::uint16_t result = alloc();
    if (body) {
      if (body->kind == NodeKind::Block) {
        block_value(body, result, true);
      } else {
        expr_into(body, result);
      }
    } else {
      emit(Op::LoadNil, result);
    }
    emit(Op::Return, result);
    finish_proto(st);
    fs_ = saved;
    return p;
  }

  void finish_proto(FnState& st) {
    Proto* p = st.proto;
    p->nregs = st.max;  // registers 0..max-1: alloc() never hands out max itself
    p->caches.resize(p->code.size());
    p->feedback.assign(p->code.size(), 0);
  }

  // Names used inside nested functions (lambdas, trailing blocks, nested fns).
  void collect_inner_refs(const Node* n, std::unordered_set<std::string>& out, bool inside) {
    if (n == nullptr) return;
    bool nested = n->kind == NodeKind::Lambda || n->kind == NodeKind::Fn ||
                  (n->kind == NodeKind::Block && inside_trailing_block_.count(n));
    if ((inside || nested) && n->kind == NodeKind::Name) out.emplace(text(n));
    if (n->kind == NodeKind::Call) {
      for (std::uint32_t i = 1; i < n->count; ++i)
        if (n->kids[i] && n->kids[i]->kind == NodeKind::Block) inside_trailing_block_.insert(n->kids[i]);
    }
    for (std::uint32_t i = 0; i < n->count; ++i) collect_inner_refs(n->kids[i], out, inside || nested);
  }

  // ---- statements -----------------------------------------------------------------------
  // Compiles a block; its last expression's value goes to dst (kNoReg: discarded).
  // function_body: the block's value is the function's result, so errdefers run when it is an `Err`.
  void block_value(Node* block, std::uint16_t dst, bool function_body = false) {
    std::uint16_t save = fs_->free;
    push_scope();
    bool valued = false;
    for (std::uint32_t i = 0; i < block->count; ++i) {
      Node* s = block->kids[i];
      if (s == nullptr) continue;
      bool last = i + 1 == block->count;
      if (last && dst != kNoReg && produces_value(s)) {
        value_statement(s, dst);
        valued = true;
      } else {
        statement(s);
      }
    }
    if (!valued && dst != kNoReg) emit(Op::LoadNil, dst);
    const std::size_t own = fs_->scopes.size() - 1;
    run_defers(own, function_body && defers_pending(own, true) ? is_err(dst) : kNoReg);
    pop_scope(save);
  }

  // `with m1 as a, m2: body`: each manager's `__enter__()` result is bound to its name, and its
  // `__exit__(nil, nil, nil)` runs however the body is left (the end, return, break, continue, `?`).
  // Its value is the body's.
  void with_statement(Node* n, std::uint16_t dst) {
    const std::uint16_t save = fs_->free;
    push_scope();
    for (std::uint32_t i = 0; i + 1 < n->count; ++i) {
      Node* item = n->kids[i];
      if (item == nullptr) continue;
      Node* name = nullptr;
      if (item->kind == NodeKind::Cast && item->kids[1] && item->kids[1]->kind == NodeKind::TypeName &&
          item->kids[1]->count == 0) {
        name = item->kids[1];
        item = item->kids[0];
      }
      std::uint16_t manager = alloc();
      expr_into(item, manager);
      fs_->offset = n->kids[i]->begin;
      // The call's window, just above the manager, is where `__enter__`'s result lands: the name's register.
      std::uint16_t entered = call_method_of(manager, "__enter__", 0);
      if (name != nullptr) {
        std::string bound(text(name));
        fs_->scopes.back().push_back({bound, entered, fs_->inner_refs.count(bound) != 0, false});
        init_local(entered);
      } else {
        fs_->free = entered;
      }
      fs_->defers.back().push_back(Deferred{nullptr, false, manager, fs_->scopes.back().size()});
    }
    block_value(n->kids[n->count - 1], dst);
    run_defers(fs_->scopes.size() - 1, kNoReg);
    pop_scope(save);
  }

  static bool produces_value(const Node* s) {
    switch (s->kind) {
      case NodeKind::ExprStmt:
      case NodeKind::If:
      case NodeKind::Match:
      case NodeKind::With:
      case NodeKind::IfVal: return true;
      default: return false;
    }
  }

  void value_statement(Node* s, std::uint16_t dst) {
    fs_->offset = s->begin;
    switch (s->kind) {
      case NodeKind::ExprStmt: expr_into(s->kids[0], dst); break;
      case NodeKind::If: if_into(s, dst); break;
      case NodeKind::Match: match_into(s, dst); break;
      case NodeKind::IfVal: if_val_into(s, dst); break;
      case NodeKind::With: with_statement(s, dst); break;
      default: statement(s); emit(Op::LoadNil, dst);
    }
  }

  void statement(Node* s) {
    fs_->offset = s->begin;
    std::uint16_t save = fs_->free;
    switch (s->kind) {
      case NodeKind::ExprStmt: {
        Node* e = s->kids[0];
        if (e && e->kind == NodeKind::Call) {
          call_into(e, kNoReg);
        } else {
          expr_any(e);
        }
        fs_->free = save;
        break;
      }
      case NodeKind::Binding: binding(s); break;
      case NodeKind::Assign: assign(s); fs_->free = save; break;
      case NodeKind::If: if_into(s, kNoReg); fs_->free = save; break;
      case NodeKind::IfVal: if_val_into(s, kNoReg); fs_->free = save; break;
      case NodeKind::Match: match_into(s, kNoReg); fs_->free = save; break;
      case NodeKind::While: while_loop(s); fs_->free = save; break;
      case NodeKind::Loop: loop_forever(s); fs_->free = save; break;
      case NodeKind::For: for_loop(s); fs_->free = save; break;
      case NodeKind::Return: {
        if (fs_->top_level) fail(s, "`return` outside a function");
        refuse_exit_from_defer(s, "return");
        if (s->count > 0 && s->kids[0]) {
          std::uint16_t r = expr_any(s->kids[0]);
          if (defers_pending(0)) {
            r = detach_result(r);
            run_defers(0, defers_pending(0, true) ? is_err(r) : kNoReg);
          }
          emit(Op::Return, r);
        } else {
          run_defers(0, kNoReg);
          emit(Op::ReturnNil);
        }
        fs_->free = save;
        break;
      }
      case NodeKind::Break:
      case NodeKind::Continue: {
        const bool is_break = s->kind == NodeKind::Break;
        if (fs_->loops.size() <= fs_->loop_floor) {
          refuse_exit_from_defer(s, is_break ? "break" : "continue");
          fail(s, is_break ? "`break` outside a loop" : "`continue` outside a loop");
        }
        run_defers(fs_->loops.back().depth, kNoReg);
        Loop& loop = fs_->loops.back();
        (is_break ? loop.breaks : loop.continues).push_back(emit(Op::Jump));
        fs_->free = save;
        break;
      }
      case NodeKind::Defer:
        fs_->defers.back().push_back(
            Deferred{s->kids[0], tok_text(s) == "errdefer", kNoReg, fs_->scopes.back().size()});
        break;
      case NodeKind::With: with_statement(s, kNoReg); fs_->free = save; break;
      case NodeKind::Pass:
      case NodeKind::Docstring:
      case NodeKind::Use:
      case NodeKind::Attribute:
      case NodeKind::Decorator:
      case NodeKind::Trait:
      case NodeKind::TypeAlias: break;
      case NodeKind::Assert: {
        std::uint16_t c = expr_any(s->kids[0]);
        std::size_t ok = emit(Op::JumpIfTrue, c);
        std::uint16_t msg = kNoReg;
        if (s->count > 1 && s->kids[1]) msg = expr_any(s->kids[1]);
        std::uint16_t k = constant(make_str("assertion failed: " + std::string(text(s->kids[0]))));
        emit(Op::AssertFail, msg, k);
        patch_here(ok);
        fs_->free = save;
        break;
      }
      case NodeKind::Fn: {
        // A nested function: a local holding a closure.
        std::string name(text(s->kids[0]));
        std::uint16_t r = declare(name, false);
        Proto* p = compile_function(s->kids[2], body_of(s), name, false, false, s, fs_);
        emit(Op::Closure, r, proto_index(p));
        break;
      }
      case NodeKind::Struct:
      case NodeKind::Class:
      case NodeKind::Enum:
      case NodeKind::Impl: fail(s, "types declared inside a block are not supported yet; declare them at module level");
      case NodeKind::Block: block_value(s, kNoReg); fs_->free = save; break;
      case NodeKind::Unsafe: branch(s->kids[s->count - 1], kNoReg); fs_->free = save; break;
      default: not_yet(s, "statements");
    }
  }

  std::uint16_t proto_index(Proto* p) {
    if (p->id > 0xFFFF) fail(nullptr, "too many functions");
    return static_cast<std::uint16_t>(p->id);
  }

  void binding(Node* s) {
    Node* pat = s->kids[0];
    Node* init = s->count > 2 ? s->kids[2] : nullptr;
    bool mut = s->has(syntax::kFlagMutable);
    if (fs_->top_level && fs_->scopes.size() == 1) {
      // Module-level: a global.
      std::uint16_t save = fs_->free;
      std::uint16_t r = alloc();
      if (init) expr_into(init, r); else emit(Op::LoadNil, r);
      if (pat->kind == NodeKind::PatBind) {
        emit(Op::SetGlobal, r, static_cast<std::uint16_t>(globals_.at(std::string(text(pat)))));
      } else {
        // Destructure into temporaries, then publish each bound name.
        std::size_t before = fs_->scopes.back().size();
        std::vector<std::size_t> fails;
        pattern(pat, r, fails, mut);
        if (!fails.empty()) {
          std::size_t ok = emit(Op::Jump);
          for (std::size_t f : fails) patch_here(f);
          emit(Op::AssertFail, kNoReg, constant(make_str("value does not match the pattern of `" + std::string(text(pat)) + "`")));
          patch_here(ok);
        }
        auto& scope = fs_->scopes.back();
        for (std::size_t i = before; i < scope.size(); ++i) {
          auto g = globals_.find(scope[i].name);
          if (g == globals_.end()) fail(pat, fmt::format("cannot bind `{}` at module level", scope[i].name));
          emit(Op::SetGlobal, scope[i].reg, static_cast<std::uint16_t>(g->second));
        }
        scope.resize(before);
      }
      fs_->free = save;
      return;
    }
    if (pat->kind == NodeKind::PatBind) {
      std::uint16_t r = alloc();
      if (init) expr_into(init, r); else emit(Op::LoadNil, r);
      fs_->free = static_cast<std::uint16_t>(r + 1);
      fs_->scopes.back().push_back({std::string(text(pat)), r, mut && fs_->inner_refs.count(std::string(text(pat))) != 0, mut, !mut});
      init_local(r);
      return;
    }
    std::uint16_t v = alloc();
    if (init) expr_into(init, v); else emit(Op::LoadNil, v);
    std::vector<std::size_t> fails;
    pattern(pat, v, fails, mut);
    if (!fails.empty()) {
      std::size_t ok = emit(Op::Jump);
      for (std::size_t f : fails) patch_here(f);
      // Decorators and `pub(scope)` follow as trailing kids: only a Block is the else branch.
      Node* else_block = s->count > 3 && s->kids[3] && s->kids[3]->kind == NodeKind::Block ? s->kids[3] : nullptr;
      if (else_block) {
        block_value(else_block, kNoReg);
      } else {
        std::uint16_t k = constant(make_str("value does not match the pattern of `" + std::string(text(pat)) + "`"));
        emit(Op::AssertFail, kNoReg, k);
      }
      patch_here(ok);
    }
  }

  // ---- assignment -------------------------------------------------------------------------
  void assign(Node* s) {
    Operator op = s->op;
    Node* target = s->kids[0];
    Node* value = s->kids[1];
    if (op == Operator::None) {
      // `x = x.method(...)`: the receiver moves out of x for the call, so an update of a value
      // held once happens in place.
      if (target->kind == NodeKind::Name && value->kind == NodeKind::Call && value->count > 0 && value->kids[0] &&
          value->kids[0]->kind == NodeKind::FieldAccess && value->kids[0]->kids[0]->kind == NodeKind::Name &&
          text(value->kids[0]->kids[0]) == text(target)) {
        Resolved r = resolve(std::string(text(target)));
        if (r.kind == Resolved::Local && !r.cell) {
          check_assignable(target, r);
          call_into(value, r.index, /*move_receiver=*/true);
          return;
        }
      }
      if (target->kind == NodeKind::Name) {
        Resolved r = resolve(std::string(text(target)));
        if (r.kind == Resolved::Local && !r.cell) {
          check_assignable(target, r);
          expr_into(value, r.index);
          return;
        }
      }
      store(target, expr_any(value));
      return;
    }
    Op arith = Op::Add;
    switch (op) {
      case Operator::Add: arith = Op::Add; break;
      case Operator::Sub: arith = Op::Sub; break;
      case Operator::Mul: arith = Op::Mul; break;
      case Operator::Div: arith = Op::Div; break;
      case Operator::Mod: arith = Op::Mod; break;
      case Operator::Pow: arith = Op::Pow; break;
      default: fail(s, fmt::format("assignment operator `{}` is not supported", tok_text(s)));
    }
    if (target->kind == NodeKind::Name) {
      Resolved r = resolve(std::string(text(target)));
      if (r.kind == Resolved::Local && !r.cell) {
        check_assignable(target, r);
        if ((arith == Op::Add || arith == Op::Sub) && value->kind == NodeKind::IntLit) {
          Value k = unboxed_literal(value);
          if (k.is_int48() && k.int48() >= -32767 && k.int48() <= 32767) {
            std::int64_t imm = arith == Op::Add ? k.int48() : -k.int48();
            emit(Op::AddImm, r.index, r.index, static_cast<std::uint16_t>(static_cast<std::int16_t>(imm)));
            return;
          }
        }
        std::uint16_t rhs = expr_any(value);
        emit(arith, r.index, r.index, rhs);
        return;
      }
    }
    std::uint16_t cur = alloc();
    expr_into(target, cur);
    std::uint16_t rhs = expr_any(value);
    emit(arith, cur, cur, rhs);
    store(target, cur);
  }

  void check_assignable(const Node* target, const Resolved& r) {
    if (!r.mut) fail(target, fmt::format("cannot assign twice to `{}`: it is declared with `val` (use `var` to make it mutable)", text(target)));
  }

  // Writes the value in register v into a place: a name, a field or an index.
  void store(Node* target, std::uint16_t v) {
    switch (target->kind) {
      case NodeKind::Name: {
        std::string name(text(target));
        Resolved r = resolve(name);
        switch (r.kind) {
          case Resolved::Local:
            check_assignable(target, r);
            if (r.cell) {
              emit(Op::SetCell, r.index, v);
            } else if (r.index != v) {
              emit(Op::Move, r.index, v);
            }
            return;
          case Resolved::Up: {
            if (!r.cell) fail(target, fmt::format("cannot assign to `{}` captured from an enclosing function (declare it with `var`)", name));
            std::uint16_t cell = alloc();
            emit(Op::GetUp, cell, r.index);
            emit(Op::SetCell, cell, v);
            return;
          }
          case Resolved::Global: emit(Op::SetGlobal, v, r.index); return;
          default: fail(target, undefined_message(name));
        }
      }
      case NodeKind::FieldAccess: {
        Place obj = take_place(target->kids[0]);
        std::string_view field = text(target->kids[1]);
        emit(Op::SetField, obj.reg, name16(field), v);
        put_back(obj);
        return;
      }
      case NodeKind::Index: {
        Place obj = take_place(target->kids[0]);
        std::uint16_t idx = expr_any(target->kids[1]);
        emit(Op::SetIndex, obj.reg, idx, v);
        put_back(obj);
        return;
      }
      default: fail(target, "this is not a place that can be assigned");
    }
  }

  // A place whose value is moved into a register for an in-place update, then written back.
  struct Place {
    Node* node;
    std::uint16_t reg;
    bool write_back;
    int outer = -1;          // the place holding the object, for fields and indexes (outer_places_)
    std::uint16_t key = 0;   // index register
  };

  Place take_place(Node* n) {
    switch (n->kind) {
      case NodeKind::Name: {
        Resolved r = resolve(std::string(text(n)));
        if (r.kind == Resolved::Local && !r.cell) return {n, r.index, false};
        if (r.kind == Resolved::Global) {
          std::uint16_t t = alloc();
          emit(Op::GetGlobal, t, r.index, 0, 1);
          return {n, t, true};
        }
        std::uint16_t t = alloc();
        expr_into(n, t);
        return {n, t, true};
      }
      case NodeKind::FieldAccess: {
        if (is_self(n->kids[0]) || n->kids[0]->kind == NodeKind::Name || n->kids[0]->kind == NodeKind::FieldAccess ||
            n->kids[0]->kind == NodeKind::Index) {
          Place outer = take_place(n->kids[0]);
          std::uint16_t t = alloc();
          emit(Op::TakeField, t, outer.reg, name16(text(n->kids[1])));
          outer_places_.push_back(outer);
          return Place{n, t, true, static_cast<int>(outer_places_.size() - 1)};
        }
        break;
      }
      case NodeKind::Index: {
        Place outer = take_place(n->kids[0]);
        std::uint16_t idx = expr_any(n->kids[1]);
        std::uint16_t t = alloc();
        emit(Op::TakeIndex, t, outer.reg, idx);
        outer_places_.push_back(outer);
        return Place{n, t, true, static_cast<int>(outer_places_.size() - 1), idx};
      }
      default: break;
    }
    std::uint16_t t = alloc();
    expr_into(n, t);
    return {n, t, false};
  }

  void put_back(const Place& p) {
    if (!p.write_back) return;
    Node* n = p.node;
    switch (n->kind) {
      case NodeKind::Name: {
        Resolved r = resolve(std::string(text(n)));
        if (r.kind == Resolved::Global) {
          emit(Op::SetGlobal, p.reg, r.index);
        } else if (r.kind == Resolved::Local && r.cell) {
          emit(Op::SetCell, r.index, p.reg);
        } else if (r.kind == Resolved::Up && r.cell) {
          // A `var` captured from an enclosing function: its cell receives the updated value.
          std::uint16_t cell = alloc();
          emit(Op::GetUp, cell, r.index);
          emit(Op::SetCell, cell, p.reg);
        }
        return;
      }
      case NodeKind::FieldAccess: {
        Place outer = outer_places_[static_cast<std::size_t>(p.outer)];
        emit(Op::SetField, outer.reg, name16(text(n->kids[1])), p.reg);
        put_back(outer);
        return;
      }
      case NodeKind::Index: {
        Place outer = outer_places_[static_cast<std::size_t>(p.outer)];
        emit(Op::SetIndex, outer.reg, p.key, p.reg);
        put_back(outer);
        return;
      }
      default: return;
    }
  }

  bool receiver_is_val(const Node* obj) {
    if (obj->kind != NodeKind::Name) return false;
    Resolved r = resolve(std::string(text(obj)));
    return r.kind == Resolved::Local && r.is_val;
  }

  bool is_self(const Node* n) const { return n->kind == NodeKind::Name && text(n) == "self"; }

  // ---- control flow -----------------------------------------------------------------------
  void cond_jump_false(Node* cond, std::vector<std::size_t>& fails) {
    std::uint16_t save = fs_->free;
    if (cond->kind == NodeKind::Binary && cond->op == Operator::And) {
      // Short-circuit by jumps: either side false fails the whole condition.
      cond_jump_false(cond->kids[0], fails);
      cond_jump_false(cond->kids[1], fails);
      return;
    }
    if (cond->kind == NodeKind::Binary && cond->op == Operator::Or) {
      // A true left side skips the right one; a false one falls to it.
      std::vector<std::size_t> left_fails;
      cond_jump_false(cond->kids[0], left_fails);
      std::size_t taken = emit(Op::Jump);
      for (std::size_t f : left_fails) patch_here(f);
      cond_jump_false(cond->kids[1], fails);
      patch_here(taken);
      return;
    }
    if (cond->kind == NodeKind::Binary) {
      // A comparison decides the jump itself, without a bool in between.
      Op fused = Op::Extra;
      switch (cond->op) {
        case Operator::Lt: fused = Op::JumpIfNotLt; break;
        case Operator::Le: fused = Op::JumpIfNotLe; break;
        case Operator::Gt: fused = Op::JumpIfNotGt; break;
        case Operator::Ge: fused = Op::JumpIfNotGe; break;
        case Operator::Eq: fused = Op::JumpIfNotEq; break;
        case Operator::Ne: fused = Op::JumpIfNotNe; break;
        default: break;
      }
      Node* l = cond->kids[0];
      bool chained = l->kind == NodeKind::Binary && is_comparison(l->op) && is_comparison(cond->op) && !l->has(syntax::kFlagParenthesized);
      if ((fused == Op::JumpIfNotEq || fused == Op::JumpIfNotNe) && !chained &&
          (l->kind == NodeKind::NilLit || cond->kids[1]->kind == NodeKind::NilLit)) {
        // `x != nil` / `x == nil`: only nil equals nil, so the nil test is the whole comparison.
        Node* other = l->kind == NodeKind::NilLit ? cond->kids[1] : l;
        std::uint16_t a = expr_any(other);
        fs_->offset = cond->begin;
        fails.push_back(emit(fused == Op::JumpIfNotNe ? Op::JumpIfNil : Op::JumpIfNotNil, a));
        fs_->free = save;
        return;
      }
      if (fused != Op::Extra && !chained) {
        std::uint16_t a = expr_any(l);
        Node* r = cond->kids[1];
        if (r->kind == NodeKind::IntLit) {
          // Against a small integer literal the immediate form skips loading it into a register.
          Value k = unboxed_literal(r);
          if (k.is_int48() && k.int48() >= INT16_MIN && k.int48() <= INT16_MAX) {
            fs_->offset = cond->begin;
            static_assert(static_cast<int>(Op::JumpIfNotNeI) - static_cast<int>(Op::JumpIfNotLtI) ==
                          static_cast<int>(Op::JumpIfNotNe) - static_cast<int>(Op::JumpIfNotLt));
            Op with_imm = static_cast<Op>(static_cast<int>(Op::JumpIfNotLtI) + (static_cast<int>(fused) - static_cast<int>(Op::JumpIfNotLt)));
            fails.push_back(emit(with_imm, a, static_cast<std::uint16_t>(static_cast<std::int16_t>(k.int48()))));
            fs_->free = save;
            return;
          }
        }
        std::uint16_t b = expr_any(r);
        fs_->offset = cond->begin;
        fails.push_back(emit(fused, a, b));
        fs_->free = save;
        return;
      }
    }
    std::uint16_t c = expr_any(cond);
    fails.push_back(emit(Op::JumpIfFalse, c));
    fs_->free = save;
  }

  void branch(Node* body, std::uint16_t dst) {
    if (body == nullptr) {
      if (dst != kNoReg) emit(Op::LoadNil, dst);
      return;
    }
    if (body->kind == NodeKind::Block) {
      block_value(body, dst);
    } else if (dst != kNoReg) {
      expr_into(body, dst);
    } else {
      std::uint16_t save = fs_->free;
      if (body->kind == NodeKind::Call) call_into(body, kNoReg); else expr_any(body);
      fs_->free = save;
    }
  }

  // If kids: condition, then, zero or more elif Ifs (condition, then), an optional else.
  void if_into(Node* n, std::uint16_t dst) {
    std::vector<std::size_t> fails;
    cond_jump_false(n->kids[0], fails);
    branch(n->kids[1], dst);
    elifs_and_else(n, 2, dst, fails);
  }

  // The kids of an if from `first` on: elifs (an If with a condition and a block, `else if`
  // parsed the same way, or an IfVal for `elif val`), then an optional else block. `fails` holds
  // the jumps taken when the branch before them does not apply.
  void elifs_and_else(Node* n, std::uint32_t first, std::uint16_t dst, std::vector<std::size_t>& fails) {
    std::vector<std::size_t> ends;
    Node* else_part = nullptr;
    for (std::uint32_t i = first; i < n->count; ++i) {
      Node* k = n->kids[i];
      if (k == nullptr) continue;
      if ((k->kind == NodeKind::If && k->count == 2) || (k->kind == NodeKind::IfVal && k->count == 3)) {
        ends.push_back(emit(Op::Jump));
        for (std::size_t f : fails) patch_here(f);
        fails.clear();
        elif_branch(k, dst, fails);
      } else {
        else_part = k;
      }
    }
    if (else_part || dst != kNoReg) {
      ends.push_back(emit(Op::Jump));
      for (std::size_t f : fails) patch_here(f);
      fails.clear();
      branch(else_part, dst);
    }
    for (std::size_t f : fails) patch_here(f);
    for (std::size_t e : ends) patch_here(e);
  }

  // One elif: a condition and its block, or `elif val pattern = value` and its block.
  void elif_branch(Node* k, std::uint16_t dst, std::vector<std::size_t>& fails) {
    if (k->kind == NodeKind::If) {
      cond_jump_false(k->kids[0], fails);
      branch(k->kids[1], dst);
      return;
    }
    std::uint16_t save = fs_->free;
    push_scope();
    std::uint16_t v = alloc();
    expr_into(k->kids[1], v);
    if (k->kids[0]->kind == NodeKind::PatBind) fails.push_back(emit(Op::JumpIfNil, v));  // `val x = opt`: x is present
    pattern(k->kids[0], v, fails, false);
    branch(k->kids[2], dst);
    pop_scope(save);
  }

  // IfVal kids: pattern, value, then, [elif Ifs], [else].
  void if_val_into(Node* n, std::uint16_t dst) {
    std::vector<std::size_t> fails;
    elif_branch(n, dst, fails);  // the same layout as `elif val`
    elifs_and_else(n, 3, dst, fails);
  }

  void match_into(Node* n, std::uint16_t dst) {
    std::uint16_t save = fs_->free;
    std::uint16_t subject = alloc();
    expr_into(n->kids[0], subject);
    std::vector<std::size_t> ends;
    for (std::uint32_t i = 1; i < n->count; ++i) {
      Node* arm = n->kids[i];
      if (arm == nullptr || arm->kind != NodeKind::Arm) continue;
      std::uint16_t arm_save = fs_->free;
      push_scope();
      std::vector<std::size_t> fails;
      // Leading pattern kids are alternatives (`case A, B:`); a non-pattern kid before the body is the guard.
      std::uint32_t npat = 0;
      while (npat + 1 < arm->count && arm->kids[npat] && is_pattern_kind(arm->kids[npat]->kind)) ++npat;
      if (npat == 0) npat = 1;
      std::vector<std::size_t> oks;
      for (std::uint32_t p = 0; p < npat; ++p) {
        std::vector<std::size_t> alt_fails;
        pattern(arm->kids[p], subject, alt_fails, false);
        if (p + 1 < npat) {
          oks.push_back(emit(Op::Jump));
          for (std::size_t f : alt_fails) patch_here(f);
        } else {
          fails.insert(fails.end(), alt_fails.begin(), alt_fails.end());
        }
      }
      for (std::size_t o : oks) patch_here(o);
      if (npat + 1 < arm->count && arm->kids[npat]) cond_jump_false(arm->kids[npat], fails);
      branch(arm->kids[arm->count - 1], dst);
      pop_scope(arm_save);
      ends.push_back(emit(Op::Jump));
      for (std::size_t f : fails) patch_here(f);
    }
    std::uint16_t k = constant(make_str("no match arm matches the value"));
    fs_->offset = n->begin;
    emit(Op::AssertFail, subject, k, 0, /*value after the message*/ 1);
    for (std::size_t e : ends) patch_here(e);
    fs_->free = save;
  }

  void while_loop(Node* n) {
    std::size_t top = here();
    std::vector<std::size_t> exits;
    cond_jump_false(n->kids[0], exits);
    open_loop();
    branch(n->kids[1], kNoReg);
    Loop loop = std::move(fs_->loops.back());
    fs_->loops.pop_back();
    for (std::size_t c : loop.continues) patch(c, top);
    std::size_t back = emit(Op::Jump);
    patch(back, top);
    for (std::size_t e : exits) patch_here(e);
    for (std::size_t b : loop.breaks) patch_here(b);
  }

  void loop_forever(Node* n) {
    std::size_t top = here();
    open_loop();
    branch(n->kids[0], kNoReg);
    Loop loop = std::move(fs_->loops.back());
    fs_->loops.pop_back();
    for (std::size_t c : loop.continues) patch(c, top);
    std::size_t back = emit(Op::Jump);
    patch(back, top);
    for (std::size_t b : loop.breaks) patch_here(b);
  }

  void for_loop(Node* n) {
    Node* pat = n->kids[0];
    Node* iter = n->kids[1];
    Node* body = n->kids[2];
    std::uint16_t save = fs_->free;
    if (iter->kind == NodeKind::Range && iter->kids[0] && iter->kid(1)) {
      // Numeric loop: counter, limit, step, loop variable.
      std::uint16_t base = alloc(4);
      expr_into(iter->kids[0], base);
      expr_into(iter->kids[1], static_cast<std::uint16_t>(base + 1));
      const bool stepped = iter->count > 2 && iter->kids[2];
      if (stepped) {
        expr_into(iter->kids[2], static_cast<std::uint16_t>(base + 2));
      } else {
        emit(Op::LoadInt, static_cast<std::uint16_t>(base + 2), 1);
      }
      std::uint8_t inclusive = iter->has(syntax::kFlagInclusive) ? 1 : 0;
      std::size_t prep = emit(Op::ForPrep, base, 0, 0, inclusive);
      std::size_t top = here();
      push_scope();
      std::vector<std::size_t> fails;
      bind_loop_var(pat, static_cast<std::uint16_t>(base + 3), fails);
      open_loop();
      branch(body, kNoReg);
      Loop loop = std::move(fs_->loops.back());
      fs_->loops.pop_back();
      pop_scope(static_cast<std::uint16_t>(base + 4));
      std::size_t next = here();
      for (std::size_t c : loop.continues) patch(c, next);
      for (std::size_t f : fails) patch(f, next);
      std::size_t back = emit(stepped ? Op::ForLoop : Op::ForLoopInc, base, 0, 0, inclusive);
      patch(back, top);
      patch_here(prep);
      for (std::size_t b : loop.breaks) patch_here(b);
      fs_->free = save;
      return;
    }
    std::uint16_t base = alloc(3);
    std::uint16_t src = alloc();
    expr_into(iter, src);
    emit(Op::IterPrep, base, src);
    std::size_t top = here();
    std::size_t next = emit(Op::IterNext, base);
    push_scope();
    std::vector<std::size_t> fails;
    std::uint16_t item = static_cast<std::uint16_t>(base + 2);
    if (pat->kind == NodeKind::PatTuple && text(pat).substr(0, 1) != "(" && pat->count == 2) {
      // `for i, x in xs`: destructures pairs (dict items), otherwise enumerates.
      std::uint16_t first = declare(std::string(text(pat->kids[0])), false);
      std::uint16_t second = declare(std::string(text(pat->kids[1])), false);
      std::uint16_t tmp = alloc();
      emit(Op::IsType, tmp, item, kKindTuple);
      std::size_t not_tuple = emit(Op::JumpIfFalse, tmp);
      emit(Op::TupleGet, first, item, 0);
      emit(Op::TupleGet, second, item, 1);
      std::size_t done = emit(Op::Jump);
      patch_here(not_tuple);
      emit(Op::LoadInt, tmp, 1);
      emit(Op::Sub, first, static_cast<std::uint16_t>(base + 1), tmp);
      emit(Op::Move, second, item);
      patch_here(done);
    } else {
      bind_loop_var(pat, item, fails);
    }
    open_loop();
    branch(body, kNoReg);
    Loop loop = std::move(fs_->loops.back());
    fs_->loops.pop_back();
    pop_scope(static_cast<std::uint16_t>(src + 1));
    for (std::size_t c : loop.continues) patch(c, top);
    for (std::size_t f : fails) patch(f, top);
    std::size_t back = emit(Op::Jump);
    patch(back, top);
    patch_here(next);
    for (std::size_t b : loop.breaks) patch_here(b);
    fs_->free = save;
  }

  void bind_loop_var(Node* pat, std::uint16_t item, std::vector<std::size_t>& fails) {
    if (pat->kind == NodeKind::PatBind) {
      std::string name(text(pat));
      if (fs_->inner_refs.count(name)) {
        // Captured by a closure in the body: each iteration gets its own binding.
        std::uint16_t r = declare(name, false);
        emit(Op::Move, r, item);
      } else {
        fs_->scopes.back().push_back({name, item, false, false});
      }
      return;
    }
    pattern(pat, item, fails, false);
  }

  // ---- patterns -------------------------------------------------------------------------
  // Emits tests of register v against pat; failing tests jump to the recorded fails.
  void pattern(Node* pat, std::uint16_t v, std::vector<std::size_t>& fails, bool mut) {
    fs_->offset = pat->begin;
    switch (pat->kind) {
      case NodeKind::PatWild:
      case NodeKind::PatRest: return;
      case NodeKind::PatBind: {
        std::string name(text(pat));
        if (std::size_t dot = name.rfind('.'); dot != std::string::npos) {
          // Enum.Variant without a payload.
          TypeInfo* t = type_named(name.substr(0, dot));
          std::string vname = name.substr(dot + 1);
          std::optional<std::uint32_t> vid;
          if (t)
            for (std::uint32_t i = 0; i < t->variants.size(); ++i)
              if (t->variants[i].name == vname) vid = vm_.variant_id(t, i);
          if (!vid) fail(pat, fmt::format("unknown enum variant `{}`", name));
          std::uint16_t t2 = alloc();
          emit(Op::IsVariant, t2, v, static_cast<std::uint16_t>(*vid));
          fails.push_back(emit(Op::JumpIfFalse, t2));
          return;
        }
        if (name == "None" || name == "nil") {
          fails.push_back(emit(Op::JumpIfNotNil, v));
          return;
        }
        if (auto vid = unit_variant(name)) {
          std::uint16_t t = alloc();
          emit(Op::IsVariant, t, v, static_cast<std::uint16_t>(*vid));
          fails.push_back(emit(Op::JumpIfFalse, t));
          return;
        }
        std::uint16_t r = declare(name, mut);
        emit(Op::Move, r, v);
        init_local(r);
        return;
      }
      case NodeKind::PatLit: {
        std::uint16_t t = alloc();
        literal_pattern_value(pat, t);
        emit(Op::Eq, t, t, v);
        fails.push_back(emit(Op::JumpIfFalse, t));
        return;
      }
      case NodeKind::PatRange: {
        std::uint16_t lo = alloc();
        emit(Op::LoadK, lo, constant(parse_number(tok_text(pat), pat)));
        std::uint16_t t = alloc();
        emit(Op::Le, t, lo, v);
        fails.push_back(emit(Op::JumpIfFalse, t));
        std::uint16_t hi = alloc();
        literal_pattern_value(pat->kids[0], hi);
        bool inclusive = pat->has(syntax::kFlagInclusive) || text(pat).find("..=") != std::string_view::npos;
        emit(inclusive ? Op::Le : Op::Lt, t, v, hi);
        fails.push_back(emit(Op::JumpIfFalse, t));
        return;
      }
      case NodeKind::PatOr: {
        std::vector<std::size_t> oks;
        for (std::uint32_t i = 0; i < pat->count; ++i) {
          std::vector<std::size_t> alt_fails;
          pattern(pat->kids[i], v, alt_fails, mut);
          if (i + 1 < pat->count) {
            oks.push_back(emit(Op::Jump));
            for (std::size_t f : alt_fails) patch_here(f);
          } else {
            fails.insert(fails.end(), alt_fails.begin(), alt_fails.end());
          }
        }
        for (std::size_t o : oks) patch_here(o);
        return;
      }
      case NodeKind::PatTuple:
      case NodeKind::PatArray: {
        bool rest = false;
        std::uint32_t fixed = 0;
        for (std::uint32_t i = 0; i < pat->count; ++i) {
          if (pat->kids[i]->kind == NodeKind::PatRest) rest = true;
          else ++fixed;
        }
        std::uint16_t t = alloc();
        std::uint16_t n = alloc();
        // A tuple pattern also takes an array (`val (a, ...rest) = [1, 2, 3]`); an array pattern only arrays.
        emit(Op::IsType, t, v, pat->kind == NodeKind::PatTuple ? kKindTuple : kKindArray);
        if (pat->kind == NodeKind::PatTuple) {
          std::size_t is_tuple = emit(Op::JumpIfTrue, t);
          emit(Op::IsType, t, v, kKindArray);
          patch_here(is_tuple);
        }
        fails.push_back(emit(Op::JumpIfFalse, t));
        emit(Op::Len, t, v);
        emit(Op::LoadInt, n, static_cast<std::uint16_t>(fixed));
        emit(rest ? Op::Ge : Op::Eq, t, t, n);
        fails.push_back(emit(Op::JumpIfFalse, t));
        std::uint32_t idx = 0;
        for (std::uint32_t i = 0; i < pat->count; ++i) {
          Node* k = pat->kids[i];
          if (k->kind == NodeKind::PatRest) {
            // ...name binds the elements between the leading and trailing patterns.
            std::string_view rest = text(k);
            while (!rest.empty() && (rest[0] == '.' || rest[0] == ' ')) rest.remove_prefix(1);
            std::uint32_t after = pat->count - i - 1;
            if (!rest.empty() && rest != "_") {
              std::uint16_t b = alloc(4);
              emit(Op::Move, b, v);
              emit(Op::LoadInt, static_cast<std::uint16_t>(b + 1), static_cast<std::uint16_t>(idx));
              if (after > 0) {
                emit(Op::LoadInt, static_cast<std::uint16_t>(b + 2), static_cast<std::uint16_t>(static_cast<std::int16_t>(-static_cast<int>(after))));
              } else {
                emit(Op::LoadNil, static_cast<std::uint16_t>(b + 2));
              }
              emit(Op::LoadNil, static_cast<std::uint16_t>(b + 3));
              std::uint16_t r = declare(std::string(rest), mut);
              emit(Op::GetSlice, r, b);
            }
            // Trailing patterns index from the end.
            for (std::uint32_t j = i + 1; j < pat->count; ++j) {
              std::uint16_t e = alloc();
              std::uint16_t ix = alloc();
              emit(Op::LoadInt, ix, static_cast<std::uint16_t>(static_cast<std::int16_t>(-static_cast<int>(pat->count - j))));
              emit(Op::GetIndex, e, v, ix);
              pattern(pat->kids[j], e, fails, mut);
            }
            return;
          }
          std::uint16_t e = alloc();
          emit(Op::TupleGet, e, v, static_cast<std::uint16_t>(idx++));
          pattern(k, e, fails, mut);
        }
        return;
      }
      case NodeKind::PatStruct: {
        TypeInfo* t = pat->token == syntax::kNoToken ? nullptr : type_named(tok_text(pat));
        if (t == nullptr || t->kind == TypeInfo::Kind::Enum)
          fail(pat, "a struct pattern needs the name of a struct or class: `Point { x: 0 }`");
        struct_pattern(pat, t, v, fails, mut);
        return;
      }
      case NodeKind::PatVariant: {
        std::string name(tok_text(pat));
        if (TypeInfo* t = struct_named_in_pattern(name)) {  // `Point(x: 0, y: b)`
          struct_pattern(pat, t, v, fails, mut);
          return;
        }
        if (name == "Some") {
          fails.push_back(emit(Op::JumpIfNil, v));
          if (pat->count > 0) pattern(pat->kids[0], v, fails, mut);
          return;
        }
        std::uint32_t vid;
        if (name == "Ok" || name == "Err") {
          vid = vm_.variant_id(vm_.result_type(), name == "Ok" ? 0 : 1);
        } else {
          auto it = variant_by_name_.find(name);
          if (it == variant_by_name_.end()) fail(pat, fmt::format("unknown enum variant `{}`", name));
          if (it->second.size() > 1) {
            // Qualified `E.V(...)` picks the enum; a bare name must be unique.
            std::string_view full = text(pat);
            std::size_t dot = full.find('.');
            TypeInfo* t = dot == std::string_view::npos ? nullptr : type_named(full.substr(0, dot));
            vid = it->second[0];
            for (std::uint32_t cand : it->second)
              if (vm_.variant_of(cand).first == t) vid = cand;
            if (!t) fail(pat, fmt::format("variant `{}` belongs to several enums; qualify it", name));
          } else {
            vid = it->second[0];
          }
        }
        std::uint16_t t = alloc();
        emit(Op::IsVariant, t, v, static_cast<std::uint16_t>(vid));
        fails.push_back(emit(Op::JumpIfFalse, t));
        for (std::uint32_t i = 0; i < pat->count; ++i) {
          Node* sub = pat->kids[i];
          if (sub == nullptr) continue;
          if (sub->kind == NodeKind::PatField) sub = sub->count > 0 ? sub->kids[0] : nullptr;
          if (sub == nullptr) continue;
          std::uint16_t e = alloc();
          emit(Op::GetPayload, e, v, static_cast<std::uint16_t>(i));
          pattern(sub, e, fails, mut);
        }
        return;
      }
      default: fail(pat, fmt::format("`{}` patterns are not supported by the VM yet", syntax::node_kind_name(pat->kind)));
    }
  }

  // A struct or class a `Name(...)` pattern names, unless an enum variant of that name shadows it.
  TypeInfo* struct_named_in_pattern(const std::string& name) {
    if (name == "Some" || name == "Ok" || name == "Err" || variant_by_name_.count(name)) return nullptr;
    TypeInfo* t = type_named(name);
    return t != nullptr && t->kind != TypeInfo::Kind::Enum ? t : nullptr;
  }

  // `Point { x: 0, y: b }`, `Point { x, y }` or `Point(x: 0, y: b)` / `Point(0, b)` (fields in
  // declaration order): an instance of t whose fields match; fields not mentioned match anything.
  void struct_pattern(Node* pat, TypeInfo* t, std::uint16_t v, std::vector<std::size_t>& fails, bool mut) {
    std::uint16_t test = alloc();
    emit(Op::IsInstance, test, v, type_index(t));
    fails.push_back(emit(Op::JumpIfFalse, test));
    for (std::uint32_t i = 0; i < pat->count; ++i) {
      Node* sub = pat->kids[i];
      if (sub == nullptr || sub->kind == NodeKind::PatRest) continue;
      std::string field;
      if (sub->kind == NodeKind::PatField) {
        field = tok_text(sub);
        sub = sub->kid(0);
      } else if (pat->kind == NodeKind::PatStruct && sub->kind == NodeKind::PatBind) {
        field = tok_text(sub);  // `{ x }` binds field x to x
      } else if (pat->kind == NodeKind::PatVariant && i < t->fields.size()) {
        field = t->fields[i];
      } else {
        fail(sub, fmt::format("`{}` has {} fields", t->name, t->fields.size()));
      }
      if (std::find(t->fields.begin(), t->fields.end(), field) == t->fields.end())
        fail(sub, fmt::format("`{}` has no field `{}`", t->name, field));
      std::uint16_t e = alloc();
      emit(Op::GetField, e, v, name16(field));
      pattern(sub, e, fails, mut);
    }
  }

  std::optional<std::uint32_t> unit_variant(const std::string& name) {
    auto it = variant_by_name_.find(name);
    if (it == variant_by_name_.end() || it->second.size() != 1) return std::nullopt;
    auto [t, idx] = vm_.variant_of(it->second[0]);
    if (t->variants[idx].arity != 0) return std::nullopt;
    return it->second[0];
  }

  void literal_pattern_value(Node* lit, std::uint16_t dst) {
    std::string_view t = text(lit);
    if (t == "true" || t == "false") {
      emit(t == "true" ? Op::LoadTrue : Op::LoadFalse, dst);
    } else if (t == "nil") {
      emit(Op::LoadNil, dst);
    } else if (!t.empty() && (t[0] == '"' || t[0] == '\'' || t[0] == 'r')) {
      emit(Op::LoadK, dst, constant(make_str(string_literal(t))));
    } else {
      emit(Op::LoadK, dst, constant(parse_number(t, lit)));
    }
  }

  // A number literal's value when it needs no heap object (a 48-bit integer or a float), for the
  // immediate and constant-operand forms; nil otherwise (malformed, or boxed: that box is freed).
  Value unboxed_literal(const Node* lit) {
    std::string err;
    Value k = number_literal(text(lit), err);
    if (!err.empty()) return Value::nil();
    if (k.is_int48() || k.is_double()) return k;
    release(k);
    return Value::nil();
  }

  Value parse_number(std::string_view t, const Node* at) {
    std::string err;
    Value v = number_literal(t, err);
    if (!err.empty()) fail(at, err);
    return v;
  }

  // ---- expressions ----------------------------------------------------------------------
  std::uint16_t expr_any(Node* n) {
    if (n && n->kind == NodeKind::Name) {
      Resolved r = resolve(std::string(text(n)));
      if (r.kind == Resolved::Local && !r.cell) return r.index;
    }
    std::uint16_t r = alloc();
    expr_into(n, r);
    return r;
  }

  void expr_into(Node* n, std::uint16_t dst) {
    if (n == nullptr) {
      emit(Op::LoadNil, dst);
      return;
    }
    std::uint32_t saved_offset = fs_->offset;
    fs_->offset = n->begin;
    std::uint16_t save = fs_->free;
    std::vector<std::size_t>* outer_exits = safe_exits_;
    safe_exits_ = nullptr;
    if (chain_has_safe(n)) {
      std::vector<std::size_t> exits;
      safe_exits_ = &exits;
      expr_inner(n, dst);
      safe_exits_ = nullptr;
      if (!exits.empty()) {
        std::size_t over = emit(Op::Jump);
        for (std::size_t e : exits) patch_here(e);
        emit(Op::LoadNil, dst);
        patch_here(over);
      }
    } else {
      expr_inner(n, dst);
    }
    safe_exits_ = outer_exits;
    fs_->free = save;
    fs_->offset = saved_offset;
  }

  // The register holding a postfix operation's receiver: a local's own register, else a fresh one.
  std::uint16_t receiver_any(Node* n) {
    if (n && n->kind == NodeKind::Name) return expr_any(n);
    std::uint16_t o = alloc();
    receiver_into(n, o);
    return o;
  }

  // The receiver of a postfix operation: compiled inside the current safe-navigation chain.
  void receiver_into(Node* n, std::uint16_t dst) {
    if (safe_exits_ == nullptr) {
      expr_into(n, dst);
      return;
    }
    std::uint32_t saved_offset = fs_->offset;
    fs_->offset = n->begin;
    std::uint16_t save = fs_->free;
    expr_inner(n, dst);
    fs_->free = save;
    fs_->offset = saved_offset;
  }

  // Whether the postfix chain n (a.b, a.b(), a[i]) starts from a `?.` somewhere below its top.
  static bool chain_has_safe(const Node* n) {
    bool top = true;
    while (n) {
      switch (n->kind) {
        case NodeKind::SafeField:
        case NodeKind::SafeIndex:
          if (!top) return true;
          n = n->kids[0];
          break;
        case NodeKind::FieldAccess:
        case NodeKind::Index:
        case NodeKind::Exists:
          n = n->kids[0];
          break;
        case NodeKind::Call:
          n = n->kids[0];
          if (n && n->kind == NodeKind::SafeField) return true;
          break;
        default: return false;
      }
      top = false;
    }
    return false;
  }

  void expr_inner(Node* n, std::uint16_t dst) {
    switch (n->kind) {
      case NodeKind::IntLit:
      case NodeKind::FloatLit: {
        Value v = parse_number(text(n), n);
        if (v.is_int48() && v.int48() >= INT16_MIN && v.int48() <= INT16_MAX) {
          emit(Op::LoadInt, dst, static_cast<std::uint16_t>(static_cast<std::int16_t>(v.int48())));
        } else {
          emit(Op::LoadK, dst, constant(v));
        }
        return;
      }
      case NodeKind::StringLit: emit(Op::LoadK, dst, constant(make_str(string_literal(text(n))))); return;
      case NodeKind::Interp: interpolation(n, dst); return;
      case NodeKind::BoolLit: emit(text(n) == "true" ? Op::LoadTrue : Op::LoadFalse, dst); return;
      case NodeKind::NilLit:
      case NodeKind::Unit: emit(Op::LoadNil, dst); return;
      case NodeKind::Name: name_into(n, dst); return;
      case NodeKind::Array:
      case NodeKind::Tuple:
      case NodeKind::Set: sequence(n, dst); return;
      case NodeKind::Dict: dict(n, dst); return;
      case NodeKind::Binary: binary(n, dst); return;
      case NodeKind::Unary: unary(n, dst); return;
      case NodeKind::Call: call_into(n, dst); return;
      case NodeKind::FieldAccess: field(n, dst); return;
      case NodeKind::SafeField: {
        std::uint16_t o = alloc();
        receiver_into(n->kids[0], o);
        if (safe_exits_) {
          // Inside a chain: nil ends the whole chain (a?.b.c() is nil when a is).
          safe_exits_->push_back(emit(Op::JumpIfNil, o));
          emit(Op::GetField, dst, o, name16(text(n->kids[1])));
          return;
        }
        std::size_t nil = emit(Op::JumpIfNil, o);
        emit(Op::GetField, dst, o, name16(text(n->kids[1])));
        std::size_t done = emit(Op::Jump);
        patch_here(nil);
        emit(Op::LoadNil, dst);
        patch_here(done);
        return;
      }
      case NodeKind::Exists: {
        std::uint16_t o = expr_any(n->kids[0]);
        emit(Op::Exists, dst, o);
        return;
      }
      case NodeKind::Cast: cast(n, dst); return;
      case NodeKind::Propagate: {
        if (fs_->top_level && fs_->parent == nullptr && fs_->scopes.size() <= 1) fail(n, "`?` outside a function");
        refuse_exit_from_defer(n, "?");
        std::uint16_t o = expr_any(n->kids[0]);
        if (!defers_pending(0)) {
          emit(Op::Propagate, dst, o);
          return;
        }
        // With deferred work: the failure jumps to it instead of returning at once.
        std::size_t failure = emit(Op::Propagate, dst, o, 0, /*jump on failure*/ 1);
        std::size_t over = emit(Op::Jump);
        patch_here(failure);
        std::uint16_t save = fs_->free;
        std::uint16_t r = detach_result(dst);
        run_defers(0, kFailedExit);
        emit(Op::Return, r);
        fs_->free = save;
        patch_here(over);
        return;
      }
      case NodeKind::Index: {
        std::uint16_t o = receiver_any(n->kids[0]);
        std::uint16_t i = expr_any(n->kids[1]);
        emit(Op::GetIndex, dst, o, i);
        return;
      }
      case NodeKind::SafeIndex: {
        // Like SafeField: a nil receiver skips the index expression too.
        std::uint16_t o = alloc();
        receiver_into(n->kids[0], o);
        std::size_t nil = emit(Op::JumpIfNil, o);
        if (safe_exits_) safe_exits_->push_back(nil);
        std::uint16_t i = expr_any(n->kids[1]);
        emit(Op::GetIndex, dst, o, i);
        if (safe_exits_) return;
        std::size_t done = emit(Op::Jump);
        patch_here(nil);
        emit(Op::LoadNil, dst);
        patch_here(done);
        return;
      }
      case NodeKind::Slice: {
        std::uint16_t b = alloc(4);
        expr_into(n->kids[0], b);
        for (std::uint32_t i = 1; i <= 3; ++i) expr_into(n->kid(i), static_cast<std::uint16_t>(b + i));
        emit(Op::GetSlice, dst, b);
        return;
      }
      case NodeKind::Range: {
        std::uint16_t b = alloc(3);
        if (!n->kids[0] || !n->kid(1)) fail(n, "open-ended ranges are only allowed in slices");
        expr_into(n->kids[0], b);
        expr_into(n->kids[1], static_cast<std::uint16_t>(b + 1));
        if (n->count > 2 && n->kids[2]) expr_into(n->kids[2], static_cast<std::uint16_t>(b + 2));
        else emit(Op::LoadInt, static_cast<std::uint16_t>(b + 2), 1);
        emit(Op::NewRange, dst, b, 0, n->has(syntax::kFlagInclusive) ? 1 : 0);
        return;
      }
      case NodeKind::If: if_into(n, dst); return;
      case NodeKind::Match: match_into(n, dst); return;
      case NodeKind::Lambda: lambda(n, dst); return;
      case NodeKind::StructLit: construct(type_named(text(n->kids[0])), n, 1, dst); return;
      case NodeKind::Comprehension: comprehension(n, dst); return;
      case NodeKind::MethodRef: {
        // &:name is \x: x.name()
        std::uint16_t w = alloc(3);
        emit(Op::GetGlobal, w, static_cast<std::uint16_t>(vm_.global_slot("__method_ref")));
        emit(Op::LoadK, static_cast<std::uint16_t>(w + 1), constant(make_str(std::string(text(n->kids[0])))));
        emit(Op::Call, w, 1);
        emit(Op::Move, dst, w);
        return;
      }
      case NodeKind::GenericArgs: expr_into(n->kids[0], dst); return;  // f<T> or Type<T>: type arguments are erased
      case NodeKind::Block: {
        // A trailing colon block used as a value: a function of no arguments.
        Proto* p = compile_function(nullptr, n, "<block>", false, false, n, fs_);
        emit(Op::Closure, dst, proto_index(p));
        return;
      }
      default: not_yet(n, "expressions"); emit(Op::LoadNil, dst);
    }
  }

  // `x as T`: a builtin number type, text or bool converts (ops.cpp: cast_value); a type the
  // program declares is checked; anything else (a generic parameter, a trait, an alias, a
  // compound type) passes the value through, as types are erased at run time.
  void cast(Node* n, std::uint16_t dst) {
    static const std::unordered_map<std::string_view, CastTarget> builtin = {
        {"i8", CastTarget::I8},    {"i16", CastTarget::I16},   {"i32", CastTarget::I32},   {"i64", CastTarget::I64},
        {"int", CastTarget::I64},  {"isize", CastTarget::I64}, {"u8", CastTarget::U8},     {"u16", CastTarget::U16},
        {"u32", CastTarget::U32},  {"u64", CastTarget::U64},   {"usize", CastTarget::U64}, {"f32", CastTarget::F32},
        {"f64", CastTarget::F64},  {"float", CastTarget::F64}, {"text", CastTarget::Text}, {"str", CastTarget::Text},
        {"String", CastTarget::Text}, {"bool", CastTarget::Bool}};
    Node* type = n->kids[1];
    std::uint16_t target = 0;
    std::uint8_t declared = 0;
    if (type != nullptr && type->kind == NodeKind::TypeName && type->count == 0) {
      if (auto b = builtin.find(text(type)); b != builtin.end()) {
        target = static_cast<std::uint16_t>(b->second);
      } else if (TypeInfo* t = type_named(text(type))) {
        target = type_index(t);
        declared = 1;
      } else {
        expr_into(n->kids[0], dst);
        return;
      }
    } else {
      expr_into(n->kids[0], dst);
      return;
    }
    std::uint16_t v = expr_any(n->kids[0]);
    fs_->offset = type->begin;
    emit(Op::Cast, dst, v, target, declared);
  }

  // A construct the VM does not run yet compiles to a panic that names it, so the rest of the
  // program still runs (and `spl check` stays quiet about valid code).
  void not_yet(const Node* n, const char* what) {
    std::string name(syntax::node_kind_name(n->kind));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::uint16_t k = constant(make_str(fmt::format("`{}` {} are not supported by the VM yet", name, what)));
    emit(Op::AssertFail, kNoReg, k);
  }

  std::string undefined_message(const std::string& name) { return fmt::format("undefined name `{}`", name); }

  void name_into(Node* n, std::uint16_t dst) {
    std::string name(text(n));
    if (name == "None") {
      emit(Op::LoadNil, dst);
      return;
    }
    Resolved r = resolve(name);
    switch (r.kind) {
      case Resolved::Local:
        if (r.cell) emit(Op::GetCell, dst, r.index);
        else if (r.index != dst) emit(Op::Move, dst, r.index);
        return;
      case Resolved::Up:
        emit(Op::GetUp, dst, r.index);
        if (r.cell) emit(Op::GetCell, dst, dst);
        return;
      case Resolved::Global: emit(Op::GetGlobal, dst, r.index); return;
      case Resolved::SelfFn: emit(Op::SelfClosure, dst); return;
      case Resolved::None: break;
    }
    if (auto vid = unit_variant(name)) {
      auto [t, idx] = vm_.variant_of(*vid);
      retain(t->variants[idx].unit);
      emit(Op::LoadK, dst, constant(t->variants[idx].unit));
      return;
    }
    fail(n, undefined_message(name));
  }

  void interpolation(Node* n, std::uint16_t dst) {
    std::string_view src = file_->text;
    std::string_view tok = tok_text(n);
    std::uint32_t start = n->token != syntax::kNoToken ? parsed_.tokens[n->token].begin : n->begin;
    std::size_t open = tok.find('"');
    bool triple = tok.substr(open, 3) == "\"\"\"";
    std::uint32_t pos = start + static_cast<std::uint32_t>(open + (triple ? 3 : 1));
    std::uint32_t stop = start + static_cast<std::uint32_t>(tok.size()) - (triple ? 3 : 1);
    std::vector<std::uint16_t> parts;
    std::uint16_t base = fs_->free;
    auto literal = [&](std::uint32_t from, std::uint32_t to) {
      if (to <= from) return;
      std::string s = unescape(src.substr(from, to - from), true);
      if (s.empty()) return;
      std::uint16_t r = alloc();
      emit(Op::LoadK, r, constant(make_str(std::move(s))));
      parts.push_back(r);
    };
    for (std::uint32_t i = 0; i < n->count; ++i) {
      Node* hole = n->kids[i];
      std::uint32_t brace = hole->begin;
      while (brace > pos && src[brace] != '{') --brace;
      literal(pos, brace);
      std::uint32_t close = hole->end;
      int depth = 0;
      while (close < stop && !(src[close] == '}' && depth == 0)) {
        if (src[close] == '{') ++depth;
        if (src[close] == '}') --depth;
        ++close;
      }
      std::uint16_t r = alloc();
      expr_into(hole, r);
      std::string_view spec = src.substr(hole->end, close - hole->end);
      std::size_t colon = spec.find(':');
      if (colon != std::string_view::npos) {
        std::uint16_t f = alloc(3);
        emit(Op::GetGlobal, f, static_cast<std::uint16_t>(vm_.global_slot("__format")));
        emit(Op::Move, static_cast<std::uint16_t>(f + 1), r);
        emit(Op::LoadK, static_cast<std::uint16_t>(f + 2), constant(make_str(std::string(spec.substr(colon + 1)))));
        emit(Op::Call, f, 2);
        emit(Op::Move, r, f);
      }
      parts.push_back(r);
      pos = close + 1;
    }
    literal(pos, stop);
    // Concat needs its parts in consecutive registers.
    bool consecutive = true;
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (parts[i] != base + i) consecutive = false;
    if (!consecutive) {
      std::uint16_t b = alloc(static_cast<std::uint16_t>(parts.size()));
      for (std::size_t i = 0; i < parts.size(); ++i) emit(Op::Move, static_cast<std::uint16_t>(b + i), parts[i]);
      base = b;
    }
    emit(Op::Concat, dst, base, static_cast<std::uint16_t>(parts.size()));
  }

  void sequence(Node* n, std::uint16_t dst) {
    bool spread = false;
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::Spread) spread = true;
    if (spread) {
      if (n->kind != NodeKind::Array) fail(n, "spreads are supported in array literals only");
      // Concatenate runs of plain items with spread arrays.
      emit(Op::NewArray, dst, 0, 0);
      std::uint16_t part = alloc();
      for (std::uint32_t i = 0; i < n->count; ++i) {
        Node* k = n->kids[i];
        if (k->kind == NodeKind::Spread) {
          expr_into(k->kids[0], part);
        } else {
          std::uint16_t one = alloc();
          expr_into(k, one);
          emit(Op::NewArray, part, one, 1);
        }
        emit(Op::Add, dst, dst, part);
      }
      return;
    }
    bool named = false;
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::NamedArg) named = true;
    std::uint16_t b = alloc(static_cast<std::uint16_t>(n->count));
    for (std::uint32_t i = 0; i < n->count; ++i) {
      Node* k = n->kids[i];
      if (k && k->kind == NodeKind::NamedArg) k = k->kids[0];
      expr_into(k, static_cast<std::uint16_t>(b + i));
    }
    if (named && n->kind == NodeKind::Tuple) {
      // (q: 3, r: 2): a value of an anonymous struct type with those fields.
      std::vector<std::string> fields;
      for (std::uint32_t i = 0; i < n->count; ++i)
        fields.emplace_back(n->kids[i]->kind == NodeKind::NamedArg ? tok_text(n->kids[i]) : std::to_string(i));
      emit(Op::NewObject, dst, type_index(anonymous_type(fields)), b);
      return;
    }
    Op op = n->kind == NodeKind::Array ? Op::NewArray : n->kind == NodeKind::Tuple ? Op::NewTuple : Op::NewSet;
    emit(op, dst, b, static_cast<std::uint16_t>(n->count));
  }

  TypeInfo* anonymous_type(const std::vector<std::string>& fields) {
    std::string key;
    for (const auto& f : fields) key += f + ",";
    auto it = anonymous_types_.find(key);
    if (it != anonymous_types_.end()) return it->second;
    auto t = std::make_unique<TypeInfo>();
    t->kind = TypeInfo::Kind::Struct;
    for (const auto& f : fields) {
      t->field_index[name_id(f)] = static_cast<std::uint32_t>(t->fields.size());
      t->fields.push_back(f);
    }
    TypeInfo* ti = vm_.new_type(std::move(t));
    anonymous_types_[key] = ti;
    return ti;
  }

  void dict(Node* n, std::uint16_t dst) {
    bool spread = false;
    for (std::uint32_t i = 0; i < n->count; ++i)
      if (n->kids[i] && n->kids[i]->kind == NodeKind::Spread) spread = true;
    if (spread) {
      // {**a, "k": v}: entries and spreads apply in order, later ones win.
      std::uint16_t acc = alloc();
      emit(Op::NewDict, acc, 0, 0);
      for (std::uint32_t i = 0; i < n->count; ++i) {
        Node* e = n->kids[i];
        if (e->kind == NodeKind::Spread) {
          std::uint16_t w = alloc(2);
          emit(Op::Move, w, acc);
          expr_into(e->kids[0], static_cast<std::uint16_t>(w + 1));
          emit(Op::CallMethod, w, 1, name16("merge"));
          emit(Op::Extra, kNoReg);
          emit(Op::Move, acc, w);
        } else {
          std::uint16_t k = alloc();
          std::uint16_t v = alloc();
          expr_into(e->kids[0], k);
          expr_into(e->kids[1], v);
          emit(Op::SetIndex, acc, k, v);
        }
      }
      emit(Op::Move, dst, acc);
      return;
    }
    std::uint16_t b = alloc(static_cast<std::uint16_t>(2 * n->count));
    for (std::uint32_t i = 0; i < n->count; ++i) {
      Node* e = n->kids[i];
      if (!e || e->kind != NodeKind::Entry) fail(e ? e : n, "this dict literal form is not supported yet");
      expr_into(e->kids[0], static_cast<std::uint16_t>(b + 2 * i));
      expr_into(e->kids[1], static_cast<std::uint16_t>(b + 2 * i + 1));
    }
    emit(Op::NewDict, dst, b, static_cast<std::uint16_t>(n->count));
  }

  static bool is_comparison(Operator op) {
    return op == Operator::Lt || op == Operator::Gt || op == Operator::Le || op == Operator::Ge;
  }

  void binary(Node* n, std::uint16_t dst) {
    Operator op = n->op;
    Node* l = n->kids[0];
    Node* r = n->kids[1];
    switch (op) {
      case Operator::And:
      case Operator::Or: {
        bool is_and = op == Operator::And;
        std::uint16_t t = alloc();
        expr_into(l, t);
        emit(Op::Truthy, dst, t);
        std::size_t skip = emit(is_and ? Op::JumpIfFalse : Op::JumpIfTrue, dst);
        expr_into(r, t);
        emit(Op::Truthy, dst, t);
        patch_here(skip);
        return;
      }
      case Operator::Coalesce: {
        std::uint16_t t = alloc();
        expr_into(l, t);
        std::size_t have = emit(Op::JumpIfNotNil, t);
        expr_into(r, t);
        patch_here(have);
        emit(Op::Move, dst, t);
        return;
      }
      case Operator::Pipe: {
        // x |> f(a) is f(x, a); x |> f is f(x).
        std::uint16_t w = alloc();
        std::vector<Node*> args;
        Node* callee = r;
        if (r->kind == NodeKind::Call) {
          callee = r->kids[0];
          for (std::uint32_t i = 1; i < r->count; ++i) args.push_back(r->kids[i]);
        }
        expr_into(callee, w);
        std::uint16_t a0 = alloc();
        expr_into(l, a0);
        for (Node* a : args) expr_into(a->kind == NodeKind::NamedArg ? a->kids[0] : a, alloc());
        emit(Op::Call, w, static_cast<std::uint16_t>(args.size() + 1));
        emit(Op::Move, dst, w);
        return;
      }
      default: break;
    }
    if (is_comparison(op) && l->kind == NodeKind::Binary && is_comparison(l->op) && !l->has(syntax::kFlagParenthesized)) {
      // Chained comparison: a < b < c < d is a < b and b < c and c < d (each operand evaluated once).
      std::vector<Node*> operands{r};
      std::vector<Operator> ops{op};
      Node* left = l;
      while (left->kind == NodeKind::Binary && is_comparison(left->op) && !left->has(syntax::kFlagParenthesized)) {
        operands.push_back(left->kids[1]);
        ops.push_back(left->op);
        left = left->kids[0];
      }
      operands.push_back(left);
      std::reverse(operands.begin(), operands.end());
      std::reverse(ops.begin(), ops.end());
      std::vector<std::size_t> fails;
      std::uint16_t prev = alloc();
      std::uint16_t next = alloc();
      expr_into(operands[0], prev);
      for (std::size_t i = 0; i < ops.size(); ++i) {
        expr_into(operands[i + 1], next);
        emit(compare_op(ops[i]), dst, prev, next);
        if (i + 1 < ops.size()) {
          fails.push_back(emit(Op::JumpIfFalse, dst));
          std::swap(prev, next);
        }
      }
      for (std::size_t f : fails) patch_here(f);
      return;
    }
    if ((op == Operator::Add || op == Operator::Sub) && r->kind == NodeKind::IntLit) {
      Value k = unboxed_literal(r);
      if (k.is_int48() && k.int48() >= -32767 && k.int48() <= 32767) {
        std::int64_t imm = op == Operator::Add ? k.int48() : -k.int48();
        emit(Op::AddImm, dst, expr_any(l), static_cast<std::uint16_t>(static_cast<std::int16_t>(imm)));
        return;
      }
    }
    if (r->kind == NodeKind::IntLit || r->kind == NodeKind::FloatLit) {
      // Arithmetic with a number literal on the right reads it from the constants directly.
      Value k = unboxed_literal(r);
      Op with_k = op == Operator::Add ? Op::AddK : op == Operator::Sub ? Op::SubK : op == Operator::Mul ? Op::MulK
                : op == Operator::Div ? Op::DivK : op == Operator::Mod ? Op::ModK : Op::Extra;
      if (with_k != Op::Extra && (k.is_int48() || k.is_double())) {
        std::uint16_t a = expr_any(l);
        emit(with_k, dst, a, constant(k));
        return;
      }
    }
    std::uint16_t a = expr_any(l);
    std::uint16_t b = expr_any(r);
    switch (op) {
      case Operator::Add: emit(Op::Add, dst, a, b); return;
      case Operator::Sub: emit(Op::Sub, dst, a, b); return;
      case Operator::Mul: emit(Op::Mul, dst, a, b); return;
      case Operator::Div: emit(Op::Div, dst, a, b); return;
      case Operator::Mod: emit(Op::Mod, dst, a, b); return;
      case Operator::Pow: emit(Op::Pow, dst, a, b); return;
      case Operator::BitAnd: emit(Op::BitAnd, dst, a, b); return;
      case Operator::BitOr: emit(Op::BitOr, dst, a, b); return;
      case Operator::BitXor: emit(Op::BitXor, dst, a, b); return;
      case Operator::Shl: emit(Op::Shl, dst, a, b); return;
      case Operator::Shr: emit(Op::Shr, dst, a, b); return;
      case Operator::Eq:
      case Operator::Is: emit(Op::Eq, dst, a, b); return;
      case Operator::Ne: emit(Op::Ne, dst, a, b); return;
      case Operator::Lt:
      case Operator::Gt:
      case Operator::Le:
      case Operator::Ge: emit(compare_op(op), dst, a, b); return;
      case Operator::In: emit(Op::In, dst, a, b); return;
      case Operator::NotIn:
        emit(Op::In, dst, a, b);
        emit(Op::Not, dst, dst);
        return;
      default: fail(n, fmt::format("operator `{}` is not supported by the VM yet", syntax::operator_spelling(op)));
    }
  }

  static Op compare_op(Operator op) {
    switch (op) {
      case Operator::Lt: return Op::Lt;
      case Operator::Gt: return Op::Gt;
      case Operator::Le: return Op::Le;
      default: return Op::Ge;
    }
  }

  void unary(Node* n, std::uint16_t dst) {
    Node* e = n->kids[0];
    switch (n->op) {
      case Operator::Neg:
        if (e->kind == NodeKind::IntLit || e->kind == NodeKind::FloatLit) {
          Value v = parse_number(std::string("-") + std::string(text(e)), e);
          emit(Op::LoadK, dst, constant(v));
          return;
        }
        emit(Op::Neg, dst, expr_any(e));
        return;
      case Operator::Pos: expr_into(e, dst); return;
      case Operator::Not: emit(Op::Not, dst, expr_any(e)); return;
      case Operator::BitNot: emit(Op::BitNot, dst, expr_any(e)); return;
      case Operator::Yield: {
        std::uint16_t v = expr_any(e);
        fs_->offset = n->begin;
        emit(Op::Yield, dst, v);
        return;
      }
      default: fail(n, fmt::format("prefix operator `{}` is not supported by the VM yet", syntax::operator_spelling(n->op)));
    }
  }

  Value parse_number(const std::string& t, const Node* at) { return parse_number(std::string_view(t), at); }

  void field(Node* n, std::uint16_t dst) {
    Node* obj = n->kids[0];
    if (obj->kind == NodeKind::GenericArgs) obj = obj->kids[0];
    std::string_view name = text(n->kids[1]);
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
      std::uint16_t o = expr_any(obj);
      emit(Op::TupleGet, dst, o, static_cast<std::uint16_t>(std::stoi(std::string(name))));
      return;
    }
    if (obj->kind == NodeKind::Name && resolve(std::string(text(obj))).kind == Resolved::None) {
      if (TypeInfo* t = type_named(text(obj))) {
        std::uint32_t id = name_id(name);
        for (std::uint32_t i = 0; i < t->variants.size(); ++i) {
          if (t->variants[i].name == name) {
            if (t->variants[i].arity != 0) {
              fail(n, fmt::format("variant `{}.{}` takes {} value(s)", t->name, name, t->variants[i].arity));
            }
            retain(t->variants[i].unit);
            emit(Op::LoadK, dst, constant(t->variants[i].unit));
            return;
          }
        }
        auto s = t->statics.find(id);
        if (s != t->statics.end()) {
          retain(s->second);
          emit(Op::LoadK, dst, constant(s->second));
          return;
        }
        fail(n, fmt::format("type `{}` has no variant or static function `{}`", t->name, name));
      }
    }
    std::uint16_t o = receiver_any(obj);
    emit(Op::GetField, dst, o, name16(name));
  }

  void lambda(Node* n, std::uint16_t dst) {
    Node* params = nullptr;
    Node* body = nullptr;
    for (std::uint32_t i = 0; i < n->count; ++i) {
      Node* k = n->kids[i];
      if (!k) continue;
      if (k->kind == NodeKind::Params && params == nullptr) params = k;
      else if (!is_type_node(k)) body = k;
    }
    Proto* p = compile_function(params, body, "<lambda>", false, false, n, fs_);
    emit(Op::Closure, dst, proto_index(p));
  }

  // ---- calls ------------------------------------------------------------------------------
  struct Args {
    std::vector<Node*> positional;
    std::vector<std::pair<std::string, Node*>> named;
    Node* trailing = nullptr;  // a trailing colon block: always the last argument
    // Positional, then named (in written order), then the trailing block.
    std::vector<Node*> in_order() const {
      std::vector<Node*> out = positional;
      for (const auto& [label, v] : named) out.push_back(v);
      if (trailing) out.push_back(trailing);
      return out;
    }
  };

  Args gather_args(Node* call, std::uint32_t first) {
    Args a;
    for (std::uint32_t i = first; i < call->count; ++i) {
      Node* k = call->kids[i];
      if (k == nullptr) continue;
      if (k->kind == NodeKind::NamedArg) a.named.emplace_back(std::string(tok_text(k)), k->kids[0]);
      else if (k->kind != NodeKind::GenericArgs) a.positional.push_back(k);
    }
    return a;
  }

  // Calls compile into a window: callee (or receiver), then arguments in consecutive registers.
  void call_into(Node* n, std::uint16_t dst, bool move_receiver = false) {
    Node* callee = n->kids[0];
    if (callee->kind == NodeKind::GenericArgs) callee = callee->kids[0];
    Args args = gather_args(n, 1);
    // A trailing block on a call without parentheses: `describe "x":` + block.
    if (callee->kind == NodeKind::Call && args.positional.size() == 1 && args.positional[0]->kind == NodeKind::Block &&
        args.named.empty()) {
      Args inner = gather_args(callee, 1);
      inner.trailing = args.positional[0];
      args = std::move(inner);
      callee = callee->kids[0];
    }
    std::uint16_t save = fs_->free;
    if (callee->kind == NodeKind::Name) {
      std::string name(text(callee));
      Resolved r = resolve(name);
      if (r.kind == Resolved::None) {
        if (TypeInfo* t = type_named(name)) {
          std::uint16_t out = dst == kNoReg ? alloc() : dst;
          construct_from_args(t, args, n, out);
          fs_->free = save;
          return;
        }
        if (name == "Some") {
          if (args.positional.size() != 1) fail(n, "`Some` takes one value");
          if (dst != kNoReg) expr_into(args.positional[0], dst);
          return;
        }
        if (name == "Ok" || name == "Err") {
          std::uint16_t out = dst == kNoReg ? alloc() : dst;
          std::uint16_t v = alloc();
          if (args.positional.empty()) emit(Op::LoadNil, v); else expr_into(args.positional[0], v);
          emit(Op::NewEnum, out, static_cast<std::uint16_t>(vm_.variant_id(vm_.result_type(), name == "Ok" ? 0 : 1)));
          emit(Op::Extra, v, 1);
          fs_->free = save;
          return;
        }
        if (auto it = variant_by_name_.find(name); it != variant_by_name_.end() && it->second.size() == 1) {
          enum_value(it->second[0], args, n, dst);
          fs_->free = save;
          return;
        }
      }
      std::vector<Node*> ordered = order_args(name, r, args, n);
      if (has_spread(ordered)) {
        apply_call(callee, ordered, dst);
        fs_->free = save;
        return;
      }
      std::uint16_t w = call_window(dst, ordered.size());
      name_into(callee, w);
      for (std::size_t i = 0; i < ordered.size(); ++i) expr_into(ordered[i], static_cast<std::uint16_t>(w + 1 + i));
      fs_->offset = n->begin;
      emit(Op::Call, w, static_cast<std::uint16_t>(ordered.size()));
      result_to(dst, w);
      fs_->free = save;
      return;
    }
    if (callee->kind == NodeKind::FieldAccess || callee->kind == NodeKind::SafeField) {
      method_call(n, callee, args, dst, move_receiver);
      fs_->free = save;
      return;
    }
    // Any other callee: evaluate it and call the value.
    std::vector<Node*> ordered = args.in_order();
    std::uint16_t w = call_window(dst, ordered.size());
    expr_into(callee, w);
    for (std::size_t i = 0; i < ordered.size(); ++i) expr_into(ordered[i], static_cast<std::uint16_t>(w + 1 + i));
    fs_->offset = n->begin;
    emit(Op::Call, w, static_cast<std::uint16_t>(ordered.size()));
    result_to(dst, w);
    fs_->free = save;
  }

  static bool has_spread(const std::vector<Node*>& args) {
    for (Node* a : args)
      if (a && a->kind == NodeKind::Spread) return true;
    return false;
  }

  // f(a, ...xs): the arguments become one array and __apply calls f with its elements.
  void apply_call(Node* callee, const std::vector<Node*>& args, std::uint16_t dst) {
    std::uint16_t w = alloc(3);
    emit(Op::GetGlobal, w, static_cast<std::uint16_t>(vm_.global_slot("__apply")));
    expr_into(callee, static_cast<std::uint16_t>(w + 1));
    std::uint16_t list = static_cast<std::uint16_t>(w + 2);
    emit(Op::NewArray, list, 0, 0);
    std::uint16_t part = alloc();
    for (Node* a : args) {
      if (a && a->kind == NodeKind::Spread) {
        expr_into(a->kids[0], part);
      } else {
        std::uint16_t one = alloc();
        expr_into(a, one);
        emit(Op::NewArray, part, one, 1);
      }
      emit(Op::Add, list, list, part);
    }
    emit(Op::Call, w, 2);
    if (dst != kNoReg) emit(Op::Move, dst, w);
  }

  // Places named arguments of a call to a module function by its parameter names.
  std::vector<Node*> order_args(const std::string& name, const Resolved& r, const Args& args, Node* at) {
    auto fn = fns_.find(name);
    if (args.named.empty() || r.kind != Resolved::Global || fn == fns_.end()) return args.in_order();
    std::vector<Node*> ordered = args.positional;
    Node* params = fn->second->kids[2];
    std::vector<std::string> names;
    for (std::uint32_t i = 0; params && i < params->count; ++i)
      if (params->kids[i]) names.emplace_back(tok_text(params->kids[i]));
    for (auto& [label, v] : args.named) {
      auto it = std::find(names.begin(), names.end(), label);
      if (it == names.end()) fail(at, fmt::format("`{}` has no parameter named `{}`", name, label));
      std::size_t idx = static_cast<std::size_t>(it - names.begin());
      if (ordered.size() <= idx) ordered.resize(idx + 1, nullptr);
      if (ordered[idx] != nullptr) fail(at, fmt::format("parameter `{}` of `{}` is given twice", label, name));
      ordered[idx] = v;
    }
    if (args.trailing) ordered.push_back(args.trailing);
    return ordered;
  }

  void enum_value(std::uint32_t vid, const Args& args, Node* at, std::uint16_t dst) {
    auto [t, idx] = vm_.variant_of(vid);
    const Variant& var = t->variants[idx];
    std::size_t given = args.positional.size() + args.named.size();
    if (given != var.arity) fail(at, fmt::format("`{}.{}` takes {} value(s), {} given", t->name, var.name, var.arity, given));
    std::uint16_t b = alloc(static_cast<std::uint16_t>(var.arity));
    std::size_t pos = 0;
    for (std::size_t i = 0; i < var.arity; ++i) {
      Node* v = nullptr;
      for (auto& [label, e] : args.named)
        if (label == var.fields[i]) v = e;
      if (!v && pos < args.positional.size()) v = args.positional[pos++];
      if (!v) fail(at, fmt::format("missing value for `{}` of `{}.{}`", var.fields[i], t->name, var.name));
      expr_into(v, static_cast<std::uint16_t>(b + i));
    }
    std::uint16_t out = dst == kNoReg ? alloc() : dst;
    emit(Op::NewEnum, out, static_cast<std::uint16_t>(vid));
    emit(Op::Extra, b, static_cast<std::uint16_t>(var.arity));
  }

  void construct(TypeInfo* t, Node* lit, std::uint32_t first, std::uint16_t dst) {
    if (!t) fail(lit, fmt::format("unknown type `{}`", text(lit->kids[0])));
    construct_from_args(t, gather_args(lit, first), lit, dst);
  }

  void construct_from_args(TypeInfo* t, const Args& args, Node* at, std::uint16_t dst) {
    if (t->kind == TypeInfo::Kind::Enum) fail(at, fmt::format("`{}` is an enum: write `{}.Variant(...)`", t->name, t->name));
    std::size_t n = t->fields.size();
    // P(..base, x: 1): fields not given come from base.
    std::vector<Node*> positional;
    Node* base = nullptr;
    for (Node* p : args.positional) {
      if (p->kind == NodeKind::Spread) base = p->kids[0];
      else positional.push_back(p);
    }
    if (positional.size() > n) fail(at, fmt::format("`{}` has {} field(s), {} given", t->name, n, positional.size()));
    std::uint16_t base_reg = kNoReg;
    if (base) {
      base_reg = alloc();
      expr_into(base, base_reg);
    }
    std::uint16_t b = alloc(static_cast<std::uint16_t>(n));
    for (std::size_t i = 0; i < n; ++i) {
      Node* v = i < positional.size() ? positional[i] : nullptr;
      for (auto& [label, e] : args.named)
        if (label == t->fields[i]) v = e;
      if (!v && base) {
        emit(Op::GetField, static_cast<std::uint16_t>(b + i), base_reg, name16(t->fields[i]));
        continue;
      }
      auto own = field_defaults_.find(t);
      if (!v && own != field_defaults_.end()) v = own->second[i];
      if (!v && own == field_defaults_.end() && i < t->field_defaults.size() && !t->field_defaults[i].is_nil()) {
        // A type from another module (or REPL entry): its default is computed by its thunk.
        std::uint16_t w = static_cast<std::uint16_t>(b + i);
        retain(t->field_defaults[i]);
        emit(Op::LoadK, w, constant(t->field_defaults[i]));
        emit(Op::Call, w, 0);
        continue;
      }
      if (!v) fail(at, fmt::format("missing field `{}` in `{}`", t->fields[i], t->name));
      expr_into(v, static_cast<std::uint16_t>(b + i));
    }
    for (auto& [label, e] : args.named)
      if (std::find(t->fields.begin(), t->fields.end(), label) == t->fields.end())
        fail(e, fmt::format("`{}` has no field `{}`", t->name, label));
    emit(Op::NewObject, dst, type_index(t), b);
  }

  std::uint16_t type_index(TypeInfo* t) { return static_cast<std::uint16_t>(t->id); }

  void method_call(Node* n, Node* callee, const Args& args, std::uint16_t dst, bool move_receiver) {
    Node* obj = callee->kids[0];
    if (obj->kind == NodeKind::GenericArgs) obj = obj->kids[0];  // Stack<i64>.new(): type arguments are erased
    std::string mname(text(callee->kids[1]));
    std::uint32_t id = name_id(mname);
    // Type-level calls: Type.static_fn(...), Enum.Variant(...).
    if (obj->kind == NodeKind::Name && resolve(std::string(text(obj))).kind == Resolved::None) {
      if (TypeInfo* t = type_named(text(obj))) {
        for (std::uint32_t i = 0; i < t->variants.size(); ++i) {
          if (t->variants[i].name == mname) {
            enum_value(vm_.variant_id(t, i), args, n, dst);
            return;
          }
        }
        auto s = t->statics.find(id);
        if (s == t->statics.end()) fail(callee, fmt::format("type `{}` has no static function `{}`", t->name, mname));
        std::vector<Node*> ordered = args.positional;
        for (auto& [label, v] : args.named) ordered.push_back(v);
        std::uint16_t w = call_window(dst, ordered.size());
        retain(s->second);
        emit(Op::LoadK, w, constant(s->second));
        for (std::size_t i = 0; i < ordered.size(); ++i) expr_into(ordered[i], static_cast<std::uint16_t>(w + 1 + i));
        fs_->offset = n->begin;
        emit(Op::Call, w, static_cast<std::uint16_t>(ordered.size()));
        result_to(dst, w);
        return;
      }
    }
    std::vector<Node*> ordered = args.in_order();
    bool safe = callee->kind == NodeKind::SafeField;
    bool mutating = vm_.is_mutating_name(id);
    Place place{obj, kNoReg, false};
    std::uint16_t home = kNoReg;
    bool in_place = !move_receiver && mutating && !safe && !receiver_is_val(obj);
    if (mutating && !safe && !move_receiver && receiver_is_val(obj) && !user_me_names_.count(mname) && dst == kNoReg) {
      // A collection update on a `val` works on a copy; as a statement its result would be lost.
      fail(callee, fmt::format("`{}` is declared with `val`, so `{}` cannot change it; declare it with `var` (or use the "
                               "returned value)", text(obj), mname));
    }
    if (in_place) {
      // The place is taken before the call window so the callee's registers never cover it.
      place = take_place(obj);
      home = place.reg;
    }
    // A safe call skipped on nil leaves its window untouched, so it cannot be the destination.
    std::uint16_t w = safe ? alloc(static_cast<std::uint16_t>(1 + ordered.size())) : call_window(dst, ordered.size());
    if (move_receiver) {
      Resolved r = resolve(std::string(text(obj)));
      emit(Op::TakeLocal, w, r.index);
    } else if (in_place) {
      emit(Op::Move, w, place.reg);
    } else {
      receiver_into(obj, w);
    }
    std::size_t nil_jump = 0;
    if (safe && safe_exits_) {
      safe_exits_->push_back(emit(Op::JumpIfNil, w));
      safe = false;
    } else if (safe) {
      nil_jump = emit(Op::JumpIfNil, w);
    }
    for (std::size_t i = 0; i < ordered.size(); ++i) expr_into(ordered[i], static_cast<std::uint16_t>(w + 1 + i));
    fs_->offset = callee->kids[1]->begin;
    if (ordered.empty() && !safe && home == kNoReg && (mname == "to_f64" || mname == "to_float")) {
      // A number converts inline and skips the method call below; anything else makes the call.
      emit(Op::ToF64Guard, w);
    }
    emit(Op::CallMethod, w, static_cast<std::uint16_t>(ordered.size()), static_cast<std::uint16_t>(id));
    emit(Op::Extra, home);
    if (id > 0xFFFF) fail(callee, "too many distinct names");
    if (safe) patch_here(nil_jump);
    if (home != kNoReg) put_back(place);
    result_to(dst, w);
  }

  void comprehension(Node* n, std::uint16_t dst) {
    // [expr for pat in iter if cond] (or the short `[for pat in iter if cond: expr]`): a loop
    // that pushes; `{k: v for ...}` builds a dict.
    bool short_form = n->count > 0 && is_pattern(n->kids[0]);
    Node* value = short_form ? n->kids[n->count - 1] : n->kids[0];
    std::uint32_t last = short_form ? n->count - 1 : n->count;
    bool to_dict = value->kind == NodeKind::Entry;
    std::uint16_t acc = alloc();
    if (to_dict) emit(Op::NewDict, acc, 0, 0); else emit(Op::NewArray, acc, 0, 0);
    std::uint32_t i = short_form ? 0 : 1;
    std::vector<std::size_t> loop_tops;
    std::vector<std::size_t> nexts;
    std::vector<std::uint16_t> bases;
    push_scope();
    std::vector<std::size_t> skip;
    while (i + 1 < last) {
      Node* pat = n->kids[i];
      Node* iter = n->kids[i + 1];
      i += 2;
      std::uint16_t base = alloc(3);
      std::uint16_t src = alloc();
      expr_into(iter, src);
      emit(Op::IterPrep, base, src);
      loop_tops.push_back(here());
      nexts.push_back(emit(Op::IterNext, base));
      bases.push_back(base);
      bind_loop_var(pat, static_cast<std::uint16_t>(base + 2), skip);
      while (i < last && n->kids[i] && !is_pattern(n->kids[i])) {
        cond_jump_false(n->kids[i], skip);
        ++i;
      }
    }
    if (to_dict) {
      std::uint16_t k = alloc();
      std::uint16_t v = alloc();
      expr_into(value->kids[0], k);
      expr_into(value->kids[1], v);
      emit(Op::SetIndex, acc, k, v);
    } else {
      std::uint16_t v = alloc();
      expr_into(value, v);
      std::uint16_t w = alloc(2);
      emit(Op::Move, w, acc);
      emit(Op::Move, static_cast<std::uint16_t>(w + 1), v);
      emit(Op::CallMethod, w, 1, static_cast<std::uint16_t>(name_id("push")));
      emit(Op::Extra, acc);
    }
    for (std::size_t s : skip) patch(s, loop_tops.back());
    for (std::size_t k = loop_tops.size(); k-- > 0;) {
      std::size_t back = emit(Op::Jump);
      patch(back, loop_tops[k]);
      patch_here(nexts[k]);
    }
    pop_scope(fs_->free);
    emit(Op::Move, dst, acc);
  }

  static bool is_pattern_kind(NodeKind k) {
    switch (k) {
      case NodeKind::PatWild:
      case NodeKind::PatBind:
      case NodeKind::PatLit:
      case NodeKind::PatVariant:
      case NodeKind::PatTuple:
      case NodeKind::PatArray:
      case NodeKind::PatStruct:
      case NodeKind::PatOr:
      case NodeKind::PatRange:
      case NodeKind::PatRest: return true;
      default: return false;
    }
  }

  static bool is_pattern(const Node* k) {
    switch (k->kind) {
      case NodeKind::PatBind:
      case NodeKind::PatTuple:
      case NodeKind::PatWild:
      case NodeKind::PatArray: return true;
      default: return false;
    }
  }

  Vm& vm_;
  std::shared_ptr<SourceFile> file_;
  std::string key_;
  std::ostream& diag_;
  bool color_;
  bool repl_;  // one entry of a REPL session: earlier entries' names are in scope, the last value is returned
  Arena arena_;
  syntax::ParseResult parsed_;
  FnState* fs_ = nullptr;
  std::unordered_map<std::string, std::uint32_t> globals_;
  std::unordered_map<std::string, TypeInfo*> types_;
  std::unordered_map<TypeInfo*, Node*> type_nodes_;
  std::unordered_map<TypeInfo*, std::vector<Node*>> field_defaults_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> variant_by_name_;
  std::unordered_map<std::string, Node*> fns_;
  std::unordered_map<std::string, Node*> traits_;
  std::unordered_map<std::string, TypeInfo*> anonymous_types_;
  std::unordered_set<const Node*> inside_trailing_block_;
  std::vector<std::size_t>* safe_exits_ = nullptr;  // jumps to the end of the current `?.` chain
  std::unordered_set<std::string> user_me_names_;
  std::vector<Place> outer_places_;
};

}  // namespace

CompiledModule compile_module(Vm& vm, std::shared_ptr<SourceFile> file, const std::string& key, std::ostream& diagnostics,
                              bool color, bool repl) {
  ModuleCompiler c(vm, std::move(file), key, diagnostics, color, repl);
  return c.compile();
}

}  // namespace spl::vm
