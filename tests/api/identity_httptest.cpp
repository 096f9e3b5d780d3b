// Sign-in, sessions, lockout, TOTP, the route x role matrix, edge hardening and the audit
// chain, through the real binary over HTTP against the throwaway PostgreSQL.
#include "api/auth/crypto.hpp"
#include "engine/access_policy.hpp"
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace heat::test {
namespace {
namespace json = boost::json;

std::string creds(const std::string& user, const std::string& password, const std::string& totp = "") {
  json::object o{{"username", user}, {"password", password}};
  if (!totp.empty()) o["totp"] = totp;
  return json::serialize(o);
}

class IdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    server_ = new ServerProcess(database_->url(), {"--login-rate", "1000"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  static TestDatabase* database_;
  static ServerProcess* server_;
};
TestDatabase* IdentityTest::database_ = nullptr;
ServerProcess* IdentityTest::server_ = nullptr;

TEST_F(IdentityTest, LoginGivesAnOpaqueTokenAndASecureCookie) {
  auto r = http(port(), "POST", "/api/v1/auth/login", creds("dda1", kTestPassword));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body).as_object();
  const std::string token(body.at("token").as_string());
  EXPECT_GE(token.size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(body.at("user").at("role").as_string(), "dda");
  EXPECT_EQ(body.at("user").at("unit").as_string(), "ht");
  EXPECT_TRUE(body.contains("expires_at"));
  const std::string cookie = r.header("set-cookie");
  for (const char* flag : {"Secure", "HttpOnly", "SameSite=Strict", "heat_session="})
    EXPECT_NE(cookie.find(flag), std::string::npos) << cookie;
  // Only the hash is stored.
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM sessions WHERE token_hash = '" + token + "'"), "0");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM sessions WHERE token_hash = '" +
                                   auth::sha256_hex(token) + "'"),
            "1");
  auto me = http(port(), "GET", "/api/v1/auth/me", "", bearer(token));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body).at("user").at("username").as_string(), "dda1");
  EXPECT_EQ(me.header("cache-control"), "no-store");
}

TEST_F(IdentityTest, FailuresDoNotRevealWhetherTheUserExists) {
  auto wrong = http(port(), "POST", "/api/v1/auth/login", creds("advocate1", "Wrong-Password-123456"));
  auto unknown = http(port(), "POST", "/api/v1/auth/login", creds("nobody-here", "Wrong-Password-123456"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::parse(wrong.body).at("detail"), json::parse(unknown.body).at("detail"));
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer("not-a-token")).status, 401);
  EXPECT_EQ(database_->query_value(
                "SELECT count(*) FROM audit_log WHERE action = 'auth.login' AND outcome = 'failed'"
                " AND actor_username = 'nobody-here'"),
            "1");
}

TEST_F(IdentityTest, SixthAttemptIsLockedUntilAnAdminUnlocks) {
  auto [rc, out] = add_user(*database_, "locktest", "dda");
  ASSERT_EQ(rc, 0) << out;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("locktest", "Wrong-Password-123456")).status, 401);
  // The right password on the 6th attempt is refused: the account is locked.
  auto locked = http(port(), "POST", "/api/v1/auth/login", creds("locktest", kTestPassword));
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(database_->query_value("SELECT locked_at IS NOT NULL FROM users WHERE username = 'locktest'"), "t");
  auto [urc, uout] = run_command(heatwatch_binary() + " user unlock --db '" + database_->url() +
                                 "' --username locktest");
  ASSERT_EQ(urc, 0) << uout;
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("locktest", kTestPassword)).status, 200);
}

