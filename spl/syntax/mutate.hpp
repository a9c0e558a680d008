#pragma once
// The mutation harness: applies random single-token mutations (delete, insert, swap, replace with
// a foreign construct) to valid files and measures how well the front end recovers.

#include <cstdint>
#include <string>
#include <vector>

namespace spl::syntax {

enum class MutationKind : std::uint8_t { Delete, Insert, Swap, Foreign };
const char* mutation_kind_name(MutationKind kind);

struct Mutation {
  MutationKind kind = MutationKind::Delete;
  std::string text;        // the mutated source
  std::uint32_t line = 1;  // 1-based line of the mutation
  std::string what;        // e.g. "delete `)`"
};

// One random mutation of source (which must have at least one token); deterministic per seed.
Mutation mutate(const std::string& source, std::uint64_t seed);

struct MutationMiss {
  std::string file;
  std::string what;
  std::uint32_t line = 0;
  std::uint32_t nearest_line = 0;  // 0 when there was no diagnostic
};

struct MutationStats {
  std::size_t mutations = 0;
  std::size_t still_valid = 0;      // no diagnostic at all (the mutation produced valid Simple)
  std::size_t diagnosed = 0;        // at least one diagnostic
  std::size_t near = 0;             // a diagnostic whose primary span is within one line of the mutation
  std::size_t diagnostics = 0;      // over diagnosed mutations
  std::size_t errors = 0;           // error diagnostics over diagnosed mutations
  std::size_t per_kind_near[4] = {};
  std::size_t per_kind_diagnosed[4] = {};
  std::vector<MutationMiss> misses;  // diagnosed but far away (up to 50 kept)
  std::vector<MutationMiss> cascades;  // more than one diagnostic (up to 50 kept; what lists the codes)

  double near_ratio() const { return diagnosed ? double(near) / double(diagnosed) : 0.0; }
  double diagnostics_per_mutation() const { return diagnosed ? double(diagnostics) / double(diagnosed) : 0.0; }
};

struct NamedSource {
  std::string name;
  std::string text;
};

// per_file mutations of each source, seeds derived from seed.
MutationStats run_mutations(const std::vector<NamedSource>& sources, std::size_t per_file, std::uint64_t seed);

}  // namespace spl::syntax
