#include "db/field_cipher.hpp"

#include <gtest/gtest.h>

namespace heat::db {
namespace {

Key256 key_of(unsigned char b) {
  Key256 k{};
  k.fill(b);
  return k;
}

TEST(FieldCipher, SealsAndOpensAndNeverRepeatsCiphertext) {
  AesGcmCipher cipher({key_of(1)});
  auto a = cipher.seal("Maria Lopez");
  auto b = cipher.seal("Maria Lopez");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);  // a fresh nonce each time
  EXPECT_EQ(a->find("Maria"), std::string::npos);
  EXPECT_EQ(a->rfind("v1:" + cipher.current_key_id() + ":", 0), 0u);
  EXPECT_EQ(cipher.open(*a).value(), "Maria Lopez");
  EXPECT_EQ(cipher.open(cipher.seal("").value()).value(), "");
}

TEST(FieldCipher, AlteredValuesAndWrongKeysAreRefused) {
  AesGcmCipher cipher({key_of(1)});
  std::string sealed = cipher.seal("555-0100").value();
  std::string altered = sealed;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(cipher.open(altered).error().code, ErrorCode::domain_rule);
  AesGcmCipher other({key_of(2)});
  EXPECT_EQ(other.open(sealed).error().code, ErrorCode::domain_rule);
  EXPECT_EQ(cipher.open("plain text").error().code, ErrorCode::domain_rule);
}

TEST(FieldCipher, RotationKeepsOldValuesReadable) {
  AesGcmCipher before({key_of(1)});
  const std::string old_value = before.seal("Jane's legal name").value();
  AesGcmCipher after({key_of(2), key_of(1)});  // new key first, the old one retired
  EXPECT_NE(after.current_key_id(), before.current_key_id());
  EXPECT_EQ(after.open(old_value).value(), "Jane's legal name");
  const std::string new_value = after.seal("x").value();
  EXPECT_NE(new_value.find(after.current_key_id()), std::string::npos);
  EXPECT_FALSE(before.open(new_value));
}

TEST(FieldCipher, KeyParsing) {
  auto ring = AesGcmCipher::parse_keys("# current\n" + std::string(64, 'a') + "\n\n" + std::string(64, 'B') + "\n");
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ((*ring)[0][0], 0xaa);
  EXPECT_EQ((*ring)[1][0], 0xbb);
  EXPECT_EQ(AesGcmCipher::parse_keys("abc").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(AesGcmCipher::parse_keys(std::string(64, 'z')).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(AesGcmCipher::parse_keys("").error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace heat::db
