#include "db/identity_store.hpp"

#include "db/audit_log.hpp"
#include "db/prepared.hpp"

#include <soci/boost-optional.h>
#include <soci/soci.h>

#include <stdexcept>

namespace heat::db {
namespace {

constexpr const char* kUserColumns =
    "SELECT id::text, username, display_name, role, unit, agency_id, active::int, password_hash, totp_secret,"
    " totp_last_step, failed_logins, (locked_at IS NOT NULL)::int FROM users";
constexpr const char* kInsertUserSql =
    "INSERT INTO users (username, display_name, role, unit, agency_id, password_hash)"
    " VALUES (:username, :display_name, :role, :unit, :agency_id, :password_hash) RETURNING id::text";
// A session joined to its user: the session columns (0..6) then the user columns (7..18), in
// one round trip per authenticated request.
constexpr const char* kSessionWithUserSql =
    "SELECT s.token_hash, s.user_id::text, (extract(epoch FROM s.created_at) * 1000000)::bigint,"
    " (extract(epoch FROM s.last_seen_at) * 1000000)::bigint, (extract(epoch FROM s.expires_at) * 1000000)::bigint,"
    " (s.revoked_at IS NOT NULL)::int, s.remote_address,"
    " u.id::text, u.username, u.display_name, u.role, u.unit, u.agency_id, u.active::int, u.password_hash,"
    " u.totp_secret, u.totp_last_step, u.failed_logins, (u.locked_at IS NOT NULL)::int"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h";
constexpr std::size_t kSessionColumnCount = 7;
// to_timestamp takes seconds as double precision: microseconds survive for centuries.
constexpr const char* kMicrosToTs = "to_timestamp(CAST(:us AS double precision) / 1000000)";

// Sealed secrets ("v1:...") are opened; a legacy plain one is read as it is (`heatwatch
// reseal` seals those). Without a cipher (user administration) the sealed text stays: the
// account still shows as enrolled, and no code can ever match it. A secret the cipher cannot
// open throws: sign-in fails closed, never falls back to "no second factor".
std::string totp_secret_of(const std::string& stored, const FieldCipher* cipher) {
  if (stored.rfind("v1:", 0) != 0 || cipher == nullptr) return stored;
  auto plain = cipher->open(stored);
  if (!plain) throw std::runtime_error("a TOTP secret cannot be opened with the configured keys");
  return std::move(*plain);
}

// The columns of kUserColumns, from column `at` on.
template <class Row>
User read_user(const Row& r, const FieldCipher* cipher, std::size_t at = 0) {
  User u;
  u.id = r.template get<std::string>(at + 0);
  u.username = r.template get<std::string>(at + 1);
  u.display_name = r.template get<std::string>(at + 2);
  u.role = parse_role(r.template get<std::string>(at + 3)).value();
  u.unit = r.template get<std::string>(at + 4);
  u.agency_id = r.template get<std::string>(at + 5);
  u.active = r.template get<int>(at + 6) != 0;
  u.password_hash = r.template get<std::string>(at + 7);
  if (r.get_indicator(at + 8) == soci::i_ok) u.totp_secret = totp_secret_of(r.template get<std::string>(at + 8), cipher);
  if (r.get_indicator(at + 9) == soci::i_ok) u.totp_last_step = r.template get<long long>(at + 9);
  u.failed_logins = r.template get<int>(at + 10);
  u.locked = r.template get<int>(at + 11) != 0;
  return u;
}

// The session columns of kSessionWithUserSql (columns 0..6).
template <class Row>
SessionRecord read_session(const Row& r) {
  SessionRecord s;
  s.token_hash = r.template get<std::string>(0);
  s.user_id = r.template get<std::string>(1);
  s.created_at = from_epoch_micros(r.template get<long long>(2));
  s.last_seen_at = from_epoch_micros(r.template get<long long>(3));
  s.expires_at = from_epoch_micros(r.template get<long long>(4));
  s.revoked = r.template get<int>(5) != 0;
  s.remote_address = r.template get<std::string>(6);
  return s;
}

template <class F>
Status as_status(Pool& pool, F&& fn) {
  auto r = in_transaction(pool, [&](soci::session& sql) -> Result<bool> {
    if (auto s = fn(sql); !s) return s.error();
    return true;
  });
  if (!r) return r.error();
  return {};
}

Result<std::optional<User>> find_one(Pool& pool, const FieldCipher* cipher, const std::string& where,
                                     const std::string& value) {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  try {
    const std::string text = std::string(kUserColumns) + " WHERE " + where;
    for (const auto& r : exec_prepared(**lease, text.c_str(), {value}))
      return std::optional<User>(read_user(r, cipher));
    return std::optional<User>();
  } catch (...) {
    return current_exception_to_error();
  }
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

long long to_epoch_micros(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint from_epoch_micros(long long us) { return TimePoint(std::chrono::microseconds(us)); }

Result<std::optional<User>> PgIdentityStore::find_user_by_username(const std::string& username) {
  return find_one(pool_, cipher_, "lower(username) = lower(:v)", username);
}

Result<std::optional<User>> PgIdentityStore::find_user(const std::string& id) {
  if (!is_uuid(id)) return std::optional<User>();
  return find_one(pool_, cipher_, "id = :v::uuid", id);
}

Result<User> PgIdentityStore::create_user(const NewUser& nu, const AuditEntry& audit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<User> {
    std::string id;
    const std::string role(to_string(nu.role));
    sql << kInsertUserSql, soci::use(nu.username, "username"), soci::use(nu.display_name, "display_name"),
        soci::use(role, "role"), soci::use(nu.unit, "unit"), soci::use(nu.agency_id, "agency_id"),
        soci::use(nu.password_hash, "password_hash"), soci::into(id);
    AuditEntry a = audit;
    a.entity = "user";
    a.entity_id = id;
    append_audit(sql, a);
    User u;
    u.id = id;
    u.username = nu.username;
    u.display_name = nu.display_name;
    u.role = nu.role;
    u.unit = nu.unit;
    u.agency_id = nu.agency_id;
    u.password_hash = nu.password_hash;
    return u;
  });
}

Result<std::vector<User>> PgIdentityStore::list_users() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<User> out;
    soci::rowset<soci::row> rows = ((**lease).prepare << std::string(kUserColumns) + " ORDER BY lower(username)");
    for (const auto& r : rows) out.push_back(read_user(r, cipher_));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Status PgIdentityStore::set_active(const std::string& user_id, bool active, TimePoint now, const AuditEntry& audit) {
  if (!is_uuid(user_id)) return Error::of(ErrorCode::not_found, "no such user");
  return as_status(pool_, [&](soci::session& sql) -> Status {
    const int a = active ? 1 : 0;
    int found = 0;
    sql << "UPDATE users SET active = (:a = 1) WHERE id = :id::uuid RETURNING 1", soci::use(a, "a"),
        soci::use(user_id, "id"), soci::into(found);
    if (found == 0) return Error::of(ErrorCode::not_found, "no such user");
    if (!active) {
      const long long us = to_epoch_micros(now);
      sql << "UPDATE sessions SET revoked_at = " + std::string(kMicrosToTs) +
                 " WHERE user_id = :id::uuid AND revoked_at IS NULL",
          soci::use(us, "us"), soci::use(user_id, "id");
    }
    append_audit(sql, audit);
    return {};
  });
}

Status PgIdentityStore::unlock(const std::string& user_id, const AuditEntry& audit) {
  if (!is_uuid(user_id)) return Error::of(ErrorCode::not_found, "no such user");
  return as_status(pool_, [&](soci::session& sql) -> Status {
    int found = 0;
    sql << "UPDATE users SET locked_at = NULL, failed_logins = 0, first_failed_at = NULL WHERE id = :id::uuid"
           " RETURNING 1",
        soci::use(user_id, "id"), soci::into(found);
    if (found == 0) return Error::of(ErrorCode::not_found, "no such user");
    append_audit(sql, audit);
    return {};
  });
}

Result<bool> PgIdentityStore::record_login_failure(const std::string& user_id, TimePoint now,
                                                   std::chrono::minutes window, int threshold,
                                                   const AuditEntry& audit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<bool> {
    const long long us = to_epoch_micros(now);
    const long long window_us = std::chrono::duration_cast<std::chrono::microseconds>(window).count();
    int locked = 0;
    // A failure older than the window starts a new count; the row lock serializes
    // concurrent failures of one account.
    sql << "UPDATE users SET"
           " failed_logins = CASE WHEN first_failed_at IS NULL OR first_failed_at < "
        << kMicrosToTs
        << " - make_interval(secs => :w / 1000000.0) THEN 1 ELSE failed_logins + 1 END,"
           " first_failed_at = CASE WHEN first_failed_at IS NULL OR first_failed_at < "
        << "to_timestamp(CAST(:us2 AS double precision) / 1000000)"
        << " - make_interval(secs => :w2 / 1000000.0) THEN to_timestamp(CAST(:us3 AS double precision) / 1000000)"
           " ELSE first_failed_at END"
           " WHERE id = :id::uuid RETURNING failed_logins",
        soci::use(us, "us"), soci::use(window_us, "w"), soci::use(us, "us2"), soci::use(window_us, "w2"),
        soci::use(us, "us3"), soci::use(user_id, "id"), soci::into(locked);
    const bool now_locked = locked >= threshold;
    if (now_locked)
      sql << "UPDATE users SET locked_at = COALESCE(locked_at, " << kMicrosToTs << ") WHERE id = :id::uuid",
          soci::use(us, "us"), soci::use(user_id, "id");
    append_audit(sql, audit);
    return now_locked;
  });
}

Status PgIdentityStore::create_session(const SessionRecord& s, std::optional<std::int64_t> totp_step,
                                       const AuditEntry& audit) {
  return as_status(pool_, [&](soci::session& sql) -> Status {
    const long long created = to_epoch_micros(s.created_at);
    const long long expires = to_epoch_micros(s.expires_at);
    sql << "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, remote_address)"
           " VALUES (:h, :u::uuid, "
        << kMicrosToTs << ", to_timestamp(CAST(:us2 AS double precision) / 1000000),"
        << " to_timestamp(CAST(:exp AS double precision) / 1000000), :remote)",
        soci::use(s.token_hash, "h"), soci::use(s.user_id, "u"), soci::use(created, "us"),
        soci::use(created, "us2"), soci::use(expires, "exp"), soci::use(s.remote_address, "remote");
    sql << "UPDATE users SET failed_logins = 0, first_failed_at = NULL WHERE id = :u::uuid",
        soci::use(s.user_id, "u");
    if (totp_step) {
      const long long step = *totp_step;
      sql << "UPDATE users SET totp_last_step = :s WHERE id = :u::uuid", soci::use(step, "s"),
          soci::use(s.user_id, "u");
    }
    append_audit(sql, audit);
    return {};
  });
}

Result<std::optional<SessionWithUser>> PgIdentityStore::find_session_with_user(const std::string& token_hash) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    for (const auto& r : exec_prepared(**lease, kSessionWithUserSql, {token_hash}))
      return std::optional<SessionWithUser>(SessionWithUser{read_session(r), read_user(r, cipher_, kSessionColumnCount)});
    return std::optional<SessionWithUser>();
  } catch (...) {
    return current_exception_to_error();
  }
}

