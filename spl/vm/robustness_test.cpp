// Sema and the VM on damaged programs: every conformance program and random single-token
// mutations of it are analysed and run (with a step limit, a small stack and no I/O). Whatever the
// input, the outcome is output, a compile error or a Simple panic: never a crash, a leak (ASan)
// or a hang.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "spl/base/arena.hpp"
#include "spl/sema/sema.hpp"
#include "spl/syntax/mutate.hpp"
#include "spl/syntax/parser.hpp"
#include "spl/vm/vm.hpp"

namespace spl::vm {
namespace {

enum class Outcome { Ran, Panicked, Rejected };

Outcome run_bounded(const std::string& source) {
  {
    Arena arena;
    std::vector<syntax::Diagnostic> diags;
    syntax::ParseResult parsed = syntax::parse(source, arena, diags);
    sema::analyze(parsed.root, source, parsed.tokens, sema::options_after(diags));
  }
  std::ostringstream out, err;
  Options o;
  o.std_root = std::string(SPL_SOURCE_DIR) + "/lib/std";
  o.max_steps = 200000;
  o.stack_slots = 1u << 16;
  o.out = &out;
  o.diagnostics = &err;
  o.allow_io = false;
  Vm vm(o);
  try {
    vm.run_source("program.spl", source, {});
    return Outcome::Ran;
  } catch (const Panic&) {
    return Outcome::Panicked;
  } catch (const CompileError&) {
    return Outcome::Rejected;
  }
}

std::vector<std::string> corpus() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(SPL_SOURCE_DIR) + "/tests/conformance"))
    if (e.path().extension() == ".spl") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Robustness, MutatedProgramsNeverCrashTheVm) {
  std::size_t runs = 0, ran = 0, panicked = 0, rejected = 0;
  for (const std::string& path : corpus()) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::vector<std::string> inputs{text};
    for (std::uint64_t seed = 1; seed <= 6; ++seed) inputs.push_back(syntax::mutate(text, seed * 7919 + runs).text);
    for (const std::string& input : inputs) {
      switch (run_bounded(input)) {
        case Outcome::Ran: ++ran; break;
        case Outcome::Panicked: ++panicked; break;
        case Outcome::Rejected: ++rejected; break;
      }
      ++runs;
    }
  }
  EXPECT_GT(runs, 2000u);
  EXPECT_GT(ran, runs / 8);  // the counts show the harness ran programs, not only rejected them
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(panicked, 0u);
}

TEST(Robustness, StepLimitEndsInfiniteLoops) {
  EXPECT_EQ(run_bounded("while true:\n    pass\n"), Outcome::Panicked);
  EXPECT_EQ(run_bounded("fn f(n: i64) -> i64:\n    f(n)\nf(1)\n"), Outcome::Panicked);
  EXPECT_EQ(run_bounded("loop:\n    val x = 1\n"), Outcome::Panicked);
}

}  // namespace
}  // namespace spl::vm
