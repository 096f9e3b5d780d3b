// AES-256-GCM field encryption (OpenSSL EVP) with a key ring: the first key seals, every key
// opens, so old values stay readable after a rotation. Thread-safe (immutable).
#pragma once

#include "engine/field_cipher.hpp"

#include <array>
#include <map>
#include <vector>

namespace heat::db {

using Key256 = std::array<unsigned char, 32>;

class AesGcmCipher final : public FieldCipher {
 public:
  // keys: the current key first, then retired keys still needed for reading.
  explicit AesGcmCipher(std::vector<Key256> keys);

  // Parses one key per line (64 hex characters; blank lines and '#' comments ignored).
  [[nodiscard]] static Result<std::vector<Key256>> parse_keys(std::string_view text);
  // HEATWATCH_ENCRYPTION_KEY (one key) or HEATWATCH_ENCRYPTION_KEY_FILE (a key ring file).
  // invalid_argument when neither is set or a key is malformed.
  [[nodiscard]] static Result<std::vector<Key256>> keys_from_environment();

  [[nodiscard]] Result<std::string> seal(std::string_view plaintext) const override;
  [[nodiscard]] Result<std::string> open(std::string_view sealed) const override;
  [[nodiscard]] const std::string& current_key_id() const override { return current_id_; }

  // The key's id: the first 16 hex characters of SHA-256("heatwatch-key-id" | key).
  [[nodiscard]] static std::string key_id(const Key256& key);

 private:
  std::string current_id_;
  std::map<std::string, Key256> ring_;
};

}  // namespace heat::db
