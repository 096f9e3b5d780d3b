// Victims over HTTP against the real binary and PostgreSQL (issue 6): pseudonyms, identity
// fields sealed in the database and shown field by field only to the victim's advocate and
// the linked cases' DDAs (each read audited), key rotation, the Marsy's-law gate on pleas and
// dismissals, advocates' alerts on release and warrants (exactly once each), service-plan
// item transitions, and the notification inbox.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

namespace heat::test {
namespace {
namespace json = boost::json;

// The key every ServerProcess gets by default (tests/support/http_client.cpp).
constexpr const char* kDefaultKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kNewKey = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";

json::object object_of(const std::string& body) {
  json::value v = json::parse(body);
  return v.as_object();
}
std::string str(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

class VictimsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    add_user(*database_, "advocate2", "advocate");
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"});
    for (const char* u : {"dda1", "dda2", "advocate1", "advocate2", "supervisor1", "leadership1", "admin1"})
      tokens_[u] = login(server_->port(), u);
    advocate1_id_ = user_id("advocate1");
    advocate2_id_ = user_id("advocate2");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user) { return bearer(tokens_.at(user)); }
  static std::string user_id(const std::string& username) {
    return database_->query_value("SELECT id::text FROM users WHERE username = '" + username + "'");
  }

  static std::string new_victim(const std::string& user, const std::string& body) {
    auto r = http(port(), "POST", "/api/v1/victims", body, as(user));
    EXPECT_EQ(r.status, 201) << r.body;
    return str(object_of(r.body), "id");
  }

  // An arraigned prosecution of a new case led by dda1.
  static std::string arraigned_prosecution(const std::string& da_number) {
    auto c = http(port(), "POST", "/api/v1/cases",
                  json::serialize(json::object{{"da_number", da_number},
                                               {"title", "People v. Roe"},
                                               {"unit", "ht"},
                                               {"referring_agency", "Oakland PD"},
                                               {"referral_date", "2026-11-01"}}),
                  as("dda1"));
    EXPECT_EQ(c.status, 201) << c.body;
    const std::string case_id = str(object_of(c.body), "id");
    auto p = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions", R"({"person":{"name":"John Roe"}})",
                  as("dda1"));
    EXPECT_EQ(p.status, 201) << p.body;
    const std::string id = str(object_of(p.body), "id");
    auto charge = http(port(), "POST", "/api/v1/prosecutions/" + id + "/charges",
                       R"j({"statute":"PC 236.1(b)","filed_on":"2026-11-20","offense_date":"2026-10-01"})j",
                       as("dda1"));
    EXPECT_EQ(charge.status, 201) << charge.body;
    event(id, R"({"event":"file_complaint","occurred_at":"2026-11-20T09:00:00-08:00"})");
    event(id, R"({"event":"arraign","occurred_at":"2026-11-23T09:00:00-08:00"})");
    return id;
  }

  static HttpResult try_event(const std::string& id, const std::string& body) {
    return http(port(), "POST", "/api/v1/prosecutions/" + id + "/events", body, as("dda1"));
  }
  static void event(const std::string& id, const std::string& body) {
    auto r = try_event(id, body);
    ASSERT_EQ(r.status, 200) << body << " -> " << r.body;
  }
  static void link(const std::string& victim, const std::string& prosecution) {
    auto r = http(port(), "POST", "/api/v1/victims/" + victim + "/links",
                  R"({"prosecution_id":")" + prosecution + R"(","role":"named_victim"})", as("dda1"));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  static std::vector<json::object> notifications(const std::string& user, const std::string& query = "") {
    auto r = http(port(), "GET", "/api/v1/notifications" + query, "", as(user));
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value body = json::parse(r.body);
    std::vector<json::object> out;
    for (const auto& n : body.at("items").as_array()) out.push_back(n.as_object());
    return out;
  }
  static int count_kind(const std::vector<json::object>& items, const std::string& kind, const std::string& subject) {
    int n = 0;
    for (const auto& i : items)
      if (str(i, "kind") == kind && str(i, "subject_id") == subject) ++n;
    return n;
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
  static std::string advocate1_id_, advocate2_id_;
};
TestDatabase* VictimsTest::database_ = nullptr;
ServerProcess* VictimsTest::server_ = nullptr;
std::map<std::string, std::string> VictimsTest::tokens_;
std::string VictimsTest::advocate1_id_, VictimsTest::advocate2_id_;

TEST_F(VictimsTest, PseudonymsAreNumberedPerUnitAndPrefix) {
  auto first = object_of(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"Ana One","gender":"female"})",
                              as("advocate1")).body);
  auto second = object_of(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"Bea Two"})", as("advocate1")).body);
  auto boy = object_of(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"Carl Three","gender":"male"})",
                            as("advocate1")).body);
  const std::string a = str(first, "pseudonym"), b = str(second, "pseudonym"), c = str(boy, "pseudonym");
  EXPECT_EQ(a.rfind("Jane Doe ", 0), 0u) << a;
  EXPECT_EQ(b.rfind("Jane Doe ", 0), 0u) << b;
  EXPECT_EQ(std::stoi(b.substr(9)), std::stoi(a.substr(9)) + 1);
  EXPECT_EQ(c.rfind("John Doe ", 0), 0u) << c;
  EXPECT_FALSE(first.contains("legal_name"));  // the create answer is pseudonymous
  EXPECT_EQ(str(first, "advocate_id"), advocate1_id_);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM victims GROUP BY unit, pseudonym HAVING count(*) > 1"), "");
  // Validation: unknown fields, a bad gender, an advocate who is not one.
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"X","ssn":"1"})", as("advocate1")).status, 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"X","gender":"f"})", as("advocate1")).status, 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims",
                 R"({"legal_name":"X","advocate_id":")" + user_id("dda1") + R"("})", as("dda1"))
                .status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims", R"({"legal_name":"X"})", as("leadership1")).status, 403);
}

