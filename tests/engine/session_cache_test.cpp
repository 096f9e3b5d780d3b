// CachingIdentityStore over an in-memory IdentityStore that counts its session reads.
#include "engine/session_cache.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace heat {
namespace {

using namespace std::chrono_literals;

class MemoryIdentityStore final : public IdentityStore {
 public:
  std::map<std::string, SessionRecord> sessions;
  std::map<std::string, User> users;
  int session_reads = 0;
  std::function<void()> during_read;  // runs inside find_session_with_user, after the read

  Result<std::optional<User>> find_user_by_username(const std::string&) override { return std::optional<User>(); }
  Result<std::optional<User>> find_user(const std::string& id) override {
    auto it = users.find(id);
    return it == users.end() ? std::optional<User>() : std::optional<User>(it->second);
  }
  Result<User> create_user(const NewUser&, const AuditEntry&) override { return Error::of(ErrorCode::internal, "n/a"); }
  Result<std::vector<User>> list_users() override { return std::vector<User>(); }
  Status set_active(const std::string& id, bool active, TimePoint, const AuditEntry&) override {
    users.at(id).active = active;
    return {};
  }
  Status unlock(const std::string& id, const AuditEntry&) override {
    users.at(id).locked = false;
    return {};
  }
  Result<bool> record_login_failure(const std::string& id, TimePoint, std::chrono::minutes, int,
                                    const AuditEntry&) override {
    return ++users.at(id).failed_logins >= 5;
  }
  Status create_session(const SessionRecord& s, std::optional<std::int64_t>, const AuditEntry&) override {
    sessions[s.token_hash] = s;
    return {};
  }
  Result<std::optional<SessionWithUser>> find_session_with_user(const std::string& hash) override {
    ++session_reads;
    auto it = sessions.find(hash);
    std::optional<SessionWithUser> out;
    if (it != sessions.end()) out = SessionWithUser{it->second, users.at(it->second.user_id)};
    if (during_read) during_read();
    return out;
  }
  Status touch_session(const std::string& hash, TimePoint now) override {
    sessions.at(hash).last_seen_at = now;
    return {};
  }
  Status revoke_session(const std::string& hash, TimePoint, const AuditEntry&) override {
    sessions.at(hash).revoked = true;
    return {};
  }
  Status set_totp_secret(const std::string& id, const std::string& secret, const AuditEntry&) override {
    users.at(id).totp_secret = secret;
    return {};
  }
};

struct Fixture {
  MemoryIdentityStore inner;
  FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 28)) + 9h};
  CachingIdentityStore cache{inner, clock, 10s};

  Fixture() {
    for (const char* id : {"u1", "u2"}) {
      User u;
      u.id = id;
      u.username = std::string("user-") + id;
      u.role = Role::dda;
      u.unit = "ht";
      u.password_hash = "$argon2id$v=19$secret";
      users_session(u, std::string("token-") + id);
    }
    cache.set_invalidations_live(true);
  }
  void users_session(const User& u, const std::string& hash) {
    inner.users[u.id] = u;
    inner.sessions[hash] = SessionRecord{hash, u.id, clock.now(), clock.now(), clock.now() + 12h, false, "t"};
  }
  std::optional<SessionWithUser> find(const std::string& hash) { return cache.find_session_with_user(hash).value(); }
};

TEST(SessionCache, ASecondReadWithinMaxAgeComesFromMemory) {
  Fixture f;
  ASSERT_TRUE(f.find("token-u1"));
  ASSERT_TRUE(f.find("token-u1"));
  EXPECT_EQ(f.inner.session_reads, 1);
  f.clock.advance(9s);
  ASSERT_TRUE(f.find("token-u1"));
  EXPECT_EQ(f.inner.session_reads, 1);
  f.clock.advance(1s);  // max age reached: read again
  ASSERT_TRUE(f.find("token-u1"));
  EXPECT_EQ(f.inner.session_reads, 2);
  EXPECT_EQ(f.cache.counters().hits, 2u);
  EXPECT_EQ(f.cache.counters().misses, 2u);
}

TEST(SessionCache, UnknownTokensAreNeverKept) {
  Fixture f;
  EXPECT_FALSE(f.find("nope"));
  EXPECT_FALSE(f.find("nope"));
  EXPECT_EQ(f.inner.session_reads, 2);
}

TEST(SessionCache, NothingIsCachedWhileInvalidationsMayNotArrive) {
  Fixture f;
  f.cache.set_invalidations_live(false);
  ASSERT_TRUE(f.find("token-u1"));
  ASSERT_TRUE(f.find("token-u1"));
  EXPECT_EQ(f.inner.session_reads, 2);
  f.cache.set_invalidations_live(true);
  ASSERT_TRUE(f.find("token-u1"));
  ASSERT_TRUE(f.find("token-u1"));
  EXPECT_EQ(f.inner.session_reads, 3);
  // Going down empties the cache: what it held may have changed unseen.
  f.cache.set_invalidations_live(false);
  EXPECT_EQ(f.cache.counters().entries, 0u);
  f.inner.users["u1"].active = false;
  f.cache.set_invalidations_live(true);
  EXPECT_FALSE(f.find("token-u1")->user.active);
}

