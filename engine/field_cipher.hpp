// Application-level encryption of sensitive fields (victims' legal names, dates of birth,
// contacts, safety notes). The key never reaches the database: only sealed text does, and
// every sealed value names the key that sealed it, so keys can rotate.
#pragma once

#include "engine/result.hpp"

#include <string>
#include <string_view>

namespace heat {

class FieldCipher {
 public:
  virtual ~FieldCipher() = default;
  // Encrypts with the current key: "v1:<key id>:<base64 of nonce | ciphertext | tag>".
  [[nodiscard]] virtual Result<std::string> seal(std::string_view plaintext) const = 0;
  // Decrypts with the key the value names. domain_rule when that key is not in the ring or
  // the value was altered (authentication fails).
  [[nodiscard]] virtual Result<std::string> open(std::string_view sealed) const = 0;
  // The id of the key seal() uses; values naming another key are due for re-sealing.
  [[nodiscard]] virtual const std::string& current_key_id() const = 0;
};

}  // namespace heat
