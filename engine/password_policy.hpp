// Password rules after NIST SP 800-63B §5.1.1.2 (and OWASP ASVS 2.1): a length floor and
// ceiling counted in Unicode code points, no composition rules, and a check against
// passwords that are common, predictable or tied to the account. Pure; thread-safe.
#pragma once

#include "engine/result.hpp"

#include <cstddef>
#include <span>
#include <string_view>

namespace heat {

inline constexpr std::size_t kMinPasswordLength = 12;   // code points
inline constexpr std::size_t kMaxPasswordLength = 128;  // code points

// Whether `password` may be set for the account `username`. Checked in this order; the first
// failure is returned as Error::invalid("password", reason) with one of these reasons:
//   "must be valid UTF-8"
//   "must not contain control characters"       (C0 controls and DEL: a pasted newline/tab)
//   "must be at least 12 characters"            (code points, not bytes)
//   "must be at most 128 characters"
//   "must not be the username"                  (case-insensitive; also the username with
//                                                digits or symbols added before or after)
//   "is a commonly used password"               (the shipped blocklist, case-insensitive,
//                                                and a blocklisted word with digits/symbols
//                                                around it or letters swapped for look-alikes)
//   "is too predictable"                        (one character or a short run repeated, or a
//                                                sequence such as "abcdefghijkl", "123456789012")
// Spaces and any Unicode are allowed. No Unicode normalization is applied (NIST suggests
// NFKC before hashing; callers hash the bytes as given).
[[nodiscard]] Status check_password(std::string_view password, std::string_view username);

// The number of Unicode scalar values in `utf8`; invalid_argument (field "password") for
// invalid UTF-8: overlong forms, surrogates, values above U+10FFFF, truncated sequences.
[[nodiscard]] Result<std::size_t> count_code_points(std::string_view utf8);

// Whether `password` is on the shipped blocklist (ASCII case-insensitive, exact).
[[nodiscard]] bool is_common_password(std::string_view password);

// The blocklist, lower case, sorted, without duplicates (common_passwords.cpp). It holds the
// most common passwords of the public breach corpora that are 12 or more characters long
// and obvious longer variants of the most common short ones.
[[nodiscard]] std::span<const std::string_view> common_passwords() noexcept;

// Common short passwords and words (lower case, sorted) that check_password() rejects when
// they are all that is left after trimming digits, punctuation and spaces from both ends,
// read as typed or with look-alikes undone ("P@ssw0rd2024!" -> "password").
[[nodiscard]] std::span<const std::string_view> common_password_stems() noexcept;

}  // namespace heat