Status PgIdentityStore::touch_session(const std::string& token_hash, TimePoint now) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    const long long us = to_epoch_micros(now);
    **lease << "UPDATE sessions SET last_seen_at = " << kMicrosToTs << " WHERE token_hash = :h",
        soci::use(us, "us"), soci::use(token_hash, "h");
    return {};
  } catch (...) {
    return current_exception_to_error();
  }
}

Status PgIdentityStore::revoke_session(const std::string& token_hash, TimePoint now, const AuditEntry& audit) {
  return as_status(pool_, [&](soci::session& sql) -> Status {
    const long long us = to_epoch_micros(now);
    sql << "UPDATE sessions SET revoked_at = " << kMicrosToTs << " WHERE token_hash = :h AND revoked_at IS NULL",
        soci::use(us, "us"), soci::use(token_hash, "h");
    append_audit(sql, audit);
    return {};
  });
}

Status PgIdentityStore::set_totp_secret(const std::string& user_id, const std::string& secret,
                                        const AuditEntry& audit) {
  std::string stored = secret;
  if (cipher_ != nullptr && !secret.empty()) {
    auto sealed = cipher_->seal(secret);
    if (!sealed) return sealed.error();
    stored = std::move(*sealed);
  }
  return as_status(pool_, [&](soci::session& sql) -> Status {
    int found = 0;
    sql << "UPDATE users SET totp_secret = :s, totp_last_step = NULL WHERE id = :u::uuid RETURNING 1",
        soci::use(stored, "s"), soci::use(user_id, "u"), soci::into(found);
    if (found == 0) return Error::of(ErrorCode::not_found, "no such user");
    append_audit(sql, audit);
    return {};
  });
}

}  // namespace heat::db