TEST_F(VictimsTest, IdentityGoesOnlyToTheAdvocateAndLinkedDdasAndEveryReadIsAudited) {
  const std::string id = new_victim(
      "advocate1",
      R"({"legal_name":"Maria Quintana-Velasquez","dob":"2010-04-02","gender":"female","residence_city":"Oakland",)"
      R"("contact":{"phone":"510-555-0199"},"safety_notes":"trafficker knows the school"})");
  const std::string audits_before = database_->query_value(
      "SELECT count(*) FROM audit_log WHERE action = 'victim.identity_read' AND entity_id = '" + id + "'");
  EXPECT_EQ(audits_before, "0");

  auto own = http(port(), "GET", "/api/v1/victims/" + id, "", as("advocate1"));
  ASSERT_EQ(own.status, 200) << own.body;
  auto o = object_of(own.body);
  EXPECT_EQ(str(o, "legal_name"), "Maria Quintana-Velasquez");
  EXPECT_EQ(str(o, "dob"), "2010-04-02");
  EXPECT_EQ(str(o.at("contact").as_object(), "phone"), "510-555-0199");
  EXPECT_EQ(str(o, "safety_notes"), "trafficker knows the school");
  EXPECT_FALSE(own.header("etag").empty());
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'victim.identity_read' AND entity_id = '" +
                                   id + "' AND actor_username = 'advocate1'"),
            "1");

  // Never the name, for anyone else: leadership (403), another unit's DDA (404), another
  // advocate (404), the unit's unlinked DDA and the supervisor (the pseudonymous record).
  for (const char* user : {"leadership1", "dda2", "advocate2", "dda1", "supervisor1", "admin1"}) {
    auto r = http(port(), "GET", "/api/v1/victims/" + id, "", as(user));
    EXPECT_EQ(r.body.find("Quintana"), std::string::npos) << user;
    EXPECT_EQ(r.body.find("510-555"), std::string::npos) << user;
    EXPECT_EQ(r.body.find("2010-04-02"), std::string::npos) << user;
    EXPECT_EQ(r.body.find("school"), std::string::npos) << user;
  }
  EXPECT_EQ(http(port(), "GET", "/api/v1/victims/" + id, "", as("leadership1")).status, 403);
  EXPECT_EQ(http(port(), "GET", "/api/v1/victims/" + id, "", as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/victims/" + id, "", as("advocate2")).status, 404);
  auto unlinked = http(port(), "GET", "/api/v1/victims/" + id, "", as("dda1"));
  ASSERT_EQ(unlinked.status, 200);
  EXPECT_FALSE(object_of(unlinked.body).contains("legal_name"));
  EXPECT_EQ(str(object_of(unlinked.body), "pseudonym").rfind("Jane Doe ", 0), 0u);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'victim.identity_read' AND entity_id = '" +
                                   id + "'"),
            "1");

  // Linked to dda1's prosecution: dda1 now sees the identity (audited), and minor status is
  // derived from the date of birth and the count's offense date (2026-10-01: 16 years old).
  const std::string p = arraigned_prosecution("HT-2026-810001");
  link(id, p);
  auto linked = http(port(), "GET", "/api/v1/victims/" + id, "", as("dda1"));
  ASSERT_EQ(linked.status, 200);
  auto l = object_of(linked.body);
  EXPECT_EQ(str(l, "legal_name"), "Maria Quintana-Velasquez");
  EXPECT_TRUE(l.at("minor_at_offense").as_bool());
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'victim.identity_read' AND entity_id = '" +
                                   id + "' AND actor_username = 'dda1'"),
            "1");
  // A second link of the same pair is a conflict; another unit's DDA cannot link.
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims/" + id + "/links",
                 R"({"prosecution_id":")" + p + R"(","role":"witness"})", as("dda1"))
                .status,
            409);
  EXPECT_EQ(http(port(), "POST", "/api/v1/victims/" + id + "/links",
                 R"({"prosecution_id":")" + p + R"(","role":"witness"})", as("dda2"))
                .status,
            404);
}

