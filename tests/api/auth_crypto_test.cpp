#include "api/auth/crypto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace heat::auth {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

std::vector<unsigned char> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// Cheap Argon2id parameters for the tests that only exercise the encoding; the default
// (production) parameters are exercised once.
constexpr Argon2Params kFast{.memory_kib = 1024, .iterations = 1, .parallelism = 1};

// ---------------------------------------------------------------------------------------
// Tokens, hashes, comparison

TEST(AuthCrypto, RandomTokenIs256BitsOfBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto token = random_token();
    ASSERT_TRUE(token);
    EXPECT_EQ(token->size(), 43u);  // ceil(32 * 8 / 6), no padding
    EXPECT_TRUE(std::all_of(token->begin(), token->end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    })) << *token;
    seen.insert(*token);
  }
  EXPECT_EQ(seen.size(), 200u);
  // The last character carries 4 bits of data and 2 zero bits: only 16 symbols can occur.
  // Over 200 tokens, a crude entropy check: many distinct first characters.
  std::set<char> first;
  for (const auto& t : seen) first.insert(t.front());
  EXPECT_GT(first.size(), 30u);
}

TEST(AuthCrypto, RandomBytesHaveTheRequestedLength) {
  auto b = random_bytes(16);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 16u);
  auto empty = random_bytes(0);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(AuthCrypto, Base64UrlMatchesRfc4648TestVectorsWithoutPadding) {
  // RFC 4648 §10 vectors (base64 and base64url agree on these), padding removed.
  EXPECT_EQ(base64url_encode(bytes_of("")), "");
  EXPECT_EQ(base64url_encode(bytes_of("f")), "Zg");
  EXPECT_EQ(base64url_encode(bytes_of("fo")), "Zm8");
  EXPECT_EQ(base64url_encode(bytes_of("foo")), "Zm9v");
  EXPECT_EQ(base64url_encode(bytes_of("foob")), "Zm9vYg");
  EXPECT_EQ(base64url_encode(bytes_of("fooba")), "Zm9vYmE");
  EXPECT_EQ(base64url_encode(bytes_of("foobar")), "Zm9vYmFy");
  const std::vector<unsigned char> high = {0xFB, 0xFF, 0xBF};  // "+/+/" in base64
  EXPECT_EQ(base64url_encode(high), "-_-_");
}

TEST(AuthCrypto, Sha256HexMatchesFips180Vectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string_view("a\0b", 3)).size(), 64u);  // binary-safe
}

TEST(AuthCrypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("same token", "same token"));
  EXPECT_FALSE(constant_time_equal("same token", "same tokeN"));
  EXPECT_FALSE(constant_time_equal("short", "shorter"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

// ---------------------------------------------------------------------------------------
// Argon2id

TEST(AuthCrypto, PasswordHashRoundTripsWithTheOwaspParameters) {
  auto hash = hash_password("kestrel meadow path");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password("kestrel meadow path", *hash));
  EXPECT_FALSE(verify_password("kestrel meadow patH", *hash));
  EXPECT_FALSE(verify_password("", *hash));
  EXPECT_FALSE(password_needs_rehash(*hash));
}

TEST(AuthCrypto, EachHashHasItsOwnSalt) {
  auto a = hash_password("same password here", kFast);
  auto b = hash_password("same password here", kFast);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password("same password here", *a));
  EXPECT_TRUE(verify_password("same password here", *b));
  // 16-byte salt = 22 base64 characters, 32-byte hash = 43: "$argon2id$v=19$m=1024,t=1,p=1$<22>$<43>"
  const auto salt_start = a->find('$', 15) + 1;
  const auto hash_start = a->find('$', salt_start) + 1;
  EXPECT_EQ(hash_start - salt_start - 1, 22u) << *a;
  EXPECT_EQ(a->size() - hash_start, 43u) << *a;
}

TEST(AuthCrypto, VerifyRejectsMalformedOrForeignHashes) {
  auto hash = hash_password("a valid passphrase", kFast);
  ASSERT_TRUE(hash);
  EXPECT_FALSE(verify_password("a valid passphrase", ""));
  EXPECT_FALSE(verify_password("a valid passphrase", "plaintext"));
  EXPECT_FALSE(verify_password("a valid passphrase", hash->substr(0, hash->size() - 5)));  // truncated
  std::string argon2i = *hash;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_FALSE(verify_password("a valid passphrase", argon2i));  // another variant
  std::string with_nul = *hash + std::string(1, '\0') + "x";
  EXPECT_FALSE(verify_password("a valid passphrase", with_nul));
  std::string flipped = *hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("a valid passphrase", flipped));
  // Passwords are binary-safe: an embedded NUL is part of the password.
  const std::string nul_pw("abc\0def ghi jkl", 15);
  auto nul_hash = hash_password(nul_pw, kFast);
  ASSERT_TRUE(nul_hash);
  EXPECT_TRUE(verify_password(nul_pw, *nul_hash));
  EXPECT_FALSE(verify_password("abc", *nul_hash));
}

