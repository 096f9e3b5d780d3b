// Password rules (see password_policy.hpp). The blocklist data lives in common_passwords.cpp.
#include "engine/password_policy.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace heat {
namespace {

Error invalid(const char* reason) { return Error::invalid("password", reason); }

// Decodes UTF-8 strictly (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequences.
Result<std::u32string> decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return invalid("must be valid UTF-8");  // a continuation byte, C0/C1, or F5..FF
    }
    if (s.size() - i < len) return invalid("must be valid UTF-8");
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return invalid("must be valid UTF-8");
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid("must be valid UTF-8");
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return c >= 'a' && c <= 'z'; }

// Digits, ASCII punctuation and spaces: what people pad a word with to pass a length rule.
bool is_filler(char c) {
  const auto u = static_cast<unsigned char>(c);
  const bool letter = is_ascii_letter(c) || (c >= 'A' && c <= 'Z');
  return u >= 0x20 && u <= 0x7E && !letter;
}

// The word inside the padding: "!!summer2024!" -> "summer".
std::string_view core_of(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_filler(s[b])) ++b;
  while (e > b && is_filler(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

// Look-alike substitutions; '1' and '!' stand for 'i' or for 'l', so there are two readings.
std::string unleet(std::string_view s, char one_as) {
  std::string out(s);
  for (char& c : out) {
    switch (c) {
      case '@': case '4': c = 'a'; break;
      case '3': c = 'e'; break;
      case '0': c = 'o'; break;
      case '1': case '!': case '|': c = one_as; break;
      case '$': case '5': c = 's'; break;
      case '7': case '+': c = 't'; break;
      case '9': c = 'g'; break;
      case '8': c = 'b'; break;
      default: break;
    }
  }
  return out;
}

bool in_sorted(std::span<const std::string_view> list, std::string_view s) {
  return !s.empty() && std::binary_search(list.begin(), list.end(), s);
}

bool is_common_stem(std::string_view core) {
  const auto stems = common_password_stems();
  return in_sorted(stems, core) || in_sorted(stems, unleet(core, 'i')) || in_sorted(stems, unleet(core, 'l'));
}

// One unit repeated: "aaaaaaaaaaaa", "121212121212", "qwertyqwerty".
bool is_repetition(std::string_view s) {
  const std::size_t n = s.size();
  for (std::size_t unit = 1; unit <= n / 2; ++unit) {
    if (n % unit != 0) continue;
    bool repeated = true;
    for (std::size_t i = unit; i < n && repeated; ++i) repeated = s[i] == s[i - unit];
    if (repeated) return true;
  }
  return false;
}

// Consecutive letters or digits, up or down; digits wrap ("789012").
bool is_sequence(std::string_view s) {
  if (s.size() < 3) return false;
  const bool digits = std::all_of(s.begin(), s.end(), is_ascii_digit);
  const bool letters = std::all_of(s.begin(), s.end(), is_ascii_letter);
  if (!digits && !letters) return false;
  for (int step : {1, -1}) {
    bool ok = true;
    for (std::size_t i = 1; i < s.size() && ok; ++i) {
      const int d = s[i] - s[i - 1];
      ok = d == step || (digits && d == -9 * step);  // 9->0 going up, 0->9 going down
    }
    if (ok) return true;
  }
  return false;
}

// Walks along a US keyboard (rows, columns, zig-zags), read forwards or backwards.
constexpr std::array<std::string_view, 9> kKeyboardWalks = {
    "1234567890qwertyuiopasdfghjklzxcvbnm",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9p0",
    "1qazxsw23edcvfr45tgbnhy67ujmki89olp0",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "1234qwerasdfzxcv",
    "123qweasdzxc",
};

bool is_keyboard_walk(std::string_view s) {
  if (s.size() < 4) return false;
  const std::string reversed(s.rbegin(), s.rend());
  for (std::string_view walk : kKeyboardWalks) {
    if (walk.find(s) != std::string_view::npos || walk.find(reversed) != std::string_view::npos) return true;
  }
  return false;
}

bool is_predictable(std::string_view s) { return is_repetition(s) || is_sequence(s) || is_keyboard_walk(s); }

}  // namespace

Result<std::size_t> count_code_points(std::string_view utf8) {
  auto decoded = decode_utf8(utf8);
  if (!decoded) return decoded.error();
  return decoded->size();
}

bool is_common_password(std::string_view password) {
  return in_sorted(common_passwords(), ascii_lower(password));
}

Status check_password(std::string_view password, std::string_view username) {
  auto decoded = decode_utf8(password);
  if (!decoded) return decoded.error();
  for (char32_t cp : *decoded) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return invalid("must not contain control characters");
  }
  if (decoded->size() < kMinPasswordLength) return invalid("must be at least 12 characters");
  if (decoded->size() > kMaxPasswordLength) return invalid("must be at most 128 characters");

  const std::string lower = ascii_lower(password);
  const std::string_view core = core_of(lower);
  const std::string compact = without_spaces(lower);
  const std::string_view compact_core = core_of(compact);

  if (!username.empty()) {
    const std::string user = ascii_lower(username);
    if (lower == user || core == user || compact_core == user) return invalid("must not be the username");
  }

  if (in_sorted(common_passwords(), lower) || in_sorted(common_passwords(), compact) ||
      in_sorted(common_passwords(), core) || is_common_stem(core) || is_common_stem(compact_core)) {
    return invalid("is a commonly used password");
  }

  if (is_predictable(lower) || is_predictable(compact) || (core.size() >= 4 && is_predictable(core))) {
    return invalid("is too predictable");
  }
  return {};
}

}  // namespace heat
