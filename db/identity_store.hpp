// Users and sessions in PostgreSQL (engine/identity.hpp's IdentityStore).
#pragma once

#include "db/pool.hpp"
#include "engine/field_cipher.hpp"
#include "engine/identity.hpp"

namespace heat::db {

class PgIdentityStore final : public IdentityStore {
 public:
  // With a cipher, TOTP secrets are stored sealed (like victims' identities) and opened on
  // read; without one (user administration from the command line) a sealed secret cannot be
  // read and the read fails closed.
  explicit PgIdentityStore(Pool& pool, const FieldCipher* cipher = nullptr) : pool_(pool), cipher_(cipher) {}
  [[nodiscard]] Result<std::optional<User>> find_user_by_username(const std::string& username) override;
  [[nodiscard]] Result<std::optional<User>> find_user(const std::string& id) override;
  [[nodiscard]] Result<User> create_user(const NewUser& user, const AuditEntry& audit) override;
  [[nodiscard]] Result<std::vector<User>> list_users() override;
  [[nodiscard]] Status set_active(const std::string& user_id, bool active, TimePoint now,
                                  const AuditEntry& audit) override;
  [[nodiscard]] Status unlock(const std::string& user_id, const AuditEntry& audit) override;
  [[nodiscard]] Result<bool> record_login_failure(const std::string& user_id, TimePoint now,
                                                  std::chrono::minutes window, int threshold,
                                                  const AuditEntry& audit) override;
  [[nodiscard]] Status create_session(const SessionRecord& session, std::optional<std::int64_t> totp_step,
                                      const AuditEntry& audit) override;
  [[nodiscard]] Result<std::optional<SessionWithUser>> find_session_with_user(const std::string& token_hash) override;
  [[nodiscard]] Status touch_session(const std::string& token_hash, TimePoint now) override;
  [[nodiscard]] Status revoke_session(const std::string& token_hash, TimePoint now,
                                      const AuditEntry& audit) override;
  [[nodiscard]] Status set_totp_secret(const std::string& user_id, const std::string& secret,
                                       const AuditEntry& audit) override;

 private:
  Pool& pool_;
  const FieldCipher* cipher_;
};

// Microseconds since the epoch <-> TimePoint, for binding timestamps as integers.
[[nodiscard]] long long to_epoch_micros(TimePoint t);
[[nodiscard]] TimePoint from_epoch_micros(long long us);

}  // namespace heat::db
