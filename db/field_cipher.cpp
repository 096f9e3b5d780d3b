#include "db/field_cipher.hpp"

#include "db/hashing.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

namespace heat::db {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() > 1 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

Error broken() { return Error::of(ErrorCode::domain_rule, "sealed value cannot be opened (wrong key or altered)"); }

}  // namespace

std::string AesGcmCipher::key_id(const Key256& key) {
  return sha256_hex("heatwatch-key-id" + std::string(key.begin(), key.end())).substr(0, 16);
}

AesGcmCipher::AesGcmCipher(std::vector<Key256> keys) {
  for (const auto& k : keys) ring_.emplace(key_id(k), k);
  if (!keys.empty()) current_id_ = key_id(keys.front());
}

Result<std::vector<Key256>> AesGcmCipher::parse_keys(std::string_view text) {
  std::vector<Key256> keys;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) line.pop_back();
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.size() != 64) return Error::invalid("encryption_key", "a key is 64 hex characters (256 bits)");
    Key256 key{};
    for (std::size_t i = 0; i < 32; ++i) {
      auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = nibble(line[2 * i]);
      const int lo = nibble(line[2 * i + 1]);
      if (hi < 0 || lo < 0) return Error::invalid("encryption_key", "a key is 64 hex characters (256 bits)");
      key[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    keys.push_back(key);
  }
  if (keys.empty()) return Error::invalid("encryption_key", "no key given");
  return keys;
}

Result<std::vector<Key256>> AesGcmCipher::keys_from_environment() {
  if (const char* key = std::getenv("HEATWATCH_ENCRYPTION_KEY"); key != nullptr && *key != '\0')
    return parse_keys(key);
  if (const char* file = std::getenv("HEATWATCH_ENCRYPTION_KEY_FILE"); file != nullptr && *file != '\0') {
    std::ifstream in(file);
    if (!in) return Error::invalid("encryption_key", "cannot read HEATWATCH_ENCRYPTION_KEY_FILE");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_keys(ss.str());
  }
  return Error::invalid("encryption_key", "set HEATWATCH_ENCRYPTION_KEY or HEATWATCH_ENCRYPTION_KEY_FILE");
}

Result<std::string> AesGcmCipher::seal(std::string_view plaintext) const {
  if (current_id_.empty()) return Error::of(ErrorCode::internal, "no encryption key");
  const Key256& key = ring_.at(current_id_);
  std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
  if (RAND_bytes(out.data(), kNonceBytes) != 1) return Error::of(ErrorCode::internal, "no randomness");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  // The key id is authenticated data: a value cannot be relabelled to another key.
  const auto* aad = reinterpret_cast<const unsigned char*>(current_id_.data());
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad, static_cast<int>(current_id_.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out.data() + kNonceBytes + plaintext.size()) != 1)
    return Error::of(ErrorCode::internal, "encryption failed");
  return "v1:" + current_id_ + ":" + base64(out);
}

Result<std::string> AesGcmCipher::open(std::string_view sealed) const {
  if (sealed.substr(0, 3) != "v1:") return broken();
  const std::size_t colon = sealed.find(':', 3);
  if (colon == std::string_view::npos) return broken();
  const std::string id(sealed.substr(3, colon - 3));
  auto key = ring_.find(id);
  if (key == ring_.end()) return Error::of(ErrorCode::domain_rule, "sealed with a key not in the key ring: " + id);
  auto bytes = unbase64(sealed.substr(colon + 1));
  if (!bytes || bytes->size() < kNonceBytes + kTagBytes) return broken();
  const std::size_t text_len = bytes->size() - kNonceBytes - kTagBytes;
  std::string plain(text_len, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  const auto* aad = reinterpret_cast<const unsigned char*>(id.data());
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->second.data(), bytes->data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad, static_cast<int>(id.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        bytes->data() + kNonceBytes, static_cast<int>(text_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes->data() + kNonceBytes + text_len) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1)
    return broken();
  return plain;
}

}  // namespace heat::db