TEST_F(IdentityTest, LogoutAndDisableRevokeSessions) {
  // Each token is used first, so the server may hold its session in memory: the revocation
  // must still hold on the very next request (the server evicts what it changes itself).
  const std::string token = login(port(), "supervisor1");
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(token)).status, 200);
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/logout", "", bearer(token)).status, 204);
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(token)).status, 401);

  auto [rc, out] = add_user(*database_, "leaving", "dda");
  ASSERT_EQ(rc, 0) << out;
  const std::string t1 = login(port(), "leaving");
  const std::string t2 = login(port(), "leaving");
  const std::string admin = login(port(), "admin1");
  const std::string id = database_->query_value("SELECT id FROM users WHERE username = 'leaving'");
  for (const std::string& t : {t1, t2}) EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(t)).status, 200);
  auto disabled = http(port(), "POST", "/api/v1/users/" + id + "/disable", "", bearer(admin));
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(t1)).status, 401);
  EXPECT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(t2)).status, 401);
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("leaving", kTestPassword)).status, 401);
}

// Another process (here `heatwatch user disable`) changes the account: the database's
// notification reaches the server's session cache, well before that cache's 10 s would run out.
TEST_F(IdentityTest, ADisableFromAnotherProcessReachesTheServer) {
  auto [rc, out] = add_user(*database_, "elsewhere", "dda");
  ASSERT_EQ(rc, 0) << out;
  const std::string token = login(port(), "elsewhere");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http(port(), "GET", "/api/v1/auth/me", "", bearer(token)).status, 200);
  auto [drc, dout] = run_command(heatwatch_binary() + " user disable --db '" + database_->url() +
                                 "' --username elsewhere");
  ASSERT_EQ(drc, 0) << dout;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while ((status = http(port(), "GET", "/api/v1/auth/me", "", bearer(token)).status) == 200 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(status, 401);
}

TEST_F(IdentityTest, TotpIsRequiredOnceEnrolledAndCodesCannotBeReplayed) {
  auto [rc, out] = add_user(*database_, "totpuser", "advocate");
  ASSERT_EQ(rc, 0) << out;
  const std::string token = login(port(), "totpuser");
  auto enrol = http(port(), "POST", "/api/v1/auth/totp", "", bearer(token));
  ASSERT_EQ(enrol.status, 201) << enrol.body;
  auto secret = auth::base32_decode(json::parse(enrol.body).at("secret").as_string()).value();
  EXPECT_NE(std::string(json::parse(enrol.body).at("otpauth_uri").as_string()).find("otpauth://totp/"),
            std::string::npos);
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("totpuser", kTestPassword)).status, 401);
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string code = auth::totp(secret, now).value();
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("totpuser", kTestPassword, "000000x")).status, 401);
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("totpuser", kTestPassword, code)).status, 200);
  EXPECT_EQ(http(port(), "POST", "/api/v1/auth/login", creds("totpuser", kTestPassword, code)).status, 401);
  // The secret is stored sealed with the server's key, never as the base32 the user saw.
  const std::string stored = database_->query_value("SELECT totp_secret FROM users WHERE username = 'totpuser'");
  EXPECT_EQ(stored.rfind("v1:", 0), 0U) << stored;
  EXPECT_EQ(stored.find(std::string(json::parse(enrol.body).at("secret").as_string())), std::string::npos);
}

