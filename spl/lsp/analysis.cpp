#include "spl/lsp/analysis.hpp"

#include "spl/sema/sema.hpp"

namespace spl::lsp {

Analysis::Analysis(std::string text, const std::string& path) : text_(std::move(text)), lines_(text_) {
  parsed_ = syntax::parse(text_, arena_, diagnostics_);
  sema::Options options = sema::options_after(diagnostics_);
  options.path = path;
  for (syntax::Diagnostic& d : sema::analyze(parsed_.root, text_, parsed_.tokens, options))
    diagnostics_.push_back(std::move(d));
}

}  // namespace spl::lsp
