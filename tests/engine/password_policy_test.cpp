#include "engine/password_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace heat {
namespace {

// The reason check_password() gave, or "" when it accepted the password.
std::string reason(std::string_view password, std::string_view username = "jsmith") {
  const Status s = check_password(password, username);
  if (s) return "";
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(s.error().fields.size(), 1u);
  if (s.error().fields.empty()) return "<no field>";
  EXPECT_EQ(s.error().fields[0].field, "password");
  return s.error().fields[0].message;
}

struct Case {
  const char* password;
  const char* expected;  // "" = accepted
};

constexpr const char* kOk = "";
constexpr const char* kShort = "must be at least 12 characters";
constexpr const char* kLong = "must be at most 128 characters";
constexpr const char* kUtf8 = "must be valid UTF-8";
constexpr const char* kControl = "must not contain control characters";
constexpr const char* kUser = "must not be the username";
constexpr const char* kCommon = "is a commonly used password";
constexpr const char* kPredictable = "is too predictable";

class PasswordCases : public ::testing::TestWithParam<Case> {};

TEST_P(PasswordCases, GivesTheExpectedReason) {
  EXPECT_EQ(reason(GetParam().password), GetParam().expected) << "password: " << GetParam().password;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(PasswordPolicy, PasswordCases, ::testing::Values(
    // length, counted in code points; no composition rules
    Case{"tangerine sky", kOk},                     // 13, letters and a space only
    Case{"vcxq mnbt rwz", kOk},
    Case{"plumtreelake", kOk},                      // exactly 12
    Case{"plumtreelak", kShort},                    // 11
    Case{"", kShort},
    Case{"\xC3\xA9t\xC3\xA9 \xC3\xA0 Paris", kShort},  // "été à Paris": 11 code points, 14 bytes
    Case{"\xC3\xA9t\xC3\xA9 \xC3\xA0 Paris!", kOk},    // 12 code points, 15 bytes
    Case{"\xE6\x98\xA5\xE7\x9C\xA0\xE4\xB8\x8D\xE8\xA6\xBA\xE6\x9A\x81", kShort},  // 5 CJK = 15 bytes
    Case{"\xF0\x9F\x90\xA2\xF0\x9F\x8C\xB2\xF0\x9F\x8D\x8B slow lemon", kOk},       // emoji count once each
    // invalid UTF-8
    Case{"valid prefix \xFF then", kUtf8},
    Case{"overlong \xC0\xAF slash!!", kUtf8},
    Case{"surrogate \xED\xA0\x80 half", kUtf8},
    Case{"beyond \xF4\x90\x80\x80 U+10FFFF", kUtf8},
    Case{"truncated at the end \xE2\x82", kUtf8},
    Case{"lonely continuation \x80 byte", kUtf8},
    // control characters
    Case{"tab\tinside the phrase", kControl},
    Case{"newline at the end\n", kControl},
    // the blocklist, case-insensitive
    Case{"password1234", kCommon},
    Case{"PASSWORD1234", kCommon},
    Case{"qwertyuiop12", kCommon},
    Case{"123456789012", kCommon},
    Case{"iloveyou1234", kCommon},
    Case{"1qaz2wsx3edc", kCommon},
    Case{"administrator", kCommon},
    Case{"correct horse battery staple", kCommon},
    // obvious variants: padding, look-alikes
    Case{"Password2024!", kCommon},
    Case{"P@ssw0rd!2345", kCommon},
    Case{"!!!sunshine!!!", kCommon},
    Case{"2026heatwatch", kCommon},
    Case{"Tru5tNo1!2345", kCommon},
    Case{"L0vely 123456", kCommon},
    // repeated, sequential and keyboard walks
    Case{"zzzzzzzzzzzz", kPredictable},
    Case{"xyzxyzxyzxyz", kPredictable},
    Case{"bluebirdbluebird", kPredictable},
    Case{"lmnopqrstuvw", kPredictable},
    Case{"876543210987", kPredictable},
    Case{"mnbvcxzlkjhgfd", kPredictable},
    Case{"qazwsxedcrfv!!", kCommon},  // on the list as "qazwsxedcrfv"
    Case{"!!wsxedcrfvtgb", kPredictable},
    // not fooled into rejecting ordinary passphrases
    Case{"my cat eats 3 limes", kOk},
    Case{"Orchard-Valley-Quartz-7", kOk},
    Case{"summer lemonade stand", kOk}))
;
// clang-format on

TEST(PasswordPolicy, CountsCodePointsNotBytes) {
  EXPECT_EQ(*count_code_points("abc"), 3u);
  EXPECT_EQ(*count_code_points("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(*count_code_points("\xE2\x82\xAC"), 1u);      // €
  EXPECT_EQ(*count_code_points("\xF0\x9F\x98\x80"), 1u);  // 😀
  EXPECT_EQ(*count_code_points(""), 0u);
  auto bad = count_code_points("\xE2\x82");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().fields.at(0).message, kUtf8);
}

TEST(PasswordPolicy, LengthLimitsAreInclusiveAndCountCodePoints) {
  EXPECT_EQ(reason(std::string(11, 'q') + "w"), kOk);  // 12, not a repetition
  std::string longest;
  for (int i = 0; i < 128; ++i) longest.push_back("qwfpgjluyarstdhneio"[(i * 7) % 19]);
  EXPECT_EQ(reason(longest), kOk) << longest;
  EXPECT_EQ(reason(longest + "x"), kLong);
  // 128 two-byte code points (256 bytes) are within the limit; 129 are not.
  std::string accented;
  for (int i = 0; i < 64; ++i) accented += "\xC3\xA9\xC3\xB1";  // "éñ" 64 times: 128 code points
  EXPECT_EQ(*count_code_points(accented), 128u);
  EXPECT_EQ(reason(accented), kPredictable);  // within the length limit, but a repetition
  std::string mixed;
  const char* pieces[] = {"\xC3\xA9", "\xC3\xB1", "\xC3\xBC", "\xC3\xA7", "\xC3\xB8", "\xC3\xA5", "\xC3\xA6"};
  for (int i = 0; i < 128; ++i) mixed += pieces[(i * i + i / 3) % 7];
  EXPECT_EQ(*count_code_points(mixed), 128u);
  EXPECT_EQ(reason(mixed), kOk);
  EXPECT_EQ(reason(mixed + "\xC3\xA9"), kLong);
}

TEST(PasswordPolicy, RejectsTheUsernameAndItsPaddedForms) {
  EXPECT_EQ(reason("marisol.ortega", "marisol.ortega"), kUser);
  EXPECT_EQ(reason("Marisol.Ortega", "marisol.ortega"), kUser);
  EXPECT_EQ(reason("marisol.ortega2026", "marisol.ortega"), kUser);
  EXPECT_EQ(reason("dda12345678901", "dda"), kUser);
  EXPECT_EQ(reason("marisol.ortega", "jsmith"), kOk);
  EXPECT_EQ(reason("kestrel meadow path", ""), kOk);  // no username: nothing to compare
}

TEST(PasswordPolicy, BlocklistIsSortedUniqueLowerCaseAndLongEnough) {
  const auto list = common_passwords();
  EXPECT_GE(list.size(), 300u);
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
  EXPECT_EQ(std::adjacent_find(list.begin(), list.end()), list.end());
  for (std::string_view p : list) {
    EXPECT_GE(p.size(), kMinPasswordLength) << p;
    EXPECT_TRUE(std::none_of(p.begin(), p.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) << p;
    // every entry is refused by check_password, for one reason or another
    EXPECT_FALSE(check_password(p, "someone")) << p;
  }
  const auto stems = common_password_stems();
  EXPECT_GE(stems.size(), 100u);
  EXPECT_TRUE(std::is_sorted(stems.begin(), stems.end()));
  EXPECT_EQ(std::adjacent_find(stems.begin(), stems.end()), stems.end());
}

TEST(PasswordPolicy, BlocklistLookupIsExactAndCaseInsensitive) {
  EXPECT_TRUE(is_common_password("password1234"));
  EXPECT_TRUE(is_common_password("PassWord1234"));
  EXPECT_TRUE(is_common_password("ILOVEYOU1234"));
  EXPECT_TRUE(is_common_password("123456789012"));
  EXPECT_FALSE(is_common_password("password1234 but longer"));
  EXPECT_FALSE(is_common_password(""));
}

}  // namespace
}  // namespace heat
