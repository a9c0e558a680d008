#include <fmt/core.h>

#include "commands.hpp"
#include "spl/syntax/files.hpp"
#include "spl/syntax/mutate.hpp"

namespace {

struct MutateArgs {
  std::vector<std::string> paths;
  std::size_t per_file = 200;
  std::uint64_t seed = 1;
  bool json = false;
  bool show_misses = false;
};

void setup(CLI::App& app, spl::cli::Outcome& outcome) {
  auto args = std::make_shared<MutateArgs>();
  auto* cmd = app.add_subcommand(
      "mutate", "Measure error recovery: random single-token mutations of valid files, then check each mutant");
  cmd->add_option("PATH", args->paths, "valid .spl files or folders")->required();
  cmd->add_option("--per-file", args->per_file, "mutations per file (default 200)");
  cmd->add_option("--seed", args->seed, "random seed (default 1)");
  cmd->add_flag("--json", args->json, "print the figures as one JSON object");
  cmd->add_flag("--show-misses", args->show_misses, "list mutations whose nearest diagnostic is more than a line away");
  cmd->callback([args, &outcome] {
    using namespace spl::syntax;
    std::vector<std::string> missing;
    std::vector<std::string> files = collect_sources(args->paths, missing);
    if (!missing.empty() || files.empty()) {
      fmt::print(stderr, "spl mutate: error: no .spl files found in the given paths\n");
      outcome.exit_code = spl::cli::kExitUsage;
      return;
    }
    std::vector<NamedSource> sources;
    for (const std::string& f : files) {
      if (auto text = read_file(f)) sources.push_back({f, std::move(*text)});
    }
    MutationStats s = run_mutations(sources, args->per_file, args->seed);
    if (args->json) {
      fmt::print(R"({{"mutations":{},"still_valid":{},"diagnosed":{},"near":{},"near_ratio":{:.4f},"diagnostics_per_mutation":{:.4f},"errors_per_mutation":{:.4f}}})"
                 "\n",
                 s.mutations, s.still_valid, s.diagnosed, s.near, s.near_ratio(), s.diagnostics_per_mutation(),
                 s.diagnosed ? double(s.errors) / double(s.diagnosed) : 0.0);
      return;
    }
    fmt::print("files: {}, mutations: {} ({} per file, seed {})\n", sources.size(), s.mutations, args->per_file, args->seed);
    fmt::print("still valid (no diagnostic): {}\n", s.still_valid);
    fmt::print("diagnosed: {}\n", s.diagnosed);
    fmt::print("primary span within one line of the mutation: {} ({:.1f}% of diagnosed; target >= 95%)\n", s.near,
               100.0 * s.near_ratio());
    fmt::print("diagnostics per diagnosed mutation: {:.3f} (target <= 1.2); errors only: {:.3f}\n",
               s.diagnostics_per_mutation(), s.diagnosed ? double(s.errors) / double(s.diagnosed) : 0.0);
    for (int k = 0; k < 4; ++k) {
      auto kind = static_cast<MutationKind>(k);
      fmt::print("  {:8} near {}/{}\n", mutation_kind_name(kind), s.per_kind_near[k], s.per_kind_diagnosed[k]);
    }
    if (args->show_misses) {
      for (const MutationMiss& m : s.misses) {
        fmt::print("  miss: {}:{}: {} (nearest diagnostic on line {})\n", m.file, m.line, m.what, m.nearest_line);
      }
      for (const MutationMiss& m : s.cascades) fmt::print("  several: {}:{}: {}\n", m.file, m.line, m.what);
    }
  });
}

}  // namespace

SPL_CLI_COMMAND(mutate, setup);
