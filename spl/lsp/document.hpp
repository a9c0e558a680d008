#pragma once
// An open text document: its text, version, and the edits a client sends (whole-text replacement
// or a range replaced, with positions in the negotiated encoding).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "spl/lsp/position.hpp"

namespace spl::lsp {

struct Document {
  std::string uri;
  std::int64_t version = 0;
  std::string text;

  // Replaces range (clamped to the text; start after end is taken as an empty range at start)
  // with new_text, or the whole text when range is absent.
  void apply(const std::optional<Range>& range, std::string_view new_text, Encoding enc);
};

// The local path of a file:// URI with %XX escapes decoded; empty for other schemes.
std::string uri_to_path(std::string_view uri);
// A file:// URI for an absolute path, escaping what RFC 3986 does not allow in a path.
std::string path_to_uri(std::string_view path);

}  // namespace spl::lsp