TEST_F(VictimsTest, StoredIdentityIsCiphertextNamingItsKey) {
  const std::string id = new_victim(
      "advocate1", R"({"legal_name":"Zelda Ciphertestname","dob":"2009-01-15","contact":{"email":"zc@example.org"},)"
                   R"("safety_notes":"shelter on Fruitvale"})");
  for (const char* column : {"legal_name_sealed", "dob_sealed", "contact_sealed", "safety_notes_sealed"}) {
    const std::string v =
        database_->query_value(std::string("SELECT ") + column + " FROM victims WHERE id = '" + id + "'");
    EXPECT_EQ(v.rfind("v1:", 0), 0u) << column << ": " << v;
  }
  // No plaintext anywhere in the row, nor in the audit log.
  for (const char* needle : {"Ciphertestname", "2009-01-15", "zc@example.org", "Fruitvale"}) {
    EXPECT_EQ(database_->query_value(std::string("SELECT count(*) FROM victims WHERE victims::text LIKE '%") + needle +
                                     "%'"),
              "0")
        << needle;
    EXPECT_EQ(database_->query_value(std::string("SELECT count(*) FROM audit_log WHERE audit_log::text LIKE '%") +
                                     needle + "%'"),
              "0")
        << needle;
  }
}

TEST_F(VictimsTest, KeyRotationReadsOldValuesAndSealsWithTheNewKey) {
  const std::string old_id = new_victim("advocate1", R"({"legal_name":"Olga Oldkey"})");
  const std::string old_sealed =
      database_->query_value("SELECT legal_name_sealed FROM victims WHERE id = '" + old_id + "'");
  char tmpl[] = "/tmp/heatwatch-keys.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string file = std::string(tmpl) + "/ring";
  {
    std::ofstream out(file);
    out << "# current key first, the retired one after it\n" << kNewKey << "\n" << kDefaultKey << "\n";
  }
  ServerProcess rotated(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_ENCRYPTION_KEY_FILE", file}});
  const std::string token = login(rotated.port(), "advocate1");
  auto r = http(rotated.port(), "GET", "/api/v1/victims/" + old_id, "", bearer(token));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(object_of(r.body), "legal_name"), "Olga Oldkey");
  auto created = http(rotated.port(), "POST", "/api/v1/victims", R"({"legal_name":"Nina Newkey"})", bearer(token));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string new_id = str(object_of(created.body), "id");
  const std::string new_sealed =
      database_->query_value("SELECT legal_name_sealed FROM victims WHERE id = '" + new_id + "'");
  // "v1:<key id>:..." — the new value names another key than the old one.
  EXPECT_NE(new_sealed.substr(0, new_sealed.find(':', 3)), old_sealed.substr(0, old_sealed.find(':', 3)));
  auto again = http(rotated.port(), "GET", "/api/v1/victims/" + new_id, "", bearer(token));
  EXPECT_EQ(str(object_of(again.body), "legal_name"), "Nina Newkey");

  // `heatwatch reseal` re-encrypts what the old key sealed; then the old key can go.
  const std::string reseal = "HEATWATCH_ENCRYPTION_KEY_FILE=" + file + " " + heatwatch_binary() +
                             " reseal --batch 2 --db '" + database_->url() + "'";
  auto [rc, out] = run_command("env -u HEATWATCH_ENCRYPTION_KEY " + reseal);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("re-sealed"), std::string::npos) << out;
  const std::string resealed =
      database_->query_value("SELECT legal_name_sealed FROM victims WHERE id = '" + old_id + "'");
  EXPECT_EQ(resealed.substr(0, resealed.find(':', 3)), new_sealed.substr(0, new_sealed.find(':', 3)));
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM victims WHERE legal_name_sealed LIKE '" +
                                   old_sealed.substr(0, old_sealed.find(':', 3)) + ":%'"),
            "0");
  auto [rc2, out2] = run_command("env -u HEATWATCH_ENCRYPTION_KEY " + reseal);
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("re-sealed 0 values of 0 victims and 0 TOTP secrets"), std::string::npos) << out2;
  EXPECT_NE(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'victim.reseal'"), "0");
  ServerProcess new_key_only(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_ENCRYPTION_KEY", kNewKey}});
  auto read = http(new_key_only.port(), "GET", "/api/v1/victims/" + old_id, "",
                   bearer(login(new_key_only.port(), "advocate1")));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(str(object_of(read.body), "legal_name"), "Olga Oldkey");
  std::remove(file.c_str());
}

TEST_F(VictimsTest, PostsHonourIdempotencyKeys) {
  auto headers = as("advocate1");
  headers["Idempotency-Key"] = "victim-create-1";
  const std::string body = R"({"legal_name":"Ida Once","gender":"female"})";
  auto first = http(port(), "POST", "/api/v1/victims", body, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  auto repeat = http(port(), "POST", "/api/v1/victims", body, headers);
  EXPECT_EQ(repeat.status, 201) << repeat.body;
  EXPECT_EQ(repeat.body, first.body);
  EXPECT_EQ(repeat.header("idempotent-replayed"), "true");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM victims WHERE pseudonym = '" +
                                   str(object_of(first.body), "pseudonym") + "'"),
            "1");
  auto other = http(port(), "POST", "/api/v1/victims", R"({"legal_name":"Someone Else"})", headers);
  EXPECT_EQ(other.status, 422) << other.body;

  // A service-plan item, likewise.
  const std::string id = str(object_of(first.body), "id");
  headers["Idempotency-Key"] = "plan-item-1";
  const std::string item = R"({"domain":"medical","provider":"Highland","goal":"Check-up"})";
  auto a = http(port(), "POST", "/api/v1/victims/" + id + "/service-plan/items", item, headers);
  auto b = http(port(), "POST", "/api/v1/victims/" + id + "/service-plan/items", item, headers);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(b.body, a.body);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM service_plan_items WHERE victim_id = '" + id + "'"), "1");
}

