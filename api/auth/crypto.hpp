// The cryptography of sign-in: session tokens, token hashes, password hashing (Argon2id,
// libargon2) and TOTP second factors (RFC 6238 over OpenSSL's HMAC). Stateless functions;
// thread-safe (OpenSSL 3 and libargon2 need no global locking). Time is always passed in.
//
// Secrets handled here (passwords, TOTP secrets, tokens) must never reach a log line.
#pragma once

#include "engine/result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace heat::auth {

// ---------------------------------------------------------------------------------------
// Randomness, encodings, hashing

// `n` bytes from OpenSSL's CSPRNG (RAND_bytes). Error: unavailable when the generator
// fails (it is not seeded); never returns weak bytes.
[[nodiscard]] Result<std::vector<unsigned char>> random_bytes(std::size_t n);

// An opaque session token: 32 random bytes (256 bits) as base64url without padding
// (43 characters of [A-Za-z0-9_-]). Store only sha256_hex(token). Error: as random_bytes.
[[nodiscard]] Result<std::string> random_token();

// RFC 4648 §5, without padding.
[[nodiscard]] std::string base64url_encode(std::span<const unsigned char> bytes);

// SHA-256 of `bytes`, as 64 lower-case hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

// Compares in time that depends only on the lengths (CRYPTO_memcmp). For equal-length
// secrets such as token hashes and TOTP codes.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// ---------------------------------------------------------------------------------------
// Passwords: Argon2id (RFC 9106), OWASP's minimum: m = 19 MiB, t = 2, p = 1.

struct Argon2Params {
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
  std::uint32_t salt_bytes = 16;
  std::uint32_t hash_bytes = 32;
};

// The PHC string "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", which carries its own
// parameters and a fresh random salt. Precondition: the password already passed
// check_password() (this function does not judge it). Errors: unavailable (no randomness),
// internal (libargon2 refused the parameters, e.g. out of memory).
[[nodiscard]] Result<std::string> hash_password(std::string_view password, const Argon2Params& params = {});

// Whether `password` matches `encoded` (from hash_password, with whatever parameters it
// records). False for a mismatch and for anything that is not a well-formed Argon2id PHC
// string (a wrong type, a NUL byte, a truncated hash).
[[nodiscard]] bool verify_password(std::string_view password, std::string_view encoded);

// True when `encoded` is weaker than `params` (lower memory or iterations, another
// version or parallelism) or cannot be read: re-hash it at the next successful sign-in.
[[nodiscard]] bool password_needs_rehash(std::string_view encoded, const Argon2Params& params = {});

// ---------------------------------------------------------------------------------------
// TOTP (RFC 6238) and HOTP (RFC 4226)

enum class TotpAlgorithm : unsigned char { sha1, sha256, sha512 };

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::sha1;  // what authenticator apps implement
  int digits = 6;                                 // 6 to 8
  std::chrono::seconds period{30};                // the time step X; T0 is the Unix epoch
};

// A fresh 160-bit secret (RFC 4226 §4 recommends 160 bits). Error: as random_bytes.
[[nodiscard]] Result<std::vector<unsigned char>> new_totp_secret();

// RFC 4648 §6 base32 (alphabet A-Z2-7), upper case; padded with '=' only when `pad`
// (authenticator apps expect no padding in otpauth URIs).
[[nodiscard]] std::string base32_encode(std::span<const unsigned char> bytes, bool pad = false);

// Accepts upper or lower case, optional trailing '=' padding, and spaces or hyphens between
// groups (as people type secrets). invalid_argument (field "secret") for any other character
// or an impossible length.
[[nodiscard]] Result<std::vector<unsigned char>> base32_decode(std::string_view text);

// HOTP value for `counter`, zero-padded to `digits`. invalid_argument for an empty secret
// (field "secret") or digits outside 6..8 (field "digits"); internal if HMAC fails.
[[nodiscard]] Result<std::string> hotp(std::span<const unsigned char> secret, std::uint64_t counter, int digits = 6,
                                       TotpAlgorithm algorithm = TotpAlgorithm::sha1);

// The time step of `now`: floor(now / period). Negative before 1970.
[[nodiscard]] std::int64_t totp_step(std::chrono::sys_seconds now, std::chrono::seconds period = std::chrono::seconds{30});

// The TOTP value at `now`. Errors as hotp(), and invalid_argument (field "time") before 1970
// or for a period that is not positive (field "period").
[[nodiscard]] Result<std::string> totp(std::span<const unsigned char> secret, std::chrono::sys_seconds now,
                                       const TotpParams& params = {});

// Checks `code` against the steps now-window .. now+window (RFC 6238 §5.2: one step back
// and forward absorbs clock drift and typing time) and returns the step that matched, or
// nullopt. Pass the last step this account accepted as `last_used_step`: steps at or before
// it are refused, so a code cannot be replayed (§5.2); store the returned step. The candidate
// codes are all computed and compared in constant time. A code that is not exactly
// params.digits ASCII digits never matches. Precondition: 0 <= window <= 10.
[[nodiscard]] std::optional<std::int64_t> verify_totp(std::span<const unsigned char> secret, std::string_view code,
                                                      std::chrono::sys_seconds now, const TotpParams& params = {},
                                                      int window = 1,
                                                      std::optional<std::int64_t> last_used_step = std::nullopt);

// The enrolment URI an authenticator app reads from a QR code (Key Uri Format):
// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// with issuer and account percent-encoded (RFC 3986 unreserved characters kept).
[[nodiscard]] std::string totp_uri(std::string_view issuer, std::string_view account,
                                   std::span<const unsigned char> secret, const TotpParams& params = {});

}  // namespace heat::auth
