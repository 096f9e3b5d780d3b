#include "api/auth/auth_service.hpp"

#include "api/auth/crypto.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace heat::auth {
namespace {

Error bad_credentials() { return Error::of(ErrorCode::unauthenticated, "invalid username, password or code"); }

std::optional<std::string> bearer_token(const api::Request& request) {
  const std::string* h = request.header("authorization");
  if (h == nullptr) return std::nullopt;
  const std::string prefix = "Bearer ";
  if (h->size() <= prefix.size() || !std::equal(prefix.begin(), prefix.end(), h->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      }))
    return std::nullopt;
  return h->substr(prefix.size());
}

std::optional<std::string> cookie_token(const api::Request& request) {
  const std::string* h = request.header("cookie");
  if (h == nullptr) return std::nullopt;
  const std::string key = std::string(AuthService::kCookieName) + "=";
  std::size_t pos = 0;
  while (pos < h->size()) {
    while (pos < h->size() && (h->at(pos) == ' ' || h->at(pos) == ';')) ++pos;
    std::size_t end = h->find(';', pos);
    if (end == std::string::npos) end = h->size();
    if (h->compare(pos, key.size(), key) == 0) return h->substr(pos + key.size(), end - pos - key.size());
    pos = end;
  }
  return std::nullopt;
}

}  // namespace

bool RateLimiter::allow(const std::string& key, TimePoint now) {
  const std::int64_t minute = std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
  std::lock_guard lock(mutex_);
  if (windows_.size() > 100000) windows_.clear();  // bound memory under an address-spraying attack
  auto& [window, count] = windows_[key];
  if (window != minute) {
    window = minute;
    count = 0;
  }
  return ++count <= per_minute_;
}

AuditEntry audit_entry(TimePoint at, const Caller* caller, std::string action, std::string entity,
                       std::string entity_id, std::string outcome, const std::string& remote) {
  AuditEntry e;
  e.at = at;
  if (caller != nullptr) {
    e.actor_id = caller->user.id;
    e.actor_username = caller->user.username;
  }
  e.action = std::move(action);
  e.entity = std::move(entity);
  e.entity_id = std::move(entity_id);
  e.outcome = std::move(outcome);
  e.remote_address = remote;
  return e;
}

AuthService::AuthService(IdentityStore& store, AuditLog& audit, const Clock& clock, AuthSettings settings)
    : store_(store), audit_(audit), clock_(clock), settings_(settings), login_limiter_(settings.login_attempts_per_minute) {
  dummy_hash_ = hash_password("not-a-real-password-for-timing").value();
}

Result<LoginResult> AuthService::login(const LoginRequest& req) {
  const TimePoint now = clock_.now();
  if (!login_limiter_.allow(req.remote_address, now))
    return Error::of(ErrorCode::rate_limited, "too many sign-in attempts; wait a minute");
  auto found = store_.find_user_by_username(req.username);
  if (!found) return found.error();
  auto details = [&](const char* reason) {
    return boost::json::serialize(boost::json::object{{"username", req.username}, {"reason", reason}});
  };
  if (!*found) {
    (void)verify_password(req.password, dummy_hash_);
    AuditEntry a = audit_entry(now, nullptr, "auth.login", "user", "", "failed", req.remote_address);
    a.actor_username = req.username;
    a.details = details("unknown user");
    if (auto s = audit_.append(a); !s) return s.error();
    return bad_credentials();
  }
  const User& user = **found;
  Caller self{user, "", req.remote_address};
  auto fail = [&](const char* reason) -> Result<LoginResult> {
    AuditEntry a = audit_entry(now, &self, "auth.login", "user", user.id, "failed", req.remote_address);
    a.details = details(reason);
    auto locked = store_.record_login_failure(user.id, now, settings_.lockout_window, settings_.lockout_threshold, a);
    if (!locked) return locked.error();
    if (*locked) spdlog::warn("account {} locked after repeated failed sign-ins", user.id);
    return bad_credentials();
  };
  const bool password_ok = verify_password(req.password, user.password_hash);
  if (user.locked) return fail("account locked");
  if (!user.active) return fail("account disabled");
  if (!password_ok) return fail("wrong password");
  std::optional<std::int64_t> totp_step;
  if (user.totp_secret || settings_.require_totp) {
    if (!user.totp_secret) return fail("second factor required but not enrolled");
    auto secret = base32_decode(*user.totp_secret);
    if (!secret || !req.totp) return fail("second factor missing");
    totp_step = verify_totp(*secret, *req.totp, std::chrono::time_point_cast<std::chrono::seconds>(now), {}, 1,
                            user.totp_last_step);
    if (!totp_step) return fail("wrong second factor");
  }
  auto token = random_token();
  if (!token) return token.error();
  SessionRecord session{sha256_hex(*token), user.id, now, now, now + settings_.absolute_timeout, false,
                        req.remote_address};
  AuditEntry a = audit_entry(now, &self, "auth.login", "session", "", "success", req.remote_address);
  if (auto s = store_.create_session(session, totp_step, a); !s) return s.error();
  return LoginResult{*token, std::min(session.expires_at, now + settings_.idle_timeout), user};
}

Result<Caller> AuthService::authenticate(const api::Request& request, bool allow_cookie) {
  auto token = bearer_token(request);
  if (!token && allow_cookie) token = cookie_token(request);
  if (!token || token->empty()) return Error::of(ErrorCode::unauthenticated, "sign in first");
  const std::string hash = sha256_hex(*token);
  // The session with its user: one statement, or the server's session cache, which every
  // revocation and account change reaches at once (engine/session_cache.hpp). Every check
  // below runs on every request either way.
  auto found = store_.find_session_with_user(hash);
  if (!found) return found.error();
  const TimePoint now = clock_.now();
  const Error expired = Error::of(ErrorCode::unauthenticated, "session expired or revoked; sign in again");
  if (!*found) return expired;
  const SessionRecord& session = (*found)->session;
  if (session.revoked) return expired;
  if (now >= session.expires_at || now - session.last_seen_at >= settings_.idle_timeout) return expired;
  if (!(*found)->user.active) return expired;
  // Reads stay (almost) read-only: last-seen moves at most once per touch_interval.
  if (now - session.last_seen_at >= settings_.touch_interval) {
    if (auto s = store_.touch_session(hash, now); !s) return s.error();
  }
  return Caller{std::move((*found)->user), hash, request.remote_address};
}

Status AuthService::logout(const Caller& caller) {
  return store_.revoke_session(caller.token_hash, clock_.now(),
                               audit_entry(clock_.now(), &caller, "auth.logout", "session", "", "success",
                                           caller.remote_address));
}

Result<TotpEnrollment> AuthService::enroll_totp(const Caller& caller) {
  auto secret = new_totp_secret();
  if (!secret) return secret.error();
  const std::string b32 = base32_encode(*secret);
  if (auto s = store_.set_totp_secret(caller.user.id, b32,
                                      audit_entry(clock_.now(), &caller, "auth.totp_enroll", "user", caller.user.id,
                                                  "success", caller.remote_address));
      !s)
    return s.error();
  return TotpEnrollment{b32, totp_uri("HEAT Watch", caller.user.username, *secret)};
}

std::string AuthService::session_cookie(const std::string& token) const {
  return std::string(kCookieName) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(settings_.absolute_timeout).count());
}

}  // namespace heat::auth
