// Sign-in, sessions and TOTP: the rules of issue 3 (CJIS / OWASP ASVS L2) over the
// IdentityStore. Opaque 256-bit tokens stored only as SHA-256; 30 minutes idle and 12 hours
// absolute; five failures within 15 minutes lock the account until an admin unlocks it;
// every attempt is audited; answers never reveal whether a username exists. Thread-safe.
#pragma once

#include "api/http.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace heat::auth {

struct AuthSettings {
  std::chrono::minutes idle_timeout{30};
  std::chrono::minutes absolute_timeout{12 * 60};
  int lockout_threshold = 5;
  std::chrono::minutes lockout_window{15};
  bool require_totp = false;       // CJIS IA-2: MFA for every account (the demo runs without)
  int login_attempts_per_minute = 30;  // per source address
  std::chrono::seconds touch_interval{60};  // last-seen is written at most this often
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp;
  std::string remote_address;
};

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  TimePoint expires_at;
  User user;
};

// The authenticated caller of a request.
struct Caller {
  User user;
  std::string token_hash;
  std::string remote_address;
  [[nodiscard]] Principal principal() const { return user.principal(); }
};

struct TotpEnrollment {
  std::string secret_base32;
  std::string otpauth_uri;
};

// Counts attempts per key in fixed one-minute windows. In-process: each server process
// limits on its own, which bounds the total at N processes times the limit.
class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
  // True when the attempt is within the limit (and counts it).
  bool allow(const std::string& key, TimePoint now);

 private:
  int per_minute_;
  std::mutex mutex_;
  std::map<std::string, std::pair<std::int64_t, int>> windows_;  // key -> (minute, count)
};

class AuthService {
 public:
  AuthService(IdentityStore& store, AuditLog& audit, const Clock& clock, AuthSettings settings);

  // unauthenticated (401) for any bad credential, locked or disabled account alike;
  // rate_limited (429) past the per-address limit.
  [[nodiscard]] Result<LoginResult> login(const LoginRequest& request);

  // The caller of a request: `Authorization: Bearer <token>`, or the session cookie when
  // allow_cookie (HTML pages only, so JSON routes are not exposed to CSRF).
  [[nodiscard]] Result<Caller> authenticate(const api::Request& request, bool allow_cookie);

  [[nodiscard]] Status logout(const Caller& caller);

  // Starts TOTP enrolment: a new secret (returned once) replaces any previous one.
  [[nodiscard]] Result<TotpEnrollment> enroll_totp(const Caller& caller);

  [[nodiscard]] const AuthSettings& settings() const { return settings_; }

  // Set-Cookie value for a new session token.
  [[nodiscard]] std::string session_cookie(const std::string& token) const;
  static constexpr const char* kCookieName = "heat_session";

 private:
  IdentityStore& store_;
  AuditLog& audit_;
  const Clock& clock_;
  AuthSettings settings_;
  RateLimiter login_limiter_;
  std::string dummy_hash_;  // verified against for unknown users, so timing reveals nothing
};

// An audit entry stamped with the caller (or anonymous) and the request's address.
[[nodiscard]] AuditEntry audit_entry(TimePoint at, const Caller* caller, std::string action, std::string entity,
                                     std::string entity_id, std::string outcome, const std::string& remote);

}  // namespace heat::auth
