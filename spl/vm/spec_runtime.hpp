#pragma once
// The spec DSL behind `spl test` (std.spec): describe/context groups, it/test examples run as
// they are declared, before_each/after_each hooks, expect(...).to_* matchers, check and skip.
// Every example's outcome is recorded for the runner's report.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "spl/vm/vm.hpp"

namespace spl::vm {

struct SpecResult {
  enum class Status : std::uint8_t { Passed, Failed, Skipped };
  std::string group;  // enclosing describe/context names, space-separated
  std::string name;
  Status status = Status::Passed;
  std::string message;  // why it failed or was skipped
  std::string file;
  std::uint32_t line = 0;
  double millis = 0;
};

struct SpecState {
  struct Group {
    std::string name;
    std::vector<Value> before_each;  // owned
    std::vector<Value> after_each;
    std::vector<Value> after_all;
  };
  std::vector<Group> groups;
  std::vector<SpecResult> results;
  std::string filter;           // run only examples whose full name contains it
  std::ostream* out = nullptr;  // per-example lines (null: silent, e.g. JSON output)
  std::string file;             // the spec file being run (failure locations point into it)
  bool in_example = false;
  // `expect cond` with a bool and no matcher: checked at the next expect and when the example ends.
  bool pending_bool = false;
  bool pending_value = true;
  TraceFrame pending_at;
  ~SpecState();
};

SpecState& spec_state(Vm& vm);

}  // namespace spl::vm
