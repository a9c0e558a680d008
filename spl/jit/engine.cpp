#include "spl/jit/engine.hpp"

#include <cstdio>
#include <cstring>

#include "spl/jit/internal/debug_registry.hpp"
#include "spl/jit/reader.hpp"
#include "spl/jit/verifier.hpp"

namespace spl::jit {

namespace {

std::string key_name(const CacheKey& key) { return mangle(key.name, key.type_args); }

extern "C" std::int64_t spl_jit_failed_call() { return 0; }

}  // namespace

Result<NativeValue> call_native(void* code, const Signature& sig, std::span<const NativeValue> args) {
  if (args.size() != sig.params.size())
    return make_error(ErrorCode::kInvalidArgument, "expected " + std::to_string(sig.params.size()) + " arguments, given " + std::to_string(args.size()));
  // The x86-64 C convention assigns integer and float arguments to registers independently,
  // so one call shape with 6 integer and 8 float parameters passes any mix of up to that many.
  std::int64_t ints[6] = {};
  double floats[8] = {};
  std::size_t ni = 0, nf = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Type t = sig.params[i];
    if (t.is_float()) {
      if (nf == 8) return make_error(ErrorCode::kUnsupported, "more than 8 float arguments");
      if (t.kind == TypeKind::kF32) {
        // An f32 travels in the low 32 bits of its xmm register.
        const float narrow = static_cast<float>(args[i].f);
        std::uint64_t bits = 0;
        std::memcpy(&bits, &narrow, sizeof narrow);
        std::memcpy(&floats[nf++], &bits, sizeof bits);
      } else {
        floats[nf++] = args[i].f;
      }
    } else {
      if (ni == 6) return make_error(ErrorCode::kUnsupported, "more than 6 integer or pointer arguments");
      ints[ni++] = args[i].i;
    }
  }
  NativeValue out{};
  if (sig.ret.is_float()) {
    using Fn = double (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, double, double, double,
                          double, double, double, double, double);
    auto fn = reinterpret_cast<Fn>(code);
    if (sig.ret.kind == TypeKind::kF32) {
      using FnF = float (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, double, double, double,
                            double, double, double, double, double);
      out.f = reinterpret_cast<FnF>(code)(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], floats[0], floats[1], floats[2],
                                          floats[3], floats[4], floats[5], floats[6], floats[7]);
    } else {
      out.f = fn(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], floats[0], floats[1], floats[2], floats[3], floats[4], floats[5],
                 floats[6], floats[7]);
    }
    return out;
  }
  using Fn = std::int64_t (*)(std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, double, double,
                              double, double, double, double, double, double);
  std::int64_t r = reinterpret_cast<Fn>(code)(ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], floats[0], floats[1], floats[2],
                                              floats[3], floats[4], floats[5], floats[6], floats[7]);
  switch (sig.ret.kind) {  // narrow results come back with unspecified high bits
    case TypeKind::kI1: r &= 1; break;
    case TypeKind::kI8: r = static_cast<std::int8_t>(r); break;
    case TypeKind::kI16: r = static_cast<std::int16_t>(r); break;
    case TypeKind::kI32: r = static_cast<std::int32_t>(r); break;
    default: break;
  }
  out.i = r;
  return out;
}