TEST(VictimsServe, RefusesToStartWithoutAKey) {
  auto [rc, out] = run_command("env -u HEATWATCH_ENCRYPTION_KEY -u HEATWATCH_ENCRYPTION_KEY_FILE " +
                               heatwatch_binary() + " serve --db 'host=127.0.0.1 port=1 dbname=none'");
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("HEATWATCH_ENCRYPTION_KEY"), std::string::npos) << out;
}

TEST_F(VictimsTest, MarsysLawGateRefusesThePleaUntilConferralThenAllowsIt) {
  const std::string p = arraigned_prosecution("HT-2026-810002");
  const std::string v1 = new_victim("advocate1", R"({"legal_name":"Gate One"})");
  const std::string v2 = new_victim("advocate2", R"({"legal_name":"Gate Two"})");
  link(v1, p);
  link(v2, p);
  const std::string pseudo2 = str(object_of(http(port(), "GET", "/api/v1/victims/" + v2, "", as("advocate2")).body),
                                  "pseudonym");
  const std::string plea = R"({"event":"plead_guilty","occurred_at":"2026-12-01T09:00:00-08:00"})";
  auto refused = try_event(p, plea);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find(pseudo2), std::string::npos) << refused.body;
  EXPECT_EQ(str(object_of(http(port(), "GET", "/api/v1/prosecutions/" + p, "", as("dda1")).body), "stage"),
            "Arraigned");

  auto rights = [&](const std::string& user, const std::string& body) {
    return http(port(), "POST", "/api/v1/prosecutions/" + p + "/victim-rights", body, as(user));
  };
  // Advocate 1 records notice and conferral for her victim, not for advocate 2's.
  EXPECT_EQ(rights("advocate1", R"({"victim_id":")" + v1 +
                                    R"(","kind":"notice_requested","at":"2026-11-24T10:00:00-08:00"})")
                .status,
            201);
  EXPECT_EQ(rights("advocate1", R"({"victim_id":")" + v1 + R"(","kind":"conferred","at":"2026-11-25T10:00:00-08:00",)"
                                R"("notes":"agrees with the offer"})")
                .status,
            201);
  EXPECT_EQ(rights("advocate1", R"({"victim_id":")" + v2 + R"(","kind":"conferred","at":"2026-11-25T10:00:00-08:00"})")
                .status,
            404);
  auto still = try_event(p, plea);
  EXPECT_EQ(still.status, 422);
  EXPECT_NE(still.body.find(pseudo2), std::string::npos);
  // Waivers: not for a DDA, not without a reason; a supervisor with a reason may.
  const std::string waive = R"({"victim_id":")" + v2 + R"(","kind":"waived","at":"2026-11-26T10:00:00-08:00")";
  EXPECT_EQ(rights("dda1", waive + R"(,"reason":"cannot be located"})").status, 403);
  EXPECT_EQ(rights("supervisor1", waive + "}").status, 400);
  EXPECT_EQ(rights("supervisor1", waive + R"(,"reason":"cannot be located after diligent search"})").status, 201);

  auto list = http(port(), "GET", "/api/v1/prosecutions/" + p + "/victim-rights", "", as("dda1"));
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value listed = json::parse(list.body);
  EXPECT_EQ(listed.at("items").as_array().size(), 3u);
  for (const auto& v : listed.at("victims").as_array()) EXPECT_TRUE(v.at("conferral_done").as_bool());
  EXPECT_EQ(http(port(), "GET", "/api/v1/prosecutions/" + p + "/victim-rights", "", as("dda2")).status, 404);

  auto accepted = try_event(p, plea);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(str(object_of(accepted.body), "stage"), "Convicted");
}