TEST(SessionCache, MaxAgeZeroCachesNothing) {
  Fixture f;
  CachingIdentityStore off(f.inner, f.clock, 0ms);
  off.set_invalidations_live(true);
  ASSERT_TRUE(off.find_session_with_user("token-u1").value());
  ASSERT_TRUE(off.find_session_with_user("token-u1").value());
  EXPECT_EQ(f.inner.session_reads, 2);
}

TEST(SessionCache, ChangesMadeThroughItHoldOnTheNextRead) {
  Fixture f;
  const AuditEntry audit;
  ASSERT_TRUE(f.find("token-u1"));
  ASSERT_TRUE(f.cache.revoke_session("token-u1", f.clock.now(), audit));
  EXPECT_TRUE(f.find("token-u1")->session.revoked);

  ASSERT_TRUE(f.find("token-u2"));
  ASSERT_TRUE(f.cache.set_active("u2", false, f.clock.now(), audit));
  EXPECT_FALSE(f.find("token-u2")->user.active);

  f.inner.users["u2"].locked = true;
  ASSERT_TRUE(f.find("token-u2"));
  ASSERT_TRUE(f.cache.unlock("u2", audit));
  EXPECT_FALSE(f.find("token-u2")->user.locked);

  ASSERT_TRUE(f.cache.set_totp_secret("u2", "JBSWY3DPEHPK3PXP", audit));
  EXPECT_TRUE(f.find("token-u2")->user.totp_secret.has_value());
  EXPECT_EQ(f.inner.session_reads, 6);
}

TEST(SessionCache, InvalidationsEvictTheSessionOrEverySessionOfTheUser) {
  Fixture f;
  f.users_session(f.inner.users["u1"], "token-u1-second");
  ASSERT_TRUE(f.find("token-u1"));
  ASSERT_TRUE(f.find("token-u1-second"));
  ASSERT_TRUE(f.find("token-u2"));
  EXPECT_EQ(f.inner.session_reads, 3);

  f.inner.sessions["token-u1"].revoked = true;  // changed elsewhere; the NOTIFY arrives
  f.cache.invalidate_session("token-u1");
  EXPECT_TRUE(f.find("token-u1")->session.revoked);
  EXPECT_FALSE(f.find("token-u1-second")->session.revoked);
  EXPECT_EQ(f.inner.session_reads, 4);

  f.inner.users["u1"].role = Role::supervisor;
  f.cache.invalidate_user("u1");
  EXPECT_EQ(f.find("token-u1")->user.role, Role::supervisor);
  EXPECT_EQ(f.find("token-u1-second")->user.role, Role::supervisor);
  EXPECT_TRUE(f.find("token-u2"));  // another user's entry stays
  EXPECT_EQ(f.inner.session_reads, 6);

  f.cache.invalidate_all();
  ASSERT_TRUE(f.find("token-u2"));
  EXPECT_EQ(f.inner.session_reads, 7);
}

TEST(SessionCache, AReadThatRacedWithAnInvalidationIsNotKept) {
  Fixture f;
  // The read sees the old state; the change commits and its notification arrives before the
  // read is stored. Keeping it would serve the revoked session until max age.
  f.inner.during_read = [&] {
    f.inner.sessions["token-u1"].revoked = true;
    f.cache.invalidate_session("token-u1");
  };
  EXPECT_FALSE(f.find("token-u1")->session.revoked);
  f.inner.during_read = nullptr;
  EXPECT_TRUE(f.find("token-u1")->session.revoked);
  EXPECT_EQ(f.inner.session_reads, 2);
}

TEST(SessionCache, TouchMovesTheCachedLastSeen) {
  Fixture f;
  ASSERT_TRUE(f.find("token-u1"));
  f.clock.advance(5s);
  ASSERT_TRUE(f.cache.touch_session("token-u1", f.clock.now()));
  EXPECT_EQ(f.find("token-u1")->session.last_seen_at, f.clock.now());
  EXPECT_EQ(f.inner.session_reads, 1);
}

TEST(SessionCache, CopiesHoldNoPasswordHashOrTotpSecret) {
  Fixture f;
  f.inner.users["u1"].totp_secret = "JBSWY3DPEHPK3PXP";
  for (int i = 0; i < 2; ++i) {  // the read that fills the cache and the hit alike
    auto s = f.find("token-u1");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->user.password_hash.empty());
    ASSERT_TRUE(s->user.totp_secret.has_value());  // still says a second factor is enrolled
    EXPECT_TRUE(s->user.totp_secret->empty());
  }
  EXPECT_FALSE(f.find("token-u2")->user.totp_secret.has_value());
}

TEST(SessionCache, StaysWithinItsEntryBound) {
  Fixture f;
  CachingIdentityStore small(f.inner, f.clock, 10s, 2);
  small.set_invalidations_live(true);
  f.users_session(f.inner.users["u1"], "token-u1-b");
  for (const char* t : {"token-u1", "token-u1-b", "token-u2"}) ASSERT_TRUE(small.find_session_with_user(t).value());
  EXPECT_LE(small.counters().entries, 2u);
}

}  // namespace
}  // namespace heat
