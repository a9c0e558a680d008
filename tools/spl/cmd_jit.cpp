// `spl jit FILE`: load an IR module, then run an entry point, print IR or assembly, or stats.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "spl/jit/engine.hpp"
#include "spl/jit/printer.hpp"
#include "spl/jit/reader.hpp"
#include "spl/jit/verifier.hpp"

namespace {

struct JitArgs {
  std::string file;
  std::string entry;
  std::vector<std::string> args;
  bool dump_ir = false;
  bool dump_asm = false;
  bool stats = false;
  bool lazy = false;
  bool perf_map = false;
  bool gdb = false;
};

bool parse_argument(const std::string& text, spl::jit::Type type, spl::jit::NativeValue& out) {
  try {
    std::size_t used = 0;
    if (type.is_float()) out.f = std::stod(text, &used);
    else out.i = std::stoll(text, &used, 0);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

int run(const JitArgs& a) {
  using namespace spl::jit;
  std::ifstream in(a.file);
  if (!in) {
    fmt::print(stderr, "spl jit: cannot read '{}'\n", a.file);
    return spl::cli::kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto module = read_module(text.str(), a.file);
  if (!module) {
    fmt::print(stderr, "{}\n", module.error().message);
    return spl::cli::kExitFailure;
  }
  if (auto ok = verify_module(*module, a.file); !ok) {
    fmt::print(stderr, "{}\n", ok.error().message);
    return spl::cli::kExitFailure;
  }
  if (a.dump_ir) fmt::print("{}", print_module(*module));
  Engine engine(EngineOptions{.lazy = a.lazy, .perf_map = a.perf_map, .gdb = a.gdb, .keep_assembly = a.dump_asm});
  if (auto ok = engine.load_module(std::move(*module), a.file); !ok) {
    fmt::print(stderr, "{}\n", ok.error().message);
    return spl::cli::kExitFailure;
  }
  int status = spl::cli::kExitOk;
  if (!a.entry.empty()) {
    auto key = parse_instance_name(a.entry);
    if (!key) {
      fmt::print(stderr, "spl jit: {}\n", key.error().message);
      return spl::cli::kExitUsage;
    }
    auto sig = engine.signature(key->name, key->type_args);
    auto code = sig ? engine.get(key->name, key->type_args) : spl::Result<void*>(sig.error());
    if (!code) {
      fmt::print(stderr, "spl jit: {}\n", code.error().message);
      return spl::cli::kExitFailure;
    }
    if (a.args.size() != sig->params.size()) {
      fmt::print(stderr, "spl jit: '{}' takes {} arguments, given {}\n", a.entry, sig->params.size(), a.args.size());
      return spl::cli::kExitUsage;
    }
    std::vector<NativeValue> values(a.args.size());
    for (std::size_t i = 0; i < a.args.size(); ++i) {
      if (sig->params[i].is_ptr() || !parse_argument(a.args[i], sig->params[i], values[i])) {
        fmt::print(stderr, "spl jit: argument {} ('{}') is not a valid {}\n", i + 1, a.args[i], type_name(sig->params[i]));
        return spl::cli::kExitUsage;
      }
    }
    const auto start = std::chrono::steady_clock::now();
    auto result = call_native(*code, *sig, values);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (!result) {
      fmt::print(stderr, "spl jit: {}\n", result.error().message);
      return spl::cli::kExitUsage;
    }
    if (sig->ret.is_float()) fmt::print("{}\n", result->f);
    else if (!sig->ret.is_void()) fmt::print("{}\n", result->i);
    if (a.stats) fmt::print(stderr, "run: {:.3f} ms\n", std::chrono::duration<double, std::milli>(elapsed).count());
    if (!engine.lazy_errors().empty()) status = spl::cli::kExitFailure;
  }
  if (a.dump_asm) {
    for (const auto& name : engine.compiled()) fmt::print("; {}\n{}\n", name, engine.assembly(name));
  }
  if (a.stats) {
    const auto& s = engine.stats();
    const auto& c = engine.cache().stats();
    fmt::print(stderr,
               "instantiations: {}\nfailures: {}\nlazy compiles: {}\ncycles through slots: {}\ncompile time: {:.3f} ms\n"
               "cache: {} entries, {} code bytes, {} hits, {} misses, {} evictions\ncode memory: {} bytes used, {} reserved\n",
               s.instantiations, s.failures, s.lazy_compiles, s.cycles, std::chrono::duration<double, std::milli>(s.compile_time).count(),
               c.entries, c.code_bytes, c.hits, c.misses, c.evictions, engine.memory().used_bytes(), engine.memory().reserved_bytes());
  }
  return status;
}

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<JitArgs>();
  auto* cmd = app.add_subcommand("jit", "Load a JIT IR module: run an entry point, print its IR or assembly, or stats");
  cmd->add_option("file", args->file, "IR module (.ir)")->required();
  cmd->add_option("--run", args->entry, "Entry point to call: a function or an instance like sum<i64>");
  cmd->add_option("args", args->args, "Arguments for the entry point (integers or floats)");
  cmd->add_flag("--dump-ir", args->dump_ir, "Print the module as read (canonical text form)");
  cmd->add_flag("--dump-asm", args->dump_asm, "Print the generated assembly of every compiled function");
  cmd->add_flag("--stats", args->stats, "Print instantiation, cache and memory statistics (to stderr)");
  cmd->add_flag("--lazy", args->lazy, "Compile functions on first call instead of on load");
  cmd->add_flag("--perf-map", args->perf_map, "Write /tmp/perf-<pid>.map for perf");
  cmd->add_flag("--gdb", args->gdb, "Register compiled functions with the GDB JIT interface");
  cmd->callback([args, &outcome] { outcome.exit_code = run(*args); });
}

}  // namespace

SPL_CLI_COMMAND(jit, setup);