Result<CacheKey> parse_instance_name(std::string_view text) {
  CacheKey key;
  const auto open = text.find('<');
  key.name = std::string(text.substr(0, open));
  if (key.name.empty()) return make_error(ErrorCode::kInvalidArgument, "empty function name");
  if (open == std::string_view::npos) return key;
  if (text.back() != '>') return make_error(ErrorCode::kInvalidArgument, "'" + std::string(text) + "': missing '>'");
  std::string_view rest = text.substr(open + 1, text.size() - open - 2);
  while (true) {
    const auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    Type t;
    if (!parse_type_name(part, t) || t.is_void()) return make_error(ErrorCode::kInvalidArgument, "unknown type '" + std::string(part) + "'");
    key.type_args.push_back(t);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return key;
}

Engine::Engine(EngineOptions options)
    : options_(options), cache_(options.code_size_limit), debug_(std::make_unique<DebugRegistry>(options.perf_map, options.gdb)) {
  cache_.set_remove_hook([this](const CacheKey& key, const CacheEntry& entry) { on_remove(key, entry); });
  failed_stub_ = reinterpret_cast<void*>(&spl_jit_failed_call);
}

Engine::~Engine() = default;

Result<void> Engine::load(std::string_view text, std::string_view filename) {
  auto module = read_module(text, filename);
  if (!module) return std::move(module).error();
  return load_module(std::move(*module), filename);
}

Result<void> Engine::load_module(Module module, std::string_view filename) {
  SPL_TRY(check_host());
  SPL_TRY(verify_module(module, filename));
  for (const auto& fn : module.functions) {
    if (definitions_.find(fn.name) != definitions_.end())
      return make_error(ErrorCode::kAlreadyExists, std::string(filename) + ": '@" + fn.name + "' is already defined by a loaded module");
  }
  const Module& stored = modules_.emplace_back(std::move(module));
  for (const auto& fn : stored.functions) definitions_.emplace(fn.name, Definition{&stored, &fn, std::string(filename)});
  std::vector<CacheKey> wanted;
  for (const auto& fn : stored.functions) {
    if (!fn.is_template()) wanted.push_back(CacheKey{fn.name, {}});
  }
  for (const auto& need : stored.needs) wanted.push_back(CacheKey{need.name, need.type_args});
  for (const auto& key : wanted) {
    if (options_.lazy) {
      auto slot = slot_for(key);
      if (!slot) return std::move(slot).error();
    } else {
      auto code = instantiate(key, 0);
      if (!code) return std::move(code).error();
    }
  }
  return {};
}

Result<void*> Engine::get(std::string_view name, std::span<const Type> type_args) {
  if (void* code = cache_.find(name, type_args)) return code;
  CacheKey key{std::string(name), {type_args.begin(), type_args.end()}};
  if (options_.lazy) {
    auto slot = slot_for(key);
    if (!slot) return std::move(slot).error();
    return (*slot)->target;
  }
  return instantiate(key, 0);
}

Result<Signature> Engine::signature(std::string_view name, std::span<const Type> type_args) const {
  auto it = definitions_.find(name);
  if (it == definitions_.end()) return make_error(ErrorCode::kNotFound, "no function '@" + std::string(name) + "' is loaded");
  const Function& fn = *it->second.function;
  if (fn.type_params.size() != type_args.size())
    return make_error(ErrorCode::kInvalidArgument, "'@" + std::string(name) + "' takes " + std::to_string(fn.type_params.size()) +
                                                       " type arguments, given " + std::to_string(type_args.size()));
  auto bind = [&](Type t) { return t.is_param() ? type_args[t.param] : t; };
  Signature sig;
  for (Type p : fn.param_types) sig.params.push_back(bind(p));
  sig.ret = bind(fn.ret);
  return sig;
}

Result<Engine::Slot*> Engine::slot_for(const CacheKey& key) {
  const std::string name = key_name(key);
  if (auto it = slot_index_.find(name); it != slot_index_.end()) return &slots_[it->second];
  auto def = definitions_.find(key.name);
  if (def == definitions_.end()) return make_error(ErrorCode::kNotFound, "no function or template '@" + key.name + "' is loaded");
  if (def->second.function->type_params.size() != key.type_args.size())
    return make_error(ErrorCode::kInvalidArgument, "'@" + key.name + "' takes " + std::to_string(def->second.function->type_params.size()) +
                                                       " type arguments, given " + std::to_string(key.type_args.size()));
  const std::size_t index = slots_.size();
  auto thunk = compile_lazy_thunk(&Engine::lazy_entry, this, index, memory_);
  if (!thunk) return std::move(thunk).error();
  Slot& slot = slots_.emplace_back();
  slot.key = key;
  slot.thunk = thunk->entry;
  slot.target = cache_.contains(key.name, key.type_args) ? cache_.find(key.name, key.type_args) : thunk->entry;
  slot_index_.emplace(name, index);
  debug_->add(thunk->entry, thunk->size, "stub:" + name);
  return &slot;
}

void* Engine::lazy_entry(void* engine_ptr, std::uint64_t index) {
  auto* engine = static_cast<Engine*>(engine_ptr);
  Slot& slot = engine->slots_[index];
  if (!engine->cache_.contains(slot.key.name, slot.key.type_args)) ++engine->stats_.lazy_compiles;
  auto code = engine->instantiate(slot.key, 0);
  if (code) return *code;
  // Generated code cannot receive an error: record it, and return zero to the caller.
  engine->lazy_errors_.push_back(code.error().message);
  std::fprintf(stderr, "spl jit: lazy compilation failed: %s\n", code.error().message.c_str());
  return engine->failed_stub_;
}

Result<void*> Engine::instantiate(const CacheKey& key, unsigned depth) {
  if (void* code = cache_.find(key.name, key.type_args)) return code;
  const std::string name = key_name(key);
  if (depth >= options_.max_depth) {
    std::string chain;
    for (const auto& k : in_progress_) chain += key_name(k) + " -> ";
    ++stats_.failures;
    return make_error(ErrorCode::kOutOfRange, "instantiation depth limit " + std::to_string(options_.max_depth) + " reached: " + chain + name);
  }
  auto def = definitions_.find(key.name);
  if (def == definitions_.end()) return make_error(ErrorCode::kNotFound, "no function or template '@" + key.name + "' is loaded");
  const Definition& d = def->second;
  if (d.function->type_params.size() != key.type_args.size())
    return make_error(ErrorCode::kInvalidArgument, "'@" + key.name + "' takes " + std::to_string(d.function->type_params.size()) +
                                                       " type arguments, given " + std::to_string(key.type_args.size()));
  const auto start = std::chrono::steady_clock::now();
  Function concrete = d.function->is_template() ? substitute(*d.function, key.type_args) : *d.function;
  if (auto ok = verify_function(concrete, *d.module, d.filename); !ok) {
    ++stats_.failures;
    return ok.error();
  }
  stats_.max_depth_seen = std::max<std::uint64_t>(stats_.max_depth_seen, depth + 1);
  in_progress_.push_back(key);
  std::vector<CacheKey> callees;
  const CalleeResolver resolve = [&](const Instr& call, const std::string& callee_name) -> Result<CallTarget> {
    CallTarget target;
    if (const ExternDecl* ext = d.module->find_extern(call.callee)) {
      target.params = ext->param_types;
      target.ret = ext->ret;
      void* address = symbols_.resolve(call.callee);
      if (address == nullptr)
        return make_error(ErrorCode::kNotFound, d.filename + ":" + std::to_string(call.loc.line) + ":" + std::to_string(call.loc.column) +
                                                    ": unresolved symbol '@" + call.callee + "'");
      target.address = reinterpret_cast<std::uint64_t>(address);
      return target;
    }
    CacheKey callee{call.callee, call.type_args};
    auto sig = signature(callee.name, callee.type_args);
    if (!sig) return std::move(sig).error();
    target.params = sig->params;
    target.ret = sig->ret;
    if (callee_name == name) {
      target.kind = CallTarget::Kind::kSelf;
      return target;
    }
    callees.push_back(callee);
    if (void* code = cache_.find(callee.name, callee.type_args)) {
      target.address = reinterpret_cast<std::uint64_t>(code);
      return target;
    }
    bool cycle = false;
    for (const auto& k : in_progress_) cycle |= CacheKeyEq{}(k, callee);
    if (options_.lazy || cycle) {
      // Not compiled yet: call through its slot, which the stub fills on first call (or the
      // instance fills when its own compilation, further up this stack, finishes).
      if (cycle) ++stats_.cycles;
      auto slot = slot_for(callee);
      if (!slot) return std::move(slot).error();
      target.kind = CallTarget::Kind::kSlot;
      target.address = reinterpret_cast<std::uint64_t>(&(*slot)->target);
      return target;
    }
    auto code = instantiate(callee, depth + 1);
    if (!code) return std::move(code).error();
    target.address = reinterpret_cast<std::uint64_t>(*code);
    return target;
  };
  auto compiled = compile_function(concrete, resolve, memory_, options_.keep_assembly);
  in_progress_.pop_back();
  if (!compiled) {
    ++stats_.failures;
    return std::move(compiled).error();
  }
  stats_.compile_time += std::chrono::steady_clock::now() - start;
  ++stats_.instantiations;
  cache_.insert(key, compiled->entry, compiled->size);
  for (const auto& callee : callees) cache_.add_dependency(key, callee);
  symbols_.define_jit(name, compiled->entry);
  if (auto it = slot_index_.find(name); it != slot_index_.end()) slots_[it->second].target = compiled->entry;
  compiled_.push_back(name);
  if (options_.keep_assembly) assembly_[name] = std::move(compiled->assembly);
  debug_->add(compiled->entry, compiled->size, name);
  return compiled->entry;
}

void Engine::on_remove(const CacheKey& key, const CacheEntry& entry) {
  const std::string name = key_name(key);
  symbols_.remove_jit(name);
  if (auto it = slot_index_.find(name); it != slot_index_.end()) slots_[it->second].target = slots_[it->second].thunk;
  // The code may still be on some stack: keep its memory until collect().
  retired_.push_back(entry.code);
}

std::size_t Engine::invalidate(std::string_view template_name) { return cache_.invalidate_template(template_name); }

void Engine::collect() {
  for (void* code : retired_) memory_.free(code);
  retired_.clear();
}

std::string Engine::assembly(std::string_view mangled) const {
  auto it = assembly_.find(std::string(mangled));
  return it == assembly_.end() ? std::string() : it->second;
}

}  // namespace spl::jit
