#include "spl/vm/literals.hpp"

#include <cerrno>
#include <cstdlib>

namespace spl::vm {

namespace {
bool is_suffix_start(std::string_view t, std::size_t i) {
  // i8..u64, f32/f64 type suffixes and `_unit` suffixes end the digits.
  char c = t[i];
  if (c == 'i' || c == 'u') return true;
  if (c == 'f' && i + 1 < t.size() && (t[i + 1] == '3' || t[i + 1] == '6')) return true;
  if (c == '_' && i + 1 < t.size() && std::isalpha(static_cast<unsigned char>(t[i + 1]))) return true;
  return false;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}
}  // namespace

Value number_literal(std::string_view t, std::string& err) {
  bool neg = false;
  if (!t.empty() && t[0] == '-') {
    neg = true;
    t.remove_prefix(1);
  }
  int base = 10;
  std::size_t i = 0;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X' || t[1] == 'b' || t[1] == 'B' || t[1] == 'o' || t[1] == 'O')) {
    base = (t[1] == 'x' || t[1] == 'X') ? 16 : (t[1] == 'b' || t[1] == 'B') ? 2 : 8;
    i = 2;
  }
  std::string digits;
  bool is_float = false;
  bool float_suffix = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (base != 16 && is_suffix_start(t, i)) {
      float_suffix = t[i] == 'f';
      break;
    }
    if (c == '_') continue;
    if (base == 10 && (c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && !digits.empty() && (digits.back() == 'e' || digits.back() == 'E'))))
      is_float = true;
    digits += c;
  }
  if (is_float || float_suffix) {
    char* end = nullptr;
    double d = std::strtod(digits.c_str(), &end);
    if (end == digits.c_str()) err = "malformed number `" + std::string(t) + "`";
    return Value::of_double(neg ? -d : d);
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long u = std::strtoull(digits.c_str(), &end, base);
  if (end == digits.c_str() || *end != '\0') {
    err = "malformed number `" + std::string(t) + "`";
    return Value::nil();
  }
  if (errno == ERANGE || u > 9223372036854775808ull || (!neg && u == 9223372036854775808ull)) {
    err = "integer literal `" + std::string(t) + "` does not fit in i64";
    return Value::nil();
  }
  std::int64_t v = neg ? static_cast<std::int64_t>(0 - u) : static_cast<std::int64_t>(u);
  return Value::integer(v);
}

std::string unescape(std::string_view s, bool interpolating) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (interpolating && (c == '{' || c == '}') && i + 1 < s.size() && s[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '{': out += '{'; break;
      case '}': out += '}'; break;
      case 'x':
        if (i + 2 < s.size()) {
          out += static_cast<char>(std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16));
          i += 2;
        }
        break;
      case 'u':
        if (i + 1 < s.size() && s[i + 1] == '{') {
          std::size_t close = s.find('}', i);
          if (close != std::string_view::npos) {
            append_utf8(out, static_cast<std::uint32_t>(std::strtoul(std::string(s.substr(i + 2, close - i - 2)).c_str(), nullptr, 16)));
            i = close;
          }
        }
        break;
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          int n = 1;
          while (n < 3 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7') {
            v = v * 8 + (s[++i] - '0');
            ++n;
          }
          out += static_cast<char>(v);
        } else {
          out += '\\';
          out += e;  // unknown escapes are kept as written
        }
    }
  }
  return out;
}

std::string string_literal(std::string_view t) {
  bool raw = false;
  bool formatted = false;
  while (!t.empty() && (t[0] == 'r' || t[0] == 'f')) {
    if (t[0] == 'r') raw = true;
    else formatted = true;
    t.remove_prefix(1);
  }
  if (t.empty()) return {};
  char q = t[0];
  // A `_suffix` after the closing quote (typed strings) is not part of the text.
  std::size_t last = t.rfind(q);
  if (last != std::string_view::npos && last > 0) t = t.substr(0, last + 1);
  if (t.size() >= 6 && t.substr(0, 3) == std::string(3, q) && t.substr(t.size() - 3) == std::string(3, q)) {
    std::string_view body = t.substr(3, t.size() - 6);
    return (raw || !formatted) ? std::string(body) : unescape(body, true);  // """...""" is raw
  }
  if (t.size() < 2) return {};
  std::string_view body = t.substr(1, t.size() - 2);
  if (q == '\'') {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] == '\'') ++i;
      out += body[i];
    }
    return out;
  }
  return raw ? std::string(body) : unescape(body, true);
}

}  // namespace spl::vm
