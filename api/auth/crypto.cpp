// Sign-in cryptography over OpenSSL 3 (RAND_bytes, EVP digests, HMAC) and libargon2.
#include "api/auth/crypto.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <climits>

namespace heat::auth {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* digest_of(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::sha1: return EVP_sha1();
    case TotpAlgorithm::sha256: return EVP_sha256();
    case TotpAlgorithm::sha512: return EVP_sha512();
  }
  return EVP_sha1();
}

std::string_view algorithm_name(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::sha1: return "SHA1";
    case TotpAlgorithm::sha256: return "SHA256";
    case TotpAlgorithm::sha512: return "SHA512";
  }
  return "SHA1";
}

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 0x0F]);
    }
  }
  return out;
}

// Reads "name=<uint>" from a PHC parameter list such as "m=19456,t=2,p=1".
std::optional<std::uint32_t> phc_param(std::string_view params, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= params.size()) {
    const std::size_t end = std::min(params.find(',', pos), params.size());
    const std::string_view item = params.substr(pos, end - pos);
    if (item.size() > name.size() + 1 && item.substr(0, name.size()) == name && item[name.size()] == '=') {
      std::uint32_t v = 0;
      const char* b = item.data() + name.size() + 1;
      const char* e = item.data() + item.size();
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc{} || p != e) return std::nullopt;
      return v;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------

Result<std::vector<unsigned char>> random_bytes(std::size_t n) {
  std::vector<unsigned char> out(n);
  if (n > static_cast<std::size_t>(INT_MAX)) return Error::invalid("n", "too many random bytes requested");
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    return Error::of(ErrorCode::unavailable, "the random number generator failed");
  }
  return out;
}

Result<std::string> random_token() {
  auto bytes = random_bytes(32);
  if (!bytes) return bytes.error();
  std::string token = base64url_encode(*bytes);
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return token;
}

std::string base64url_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
    out.push_back(kBase64Url[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  const int ok = EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  assert(ok == 1 && len == 32);  // SHA-256 of memory cannot fail short of a broken OpenSSL
  (void)ok;
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0x0F]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---------------------------------------------------------------------------------------

Result<std::string> hash_password(std::string_view password, const Argon2Params& params) {
  auto salt = random_bytes(params.salt_bytes);
  if (!salt) return salt.error();
  const std::size_t len = argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                            params.salt_bytes, params.hash_bytes, Argon2_id);
  std::string encoded(len, '\0');
  const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism, password.data(),
                                       password.size(), salt->data(), salt->size(), params.hash_bytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) return Error::of(ErrorCode::internal, std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view encoded) {
  if (encoded.substr(0, 10) != "$argon2id$" || encoded.find('\0') != std::string_view::npos) return false;
  const std::string z(encoded);  // libargon2 reads a NUL-terminated string
  return argon2id_verify(z.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool password_needs_rehash(std::string_view encoded, const Argon2Params& params) {
  // $argon2id$v=19$m=19456,t=2,p=1$salt$hash
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return true;
  const std::string_view rest = encoded.substr(kPrefix.size());
  const std::string_view list = rest.substr(0, rest.find('$'));
  const auto m = phc_param(list, "m");
  const auto t = phc_param(list, "t");
  const auto p = phc_param(list, "p");
  if (!m || !t || !p) return true;
  return *m < params.memory_kib || *t < params.iterations || *p != params.parallelism;
}

// ---------------------------------------------------------------------------------------

Result<std::vector<unsigned char>> new_totp_secret() { return random_bytes(20); }

std::string base32_encode(std::span<const unsigned char> bytes, bool pad) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  if (pad) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

Result<std::vector<unsigned char>> base32_decode(std::string_view text) {
  std::vector<unsigned char> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (char ch : text) {
    if (ch == ' ' || ch == '-') continue;
    if (ch == '=') {
      padding = true;
      continue;
    }
    if (padding) return Error::invalid("secret", "base32 data after padding");
    std::uint32_t v = 0;
    if (ch >= 'A' && ch <= 'Z') {
      v = static_cast<std::uint32_t>(ch - 'A');
    } else if (ch >= 'a' && ch <= 'z') {
      v = static_cast<std::uint32_t>(ch - 'a');
    } else if (ch >= '2' && ch <= '7') {
      v = static_cast<std::uint32_t>(ch - '2' + 26);
    } else {
      return Error::invalid("secret", "not base32");
    }
    buffer = (buffer << 5) | v;
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  // A final group of 1, 3 or 6 symbols cannot come from whole bytes.
  const std::size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) return Error::invalid("secret", "not a whole number of bytes");
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return Error::invalid("secret", "non-zero trailing bits");
  return out;
}

Result<std::string> hotp(std::span<const unsigned char> secret, std::uint64_t counter, int digits,
                         TotpAlgorithm algorithm) {
  if (secret.empty()) return Error::invalid("secret", "must not be empty");
  if (digits < 6 || digits > 8) return Error::invalid("digits", "must be 6, 7 or 8");
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(digest_of(algorithm), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(),
           mac.data(), &mac_len) == nullptr ||
      mac_len < 20) {
    return Error::of(ErrorCode::internal, "HMAC failed");
  }
  // Dynamic truncation (RFC 4226 §5.3).
  const unsigned offset = mac[mac_len - 1] & 0x0F;
  const std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7F) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                               std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  OPENSSL_cleanse(mac.data(), mac.size());
  return code;
}

