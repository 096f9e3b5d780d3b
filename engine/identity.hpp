// Users, sessions and audit entries, and the storage interfaces that db/ implements for
// them. Every write method records its audit entry in the same transaction as the change.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/clock.hpp"
#include "engine/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heat {

struct User {
  std::string id;
  std::string username;
  std::string display_name;
  Role role = Role::dda;
  std::string unit;
  std::string agency_id;
  bool active = true;
  std::string password_hash;                 // Argon2id PHC string
  std::optional<std::string> totp_secret;    // base32; empty when not enrolled
  std::optional<std::int64_t> totp_last_step;  // last accepted TOTP step (replay guard)
  int failed_logins = 0;
  bool locked = false;

  [[nodiscard]] Principal principal() const { return Principal{id, role, unit, agency_id}; }
};

struct NewUser {
  std::string username;
  std::string display_name;
  Role role = Role::dda;
  std::string unit;
  std::string agency_id;
  std::string password_hash;
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 hex of the bearer token
  std::string user_id;
  TimePoint created_at;
  TimePoint last_seen_at;
  TimePoint expires_at;  // absolute limit
  bool revoked = false;
  std::string remote_address;
};

struct SessionWithUser {
  SessionRecord session;
  User user;
};

// Who did what to which record, when, from where, with what outcome.
struct AuditEntry {
  TimePoint at;
  std::string actor_id;
  std::string actor_username;
  std::string action;      // "auth.login", "user.disable", "victim.identity_read", ...
  std::string entity;      // "user", "session", "victim", ...
  std::string entity_id;
  std::string outcome;     // "success" | "denied" | "failed"
  std::string remote_address;
  std::string details = "{}";  // JSON text
};

struct AuditRecord {
  std::int64_t seq = 0;
  AuditEntry entry;
  std::string at_text;
  std::string prev_hash;
  std::string hash;
};

struct AuditVerification {
  bool valid = true;
  std::optional<std::int64_t> broken_at;  // seq of the first entry whose link fails
  std::int64_t checked = 0;
};

struct AuditFilter {
  std::string entity;
  std::string entity_id;
  std::string actor;
  std::int64_t after_seq = 0;  // cursor
  int limit = 50;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends one entry on its own (reads and refusals, which change nothing else).
  [[nodiscard]] virtual Status append(const AuditEntry& entry) = 0;
  [[nodiscard]] virtual Result<std::vector<AuditRecord>> list(const AuditFilter& filter) = 0;
  // Walks the whole chain and reports the first broken link.
  [[nodiscard]] virtual Result<AuditVerification> verify() = 0;
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  [[nodiscard]] virtual Result<std::optional<User>> find_user_by_username(const std::string& username) = 0;
  [[nodiscard]] virtual Result<std::optional<User>> find_user(const std::string& id) = 0;
  // already_exists when the username (case-insensitive) is taken.
  [[nodiscard]] virtual Result<User> create_user(const NewUser& user, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<std::vector<User>> list_users() = 0;
  // Disabling also revokes every session of the user, in the same transaction.
  [[nodiscard]] virtual Status set_active(const std::string& user_id, bool active, TimePoint now,
                                          const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Status unlock(const std::string& user_id, const AuditEntry& audit) = 0;
  // Counts a failed login: failures within `window` of the first accumulate; at `threshold`
  // the account locks until an admin unlocks it. Returns whether it is locked now.
  [[nodiscard]] virtual Result<bool> record_login_failure(const std::string& user_id, TimePoint now,
                                                          std::chrono::minutes window, int threshold,
                                                          const AuditEntry& audit) = 0;
  // Creates the session, resets the failure count and stores the accepted TOTP step.
  [[nodiscard]] virtual Status create_session(const SessionRecord& session, std::optional<std::int64_t> totp_step,
                                              const AuditEntry& audit) = 0;
  // The session and its user, read together in one statement: the authentication of every
  // request. The server keeps the answer for a few seconds through CachingIdentityStore
  // (engine/session_cache.hpp), which every change reaches at once, so a revocation or a
  // disabled account still holds on the very next request.
  [[nodiscard]] virtual Result<std::optional<SessionWithUser>> find_session_with_user(const std::string& token_hash) = 0;
  [[nodiscard]] virtual Status touch_session(const std::string& token_hash, TimePoint now) = 0;
  [[nodiscard]] virtual Status revoke_session(const std::string& token_hash, TimePoint now,
                                              const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Status set_totp_secret(const std::string& user_id, const std::string& secret,
                                               const AuditEntry& audit) = 0;
};

// The canonical text an audit entry's hash covers (documented so the chain can be checked
// outside the system): the fields joined by '\n' in this order — prev_hash, seq, at_text,
// actor_id, actor_username, action, entity, entity_id, outcome, remote_address, details.
// hash = lowercase hex SHA-256 of that text. The first entry's prev_hash is 64 zeros.
[[nodiscard]] std::string audit_canonical_text(const std::string& prev_hash, std::int64_t seq,
                                               const std::string& at_text, const AuditEntry& entry);
inline constexpr const char* kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// RFC 3339 UTC with microseconds: "2026-11-27T18:35:04.123456Z".
[[nodiscard]] std::string format_utc_micros(TimePoint t);

}  // namespace heat