// Every registered route with every role: the status must be what the access policy's
// declarative table expects for a record-free request. A route missing from the policy's
// route table, or a role that gets through where it should not, fails here.
TEST_F(IdentityTest, RouteByRoleMatrix) {
  std::map<std::string, std::string> tokens;
  for (Role role : kAllRoles) tokens[std::string(to_string(role))] = login(port(), std::string(to_string(role)) + "1");
  int checked = 0;
  for (const RouteSpec& route : route_table()) {
    // Routes not served yet answer 404/405 for everyone; they join the matrix when they exist.
    const std::string path = [&] {
      std::string p(route.path);
      for (auto b = p.find('{'); b != std::string::npos; b = p.find('{'))
        p.replace(b, p.find('}') - b + 1, "00000000-0000-0000-0000-000000000000");
      return p;
    }();
    auto probe = http(port(), std::string(route.method), path);
    if (probe.status == 404 && probe.body.find("no such resource") != std::string::npos) continue;
    if (probe.status == 405) continue;
    for (Role role : kAllRoles) {
      auto expected = expected_outcome(route.action, role, Relation::own_assigned);
      ASSERT_TRUE(expected.has_value());
      const bool is_public = route.action == Action::health_read || route.action == Action::ops_metrics_read ||
                             route.action == Action::auth_login || route.action == Action::calendar_feed_read;
      // Logout and TOTP enrolment change the caller's own account; they have their own tests.
      if (is_public || route.action == Action::auth_logout || route.action == Action::auth_totp_enroll) continue;
      auto r = http(port(), std::string(route.method), path, route.method == "GET" ? "" : "{}",
                    bearer(tokens[std::string(to_string(role))]));
      if (*expected == Outcome::deny_forbidden)
        EXPECT_EQ(r.status, 403) << route.method << " " << route.path << " as " << to_string(role);
      else
        EXPECT_TRUE(r.status != 401 && r.status != 403) << route.method << " " << route.path << " as "
                                                        << to_string(role) << ": " << r.status;
      ++checked;
      // Without a token every protected route is 401.
    }
    // A calendar URL's token is its credential: an unknown token is 404, never 401.
    const bool is_public = route.action == Action::health_read || route.action == Action::ops_metrics_read ||
                           route.action == Action::auth_login || route.action == Action::calendar_feed_read;
    if (!is_public) {
      EXPECT_EQ(http(port(), std::string(route.method), path).status, 401) << route.path;
    }
  }
  EXPECT_GE(checked, 6 * 8);
}

TEST_F(IdentityTest, RefusalsAreAudited) {
  const std::string token = login(port(), "advocate1");
  EXPECT_EQ(http(port(), "GET", "/api/v1/audit", "", bearer(token)).status, 403);
  EXPECT_NE(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'authz.denied'"
                                   " AND actor_username = 'advocate1'"),
            "0");
}

TEST_F(IdentityTest, EdgeHardeningWritesNothing) {
  const std::string admin = login(port(), "admin1");
  const std::string before = database_->query_value("SELECT count(*) FROM users");
  const std::string audit_before = database_->query_value("SELECT count(*) FROM audit_log");
  auto unknown = http(port(), "POST", "/api/v1/users",
                      R"({"username":"x1x","role":"admin","password":"Velvet-Orchid-Lantern-93","is_admin":true})",
                      bearer(admin));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/users", R"({"username":)", bearer(admin)).status, 400);
  auto media = bearer(admin);
  media["Content-Type"] = "text/plain";
  EXPECT_EQ(http(port(), "POST", "/api/v1/users", R"({"username":"abc"})", media).status, 415);
  auto weak = http(port(), "POST", "/api/v1/users",
                   R"({"username":"weakling","role":"dda","password":"password1234"})", bearer(admin));
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.body.find("password"), std::string::npos);
  auto long_name = http(port(), "POST", "/api/v1/users",
                        R"({"username":")" + std::string(300, 'a') + R"(","role":"dda","password":"x"})",
                        bearer(admin));
  EXPECT_EQ(long_name.status, 400);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM users"), before);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log"), audit_before);
  auto created = http(port(), "POST", "/api/v1/users",
                      R"({"username":"newdda","role":"dda","unit":"ht","password":"Velvet-Orchid-Lantern-93"})",
                      bearer(admin));
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find("password"), std::string::npos);
  auto dup = http(port(), "POST", "/api/v1/users",
                  R"({"username":"NEWDDA","role":"dda","password":"Velvet-Orchid-Lantern-93"})", bearer(admin));
  EXPECT_EQ(dup.status, 409);
}