std::int64_t totp_step(std::chrono::sys_seconds now, std::chrono::seconds period) {
  const std::int64_t t = now.time_since_epoch().count();
  const std::int64_t x = period.count() > 0 ? period.count() : 1;
  return t >= 0 ? t / x : -((-t + x - 1) / x);  // floor, also before 1970
}

Result<std::string> totp(std::span<const unsigned char> secret, std::chrono::sys_seconds now,
                         const TotpParams& params) {
  if (params.period.count() <= 0) return Error::invalid("period", "must be positive");
  const std::int64_t step = totp_step(now, params.period);
  if (step < 0) return Error::invalid("time", "before the Unix epoch");
  return hotp(secret, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
}

std::optional<std::int64_t> verify_totp(std::span<const unsigned char> secret, std::string_view code,
                                        std::chrono::sys_seconds now, const TotpParams& params, int window,
                                        std::optional<std::int64_t> last_used_step) {
  assert(window >= 0 && window <= 10);
  window = std::clamp(window, 0, 10);
  if (params.period.count() <= 0 || params.digits < 6 || params.digits > 8) return std::nullopt;
  if (code.size() != static_cast<std::size_t>(params.digits) ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::int64_t now_step = totp_step(now, params.period);
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now_step - window; step <= now_step + window; ++step) {
    if (step < 0) continue;
    auto candidate = hotp(secret, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
    if (!candidate) return std::nullopt;
    // No early exit: every candidate is computed and compared.
    const bool equal = constant_time_equal(*candidate, code);
    const bool fresh = !last_used_step || step > *last_used_step;
    if (equal && fresh) matched = step;
  }
  return matched;
}

std::string totp_uri(std::string_view issuer, std::string_view account, std::span<const unsigned char> secret,
                     const TotpParams& params) {
  std::string uri = "otpauth://totp/";
  uri += percent_encode(issuer);
  uri += ':';
  uri += percent_encode(account);
  uri += "?secret=";
  uri += base32_encode(secret);
  uri += "&issuer=";
  uri += percent_encode(issuer);
  uri += "&algorithm=";
  uri += algorithm_name(params.algorithm);
  uri += "&digits=";
  uri += std::to_string(params.digits);
  uri += "&period=";
  uri += std::to_string(params.period.count());
  return uri;
}

}  // namespace heat::auth
