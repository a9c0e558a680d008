// The C ABI over parse(), the diagnostic renderers and apply_fixits(). Everything a caller can
// read is rendered when the source is checked, so a handle is immutable and may be read from
// several threads.

#include "spl/syntax/c_api.h"

#include <string>
#include <vector>

#include "spl/base/arena.hpp"
#include "spl/base/c_handle.hpp"
#include "spl/syntax/fix.hpp"
#include "spl/syntax/parser.hpp"

namespace {

constexpr std::uint64_t kCheckTag = 0x5350'4C53'594E'5401ULL;

struct CheckedSource {
  std::vector<std::string> json;
  std::vector<std::string> text;
  std::int64_t errors = 0;
  std::string language;
  std::string fixed;
  std::int64_t fixes_applied = 0;
};

CheckedSource check_source(const char* path, std::string_view source) {
  using namespace spl::syntax;
  spl::Arena arena;
  std::vector<Diagnostic> diagnostics;
  ParseResult parsed = parse(source, arena, diagnostics);
  SourceFile file(path ? path : "<input>", std::string(source));
  CheckedSource out;
  for (const Diagnostic& d : diagnostics) {
    out.json.push_back(render_json(file, d));
    out.text.push_back(render_text(file, d));
  }
  out.errors = static_cast<std::int64_t>(count_errors(diagnostics));
  if (parsed.language != Language::Unknown) out.language = std::string(language_name(parsed.language));
  FixResult fixed = apply_fixits(source, diagnostics);
  out.fixed = std::move(fixed.text);
  out.fixes_applied = static_cast<std::int64_t>(fixed.applied);
  return out;
}

const char* nth(const std::vector<std::string>& items, std::int64_t index) {
  if (index < 0 || static_cast<std::size_t>(index) >= items.size()) {
    spl::set_last_error("diagnostic index out of range");
    return nullptr;
  }
  return items[static_cast<std::size_t>(index)].c_str();
}

}  // namespace

struct rt_syntax_check : spl::c_abi::Handle<kCheckTag, CheckedSource> {};

using spl::c_abi::check;

extern "C" {

rt_syntax_check* rt_syntax_check_source(const char* path, const char* source, size_t len) {
  if (!source && len > 0) {
    spl::set_last_error("null source with a non-zero length");
    return nullptr;
  }
  return spl::c_abi::guarded<rt_syntax_check*>(nullptr, [&] {
    return spl::c_abi::wrap<rt_syntax_check>(check_source(path, std::string_view(source ? source : "", len)));
  });
}

int64_t rt_syntax_diagnostic_count(const rt_syntax_check* c) {
  if (!check(c)) return -1;
  return static_cast<int64_t>(c->value.json.size());
}

int64_t rt_syntax_error_count(const rt_syntax_check* c) {
  if (!check(c)) return -1;
  return c->value.errors;
}

const char* rt_syntax_diagnostic_json(const rt_syntax_check* c, int64_t index) {
  return check(c) ? nth(c->value.json, index) : nullptr;
}

const char* rt_syntax_diagnostic_text(const rt_syntax_check* c, int64_t index) {
  return check(c) ? nth(c->value.text, index) : nullptr;
}

const char* rt_syntax_language(const rt_syntax_check* c) { return check(c) ? c->value.language.c_str() : nullptr; }

const char* rt_syntax_fixed_source(const rt_syntax_check* c, size_t* len_out) {
  if (!check(c)) return nullptr;
  if (len_out) *len_out = c->value.fixed.size();
  return c->value.fixed.c_str();
}

int64_t rt_syntax_fixes_applied(const rt_syntax_check* c) {
  if (!check(c)) return -1;
  return c->value.fixes_applied;
}

void rt_syntax_check_free(rt_syntax_check* c) { spl::c_abi::free_handle(c); }

}  // extern "C"
