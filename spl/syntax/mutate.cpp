#include "spl/syntax/mutate.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <random>

#include "spl/syntax/lexer.hpp"
#include "spl/syntax/parser.hpp"

namespace spl::syntax {
namespace {

constexpr const char* kInsertions[] = {"(", ")", "[", "]", "{", "}", ":", ",", "=", "+", "*", ".", "fn", "val",
                                       "if", "else", "return", "\"", "x", "1", "->", "\\", "==", "not", "and"};

// A foreign spelling for a token, or nullptr.
const char* foreign_for(std::string_view t, std::mt19937_64& rng) {
  auto pick = [&](std::initializer_list<const char*> xs) { return *(xs.begin() + rng() % xs.size()); };
  if (t == "val") return pick({"let", "const"});
  if (t == "var") return "let mut";
  if (t == "fn") return pick({"def", "function", "func"});
  if (t == "==") return "===";
  if (t == "!=") return "!==";
  if (t == "and") return "&&";
  if (t == "or") return "||";
  if (t == "nil") return pick({"null", "None", "undefined"});
  if (t == "true") return "True";
  if (t == "false") return "False";
  if (t == ".") return "::";
  if (t == "elif") return "elsif";
  if (t == "match") return "switch";
  if (t == "trait") return "interface";
  if (t == "use") return "import";
  if (t == ":") return " {";
  if (t == "\\") return "lambda ";
  if (t == "->") return ":";
  if (t == "+=") return "++";
  return nullptr;
}

bool content(const Token& t) {
  return t.kind != Tok::Newline && t.kind != Tok::Indent && t.kind != Tok::Dedent && t.kind != Tok::Eof &&
         !t.has(kSynthetic);
}

std::uint32_t line_at(const std::string& s, std::uint32_t offset) {
  return 1 + static_cast<std::uint32_t>(std::count(s.begin(), s.begin() + std::min<std::size_t>(offset, s.size()), '\n'));
}

}  // namespace

const char* mutation_kind_name(MutationKind kind) {
  switch (kind) {
    case MutationKind::Delete: return "delete";
    case MutationKind::Insert: return "insert";
    case MutationKind::Swap: return "swap";
    case MutationKind::Foreign: return "foreign";
  }
  return "?";
}

Mutation mutate(const std::string& source, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Token> tokens;
  std::vector<Diagnostic> diags;
  lex(source, tokens, diags);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (content(tokens[i])) idx.push_back(i);
  }
  Mutation m;
  m.text = source;
  if (idx.empty()) return m;
  m.kind = static_cast<MutationKind>(rng() % 4);
  std::size_t pick = rng() % idx.size();
  const Token& t = tokens[idx[pick]];
  std::string tok_text(t.text(source));
  m.line = line_at(source, t.begin);
  switch (m.kind) {
    case MutationKind::Delete:
      m.text.erase(t.begin, t.end - t.begin);
      m.what = fmt::format("delete `{}`", tok_text);
      break;
    case MutationKind::Insert: {
      std::string ins = std::string(kInsertions[rng() % std::size(kInsertions)]) + " ";
      m.text.insert(t.begin, ins);
      m.what = fmt::format("insert `{}` before `{}`", ins, tok_text);
      break;
    }
    case MutationKind::Swap: {
      if (pick + 1 < idx.size() && line_at(source, tokens[idx[pick + 1]].begin) == m.line) {
        const Token& u = tokens[idx[pick + 1]];
        std::string u_text(u.text(source));
        m.text = source.substr(0, t.begin) + u_text + source.substr(t.end, u.begin - t.end) + tok_text + source.substr(u.end);
        m.what = fmt::format("swap `{}` and `{}`", tok_text, u_text);
      } else {
        m.kind = MutationKind::Delete;
        m.text.erase(t.begin, t.end - t.begin);
        m.what = fmt::format("delete `{}`", tok_text);
      }
      break;
    }
    case MutationKind::Foreign: {
      // Prefer a token that has a foreign spelling; look around the random pick.
      for (std::size_t k = 0; k < idx.size(); ++k) {
        const Token& c = tokens[idx[(pick + k) % idx.size()]];
        if (const char* f = foreign_for(c.text(source), rng)) {
          m.line = line_at(source, c.begin);
          m.text.replace(c.begin, c.end - c.begin, f);
          m.what = fmt::format("replace `{}` with `{}`", c.text(source), f);
          return m;
        }
      }
      m.text.insert(t.end, ";");
      m.what = fmt::format("append `;` after `{}`", tok_text);
      break;
    }
  }
  return m;
}

MutationStats run_mutations(const std::vector<NamedSource>& sources, std::size_t per_file, std::uint64_t seed) {
  MutationStats stats;
  std::uint64_t n = 0;
  for (const NamedSource& src : sources) {
    for (std::size_t k = 0; k < per_file; ++k) {
      Mutation m = mutate(src.text, seed * 1'000'003 + (n++));
      Arena arena;
      std::vector<Diagnostic> diags;
      ParseResult r = parse(m.text, arena, diags);
      ++stats.mutations;
      if (diags.empty()) {
        ++stats.still_valid;
        continue;
      }
      ++stats.diagnosed;
      auto kind = static_cast<std::size_t>(m.kind);
      ++stats.per_kind_diagnosed[kind];
      stats.diagnostics += diags.size();
      stats.errors += count_errors(diags);
      if (diags.size() > 1 && stats.cascades.size() < 50) {
        std::string codes;
        for (const Diagnostic& d : diags) codes += fmt::format(" {}@{}", d.code, line_at(m.text, d.span.begin));
        stats.cascades.push_back({src.name, m.what + " ->" + codes, m.line, 0});
      }
      std::uint32_t nearest = 0;
      std::uint32_t best = UINT32_MAX;
      for (const Diagnostic& d : diags) {
        std::uint32_t line = line_at(m.text, d.span.begin);
        std::uint32_t dist = line > m.line ? line - m.line : m.line - line;
        if (dist < best) {
          best = dist;
          nearest = line;
        }
      }
      if (best <= 1) {
        ++stats.near;
        ++stats.per_kind_near[kind];
      } else if (stats.misses.size() < 50) {
        stats.misses.push_back({src.name, m.what, m.line, nearest});
      }
    }
  }
  return stats;
}

}  // namespace spl::syntax