TEST(AuthCrypto, WeakerHashesNeedRehash) {
  auto weak = hash_password("upgrade me please", kFast);
  ASSERT_TRUE(weak);
  EXPECT_TRUE(password_needs_rehash(*weak));
  EXPECT_FALSE(password_needs_rehash(*weak, kFast));
  EXPECT_TRUE(password_needs_rehash("$argon2i$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=16$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(password_needs_rehash("$argon2id$v=19$m=x,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_FALSE(password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(password_needs_rehash("garbage"));
}

// ---------------------------------------------------------------------------------------
// Base32

TEST(AuthCrypto, Base32MatchesRfc4648Vectors) {
  struct V {
    const char* in;
    const char* padded;
  };
  const V vectors[] = {{"", ""},
                       {"f", "MY======"},
                       {"fo", "MZXQ===="},
                       {"foo", "MZXW6==="},
                       {"foob", "MZXW6YQ="},
                       {"fooba", "MZXW6YTB"},
                       {"foobar", "MZXW6YTBOI======"}};
  for (const V& v : vectors) {
    EXPECT_EQ(base32_encode(bytes_of(v.in), true), v.padded) << v.in;
    std::string unpadded(v.padded);
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    if (unpadded == "=") unpadded.clear();
    EXPECT_EQ(base32_encode(bytes_of(v.in)), unpadded) << v.in;
    auto decoded = base32_decode(v.padded);
    ASSERT_TRUE(decoded) << v.padded;
    EXPECT_EQ(*decoded, bytes_of(v.in));
    auto decoded_unpadded = base32_decode(unpadded);
    ASSERT_TRUE(decoded_unpadded) << unpadded;
    EXPECT_EQ(*decoded_unpadded, bytes_of(v.in));
  }
}

TEST(AuthCrypto, Base32DecodeIsForgivingAboutCaseAndGroupingButNothingElse) {
  auto lower = base32_decode("mzxw 6ytb-oi");
  ASSERT_TRUE(lower);
  EXPECT_EQ(*lower, bytes_of("foobar"));
  for (const char* bad : {"MZXW1", "MZXW6YTB!", "M", "MZX", "MZXW6Y", "MY==MY==", "MZ"}) {
    auto r = base32_decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_EQ(r.error().fields.at(0).field, "secret") << bad;
  }
  // The RFC 6238 SHA1 seed round-trips.
  const auto seed = bytes_of("12345678901234567890");
  EXPECT_EQ(base32_encode(seed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(*base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), seed);
}

// ---------------------------------------------------------------------------------------
// HOTP / TOTP

TEST(AuthCrypto, HotpMatchesRfc4226AppendixD) {
  const auto secret = bytes_of("12345678901234567890");
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    auto code = hotp(secret, counter);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, expected[counter]) << "counter " << counter;
  }
}

struct TotpVector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

// RFC 6238 Appendix B (8 digits; T0 = 0, X = 30).
constexpr TotpVector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

const auto kSeed1 = bytes_of("12345678901234567890");
const auto kSeed256 = bytes_of("12345678901234567890123456789012");
const auto kSeed512 = bytes_of("1234567890123456789012345678901234567890123456789012345678901234");

TEST(AuthCrypto, TotpMatchesRfc6238AppendixBAtEightDigits) {
  for (const TotpVector& v : kRfc6238) {
    const sys_seconds t{seconds{v.time}};
    EXPECT_EQ(*totp(kSeed1, t, {TotpAlgorithm::sha1, 8}), v.sha1) << v.time;
    EXPECT_EQ(*totp(kSeed256, t, {TotpAlgorithm::sha256, 8}), v.sha256) << v.time;
    EXPECT_EQ(*totp(kSeed512, t, {TotpAlgorithm::sha512, 8}), v.sha512) << v.time;
  }
}

TEST(AuthCrypto, SixDigitTotpIsTheLastSixDigitsOfTheRfcValues) {
  // The same truncated value modulo 10^6 instead of 10^8.
  for (const TotpVector& v : kRfc6238) {
    const sys_seconds t{seconds{v.time}};
    const std::string six = std::string(v.sha1).substr(2);
    EXPECT_EQ(*totp(kSeed1, t), six) << v.time;
    EXPECT_TRUE(verify_totp(kSeed1, six, t)) << v.time;
    EXPECT_TRUE(verify_totp(kSeed1, v.sha1, t, {TotpAlgorithm::sha1, 8})) << v.time;
    EXPECT_EQ(*totp(kSeed1, t, {TotpAlgorithm::sha1, 7}), std::string(v.sha1).substr(1)) << v.time;
  }
}

TEST(AuthCrypto, TotpVerifyAcceptsOneStepOfDriftAndNoMore) {
  const sys_seconds t{seconds{1111111111}};  // step 37037037
  const std::int64_t step = totp_step(t);
  EXPECT_EQ(step, 37037037);
  const std::string previous = *totp(kSeed1, t - seconds{30});
  const std::string current = *totp(kSeed1, t);
  const std::string next = *totp(kSeed1, t + seconds{30});
  const std::string two_back = *totp(kSeed1, t - seconds{60});
  const std::string two_ahead = *totp(kSeed1, t + seconds{60});

  EXPECT_EQ(verify_totp(kSeed1, current, t), step);
  EXPECT_EQ(verify_totp(kSeed1, previous, t), step - 1);
  EXPECT_EQ(verify_totp(kSeed1, next, t), step + 1);
  EXPECT_FALSE(verify_totp(kSeed1, two_back, t));
  EXPECT_FALSE(verify_totp(kSeed1, two_ahead, t));
  EXPECT_EQ(verify_totp(kSeed1, current, t, {}, 0), step);
  EXPECT_FALSE(verify_totp(kSeed1, previous, t, {}, 0));
}

TEST(AuthCrypto, TotpVerifyRefusesReplaysAndMalformedCodes) {
  const sys_seconds t{seconds{1234567890}};
  const std::string current = *totp(kSeed1, t);
  const auto used = verify_totp(kSeed1, current, t);
  ASSERT_TRUE(used);
  EXPECT_FALSE(verify_totp(kSeed1, current, t, {}, 1, used));          // the same code again
  EXPECT_FALSE(verify_totp(kSeed1, *totp(kSeed1, t - seconds{30}), t, {}, 1, used));  // an older one
  EXPECT_EQ(verify_totp(kSeed1, *totp(kSeed1, t + seconds{30}), t, {}, 1, used), *used + 1);

  EXPECT_FALSE(verify_totp(kSeed1, "", t));
  EXPECT_FALSE(verify_totp(kSeed1, current.substr(0, 5), t));
  EXPECT_FALSE(verify_totp(kSeed1, current + "0", t));
  EXPECT_FALSE(verify_totp(kSeed1, " " + current.substr(1), t));
  EXPECT_FALSE(verify_totp(bytes_of("another secret of 20b"), current, t));
}

TEST(AuthCrypto, TotpRejectsBadParameters) {
  const sys_seconds t{seconds{59}};
  auto five = totp(kSeed1, t, {TotpAlgorithm::sha1, 5});
  ASSERT_FALSE(five);
  EXPECT_EQ(five.error().fields.at(0).field, "digits");
  auto empty = totp({}, t);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().fields.at(0).field, "secret");
  auto before_epoch = totp(kSeed1, sys_seconds{seconds{-1}});
  ASSERT_FALSE(before_epoch);
  EXPECT_EQ(before_epoch.error().fields.at(0).field, "time");
  EXPECT_EQ(totp_step(sys_seconds{seconds{-1}}), -1);
  EXPECT_EQ(totp_step(sys_seconds{seconds{29}}), 0);
  EXPECT_EQ(totp_step(sys_seconds{seconds{30}}), 1);
}

TEST(AuthCrypto, NewTotpSecretsAre160BitsAndRoundTripThroughTheUri) {
  auto secret = new_totp_secret();
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->size(), 20u);
  EXPECT_EQ(base32_encode(*secret).size(), 32u);
  EXPECT_EQ(*base32_decode(base32_encode(*secret)), *secret);
  EXPECT_NE(*new_totp_secret(), *secret);
}

TEST(AuthCrypto, TotpUriFollowsTheKeyUriFormat) {
  EXPECT_EQ(totp_uri("HEAT Watch", "m.ortega@da.example", kSeed1),
            "otpauth://totp/HEAT%20Watch:m.ortega%40da.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=HEAT%20Watch&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(totp_uri("a:b", "c", kSeed1, {TotpAlgorithm::sha256, 8, seconds{60}}),
            "otpauth://totp/a%3Ab:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=a%3Ab&algorithm=SHA256"
            "&digits=8&period=60");
}

}  // namespace
}  // namespace heat::auth
