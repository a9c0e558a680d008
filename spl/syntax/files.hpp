#pragma once
// Finding and reading .spl sources for the command line tools.

#include <optional>
#include <string>
#include <vector>

namespace spl::syntax {

// Expands files and folders (recursively, sorted) into .spl file paths. A path that does not
// exist is reported in missing.
std::vector<std::string> collect_sources(const std::vector<std::string>& paths, std::vector<std::string>& missing);

std::optional<std::string> read_file(const std::string& path);

// Replaces the file's contents atomically: writes a temporary file beside it, then renames it
// over the original (the original is never left half-written). False on failure.
bool write_file_atomically(const std::string& path, const std::string& contents, std::string& error);

}  // namespace spl::syntax
