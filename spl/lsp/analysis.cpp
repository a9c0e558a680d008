#include "spl/lsp/analysis.hpp"

#include <algorithm>

#include "spl/sema/sema.hpp"

namespace spl::lsp {

Analysis::Analysis(std::string text, const std::string& path) : text_(std::move(text)), lines_(text_) {
  parsed_ = syntax::parse(text_, arena_, diagnostics_);
  sema::Options options = sema::options_after(diagnostics_);
  options.path = path;
  for (syntax::Diagnostic& d : sema::analyze(parsed_.root, text_, parsed_.tokens, options, index_))
    diagnostics_.push_back(std::move(d));
}

std::optional<syntax::Span> Analysis::identifier_at(std::uint32_t offset) const {
  const std::vector<syntax::Token>& tokens = parsed_.tokens;
  auto it = std::lower_bound(tokens.begin(), tokens.end(), offset,
                             [](const syntax::Token& t, std::uint32_t off) { return t.end < off; });
  for (; it != tokens.end() && it->begin <= offset; ++it)
    if (it->kind == syntax::Tok::Ident && it->end > it->begin) return syntax::Span{it->begin, it->end};
  return std::nullopt;
}

}  // namespace spl::lsp
