// Session expiry with an injected clock (no sleeps): AuthService over the real
// PgIdentityStore, its clock a FixedClock the test moves.
#include "api/auth/auth_service.hpp"

#include "api/auth/accounts.hpp"
#include "api/auth/crypto.hpp"
#include "db/audit_log.hpp"
#include "db/identity_store.hpp"
#include "db/migrations.hpp"
#include "tests/support/app_fixture.hpp"

#include <gtest/gtest.h>

namespace heat::auth {
namespace {

using namespace std::chrono_literals;

struct Harness {
  test::TestDatabase database;
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<db::PgIdentityStore> store;
  std::unique_ptr<db::PgAuditLog> audit;
  FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 27)) + 9h};
  std::unique_ptr<AuthService> auth;

  Harness() {
    pool = std::move(db::Pool::open(database.url(), 2).value());
    auto lease = pool->acquire().value();
    (void)db::migrate(*lease, db::embedded_migrations()).value();
    store = std::make_unique<db::PgIdentityStore>(*pool);
    audit = std::make_unique<db::PgAuditLog>(*pool);
    auth = std::make_unique<AuthService>(*store, *audit, clock, AuthSettings{});
    AccountRequest r{"clerk", "Clerk", "dda", "ht", "", test::kTestPassword};
    (void)create_account(*store, r, audit_entry(clock.now(), nullptr, "user.create", "user", "", "success", "t"))
        .value();
  }
  std::string login() {
    return auth->login({"clerk", test::kTestPassword, std::nullopt, "127.0.0.1"}).value().token;
  }
  Result<Caller> call(const std::string& token) {
    api::Request r;
    r.headers["authorization"] = "Bearer " + token;
    return auth->authenticate(r, false);
  }
};

TEST(SessionExpiry, IdleForThirtyMinutesEndsTheSession) {
  Harness h;
  const std::string token = h.login();
  h.clock.advance(29min);
  EXPECT_TRUE(h.call(token));  // activity moves last-seen
  h.clock.advance(29min);
  EXPECT_TRUE(h.call(token));
  h.clock.advance(30min);
  auto expired = h.call(token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::unauthenticated);
}

TEST(SessionExpiry, TwelveHoursIsTheAbsoluteLimitEvenWhenActive) {
  Harness h;
  const std::string token = h.login();
  for (int i = 0; i < 47; ++i) {  // 47 x 15 min = 11 h 45 min, always active
    h.clock.advance(15min);
    ASSERT_TRUE(h.call(token)) << i;
  }
  h.clock.advance(15min);  // 12 h
  EXPECT_FALSE(h.call(token));
}

TEST(SessionExpiry, LastSeenIsWrittenAtMostOncePerMinute) {
  Harness h;
  const std::string token = h.login();
  const std::string before = h.database.query_value("SELECT last_seen_at FROM sessions");
  h.clock.advance(30s);
  ASSERT_TRUE(h.call(token));
  EXPECT_EQ(h.database.query_value("SELECT last_seen_at FROM sessions"), before);
  h.clock.advance(31s);
  ASSERT_TRUE(h.call(token));
  EXPECT_NE(h.database.query_value("SELECT last_seen_at FROM sessions"), before);
}

// Authentication reads the session and its user afresh on every request (one statement,
// nothing cached): a change to either holds on the very next request.
TEST(SessionChecks, RevokedSessionIsRefusedOnTheNextRequest) {
  Harness h;
  const std::string token = h.login();
  const std::string other = h.login();
  ASSERT_TRUE(h.call(token));
  ASSERT_EQ(h.database.query_value("UPDATE sessions SET revoked_at = now() WHERE token_hash = '" +
                                   sha256_hex(token) + "' RETURNING 1"),
            "1");
  auto refused = h.call(token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(h.call(other));  // only that session
  EXPECT_FALSE(h.call("not-a-token"));
}

TEST(SessionChecks, DisabledUsersLiveSessionIsRefusedOnTheNextRequest) {
  Harness h;
  const std::string token = h.login();
  ASSERT_TRUE(h.call(token));
  // Deactivated without revoking the session: the user's own state refuses it.
  ASSERT_EQ(h.database.query_value("UPDATE users SET active = false WHERE username = 'clerk' RETURNING 1"), "1");
  auto refused = h.call(token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(h.database.query_value("SELECT count(*) FROM sessions WHERE revoked_at IS NULL"), "1");
}

TEST(SessionChecks, CallerCarriesTheUsersCurrentRoleAndUnit) {
  Harness h;
  const std::string token = h.login();
  auto before = h.call(token);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->user.username, "clerk");
  EXPECT_EQ(before->user.role, Role::dda);
  EXPECT_EQ(before->user.unit, "ht");
  EXPECT_EQ(before->token_hash, sha256_hex(token));
  ASSERT_EQ(h.database.query_value("UPDATE users SET role = 'supervisor', unit = 'sx' WHERE username = 'clerk'"
                                   " RETURNING 1"),
            "1");
  auto after = h.call(token);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->user.role, Role::supervisor);
  EXPECT_EQ(after->user.unit, "sx");
  EXPECT_EQ(after->user.id, before->user.id);
}

TEST(Lockout, FailuresOutsideTheWindowStartANewCount) {
  Harness h;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(h.auth->login({"clerk", "Wrong-Password-123456", std::nullopt, "a"}));
  h.clock.advance(16min);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(h.auth->login({"clerk", "Wrong-Password-123456", std::nullopt, "a"}));
  EXPECT_TRUE(h.auth->login({"clerk", test::kTestPassword, std::nullopt, "a"}));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(h.auth->login({"clerk", "Wrong-Password-123456", std::nullopt, "a"}));
  auto locked = h.auth->login({"clerk", test::kTestPassword, std::nullopt, "a"});
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::unauthenticated);
}

}  // namespace
}  // namespace heat::auth
