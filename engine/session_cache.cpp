#include "engine/session_cache.hpp"

namespace heat {
namespace {

// Callers of find_session_with_user need the user's identity, role and unit, and whether a
// second factor is enrolled; a copy kept for seconds in memory holds no password hash and
// no TOTP secret.
SessionWithUser without_secrets(SessionWithUser s) {
  s.user.password_hash.clear();
  if (s.user.totp_secret) s.user.totp_secret = std::string();
  return s;
}

}  // namespace

CachingIdentityStore::CachingIdentityStore(IdentityStore& inner, const Clock& clock,
                                           std::chrono::milliseconds max_age, std::size_t max_entries)
    : inner_(inner), clock_(clock), max_age_(max_age), max_entries_(std::max<std::size_t>(max_entries, 1)) {}

Result<std::optional<User>> CachingIdentityStore::find_user_by_username(const std::string& username) {
  return inner_.find_user_by_username(username);
}

Result<std::optional<User>> CachingIdentityStore::find_user(const std::string& id) { return inner_.find_user(id); }

Result<User> CachingIdentityStore::create_user(const NewUser& user, const AuditEntry& audit) {
  return inner_.create_user(user, audit);
}

Result<std::vector<User>> CachingIdentityStore::list_users() { return inner_.list_users(); }

Status CachingIdentityStore::set_active(const std::string& user_id, bool active, TimePoint now,
                                        const AuditEntry& audit) {
  auto done = inner_.set_active(user_id, active, now, audit);
  invalidate_user(user_id);
  return done;
}

Status CachingIdentityStore::unlock(const std::string& user_id, const AuditEntry& audit) {
  auto done = inner_.unlock(user_id, audit);
  invalidate_user(user_id);
  return done;
}

Result<bool> CachingIdentityStore::record_login_failure(const std::string& user_id, TimePoint now,
                                                        std::chrono::minutes window, int threshold,
                                                        const AuditEntry& audit) {
  auto done = inner_.record_login_failure(user_id, now, window, threshold, audit);
  invalidate_user(user_id);
  return done;
}

Status CachingIdentityStore::create_session(const SessionRecord& session, std::optional<std::int64_t> totp_step,
                                            const AuditEntry& audit) {
  auto done = inner_.create_session(session, totp_step, audit);
  invalidate_user(session.user_id);  // the user's failure count and TOTP step changed
  return done;
}

Result<std::optional<SessionWithUser>> CachingIdentityStore::find_session_with_user(const std::string& token_hash) {
  const TimePoint now = clock_.now();
  std::uint64_t generation = 0;
  bool cacheable = false;
  {
    std::lock_guard lock(mutex_);
    if (live_ && max_age_.count() > 0) {
      if (auto it = entries_.find(token_hash); it != entries_.end()) {
        if (now - it->second.fetched_at < max_age_ && now >= it->second.fetched_at) {
          ++hits_;
          return std::optional<SessionWithUser>(it->second.value);
        }
        entries_.erase(it);
      }
      cacheable = true;
      generation = generation_;
    }
    ++misses_;
  }
  auto found = inner_.find_session_with_user(token_hash);
  if (!found || !*found) return found;
  SessionWithUser value = without_secrets(std::move(**found));
  if (cacheable) {
    std::lock_guard lock(mutex_);
    // Kept only if nothing was invalidated while it was read: that read may predate the change.
    if (live_ && generation == generation_) {
      if (entries_.size() >= max_entries_) {
        std::erase_if(entries_, [&](const auto& e) { return now - e.second.fetched_at >= max_age_; });
        if (entries_.size() >= max_entries_) entries_.clear();
      }
      entries_.insert_or_assign(token_hash, Entry{value, now});
    }
  }
  return std::optional<SessionWithUser>(std::move(value));
}

Status CachingIdentityStore::touch_session(const std::string& token_hash, TimePoint now) {
  auto done = inner_.touch_session(token_hash, now);
  if (done) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(token_hash); it != entries_.end() && it->second.value.session.last_seen_at < now)
      it->second.value.session.last_seen_at = now;
  } else {
    invalidate_session(token_hash);
  }
  return done;
}

Status CachingIdentityStore::revoke_session(const std::string& token_hash, TimePoint now, const AuditEntry& audit) {
  auto done = inner_.revoke_session(token_hash, now, audit);
  invalidate_session(token_hash);
  return done;
}

Status CachingIdentityStore::set_totp_secret(const std::string& user_id, const std::string& secret,
                                             const AuditEntry& audit) {
  auto done = inner_.set_totp_secret(user_id, secret, audit);
  invalidate_user(user_id);
  return done;
}

void CachingIdentityStore::invalidate_session(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.erase(token_hash);
}

void CachingIdentityStore::invalidate_user(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  std::erase_if(entries_, [&](const auto& e) { return e.second.value.user.id == user_id; });
}

void CachingIdentityStore::invalidate_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();
}

void CachingIdentityStore::set_invalidations_live(bool live) {
  std::lock_guard lock(mutex_);
  ++generation_;
  live_ = live;
  entries_.clear();
}

CachingIdentityStore::Counters CachingIdentityStore::counters() const {
  std::lock_guard lock(mutex_);
  return Counters{hits_, misses_, entries_.size(), live_};
}

}  // namespace heat