TEST_F(IdentityTest, ListsArePaginated) {
  const std::string admin = login(port(), "admin1");
  auto first = http(port(), "GET", "/api/v1/users?limit=2", "", bearer(admin));
  ASSERT_EQ(first.status, 200);
  auto body = json::parse(first.body).as_object();
  EXPECT_EQ(body.at("items").as_array().size(), 2u);
  ASSERT_TRUE(body.at("next_cursor").is_string());
  auto second = http(port(), "GET", "/api/v1/users?limit=2&cursor=" + std::string(body.at("next_cursor").as_string()),
                     "", bearer(admin));
  auto items2 = json::parse(second.body).at("items").as_array();
  ASSERT_FALSE(items2.empty());
  EXPECT_NE(items2[0].at("username"), body.at("items").as_array()[0].at("username"));
  EXPECT_EQ(http(port(), "GET", "/api/v1/users?limit=501", "", bearer(admin)).status, 400);
  auto audit = http(port(), "GET", "/api/v1/audit?limit=3", "", bearer(admin));
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(json::parse(audit.body).at("items").as_array().size(), 3u);
}

TEST_F(IdentityTest, AuditChainVerifiesAndDetectsAnAlteredRow) {
  const std::string admin = login(port(), "admin1");
  auto ok = http(port(), "GET", "/api/v1/audit/verify", "", bearer(admin));
  ASSERT_EQ(ok.status, 200);
  EXPECT_TRUE(json::parse(ok.body).at("valid").as_bool()) << ok.body;
  // The trigger refuses edits...
  EXPECT_THROW(database_->exec("UPDATE audit_log SET outcome = 'success' WHERE seq = 2"), std::runtime_error);
  EXPECT_THROW(database_->exec("DELETE FROM audit_log WHERE seq = 2"), std::runtime_error);
  // ...and with the trigger disabled, the chain shows where the record was changed.
  const std::string original = database_->query_value("SELECT actor_username FROM audit_log WHERE seq = 3");
  database_->exec(
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
      "UPDATE audit_log SET actor_username = 'someone-else' WHERE seq = 3;"
      "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
  auto broken = http(port(), "GET", "/api/v1/audit/verify", "", bearer(admin));
  ASSERT_EQ(broken.status, 200);
  auto body = json::parse(broken.body);
  EXPECT_FALSE(body.at("valid").as_bool());
  EXPECT_EQ(body.at("broken_at").as_int64(), 3);
  auto [rc, out] = run_command(heatwatch_binary() + " audit verify --db '" + database_->url() + "'");
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("BROKEN at entry 3"), std::string::npos);
  // Restoring the original content makes the chain whole again: the hash covers content.
  database_->exec(
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
      "UPDATE audit_log SET actor_username = '" + original + "' WHERE seq = 3;"
      "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
  EXPECT_TRUE(json::parse(http(port(), "GET", "/api/v1/audit/verify", "", bearer(admin)).body).at("valid").as_bool());
}

TEST(LoginRate, TooManyAttemptsFromOneAddressAre429) {
  TestDatabase database;
  migrate(database);
  // The clock is pinned so all attempts fall in one of the limiter's one-minute windows.
  ServerProcess server(database.url(), {"--login-rate", "3"}, {{"HEATWATCH_NOW", "2026-11-27T12:00:30Z"}});
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = http(server.port(), "POST", "/api/v1/auth/login", creds("x-user", "Wrong-Password-123456"));
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.header("retry-after"), "1");
    }
  }
  EXPECT_EQ(limited, 2);
}

TEST(CliUsers, AddRefusesWeakPasswordsAndListShowsAccounts) {
  TestDatabase database;
  migrate(database);
  auto [rc, out] = add_user(database, "weak", "dda", "ht", "password1234");
  EXPECT_EQ(rc, 2) << out;
  auto [rc2, out2] = add_user(database, "strong", "advocate");
  EXPECT_EQ(rc2, 0) << out2;
  auto [rc3, out3] = run_command(heatwatch_binary() + " user list --db '" + database.url() + "'");
  EXPECT_EQ(rc3, 0);
  EXPECT_NE(out3.find("strong\tadvocate\tht\tactive"), std::string::npos) << out3;
  EXPECT_EQ(out3.find("weak"), std::string::npos);
  EXPECT_EQ(database.query_value("SELECT count(*) FROM audit_log WHERE action = 'user.create'"), "1");
}

}  // namespace
}  // namespace heat::test