TEST_F(VictimsTest, ProsecutionWithoutVictimsIsNotGated) {
  const std::string p = arraigned_prosecution("HT-2026-810003");
  event(p, R"({"event":"dismiss","occurred_at":"2026-12-01T09:00:00-08:00"})");
}

TEST_F(VictimsTest, ReleaseAndWarrantsAlertEachAdvocateExactlyOnce) {
  const std::string p = arraigned_prosecution("HT-2026-810004");
  // Two victims of advocate 1 and one of advocate 2: one alert per advocate, not per victim.
  link(new_victim("advocate1", R"({"legal_name":"Alert One"})"), p);
  link(new_victim("advocate1", R"({"legal_name":"Alert Two"})"), p);
  link(new_victim("advocate2", R"({"legal_name":"Alert Three"})"), p);
  event(p, R"({"event":"book","occurred_at":"2026-11-24T09:00:00-08:00"})");
  EXPECT_EQ(count_kind(notifications("advocate1"), "custody_released", p), 0);
  event(p, R"({"event":"release","occurred_at":"2026-11-25T09:00:00-08:00"})");
  EXPECT_EQ(count_kind(notifications("advocate1"), "custody_released", p), 1);
  EXPECT_EQ(count_kind(notifications("advocate2"), "custody_released", p), 1);
  EXPECT_EQ(count_kind(notifications("dda1"), "custody_released", p), 0);
  // A second release after a new booking is a second alert.
  event(p, R"({"event":"book","occurred_at":"2026-11-26T09:00:00-08:00"})");
  event(p, R"({"event":"release","occurred_at":"2026-11-27T09:00:00-08:00"})");
  EXPECT_EQ(count_kind(notifications("advocate1"), "custody_released", p), 2);
  event(p, R"({"event":"issue_warrant","occurred_at":"2026-11-30T09:00:00-08:00"})");
  event(p, R"({"event":"clear_warrant","occurred_at":"2026-12-02T09:00:00-08:00","next_appearance":"2026-12-10"})");
  auto mine = notifications("advocate1");
  EXPECT_EQ(count_kind(mine, "warrant_issued", p), 1);
  EXPECT_EQ(count_kind(mine, "warrant_cleared", p), 1);
  EXPECT_EQ(count_kind(notifications("advocate2"), "warrant_cleared", p), 1);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM notifications WHERE subject_id = '" + p + "'"), "8");

  // The inbox: fields, read/unread, only one's own.
  const json::object first = mine.at(0);
  for (const char* f : {"id", "kind", "subject_id", "created_at", "read"}) EXPECT_TRUE(first.contains(f)) << f;
  const std::string nid = str(first, "id");
  EXPECT_FALSE(first.at("read").as_bool());
  EXPECT_EQ(http(port(), "POST", "/api/v1/notifications/" + nid + "/read", "", as("advocate2")).status, 404);
  auto read = http(port(), "POST", "/api/v1/notifications/" + nid + "/read", "", as("advocate1"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(object_of(read.body).at("read").as_bool());
  const auto unread = notifications("advocate1", "?unread=true");
  for (const auto& n : unread) EXPECT_NE(str(n, "id"), nid);
  EXPECT_EQ(unread.size() + 1, notifications("advocate1").size());
  EXPECT_EQ(http(port(), "GET", "/api/v1/notifications?unread=maybe", "", as("advocate1")).status, 400);
  // Pagination.
  auto page = http(port(), "GET", "/api/v1/notifications?limit=2", "", as("advocate1"));
  const json::value page_body = json::parse(page.body);
  EXPECT_EQ(page_body.at("items").as_array().size(), 2u);
  ASSERT_TRUE(page_body.at("next_cursor").is_string());
  auto next = http(port(), "GET",
                   "/api/v1/notifications?limit=2&cursor=" + std::string(page_body.at("next_cursor").as_string()), "",
                   as("advocate1"));
  ASSERT_EQ(next.status, 200) << next.body;
  const json::value next_body = json::parse(next.body);
  EXPECT_EQ(next_body.at("items").as_array().size(), 2u);
  EXPECT_NE(next_body.at("items").as_array().at(0).at("id"), page_body.at("items").as_array().at(0).at("id"));
}

TEST_F(VictimsTest, ServicePlanItemsFollowTheStatusMachine) {
  const std::string v = new_victim("advocate1", R"({"legal_name":"Plan Person"})");
  const std::string base = "/api/v1/victims/" + v + "/service-plan";
  auto created = http(port(), "POST", base + "/items",
                      R"({"domain":"legal_immigration","provider":"East Bay Legal","goal":"T-visa application",)"
                      R"("review_on":"2027-01-15"})",
                      as("advocate1"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto item = object_of(created.body);
  EXPECT_EQ(str(item, "status"), "referred");
  const std::string item_path = base + "/items/" + str(item, "id");
  // referred -> completed skips engagement: 409 with the statuses allowed now.
  auto skip = http(port(), "PATCH", item_path, R"({"status":"completed"})", as("advocate1"));
  ASSERT_EQ(skip.status, 409) << skip.body;
  EXPECT_NE(skip.body.find("engaged"), std::string::npos) << skip.body;
  auto engaged = http(port(), "PATCH", item_path, R"({"status":"engaged"})", as("advocate1"));
  ASSERT_EQ(engaged.status, 200) << engaged.body;
  EXPECT_EQ(str(object_of(engaged.body), "status"), "engaged");
  auto stale_headers = as("advocate1");
  stale_headers["If-Match"] = "\"1\"";
  EXPECT_EQ(http(port(), "PATCH", item_path, R"({"status":"completed"})", stale_headers).status, 412);
  auto fresh_headers = as("advocate1");
  fresh_headers["If-Match"] = engaged.header("etag");
  auto done = http(port(), "PATCH", item_path, R"({"status":"completed"})", fresh_headers);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(http(port(), "PATCH", item_path, R"({"status":"declined"})", as("advocate1")).status, 409);
  EXPECT_EQ(http(port(), "POST", base + "/items", R"({"domain":"astrology","provider":"x","goal":"y"})",
                 as("advocate1"))
                .status,
            400);
  // The plan: the advocate and the supervisor read it; DDAs and other advocates do not.
  auto plan = http(port(), "GET", base, "", as("advocate1"));
  ASSERT_EQ(plan.status, 200);
  EXPECT_EQ(json::parse(plan.body).at("items").as_array().size(), 1u);
  EXPECT_EQ(http(port(), "GET", base, "", as("supervisor1")).status, 200);
  EXPECT_EQ(http(port(), "GET", base, "", as("dda1")).status, 403);
  EXPECT_EQ(http(port(), "GET", base, "", as("advocate2")).status, 404);
  EXPECT_EQ(http(port(), "PATCH", item_path, R"({"status":"engaged"})", as("supervisor1")).status, 403);
}

TEST_F(VictimsTest, AgendaShowsEachPartnerOnlyItsMouScope) {
  auto agency = [&](const std::string& body) {
    auto r = http(port(), "POST", "/api/v1/agencies", body, as("admin1"));
    EXPECT_EQ(r.status, 201) << r.body;
    return str(object_of(r.body), "id");
  };
  const std::string probation = agency(R"({"name":"County Probation","mou_scope":["pseudonym","court_dates"]})");
  const std::string health = agency(
      R"({"name":"Children's Hospital","mou_scope":["pseudonym","service_items","keys","risk_level","next_steps"]})");
  const std::string outsider = agency(R"({"name":"Uninvited Agency","mou_scope":["pseudonym","keys"]})");
  EXPECT_EQ(http(port(), "POST", "/api/v1/agencies", R"({"name":"Leaky","mou_scope":["legal_name"]})", as("admin1"))
                .status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/agencies", R"({"name":"county probation","mou_scope":[]})", as("admin1"))
                .status,
            409);
  EXPECT_EQ(http(port(), "POST", "/api/v1/agencies", R"({"name":"X","mou_scope":[]})", as("advocate1")).status, 403);
  ASSERT_EQ(add_user(*database_, "probation1", "mdt_partner", "", kTestPassword, probation).first, 0);
  ASSERT_EQ(add_user(*database_, "health1", "mdt_partner", "", kTestPassword, health).first, 0);
  ASSERT_EQ(add_user(*database_, "outsider1", "mdt_partner", "", kTestPassword, outsider).first, 0);

  auto meeting = http(port(), "POST", "/api/v1/mdt/meetings",
                      R"({"date":"2026-12-03","agency_ids":[")" + probation + R"(",")" + health + R"("]})",
                      as("advocate1"));
  ASSERT_EQ(meeting.status, 201) << meeting.body;
  EXPECT_EQ(http(port(), "POST", "/api/v1/mdt/meetings", R"({"date":"2026-12-10","agency_ids":["00000000-0000-0000-0000-000000000000"]})",
                 as("advocate1"))
                .status,
            400);

  const std::string v = new_victim("advocate1", R"({"legal_name":"Agenda Youth","dob":"2011-05-05"})");
  const std::string p = arraigned_prosecution("HT-2026-810005");
  link(v, p);
  event(p, R"({"event":"set_trial_date","occurred_at":"2026-11-24T09:00:00-08:00","trial_date":"2027-01-11"})");
  ASSERT_EQ(http(port(), "POST", "/api/v1/victims/" + v + "/service-plan/items",
                 R"({"domain":"mental_health","provider":"Trauma clinic","goal":"weekly therapy","status":"engaged"})",
                 as("advocate1"))
                .status,
            201);
  auto review = http(port(), "POST", "/api/v1/mdt/reviews",
                     R"({"victim_id":")" + v + R"(","meeting_date":"2026-12-03","agencies_present":["County Probation"],)"
                     R"("whereabouts_known":true,"safe_and_stable":false,"receiving_services":true,)"
                     R"("point_of_contact":"advocate","risk_level":"high",)"
                     R"("next_steps":[{"action":"emergency placement","owner":"CFS"}],"next_review_on":"2026-12-10"})",
                     as("advocate1"));
  ASSERT_EQ(review.status, 201) << review.body;
  EXPECT_EQ(http(port(), "POST", "/api/v1/mdt/reviews",
                 R"({"victim_id":")" + v + R"(","meeting_date":"2026-12-03","agencies_present":[],)"
                 R"("whereabouts_known":true,"safe_and_stable":true,"receiving_services":true,)"
                 R"("point_of_contact":"x","risk_level":"extreme"})",
                 as("advocate1"))
                .status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/mdt/reviews",
                 R"({"victim_id":")" + v + R"(","meeting_date":"2026-12-03","agencies_present":[],)"
                 R"("whereabouts_known":true,"safe_and_stable":true,"receiving_services":true,)"
                 R"("point_of_contact":"x","risk_level":"low"})",
                 as("advocate2"))
                .status,
            404);

  auto agenda_of = [&](const std::string& token) {
    auto r = http(port(), "GET", "/api/v1/mdt/agenda?date=2026-12-03", "", bearer(token));
    return r;
  };
  auto find_item = [&](const HttpResult& r) -> json::object {
    const json::value body = json::parse(r.body);
    for (const auto& i : body.at("items").as_array())
      if (!i.as_object().contains("pseudonym") ||
          str(i.as_object(), "pseudonym") ==
              str(object_of(http(port(), "GET", "/api/v1/victims/" + v, "", as("advocate1")).body), "pseudonym"))
        return i.as_object();
    return {};
  };
  auto probation_view = agenda_of(login(port(), "probation1"));
  ASSERT_EQ(probation_view.status, 200) << probation_view.body;
  auto pi = find_item(probation_view);
  ASSERT_TRUE(pi.contains("pseudonym")) << probation_view.body;
  EXPECT_EQ(pi.at("court_dates").as_array().at(0).as_string(), "2027-01-11");
  for (const char* hidden : {"service_items", "keys", "risk_level", "next_steps", "victim_id"})
    EXPECT_FALSE(pi.contains(hidden)) << hidden;
  EXPECT_EQ(probation_view.body.find("Trauma clinic"), std::string::npos);
  EXPECT_EQ(probation_view.body.find("Agenda Youth"), std::string::npos);

  auto health_view = agenda_of(login(port(), "health1"));
  ASSERT_EQ(health_view.status, 200) << health_view.body;
  auto hi = find_item(health_view);
  EXPECT_FALSE(hi.contains("court_dates"));
  ASSERT_TRUE(hi.contains("service_items")) << health_view.body;
  EXPECT_EQ(str(hi.at("service_items").as_array().at(0).as_object(), "provider"), "Trauma clinic");
  EXPECT_FALSE(hi.at("keys").as_object().at("safe_and_stable").as_bool());
  EXPECT_EQ(str(hi, "risk_level"), "high");

  EXPECT_EQ(agenda_of(login(port(), "outsider1")).status, 404);
  auto own = agenda_of(tokens_.at("advocate1"));
  ASSERT_EQ(own.status, 200);
  auto oi = find_item(own);
  for (const char* field : {"victim_id", "pseudonym", "court_dates", "service_items", "keys", "risk_level", "next_steps"})
    EXPECT_TRUE(oi.contains(field)) << field;
  EXPECT_EQ(own.body.find("Agenda Youth"), std::string::npos);  // never the legal name
  // The follow-up date puts the youth on the next week's agenda.
  ASSERT_EQ(http(port(), "POST", "/api/v1/mdt/meetings", R"({"date":"2026-12-10","agency_ids":[]})", as("advocate1"))
                .status,
            201);
  auto next_week = http(port(), "GET", "/api/v1/mdt/agenda?date=2026-12-10", "", as("supervisor1"));
  ASSERT_EQ(next_week.status, 200) << next_week.body;
  EXPECT_EQ(json::parse(next_week.body).at("items").as_array().size(), 1u);
  EXPECT_EQ(http(port(), "GET", "/api/v1/mdt/agenda?date=2026-12-17", "", as("advocate1")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/mdt/agenda?date=2026-12-03", "", as("dda1")).status, 403);
}

TEST_F(VictimsTest, ProtectiveOrdersProtectLinkedVictims) {
  const std::string p = arraigned_prosecution("HT-2026-810006");
  const std::string v = new_victim("advocate1", R"({"legal_name":"Protected Person"})");
  const std::string stranger = new_victim("advocate1", R"({"legal_name":"Not On Case"})");
  link(v, p);
  const std::string path = "/api/v1/prosecutions/" + p + "/protective-orders";
  auto body = [](const std::string& victim) {
    return R"({"protected_victim_ids":[")" + victim +
           R"("],"issued_on":"2026-11-24","expires_on":"2029-11-24","terms":"no contact; stay 100 yards away"})";
  };
  auto created = http(port(), "POST", path, body(v), as("dda1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(str(object_of(created.body), "expires_on"), "2029-11-24");
  EXPECT_EQ(http(port(), "POST", path, body(stranger), as("dda1")).status, 400);
  EXPECT_EQ(http(port(), "POST", path, body(v), as("advocate1")).status, 403);
  EXPECT_EQ(http(port(), "POST", path, body(v), as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "POST", path,
                 R"({"protected_victim_ids":[")" + v + R"("],"issued_on":"2026-11-24","expires_on":"2025-01-01","terms":"x"})",
                 as("dda1"))
                .status,
            400);

  // Two processes sweeping with the clock 9 days before expiry: the 14-day alert reaches the
  // advocate exactly once; the 1-day alert is not due yet.
  const std::string order = str(object_of(created.body), "id");
  {
    std::map<std::string, std::string> env{{"HEATWATCH_NOW", "2029-11-15T16:00:00Z"}};
    ServerProcess a(database_->url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    ServerProcess b(database_->url(), {"--jobs", "on", "--sweep-interval-ms", "100"}, env);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
  }
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM notifications WHERE kind = 'protective_order_expiring'"
                                   " AND subject_id = '" + order + "' AND user_id = '" + advocate1_id_ + "'"),
            "1");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM notifications WHERE kind = 'protective_order_expiring'"
                                   " AND subject_id = '" + order + "'"),
            "1");
}

// Issue 8's redaction check finds the linked victims' sealed identity values (opened inside
// the server): a disclosure whose metadata names the victim or her phone is refused.
TEST_F(VictimsTest, DiscoveryRedactionCheckFindsLinkedVictimsIdentity) {
  const std::string p = arraigned_prosecution("HT-2026-810007");
  const std::string case_id = str(object_of(http(port(), "GET", "/api/v1/prosecutions/" + p, "", as("dda1")).body),
                                  "case_id");
  link(new_victim("advocate1", R"({"legal_name":"Rosalind Redactme","contact":{"phone":"(510) 555-0142"}})"), p);
  auto item = http(port(), "POST", "/api/v1/cases/" + case_id + "/evidence",
                   R"({"label":"Ad 7","kind":"online_ad","description":"Ad naming Rosalind Redactme, call 510.555.0142",)"
                   R"("collected_by":"Det. Ruiz","collected_at":"2026-11-02T10:00:00-08:00"})",
                   as("dda1"));
  ASSERT_EQ(item.status, 201) << item.body;
  const std::string item_id = str(object_of(item.body), "id");
  auto refused = http(port(), "POST", "/api/v1/evidence/" + item_id + "/disclosures",
                      R"({"to":"Pat Defender, Esq.","at":"2026-12-01T10:00:00-08:00","method":"secure portal"})",
                      as("dda1"));
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("legal_name"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("phone"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find("Redactme"), std::string::npos);
}

}  // namespace
}  // namespace heat::test
