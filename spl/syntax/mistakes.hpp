#pragma once
// The mistake catalogue (foreign constructs from Python, Rust, TypeScript/JavaScript, Java and C
// with their Simple spelling), language detection, and the table of every diagnostic code.

#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "spl/syntax/diagnostic.hpp"
#include "spl/syntax/token.hpp"

namespace spl::syntax {

enum class Language : std::uint8_t { Unknown, Python, Rust, TypeScript, Java, C };
inline constexpr std::size_t kLanguageCount = 6;

std::string_view language_name(Language language);

struct LanguageGuess {
  Language language = Language::Unknown;
  std::array<int, kLanguageCount> scores{};  // indexed by Language
};

// Scores the tokens for habits of each language; Unknown when no language scores at least 2.
LanguageGuess detect_language(std::string_view source, const std::vector<Token>& tokens);

// Every diagnostic code the front end emits, with a one-line summary and an example that
// triggers it (for docs/diagnostics.md and tests).
struct CodeInfo {
  std::string_view code;
  Severity severity;
  std::string_view summary;
  std::string_view example;  // a source file that triggers the code
};
std::span<const CodeInfo> diagnostic_codes();

// A catalogue case: source written with a foreign habit, and the text after `spl fix` (empty when
// the fix is not machine-applicable and only the code is checked).
struct MistakeCase {
  std::string_view code;
  Language language;
  std::string_view title;
  std::string_view bad;
  std::string_view good;
};
std::span<const MistakeCase> mistake_catalogue();

}  // namespace spl::syntax
